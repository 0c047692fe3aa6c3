"""`import_hsds DIR`: an HSDS 3.0 package (CSV datapackage or JSON) into the directory.

Strict by default: every row is checked first (`validation`), and any problem refuses the
whole import — nothing changes — with a report by file, row and field. `lenient` clears
invalid or dangling optional values and skips rows that cannot be kept, reporting each, and
imports the rest. All writing is one transaction.

The import is an upsert by HSDS id (our `public_id`): a row whose id the directory holds
updates that object, any other row creates one. A service, location or organization that the
package holds in full is replaced by what the package says: its attributes, phones,
contacts, schedules, areas, documents, costs, languages, funding and service-at-locations
that the package no longer lists are deleted. Taxonomies and terms are also matched by
their stable code, so a package of another deployment meets the shipped taxonomies.

Services whose data changed get a new version, a `ServiceChange(action="imported")` and a
fresh search index (`services.refresh_index`); a service the package leaves as it was is
not touched.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DatabaseError, models, transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.text import slugify

from kooperacja.core.audit import record as audit
from kooperacja.core.models import AuditAction
from kooperacja.directory.hsds import serialise
from kooperacja.directory.hsds.mapping import KEPT, MODELS, model_field
from kooperacja.directory.hsds.reader import Package, Problem, read_package
from kooperacja.directory.hsds.serialise import BOOLEAN_FIELDS, GMINA, NUMBER_FIELDS, RESIDENCE
from kooperacja.directory.hsds.tables import TAXONOMY_URN, TERYT_URN, synthetic_id, tables
from kooperacja.directory.hsds.validation import (
    Checker,
    Record,
    Resolved,
    apply_organization,
    identifier_kind,
    new_institution,
)
from kooperacja.directory.hsds.values import TRUE
from kooperacja.directory.models import (
    FIELDS,
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
    ServiceAttribute,
    ServiceChange,
    Taxonomy,
    TaxonomyTerm,
)
from kooperacja.directory.services import refresh_index
from kooperacja.institutions.models import Institution
from kooperacja.territory.models import County, Municipality, Voivodeship

# Terms whose taxonomy the package does not name go here.
IMPORTED_TAXONOMY = "hsds-imported"
CHUNK = 500


@dataclass
class ImportReport:
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    refused: bool = False
    written: bool = False
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    deleted: Counter[str] = field(default_factory=Counter)
    services_changed: int = 0

    def lines(self) -> list[str]:
        """The report as the command prints it: each problem with file, row and field."""
        lines = [problem.line() for problem in sorted(self.problems, key=lambda p: (p.file, p.row or 0))]
        lines += [f"note: {note}" for note in self.notes]
        if self.refused:
            lines.append(f"Import refused: {len(self.problems)} problem(s); nothing was changed.")
            return lines
        for label, counts in (("created", self.created), ("updated", self.updated), ("deleted", self.deleted)):
            done = ", ".join(f"{table} {count}" for table, count in sorted(counts.items()) if count)
            if done:
                lines.append(f"{label}: {done}")
        if self.written:
            lines.append(f"Imported; {self.services_changed} service(s) changed.")
        else:
            lines.append("Checked; nothing was written (dry run).")
        return lines


def territory_unit(code: str) -> Municipality | County | Voivodeship:
    """The TERYT unit of a 2-, 4- or 7-digit code; LookupError if there is none."""
    unit: Municipality | County | Voivodeship | None = None
    if code.isascii() and code.isdigit():
        if len(code) == 2:
            unit = Voivodeship.objects.filter(code=code).first()
        elif len(code) == 4:
            unit = County.objects.filter(code=code).first()
        elif len(code) == 7:
            unit = Municipality.objects.filter(code=code).first()
    if unit is None:
        raise LookupError(code)
    return unit


def import_package(
    directory: Path,
    *,
    lenient: bool = False,
    territory: Municipality | County | Voivodeship | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Check the package in `directory` and, unless a strict check found problems, write it."""
    package: Package = read_package(directory)
    checker = Checker(package, lenient=lenient, territory=territory)
    resolved = checker.run()
    report = ImportReport(problems=checker.problems, notes=checker.notes)
    if checker.problems and not lenient:
        report.refused = True
        return report
    try:
        with transaction.atomic():
            writer = Writer(resolved)
            writer.write()
            report.created, report.updated, report.deleted = writer.created, writer.updated, writer.deleted
            report.services_changed = writer.services_changed
            report.notes.extend(writer.notes)
            if dry_run:
                transaction.set_rollback(True)
    except DatabaseError as error:
        # The checks are meant to catch everything first; should the database still refuse, the
        # transaction is undone and the report says so.
        report.problems.append(Problem("(database)", None, None, f"the data could not be saved: {error}", "file"))
        report.refused = True
        report.created, report.updated, report.deleted = Counter(), Counter(), Counter()
        return report
    report.written = not dry_run
    return report


def _chunked(values: Iterable[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    ordered = list(values)
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def _values(model: type[models.Model], lookup: str, values: Iterable[Any], field: str = "pk") -> list[Any]:
    """One field of the rows matching `lookup` in `values`, for lists of any length (chunked)."""
    found: list[Any] = []
    for chunk in _chunked(set(values)):
        found.extend(model._default_manager.filter(**{lookup: chunk}).values_list(field, flat=True))
    return found


class Writer:
    """Writes checked records, table by table in the order their references need."""

    def __init__(self, resolved: Resolved) -> None:
        self.resolved = resolved
        self.objects: dict[str, dict[str, Any]] = defaultdict(dict)
        self.created: Counter[str] = Counter()
        self.updated: Counter[str] = Counter()
        self.deleted: Counter[str] = Counter()
        self.notes: list[str] = []
        self.services_changed = 0
        self.new_services: set[int] = set()
        self.now = timezone.now()

    # --- Helpers --------------------------------------------------------------------------------

    def live(self, table: str) -> list[Record]:
        return [record for record in self.resolved.records.get(table, []) if not record.skipped and record.id]

    def full(self, table: str) -> list[Record]:
        """Records the package holds in full (not a one-to-one stand-in): their children are replaced."""
        return [record for record in self.live(table) if not record.partial]

    def ref(self, table: str, public_id: str | None) -> Any:
        if not public_id:
            return None
        found = self.objects[table].get(public_id)
        if found is None:
            found = MODELS[table]._default_manager.filter(public_id=public_id).first()
            if found is not None:
                self.objects[table][public_id] = found
        return found

    def preload(self, table: str, ids: Iterable[str | None]) -> None:
        """Fetch, in a few queries, the objects of `table` the next rows refer to."""
        wanted = {value for value in ids if value and value not in self.objects[table]}
        for chunk in _chunked(wanted):
            found: Iterable[Any] = MODELS[table]._default_manager.filter(public_id__in=chunk)
            for obj in found:
                self.objects[table][str(obj.public_id)] = obj

    def upsert(self, table: str, build: Callable[[Record, Any], None], records: Sequence[Record] | None = None) -> None:
        """Create or update one object per record (bulk), remembering each by its HSDS id."""
        model = MODELS[table]
        records = self.live(table) if records is None else records
        existing: dict[str, Any] = {}
        for chunk in _chunked([record.id for record in records]):
            found: Iterable[Any] = model._default_manager.filter(public_id__in=chunk)
            existing.update((str(obj.public_id), obj) for obj in found)
        attnames = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
        created, changed, changed_fields = [], [], set()
        for record in records:
            if record.id is None:
                continue
            obj = existing.get(record.id)
            if obj is None:
                obj = model(public_id=uuid.UUID(record.id))
                build(record, obj)
                created.append(obj)
            else:
                before = {name: getattr(obj, name) for name in attnames}
                build(record, obj)
                diff = {name for name in attnames if getattr(obj, name) != before[name]}
                if diff:
                    changed.append(obj)
                    changed_fields |= diff
            self.objects[table][record.key] = obj
        model._default_manager.bulk_create(created, batch_size=CHUNK)
        if changed:
            model._default_manager.bulk_update(changed, sorted(changed_fields), batch_size=CHUNK)
        self.created[table] += len(created)
        if table == "service":
            self.new_services.update(obj.pk for obj in created)
        self.updated[table] += len(changed)

    @staticmethod
    def copy(table: str, record: Record, obj: Any) -> None:
        """The record's kept fields onto the object. An empty value empties the field, except a
        field HSDS requires, absent only from a one-to-one stand-in: that one keeps its value."""
        spec = tables()[table]
        for name in KEPT[table]:
            target = model_field(table, name)
            if target is None:
                continue
            value = record.values.get(name)
            if value is None:
                required = spec.field(name)
                if required is not None and required.required:
                    continue
                value = None if target.null else ""
            setattr(obj, target.attname, value)

    def delete_stale(self, model: type[models.Model], table: str, owners: Q) -> None:
        """Delete what the owners (held in full by the package) have and the package no longer lists."""
        keep = {record.id for record in self.resolved.records.get(table, []) if record.id and not record.skipped}
        stale = [
            pk
            for pk, public_id in model._default_manager.filter(owners).values_list("pk", "public_id")
            if str(public_id) not in keep
        ]
        for chunk in _chunked(stale):
            model._default_manager.filter(pk__in=chunk).delete()
        self.deleted[table] += len(stale)

    # --- The tables, in order -------------------------------------------------------------------

    def write(self) -> None:
        before = self.snapshots(self.affected_services())
        self.write_taxonomies()
        self.write_terms()
        self.write_organizations()
        self.write_locations()
        self.write_services()
        self.delete_replaced_children()
        self.write_children()
        self.write_attributes()
        self.record_changes(before)

    def write_taxonomies(self) -> None:
        records = self.live("taxonomy")
        by_id = {str(t.public_id): t for t in Taxonomy.objects.filter(public_id__in=[r.id for r in records])}
        codes = {self.urn_code(r) for r in records} - {None}
        by_code = {t.code: t for t in Taxonomy.objects.filter(code__in=codes)}
        by_name = {t.name: t for t in Taxonomy.objects.filter(name__in=[r.values.get("name") for r in records])}
        taken = set(Taxonomy.objects.values_list("code", flat=True))
        for record in records:
            if record.id is None:
                continue
            code = self.urn_code(record)
            name = record.values.get("name") or ""
            taxonomy = by_id.get(record.id) or by_code.get(code or "") or by_name.get(name)
            is_new = taxonomy is None
            if taxonomy is None:
                taxonomy = Taxonomy(public_id=uuid.UUID(record.id), code=self.free_code(code or slugify(name), taken))
            before = (taxonomy.name, taxonomy.description, taxonomy.uri, taxonomy.version)
            description = record.values.get("description") or ""
            taxonomy.name = name
            taxonomy.description = "" if description == name else description
            taxonomy.uri = "" if code else (record.values.get("uri") or "")
            taxonomy.version = record.values.get("version") or ""
            if is_new or before != (taxonomy.name, taxonomy.description, taxonomy.uri, taxonomy.version):
                taxonomy.save()
                (self.created if is_new else self.updated)["taxonomy"] += 1
            self.objects["taxonomy"][record.key] = taxonomy

    @staticmethod
    def urn_code(record: Record) -> str | None:
        uri = record.values.get("uri")
        return uri.removeprefix(TAXONOMY_URN) if isinstance(uri, str) and uri.startswith(TAXONOMY_URN) else None

    @staticmethod
    def free_code(wanted: str, taken: set[str]) -> str:
        base = (wanted or "taxonomy")[:70]
        code, number = base, 1
        while code in taken:
            number += 1
            code = f"{base}-{number}"
        taken.add(code)
        return code

    def taxonomy_of(self, record: Record, named: dict[str, Taxonomy]) -> Taxonomy:
        taxonomy = self.ref("taxonomy", record.values.get("taxonomy_id"))
        if taxonomy is None and record.values.get("taxonomy"):
            taxonomy = named.get(record.values["taxonomy"])
        if taxonomy is None:
            taxonomy, _created = Taxonomy.objects.get_or_create(
                code=IMPORTED_TAXONOMY,
                defaults={
                    "public_id": uuid.UUID(synthetic_id("taxonomy", IMPORTED_TAXONOMY)),
                    "name": "Terminy z importu HSDS",
                    "description": "Terminy bez własnej taksonomii, przyjęte z pliku HSDS.",
                },
            )
        return taxonomy

    def write_terms(self) -> None:
        records = self.live("taxonomy_term")
        if not records:
            return
        named = {t.name: t for t in self.objects["taxonomy"].values()}
        named.update(
            (t.name, t)
            for t in Taxonomy.objects.filter(name__in=[r.values.get("taxonomy") for r in records]).exclude(
                name__in=named
            )
        )
        self.preload("taxonomy", [record.values.get("taxonomy_id") for record in records])
        by_id = {str(t.public_id): t for t in TaxonomyTerm.objects.filter(public_id__in=[r.id for r in records])}
        places: dict[str, tuple[Taxonomy, str]] = {}
        for record in records:
            places[record.key] = (self.taxonomy_of(record, named), str(record.values.get("code") or record.key))
        by_code = {
            (term.taxonomy_id, term.code): term
            for term in TaxonomyTerm.objects.filter(
                taxonomy__in={taxonomy.pk for taxonomy, _code in places.values()},
                code__in={code for _taxonomy, code in places.values()},
            )
        }
        adopted: set[int] = set()
        last = TaxonomyTerm.objects.aggregate(last=Max("position"))["last"] or 0
        for record in records:
            if record.id is None:
                continue
            taxonomy, code = places[record.key]
            term = by_id.get(record.id)
            if term is None:
                candidate = by_code.get((taxonomy.pk, code))
                term = candidate if candidate is not None and candidate.pk not in adopted else None
            is_new = term is None
            if term is None:
                last += 1
                if (taxonomy.pk, code) in by_code:
                    code = record.key
                term = TaxonomyTerm(public_id=uuid.UUID(record.id), taxonomy=taxonomy, code=code, position=last)
                by_code[(taxonomy.pk, code)] = term
            elif (term.taxonomy_id, term.code) != (taxonomy.pk, code) and (taxonomy.pk, code) not in by_code:
                by_code.pop((term.taxonomy_id, term.code), None)
                term.taxonomy, term.code = taxonomy, code
                by_code[(taxonomy.pk, code)] = term
            before = (term.taxonomy_id, term.code, term.name, term.description, term.language, term.term_uri)
            name = record.values.get("name") or ""
            description = record.values.get("description") or ""
            term.name = name
            term.description = "" if description == name else description
            term.language = record.values.get("language") or ""
            term.term_uri = record.values.get("term_uri") or ""
            if is_new or before != (
                term.taxonomy_id,
                term.code,
                term.name,
                term.description,
                term.language,
                term.term_uri,
            ):
                term.save()
                (self.created if is_new else self.updated)["taxonomy_term"] += 1
            adopted.add(term.pk)
            self.objects["taxonomy_term"][record.key] = term
        self.preload("taxonomy_term", [record.values.get("parent_id") for record in records])
        for record in records:
            term = self.objects["taxonomy_term"][record.key]
            parent = self.ref("taxonomy_term", record.values.get("parent_id"))
            if term.parent_id != (parent.pk if parent else None):
                term.parent = parent
                term.save(update_fields=["parent"])

    def write_organizations(self) -> None:
        records = self.live("organization")
        phones = {record.id: record for record in self.live("phone")}
        identifiers: dict[str, dict[str, str]] = defaultdict(dict)
        for record in self.live("organization_identifier"):
            kind = identifier_kind(record)
            if kind and record.values.get("organization_id"):
                identifiers[record.values["organization_id"]][kind.lower()] = record.values["identifier"].strip()
        existing = {
            str(i.public_id): i
            for i in Institution.objects.filter(public_id__in=[r.id for r in records]).select_related(
                "municipality", "county", "voivodeship"
            )
        }
        for record in records:
            if record.id is None:
                continue
            institution = existing.get(record.id) or new_institution(record, self.resolved.territories.get(record.id))
            if institution is None:
                continue
            changed = apply_organization(institution, record.values)
            own_phone = phones.get(synthetic_id("phone", record.id))
            if own_phone is not None and institution.phone != own_phone.values.get("number"):
                institution.phone = own_phone.values.get("number") or ""
                changed.append("phone")
            for kind, value in identifiers.get(record.id, {}).items():
                if getattr(institution, kind) != value:
                    setattr(institution, kind, value)
                    changed.append(kind)
            if institution.pk is None:
                institution.save()
                self.created["organization"] += 1
                audit(
                    AuditAction.CREATE,
                    obj=institution,
                    institution_id=institution.pk,
                    details={"source": "hsds import"},
                )
            elif changed:
                institution.version += 1
                institution.save(update_fields=[*changed, "version"])
                self.updated["organization"] += 1
                audit(
                    AuditAction.UPDATE,
                    obj=institution,
                    institution_id=institution.pk,
                    details={"source": "hsds import", "fields": sorted(changed), "version": institution.version},
                )
            self.objects["organization"][record.key] = institution

    def write_locations(self) -> None:
        records = self.live("location")
        self.preload("organization", [record.values.get("organization_id") for record in records])
        gminas: dict[str, Municipality | None] = {}
        for record in self.live("attribute"):
            if (
                self.resolved.field_terms.get(record.id or "") == GMINA
                and record.values.get("link_entity") == "location"
            ):
                gminas[str(record.values.get("link_id"))] = self.resolved.gminas.get(
                    str(record.values.get("value")).strip()
                )

        def build(record: Record, location: Location) -> None:
            self.copy("location", record, location)
            location.institution = self.ref("organization", record.values.get("organization_id"))
            location.municipality = gminas.get(record.id or "")

        self.upsert("location", build, records)

        def child(record: Record, obj: Any) -> None:
            self.copy(record.table, record, obj)
            obj.location = self.ref("location", record.values.get("location_id"))

        for table in ("address", "accessibility"):
            records = self.live(table)
            self.preload("location", [record.values.get("location_id") for record in records])
            self.upsert(table, child, records)

    def our_fields(self) -> dict[str, dict[str, Any]]:
        """Service id -> our fields from its `kooperacja-fields` attributes (`residence`: gminas)."""
        found: dict[str, dict[str, Any]] = defaultdict(lambda: {RESIDENCE: []})
        for record in self.live("attribute"):
            code = self.resolved.field_terms.get(record.id or "")
            if code is None or record.values.get("link_entity") != "service":
                continue
            value = str(record.values.get("value")).strip()
            fields = found[str(record.values.get("link_id"))]
            if code in BOOLEAN_FIELDS:
                fields[code] = value.lower() in TRUE
            elif code in NUMBER_FIELDS:
                fields[code] = int(value)
            elif code == RESIDENCE:
                fields[RESIDENCE].append(self.resolved.gminas[value])
        return found

    def write_services(self) -> None:
        records = self.live("service")
        self.preload("organization", [record.values.get("organization_id") for record in records])
        ours = self.our_fields()

        def build(record: Record, service: Service) -> None:
            self.copy("service", record, service)
            service.institution = self.ref("organization", record.values.get("organization_id"))
            if not record.partial:
                fields = ours.get(record.id or "", {})
                for name in BOOLEAN_FIELDS:
                    setattr(service, name, fields.get(name, False))
                for name in NUMBER_FIELDS:
                    setattr(service, name, fields.get(name))

        self.upsert("service", build, records)
        full = [record for record in records if not record.partial]
        through = Service.residence_municipalities.through
        services = [self.objects["service"][record.key] for record in full]
        for chunk in _chunked([service.pk for service in services]):
            through.objects.filter(service_id__in=chunk).delete()
        through.objects.bulk_create(
            [
                through(service_id=service.pk, municipality_id=gmina.pk)
                for record, service in zip(full, services, strict=True)
                for gmina in {g.pk: g for g in ours.get(record.id or "", {}).get(RESIDENCE, [])}.values()
            ],
            batch_size=CHUNK,
        )

    def delete_replaced_children(self) -> None:
        """What services, locations and organizations held in full no longer list is deleted."""
        services = [self.objects["service"][r.key].pk for r in self.full("service")]
        locations = [self.objects["location"][r.key].pk for r in self.full("location")]
        organizations = [
            self.objects["organization"][r.key].pk
            for r in self.full("organization")
            if r.id in self.objects["organization"]
        ]
        for chunk in _chunked(services):
            of_service = Q(service_id__in=chunk)
            through_sal = of_service | Q(service_at_location__service_id__in=chunk)
            self.delete_stale(ServiceAttribute, "attribute", of_service)
            self.delete_stale(ServiceAtLocation, "service_at_location", of_service)
            self.delete_stale(Phone, "phone", through_sal)
            self.delete_stale(Contact, "contact", through_sal)
            self.delete_stale(Schedule, "schedule", through_sal)
            for model, table in (
                (Language, "language"),
                (Funding, "funding"),
                (ServiceArea, "service_area"),
                (RequiredDocument, "required_document"),
                (CostOption, "cost_option"),
            ):
                self.delete_stale(model, table, of_service)
        for chunk in _chunked(locations):
            of_location = Q(location_id__in=chunk)
            only_location = of_location & Q(service__isnull=True)
            self.delete_stale(Address, "address", of_location)
            self.delete_stale(Accessibility, "accessibility", of_location)
            self.delete_stale(Phone, "phone", only_location & Q(service_at_location__isnull=True, contact__isnull=True))
            self.delete_stale(Contact, "contact", only_location & Q(service_at_location__isnull=True))
            self.delete_stale(Schedule, "schedule", only_location & Q(service_at_location__isnull=True))
            self.delete_stale(Language, "language", only_location & Q(phone__isnull=True))
        for chunk in _chunked(organizations):
            only_organization = Q(institution_id__in=chunk, service__isnull=True)
            alone = only_organization & Q(location__isnull=True, service_at_location__isnull=True)
            self.delete_stale(Phone, "phone", alone & Q(contact__isnull=True))
            self.delete_stale(Contact, "contact", alone)
            self.delete_stale(Funding, "funding", only_organization)

    def write_children(self) -> None:
        references: dict[str, dict[str, str | tuple[str, str]]] = {
            "service_at_location": {"service": "service_id", "location": "location_id"},
            "contact": {
                "institution": ("organization", "organization_id"),
                "service": "service_id",
                "service_at_location": "service_at_location_id",
                "location": "location_id",
            },
            "phone": {
                "institution": ("organization", "organization_id"),
                "service": "service_id",
                "location": "location_id",
                "contact": "contact_id",
                "service_at_location": "service_at_location_id",
            },
            "language": {"service": "service_id", "location": "location_id", "phone": "phone_id"},
            "schedule": {
                "service": "service_id",
                "location": "location_id",
                "service_at_location": "service_at_location_id",
            },
            "funding": {"institution": ("organization", "organization_id"), "service": "service_id"},
            "service_area": {"service": "service_id"},
            "required_document": {"service": "service_id"},
            "cost_option": {"service": "service_id"},
        }
        for table, links in references.items():
            records = self.live(table)
            if table == "phone":  # an institution's own phone is a field of the institution
                records = [r for r in records if r.id != synthetic_id("phone", r.values.get("organization_id"))]
            resolved_links: dict[str, tuple[str, str]] = {
                attribute: (target if isinstance(target, tuple) else (attribute, target))
                for attribute, target in links.items()
            }
            for target_table, name in resolved_links.values():
                self.preload(target_table, [record.values.get(name) for record in records])

            def build(record: Record, obj: Any, links: dict[str, tuple[str, str]] = resolved_links) -> None:
                self.copy(record.table, record, obj)
                for attribute, (target_table, name) in links.items():
                    setattr(obj, attribute, self.ref(target_table, record.values.get(name)))
                if record.table == "service_area":
                    self.service_area_unit(record, obj)

            self.upsert(table, build, records)

    def service_area_unit(self, record: Record, area: ServiceArea) -> None:
        """A `urn:teryt:` URI names the unit the area covers; the unit is kept, not the URI."""
        area.municipality = area.county = area.voivodeship = None
        uri = record.values.get("uri")
        if isinstance(uri, str) and uri.startswith(TERYT_URN):
            code = uri.removeprefix(TERYT_URN)
            area.municipality = self.resolved.gminas.get(code)
            area.county = self.resolved.counties.get(code) if area.municipality is None else None
            area.voivodeship = (
                self.resolved.voivodeships.get(code) if area.municipality is None and area.county is None else None
            )
            area.uri = ""

    def write_attributes(self) -> None:
        records = [
            record
            for record in self.live("attribute")
            if record.values.get("link_entity") == "service"
            and self.resolved.term_keys.get(record.values.get("taxonomy_term_id") or "", (None, None))[0] != FIELDS
        ]
        self.preload("service", [record.values.get("link_id") for record in records])
        self.preload("taxonomy_term", [record.values.get("taxonomy_term_id") for record in records])
        seen: set[tuple[int, int, str]] = set()
        kept = []
        for record in records:
            service = self.ref("service", record.values.get("link_id"))
            term = self.ref("taxonomy_term", record.values.get("taxonomy_term_id"))
            if service is None or term is None:
                continue
            key = (service.pk, term.pk, record.values.get("link_type") or "")
            if key in seen:
                self.notes.append(
                    f"{record.origin.file}, row {record.origin.row}: the same term is attached twice; kept once"
                )
                continue
            seen.add(key)
            kept.append(record)

        def build(record: Record, attribute: ServiceAttribute) -> None:
            self.copy("attribute", record, attribute)
            attribute.service = self.ref("service", record.values.get("link_id"))
            attribute.taxonomy_term = self.ref("taxonomy_term", record.values.get("taxonomy_term_id"))

        self.upsert("attribute", build, kept)

    # --- Which services changed ---------------------------------------------------------------------

    def affected_services(self) -> set[int]:
        """The services already in the directory whose HSDS form the package may change: those
        it names, those its rows hang on, those at its locations, of its organizations, or
        carrying its terms."""
        records = self.resolved.records
        ids_of = {table: [r.id for r in rows if r.id and not r.skipped] for table, rows in records.items()}
        named = set(ids_of.get("service", []))
        location_ids = set(ids_of.get("location", []))
        for rows in records.values():
            for record in rows:
                if record.skipped:
                    continue
                if record.values.get("service_id"):
                    named.add(record.values["service_id"])
                if record.values.get("location_id"):
                    location_ids.add(record.values["location_id"])
                if record.table == "attribute" and record.values.get("link_entity") == "service":
                    named.add(str(record.values.get("link_id")))
        found = set(_values(Service, "public_id__in", named))
        for table in (
            "phone",
            "contact",
            "schedule",
            "language",
            "funding",
            "service_area",
            "required_document",
            "cost_option",
            "attribute",
            "service_at_location",
        ):
            found.update(s for s in _values(MODELS[table], "public_id__in", ids_of.get(table, []), "service_id") if s)
        for table in ("phone", "contact", "schedule"):
            through_sal = _values(
                MODELS[table], "public_id__in", ids_of.get(table, []), "service_at_location__service_id"
            )
            found.update(s for s in through_sal if s)
        for table in ("address", "accessibility", "phone", "contact", "schedule", "language"):
            at = _values(MODELS[table], "public_id__in", ids_of.get(table, []), "location__public_id")
            location_ids.update(str(s) for s in at if s)
        found.update(_values(ServiceAtLocation, "location__public_id__in", location_ids, "service_id"))
        found.update(_values(Service, "institution__public_id__in", ids_of.get("organization", [])))
        found.update(
            _values(ServiceAttribute, "taxonomy_term__public_id__in", ids_of.get("taxonomy_term", []), "service_id")
        )
        found.update(
            _values(
                ServiceAttribute, "taxonomy_term__taxonomy__public_id__in", ids_of.get("taxonomy", []), "service_id"
            )
        )
        return found

    @staticmethod
    def snapshots(service_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        """Each service's compiled HSDS object, less its timestamp: equal snapshots, no change."""
        compiler = serialise.Compiler()
        found = {}
        for chunk in _chunked(sorted(service_ids)):
            for service in serialise.services_for_hsds(Service.objects.filter(pk__in=chunk)):
                compiled = compiler.service(service)
                compiled.pop("last_modified", None)
                found[service.pk] = compiled
        return found

    def record_changes(self, before: dict[int, dict[str, Any]]) -> None:
        """A new version, a change record and a fresh search index for every service that changed."""
        new = self.new_services
        after = self.snapshots(set(before) | new | self.affected_services())
        changed = sorted(pk for pk, compiled in after.items() if pk in new or before.get(pk) != compiled)
        for chunk in _chunked([pk for pk in changed if pk not in new]):
            Service.objects.filter(pk__in=chunk).update(version=F("version") + 1, updated_at=self.now)
        versions: dict[int, int] = {}
        for chunk in _chunked(changed):
            versions.update(Service.objects.filter(pk__in=chunk).values_list("pk", "version"))
        ServiceChange.objects.bulk_create(
            [ServiceChange(service_id=pk, version=versions[pk], action="imported", at=self.now) for pk in changed],
            batch_size=CHUNK,
        )
        for chunk in _chunked(changed):
            refresh_index(Service.objects.filter(pk__in=chunk).select_related("institution"))
        self.services_changed = len(changed)
