"""Builders the HSDS tests share (no tests here): a service with every field and every kind of
nested row, the official examples as a package, and schema validation with the project's copy
of the official compiled JSON Schemas."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import uuid
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from kooperacja.directory.hsds.tables import SCHEMA_DIR
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
from kooperacja.institutions.models import Institution, InstitutionKind, Sector
from kooperacja.territory.models import County, Municipality

EXAMPLES = Path(__file__).resolve().parents[1] / "hsds" / "examples"
MIRZEC = "2611032"
STARACHOWICE = "2611011"


def examples_copy(target: Path) -> Path:
    """A writable copy of the official example CSV package."""
    shutil.copytree(EXAMPLES / "csv", target)
    return target


def official_json_package(target: Path) -> Path:
    """The official full service and organization examples as json/services.json and organizations.json."""
    folder = target / "json"
    folder.mkdir(parents=True)
    service = json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))
    organization = json.loads((EXAMPLES / "organization_full.json").read_text(encoding="utf-8"))
    (folder / "services.json").write_text(json.dumps([service]), encoding="utf-8")
    (folder / "organizations.json").write_text(json.dumps([organization]), encoding="utf-8")
    return target


# --- Validation against the official compiled schemas --------------------------------------------

_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
checker = FormatChecker()


@checker.checks("uri")
def _is_uri(value: object) -> bool:
    # jsonschema's own check needs an optional package; this is RFC 3986's absolute URI, roughly.
    return not isinstance(value, str) or bool(_URI.fullmatch(value))


@checker.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if isinstance(value, str):
        dt.datetime.fromisoformat(value)
    return True


@checker.checks("uuid", raises=ValueError)
def _is_uuid(value: object) -> bool:
    if isinstance(value, str):
        uuid.UUID(value)
    return True


@cache
def validator(name: str) -> Draft202012Validator:
    """A validator of schema/compiled/<name>.json (the project's copy), formats checked."""
    schema = json.loads((SCHEMA_DIR / "compiled" / f"{name}.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=checker)


def schema_errors(name: str, instance: Any) -> list[str]:
    return [
        f"{'/'.join(str(part) for part in error.absolute_path)}: {error.message}"
        for error in validator(name).iter_errors(instance)
    ]


# --- A service with everything ----------------------------------------------------------------------


def term(taxonomy: str, code: str) -> TaxonomyTerm:
    return TaxonomyTerm.objects.get(taxonomy__code=taxonomy, code=code)


def new_institution(name: str = "Stowarzyszenie Testowe", gmina: str = MIRZEC, **fields: Any) -> Institution:
    municipality = Municipality.objects.select_related("county__voivodeship").get(code=gmina)
    return Institution.objects.create(
        name=name,
        kind=InstitutionKind.NGO,
        sector=Sector.NGO,
        municipality=municipality,
        county=municipality.county,
        voivodeship=municipality.county.voivodeship,
        **fields,
    )


def rich_service(institution: Institution, name: str = "Poradnia rodzinna „Razem”") -> Service:
    """A service that fills every field we model, with every kind of nested row."""
    mirzec = Municipality.objects.get(code=MIRZEC)
    starachowice = Municipality.objects.get(code=STARACHOWICE)
    service = Service.objects.create(
        institution=institution,
        name=name,
        alternate_name="Poradnia",
        description='Porady dla rodzin; także "trudne" sprawy, przecinki, i nowe\nlinie.',
        url="https://poradnia.example/razem",
        email="poradnia@example.org",
        status="temporarily closed",
        interpretation_services="Tłumacz PJM na życzenie.",
        application_process="Zadzwoń i umów wizytę.",
        fees_description="Bezpłatnie.",
        accreditations="Akredytacja wojewody.",
        eligibility_description="Rodziny z dziećmi.",
        minimum_age=3,
        maximum_age=99,
        assured_date=dt.date(2024, 5, 6),
        assurer_email="sprawdzil@example.org",
        alert="Nieczynne do 1 lipca.",
        free_of_charge=True,
        income_criterion_percent=150,
        disability_certificate_required=True,
        referral_required=False,
        places=12,
        free_places=0,
        waiting_list=4,
    )
    service.residence_municipalities.set([mirzec, starachowice])
    office = Location.objects.create(
        institution=institution,
        name="Biuro",
        alternate_name="Siedziba",
        description="Parter.",
        transportation="Autobus 5.",
        latitude=Decimal("51.123456"),
        longitude=Decimal("21.098765"),
        url="https://poradnia.example/biuro",
        external_identifier="B-1",
        external_identifier_type="internal",
        municipality=mirzec,
    )
    online = Location.objects.create(location_type="virtual", name="Online", url="https://poradnia.example/online")
    Address.objects.create(
        location=office,
        attention="Sekretariat",
        address_1="ul. Główna 1",
        address_2="pok. 2",
        city="Mirzec",
        region="starachowicki",
        state_province="świętokrzyskie",
        postal_code="27-220",
        address_type="physical",
    )
    Accessibility.objects.create(
        location=office, description="Podjazd", details="Przy wejściu bocznym.", url="https://poradnia.example/d"
    )
    at_office = ServiceAtLocation.objects.create(service=service, location=office, description="Dyżury.")
    ServiceAtLocation.objects.create(service=service, location=online)
    contact = Contact.objects.create(
        service=service, service_at_location=at_office, name="Anna Nowak", title="psycholog", email="a@example.org"
    )
    Contact.objects.create(institution=institution, name="Sekretariat", department="Biuro")
    phone = Phone.objects.create(
        service=service, contact=contact, number="+48 41 274 10 00", extension=12, type="voice", description="Rano."
    )
    Phone.objects.create(location=office, number="41 274 10 01", type="fax")
    Phone.objects.create(service_at_location=at_office, number="41 274 10 02")
    Language.objects.create(service=service, name="polski", code="pl")
    Language.objects.create(phone=phone, name="angielski", code="en", note="Po umówieniu.")
    Language.objects.create(location=office, name="ukraiński", code="uk")
    Schedule.objects.create(
        service=service,
        freq="WEEKLY",
        wkst="MO",
        byday="MO,WE",
        opens_at=dt.time(8, 0),
        closes_at=dt.time(15, 30),
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2024, 12, 31),
        dtstart=dt.date(2024, 1, 1),
        until=dt.date(2024, 12, 31),
        count=50,
        interval=1,
        timezone=1,
        byweekno="1,2",
        bymonthday="1",
        byyearday="100",
        description="Poniedziałki i środy.",
        schedule_link="https://poradnia.example/zapisy",
        attending_type="osobiście",
        notes="Bez świąt.",
    )
    Schedule.objects.create(location=office, freq="MONTHLY", bymonthday="15", opens_at=dt.time(10, 0))
    Schedule.objects.create(service_at_location=at_office, byday="FR", closes_at=dt.time(12, 0))
    ServiceArea.objects.create(service=service, name="Gmina Mirzec", municipality=mirzec)
    ServiceArea.objects.create(service=service, name="Powiat", county=County.objects.get(code="2611"))
    ServiceArea.objects.create(
        service=service, name="Okolica", description="Sąsiednie wsie", extent="{}", extent_type="geojson", uri="x:1"
    )
    RequiredDocument.objects.create(service=service, document="Dowód osobisty")
    CostOption.objects.create(
        service=service,
        option="Dla pozostałych",
        currency="PLN",
        amount=Decimal("35.50"),
        amount_description="za godzinę",
        valid_from=dt.date(2024, 1, 1),
        valid_to=dt.date(2024, 6, 30),
    )
    Funding.objects.create(service=service, source="Budżet gminy")
    Funding.objects.create(institution=institution, source="Dotacja")
    for taxonomy, code, link_type in (
        ("kooperacja-categories", "family-counselling", "category"),
        ("kooperacja-groups", "families", "target_group"),
        ("kooperacja-accessibility", "step-free", "accessibility"),
    ):
        ServiceAttribute.objects.create(service=service, taxonomy_term=term(taxonomy, code), link_type=link_type)
    refresh_index([service])
    return service


def canonical(value: Any) -> Any:
    """A compiled object with its arrays in id order (HSDS gives arrays no order) and no timestamp."""
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items() if key != "last_modified"}
    if isinstance(value, list):
        items = [canonical(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True, ensure_ascii=False))
    return value


def directory_state() -> dict[str, Any]:
    """What an import could change: every directory table's rows (ids and versions) and the
    institutions. Equal states before and after mean the import changed nothing."""
    from kooperacja.directory import models as directory

    state: dict[str, Any] = {}
    for model in (
        directory.Taxonomy,
        directory.TaxonomyTerm,
        directory.Service,
        directory.ServiceChange,
        directory.ServiceAttribute,
        directory.Location,
        directory.Address,
        directory.Accessibility,
        directory.ServiceAtLocation,
        directory.Contact,
        directory.Phone,
        directory.Schedule,
        directory.ServiceArea,
        directory.RequiredDocument,
        directory.CostOption,
        directory.Language,
        directory.Funding,
        directory.SearchTerm,
        directory.ServedMunicipality,
    ):
        state[model.__name__] = model.objects.count()
    state["services"] = sorted(Service.objects.values_list("public_id", "version", "name", "updated_at"))
    state["institutions"] = sorted(Institution.objects.values_list("public_id", "version", "name", "description"))
    return state


def write_table(directory: Path, table: str, rows: list[dict[str, str]], *, encoding: str = "utf-8") -> Path:
    """A CSV of one HSDS table with its official columns (cells not given are empty)."""
    import csv
    import io

    from kooperacja.directory.hsds.tables import tables

    directory.mkdir(parents=True, exist_ok=True)
    spec = tables()[table]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(spec.columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in spec.columns])
    path = directory / spec.path
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path
