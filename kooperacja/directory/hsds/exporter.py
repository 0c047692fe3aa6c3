"""`export_hsds DIR`: the whole directory as an HSDS 3.0 package.

DIR/datapackage.json (the official table schemas), one CSV per table with the official
columns, and DIR/json/services.json and DIR/json/organizations.json (arrays of compiled
objects). Everything streams: rows are read in chunks of CHUNK with what they nest
prefetched, written as they come, so memory and queries per row stay flat however large the
directory is.

The CSV files are data for other systems, not spreadsheets: comma-separated UTF-8 as
frictionless data packages are, and cells are written as they are (a phone number starts
with "+"); neutralising formulas would change the data.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any, TypeVar

from django.db.models import Model, QuerySet

from kooperacja.directory.hsds import serialise
from kooperacja.directory.hsds.tables import (
    JSON_FOLDER,
    ORGANIZATIONS_JSON,
    SERVICES_JSON,
    official_datapackage,
    tables,
)
from kooperacja.directory.models import (
    Accessibility,
    Address,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

CHUNK = 500

M = TypeVar("M", bound=Model)


def chunks(queryset: QuerySet[M], size: int = CHUNK) -> Iterator[list[M]]:
    """The queryset in primary-key order, `size` rows at a time (keyset paging: each chunk is
    one query plus its prefetches, never an OFFSET that grows)."""
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        rows = list(page[:size])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def text(value: Any) -> str:
    """A value as a CSV cell: empty for none, numbers without a needless ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        written = repr(value)
        return written[:-2] if written.endswith(".0") else written
    return str(value)


def json_default(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON")


class TableWriter:
    """One CSV per HSDS table, each with the official header, open for the whole export."""

    def __init__(self, directory: Path, stack: ExitStack) -> None:
        self.writers: dict[str, Any] = {}
        self.counts: Counter[str] = Counter()
        for name, spec in tables().items():
            handle = stack.enter_context((directory / spec.path).open("w", encoding="utf-8", newline=""))
            writer = csv.writer(handle)
            writer.writerow(spec.columns)
            self.writers[name] = (writer, spec.columns)

    def write(self, table: str, rows: Iterable[serialise.Row | None]) -> None:
        writer, columns = self.writers[table]
        for row in rows:
            if row is None:
                continue
            unknown = set(row) - set(columns)
            if unknown:  # a programming error: the serialiser must use the official names
                raise ValueError(f"{table}: not HSDS columns: {sorted(unknown)}")
            writer.writerow([text(row.get(column)) for column in columns])
            self.counts[table] += 1


class JsonArray:
    """A JSON array written one element at a time."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.count = 0
        handle.write("[")

    def add(self, item: serialise.Row) -> None:
        self.handle.write(",\n" if self.count else "\n")
        self.handle.write(json.dumps(item, ensure_ascii=False, default=json_default))
        self.count += 1

    def close(self) -> None:
        self.handle.write("\n]\n" if self.count else "]\n")


def datapackage() -> dict[str, Any]:
    """The official datapackage.json, named as ours."""
    package = dict(official_datapackage())
    package["name"] = "kooperacja-directory"
    package["title"] = "Kooperacja: informator usług (HSDS 3.0)"
    return package


# The tables written straight from their model, with the related rows their ids come from.
PLAIN_TABLES: list[tuple[str, Callable[[], QuerySet[Any]], Callable[[Any], serialise.Row]]] = [
    ("taxonomy", lambda: Taxonomy.objects.all(), serialise.taxonomy_row),
    (
        "taxonomy_term",
        lambda: TaxonomyTerm.objects.select_related("taxonomy", "parent"),
        serialise.taxonomy_term_row,
    ),
    ("location", lambda: Location.objects.select_related("institution"), serialise.location_row),
    ("address", lambda: Address.objects.select_related("location"), serialise.address_row),
    ("accessibility", lambda: Accessibility.objects.select_related("location"), serialise.accessibility_row),
    (
        "service_at_location",
        lambda: ServiceAtLocation.objects.select_related("service", "location"),
        serialise.service_at_location_row,
    ),
    (
        "contact",
        lambda: Contact.objects.select_related("institution", "service", "service_at_location", "location"),
        serialise.contact_row,
    ),
    (
        "phone",
        lambda: Phone.objects.select_related("service", "location", "institution", "contact", "service_at_location"),
        serialise.phone_row,
    ),
    (
        "schedule",
        lambda: Schedule.objects.select_related("service", "location", "service_at_location"),
        serialise.schedule_row,
    ),
    (
        "service_area",
        lambda: ServiceArea.objects.select_related("service", "municipality", "county", "voivodeship"),
        serialise.service_area_row,
    ),
    ("required_document", lambda: RequiredDocument.objects.select_related("service"), serialise.required_document_row),
    ("cost_option", lambda: CostOption.objects.select_related("service"), serialise.cost_option_row),
    ("language", lambda: Language.objects.select_related("service", "location", "phone"), serialise.language_row),
    ("funding", lambda: Funding.objects.select_related("institution", "service"), serialise.funding_row),
]


def export_package(directory: Path) -> Counter[str]:
    """Write the package into `directory` (created if missing); returns the rows per table."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / JSON_FOLDER).mkdir(exist_ok=True)
    (directory / "datapackage.json").write_text(
        json.dumps(datapackage(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    compiler = serialise.Compiler()
    field_terms = compiler.field_terms
    with ExitStack() as stack:
        tables_out = TableWriter(directory, stack)
        for table, queryset, row in PLAIN_TABLES:
            for chunk in chunks(queryset()):
                tables_out.write(table, (row(item) for item in chunk))

        services_out = JsonArray(
            stack.enter_context((directory / JSON_FOLDER / SERVICES_JSON).open("w", encoding="utf-8"))
        )
        for chunk in chunks(serialise.services_for_hsds()):
            for service in chunk:
                services_out.add(compiler.service(service))
                tables_out.write("service", [serialise.service_row(service)])
                tables_out.write(
                    "attribute", (serialise.attribute_row(item) for item in serialise.nested(service, "attributes"))
                )
                tables_out.write("attribute", field_terms.service_rows(service))
        services_out.close()

        organizations_out = JsonArray(
            stack.enter_context((directory / JSON_FOLDER / ORGANIZATIONS_JSON).open("w", encoding="utf-8"))
        )
        for chunk in chunks(serialise.institutions_for_hsds()):
            services_of = serialise.service_stand_ins(Service.objects.filter(institution__in=chunk).order_by("pk"))
            for compiled in compiler.organizations(chunk, services_of):
                organizations_out.add(compiled)
            for institution in chunk:
                tables_out.write("organization", [serialise.organization_row(institution)])
                tables_out.write("organization_identifier", serialise.organization_identifier_rows(institution))
                tables_out.write("phone", [serialise.organization_phone_row(institution)])
                tables_out.write("attribute", field_terms.organization_rows(institution))
        organizations_out.close()

        # A location's gmina, after the locations themselves.
        for chunk in chunks(Location.objects.select_related("municipality").filter(municipality__isnull=False)):
            for location in chunk:
                tables_out.write("attribute", field_terms.location_rows(location))
        counts = tables_out.counts
    counts["services.json"] = services_out.count
    counts["organizations.json"] = organizations_out.count
    return counts
