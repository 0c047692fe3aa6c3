"""Properties of the HSDS interchange over generated data (hypothesis):

- import → export → import is lossless for every field we model, through CSV or JSON;
- whatever a package holds, the importer answers with a report, never an unhandled exception,
  and a strict import that finds a problem changes nothing.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kooperacja.directory.hsds.exporter import export_package
from kooperacja.directory.hsds.importer import import_package
from kooperacja.directory.hsds.tables import tables
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
    ServiceAttribute,
    TaxonomyTerm,
)
from kooperacja.directory.services import refresh_index
from kooperacja.directory.tests.hsds_support import (
    canonical,
    directory_state,
    new_institution,
    rich_service,
)
from kooperacja.directory.tests.test_hsds_import import clear_plans
from kooperacja.territory.models import County, Municipality, Voivodeship

pytestmark = pytest.mark.django_db

# Each example exports and imports a package: fewer examples than the profile's default for the
# round trip (CI: 13, HYPOTHESIS_PROFILE=dev: 33), the profile's own for the malformed packages.
ROUND_TRIP_SETTINGS = settings(
    max_examples=max(10, settings().max_examples // 3),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
MALFORMED_SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Any text a person could type: no NUL (PostgreSQL refuses it) and no lone surrogate (not Unicode).
TEXT = st.characters(exclude_categories=["Cs"], exclude_characters="\x00")


def text(max_size: int = 30, min_size: int = 0) -> st.SearchStrategy[str]:
    return st.text(TEXT, min_size=min_size, max_size=max_size)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


URLS = st.sampled_from(["", "https://example.org/a", "http://gmina.example/x?y=1&z=ż"])
EMAILS = st.sampled_from(["", "poradnia@example.org"]) | st.from_regex(r"[a-z]{1,8}@[a-z]{1,8}\.pl", fullmatch=True)
DATES = optional(st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)))
TIMES = optional(st.times().map(lambda moment: moment.replace(microsecond=0)))
COORDINATE = st.integers(-90_000_000, 90_000_000).map(lambda value: Decimal(value).scaleb(-6))


@st.composite
def service_specs(draw: st.DrawFn) -> dict[str, Any]:
    low = draw(optional(st.integers(0, 120)))
    high = draw(optional(st.integers(low or 0, 130)))
    return {
        "name": draw(text(40, min_size=1)),
        "alternate_name": draw(text()),
        "description": draw(text(80)),
        "url": draw(URLS),
        "email": draw(EMAILS),
        "status": draw(st.sampled_from(["active", "inactive", "defunct", "temporarily closed"])),
        "interpretation_services": draw(text()),
        "application_process": draw(text()),
        "fees_description": draw(text()),
        "accreditations": draw(text()),
        "eligibility_description": draw(text()),
        "minimum_age": low,
        "maximum_age": high,
        "assured_date": draw(DATES),
        "assurer_email": draw(EMAILS),
        "alert": draw(text()),
        "free_of_charge": draw(st.booleans()),
        "income_criterion_percent": draw(optional(st.integers(0, 500))),
        "disability_certificate_required": draw(st.booleans()),
        "referral_required": draw(st.booleans()),
        "places": draw(optional(st.integers(0, 10_000))),
        "free_places": draw(optional(st.integers(0, 10_000))),
        "waiting_list": draw(optional(st.integers(0, 10_000))),
        "residence": draw(st.lists(st.sampled_from(["2611032", "2611011", "2602052"]), unique=True, max_size=2)),
        "terms": draw(
            st.lists(
                st.sampled_from(
                    [
                        ("kooperacja-categories", "therapy", "category"),
                        ("kooperacja-categories", "meals", "category"),
                        ("kooperacja-groups", "seniors", "target_group"),
                        ("kooperacja-accessibility", "remote", "accessibility"),
                        ("kooperacja-groups", "youth", ""),
                    ]
                ),
                unique=True,
                max_size=3,
            )
        ),
        "locations": draw(st.lists(location_specs(), max_size=2)),
        "phones": draw(st.lists(phone_specs(), max_size=2)),
        "schedules": draw(st.lists(schedule_specs(), max_size=2)),
        "areas": draw(st.lists(area_specs(), max_size=2)),
        "documents": draw(st.lists(text(40, min_size=1), max_size=2)),
        "costs": draw(st.lists(cost_specs(), max_size=1)),
        "contacts": draw(st.lists(contact_specs(), max_size=1)),
        "fundings": draw(st.lists(text(40), max_size=1)),
        "languages": draw(st.lists(st.tuples(text(20), st.sampled_from(["pl", "en", ""])), max_size=1)),
    }


@st.composite
def location_specs(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "location_type": draw(st.sampled_from(["physical", "postal", "virtual"])),
        "name": draw(text()),
        "description": draw(text()),
        "transportation": draw(text()),
        "url": draw(URLS),
        "latitude": draw(optional(COORDINATE)),
        "longitude": draw(optional(COORDINATE.map(lambda value: value * 2))),
        "external_identifier": draw(text(20)),
        "gmina": draw(optional(st.sampled_from(["2611032", "2602052"]))),
        "address": draw(
            optional(
                st.fixed_dictionaries(
                    {
                        "address_1": text(40, min_size=1),
                        "city": text(20, min_size=1),
                        "state_province": text(20, min_size=1),
                        "postal_code": text(10, min_size=1),
                        "address_2": text(20),
                        "region": text(20),
                        "attention": text(20),
                        "country": st.sampled_from(["PL", "DE"]),
                        "address_type": st.sampled_from(["physical", "postal"]),
                    }
                )
            )
        ),
        "accessibility": draw(optional(st.tuples(text(), text(), URLS))),
        "phone": draw(optional(phone_specs())),
        "description_at": draw(text()),
    }


@st.composite
def phone_specs(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "number": draw(text(40, min_size=1)),
        "extension": draw(optional(st.integers(0, 99_999))),
        "type": draw(st.sampled_from(["", "voice", "fax", "sms"])),
        "description": draw(text()),
        "language": draw(optional(st.sampled_from(["pl", "uk"]))),
    }


@st.composite
def schedule_specs(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "freq": draw(st.sampled_from(["", "WEEKLY", "MONTHLY"])),
        "wkst": draw(st.sampled_from(["", "MO", "SU"])),
        "byday": draw(text(20)),
        "bymonthday": draw(text(10)),
        "opens_at": draw(TIMES),
        "closes_at": draw(TIMES),
        "valid_from": draw(DATES),
        "until": draw(DATES),
        "timezone": draw(optional(st.integers(-12, 14))),
        "count": draw(optional(st.integers(0, 1000))),
        "interval": draw(optional(st.integers(0, 100))),
        "description": draw(text()),
        "notes": draw(text()),
        "schedule_link": draw(URLS),
    }


@st.composite
def area_specs(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "name": draw(text()),
        "description": draw(text()),
        "unit": draw(st.sampled_from([None, "gmina", "county", "voivodeship"])),
        "extent": draw(text(20)),
    }


@st.composite
def cost_specs(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "option": draw(text()),
        "currency": draw(st.sampled_from(["PLN", "EUR", ""])),
        "amount": draw(optional(st.integers(0, 10**9).map(lambda value: Decimal(value).scaleb(-2)))),
        "amount_description": draw(text()),
        "valid_from": draw(DATES),
    }


@st.composite
def contact_specs(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "name": draw(text()),
        "title": draw(text()),
        "email": draw(EMAILS),
        "phone": draw(optional(phone_specs())),
    }


def _phone(spec: dict[str, Any], **links: Any) -> Phone:
    phone = Phone.objects.create(
        number=spec["number"],
        extension=spec["extension"],
        type=spec["type"],
        description=spec["description"],
        **links,
    )
    if spec["language"]:
        Language.objects.create(phone=phone, code=spec["language"], name=spec["language"])
    return phone


def build(spec: dict[str, Any], institution: Any) -> Service:
    """The generated service, saved as staff would have entered it."""
    plain = {key: value for key, value in spec.items() if not isinstance(value, list)}
    service = Service.objects.create(institution=institution, **plain)
    service.residence_municipalities.set(Municipality.objects.filter(code__in=spec["residence"]))
    for taxonomy, code, link_type in spec["terms"]:
        ServiceAttribute.objects.create(
            service=service,
            taxonomy_term=TaxonomyTerm.objects.get(taxonomy__code=taxonomy, code=code),
            link_type=link_type,
        )
    for item in spec["locations"]:
        location = Location.objects.create(
            institution=institution,
            municipality=Municipality.objects.filter(code=item["gmina"]).first(),
            **{key: item[key] for key in ("location_type", "name", "description", "transportation", "url")},
            latitude=item["latitude"],
            longitude=item["longitude"],
            external_identifier=item["external_identifier"],
        )
        ServiceAtLocation.objects.create(service=service, location=location, description=item["description_at"])
        if item["address"]:
            Address.objects.create(location=location, **item["address"])
        if item["accessibility"]:
            description, details, url = item["accessibility"]
            Accessibility.objects.create(location=location, description=description, details=details, url=url)
        if item["phone"]:
            _phone(item["phone"], location=location)
    for item in spec["phones"]:
        _phone(item, service=service)
    for item in spec["schedules"]:
        Schedule.objects.create(service=service, **item)
    units: dict[str | None, dict[str, Any]] = {
        "gmina": {"municipality": Municipality.objects.get(code="2611032")},
        "county": {"county": County.objects.get(code="2611")},
        "voivodeship": {"voivodeship": Voivodeship.objects.get(code="26")},
        None: {},
    }
    for item in spec["areas"]:
        ServiceArea.objects.create(
            service=service,
            name=item["name"],
            description=item["description"],
            extent=item["extent"],
            **units[item["unit"]],
        )
    for document in spec["documents"]:
        RequiredDocument.objects.create(service=service, document=document)
    for item in spec["costs"]:
        CostOption.objects.create(service=service, **item)
    for item in spec["contacts"]:
        contact = Contact.objects.create(service=service, name=item["name"], title=item["title"], email=item["email"])
        if item["phone"]:
            _phone(item["phone"], contact=contact, service=service)
    for source in spec["fundings"]:
        Funding.objects.create(service=service, source=source)
    for name, code in spec["languages"]:
        Language.objects.create(service=service, name=name, code=code)
    refresh_index([service])
    return service


def compiled_of(directory: Path, service: Service) -> dict[str, Any]:
    import json

    services = json.loads((directory / "json" / "services.json").read_text(encoding="utf-8"))
    return next(item for item in services if item["id"] == str(service.public_id))


@pytest.fixture
def empty_directory(db: None) -> Any:
    """No services but the generated ones: each example exports and imports little."""
    clear_plans()
    Service.objects.all().delete()
    Location.objects.all().delete()
    return new_institution("Fundacja Generowana")


@ROUND_TRIP_SETTINGS
@given(spec=service_specs(), via_json=st.booleans())
def test_it_keeps_every_field_we_model_through_export_and_import(empty_directory, spec, via_json):
    with transaction.atomic():
        service = build(spec, empty_directory)
        with tempfile.TemporaryDirectory() as folder:
            first, second = Path(folder) / "first", Path(folder) / "second"
            export_package(first)
            before = compiled_of(first, service)
            Location.objects.filter(service_at_locations__service=service).delete()
            service.delete()
            report = import_package(first / "json" if via_json else first)
            assert not report.problems, [problem.line() for problem in report.problems]
            export_package(second)
            assert canonical(compiled_of(second, service)) == canonical(before)
            # And importing it again changes nothing.
            state = directory_state()
            assert import_package(second).services_changed == 0
            assert directory_state() == state
        transaction.set_rollback(True)


# --- Malformed packages -------------------------------------------------------------------------

TABLES = list(tables())
NASTY = st.sampled_from(
    [
        "",
        " ",
        "100",
        "-1",
        "1e400",
        "NaN",
        "abc",
        "2024-02-30",
        "25:61",
        "javascript:alert(1)",
        "00000000-0000-0000-0000-000000000000",
        "ac148810-d857-441c-9679-408f346de14b",
        '"',
        "a,b",
        "\r\n",
        "\x00",
        "ż" * 300,
    ]
)


@st.composite
def mutations(draw: st.DrawFn) -> list[tuple[str, ...]]:
    kinds = st.sampled_from(["cell", "cell", "cell", "drop_column", "bytes", "truncate", "duplicate"])
    found: list[tuple[str, ...]] = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(kinds)
        table = draw(st.sampled_from(TABLES))
        found.append(
            (
                kind,
                table,
                str(draw(st.integers(0, 40))),
                str(draw(st.integers(0, 25))),
                draw(NASTY | text(20)),
                draw(st.binary(max_size=40)).hex(),
            )
        )
    return found


def mutate(directory: Path, mutation: tuple[str, ...]) -> None:
    import csv
    import io

    kind, table, row, column, value, raw = mutation
    path = directory / tables()[table].path
    data = path.read_bytes()
    if kind == "bytes":
        path.write_bytes(bytes.fromhex(raw) + data[len(raw) // 2 :])
        return
    if kind == "truncate":
        path.write_bytes(data[: int(row) * 7])
        return
    try:
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error):
        return
    if not rows:
        return
    index = int(row) % len(rows)
    if kind == "cell":
        cells = rows[index]
        if cells:
            cells[int(column) % len(cells)] = value
    elif kind == "drop_column":
        position = int(column) % max(len(rows[0]), 1)
        rows = [cells[:position] + cells[position + 1 :] for cells in rows]
    elif kind == "duplicate":
        rows.append(list(rows[index]))
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8", "surrogatepass"))


@pytest.fixture
def valid_package(empty_directory: Any, tmp_path: Path) -> Path:
    rich_service(empty_directory)
    export_package(tmp_path / "valid")
    shutil.rmtree(tmp_path / "valid" / "json")
    return tmp_path / "valid"


@MALFORMED_SETTINGS
@given(changes=mutations(), lenient=st.booleans())
def test_it_answers_any_malformed_package_with_a_report_and_a_refusal_changes_nothing(valid_package, changes, lenient):
    with transaction.atomic(), tempfile.TemporaryDirectory() as folder:
        package = Path(folder) / "package"
        shutil.copytree(valid_package, package)
        for change in changes:
            mutate(package, change)
        before = directory_state()
        report = import_package(package, lenient=lenient)
        if report.refused:
            assert report.problems
            assert directory_state() == before
        for problem in report.problems:
            assert problem.file and problem.message
        transaction.set_rollback(True)
