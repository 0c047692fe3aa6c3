"""`manage.py export_hsds DIR`: the directory as an HSDS 3.0 package that other systems can read."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kooperacja.directory.hsds.exporter import export_package
from kooperacja.directory.hsds.serialise import generated_description
from kooperacja.directory.hsds.tables import official_datapackage, tables
from kooperacja.directory.models import FIELDS, Service
from kooperacja.directory.tests.hsds_support import (
    MIRZEC,
    STARACHOWICE,
    new_institution,
    rich_service,
    schema_errors,
)

pytestmark = pytest.mark.django_db


def read_table(directory: Path, table: str) -> list[dict[str, str]]:
    with (directory / tables()[table].path).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def exported(directory: Path, name: str) -> list[dict]:
    return json.loads((directory / "json" / name).read_text(encoding="utf-8"))


@pytest.fixture
def package(tmp_path: Path) -> Path:
    rich_service(new_institution())
    call_command("export_hsds", str(tmp_path / "out"), stdout=io.StringIO())
    return tmp_path / "out"


def test_it_writes_the_official_datapackage_and_one_csv_per_table_with_its_columns(package):
    written = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    resources: list[dict] = official_datapackage()["resources"]  # type: ignore[assignment]
    assert written["resources"] == resources
    for resource in resources:
        with (package / resource["path"]).open(encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert header == [field["name"] for field in resource["schema"]["fields"]], resource["path"]


def _valid_cell(field: dict, value: str) -> bool:
    """A cell as the official table schema types it (frictionless: "" is a missing value)."""
    kind, fmt = field.get("type"), field.get("format")
    if fmt == "uuid":
        return str(uuid.UUID(value)) == value
    if fmt == "email":
        return "@" in value
    if fmt == "uri":
        return ":" in value and " " not in value
    if kind == "number":
        return Decimal(value).is_finite()
    if kind == "date":
        return dt.date.fromisoformat(value).isoformat() == value
    if kind == "time":
        return bool(dt.time.fromisoformat(value))
    if kind == "datetime":
        return bool(dt.datetime.fromisoformat(value))
    return True


def test_it_writes_cells_of_the_types_the_table_schemas_declare(package):
    resources: list[dict] = official_datapackage()["resources"]  # type: ignore[assignment]
    for resource in resources:
        rows = read_table(package, resource["name"])
        for number, row in enumerate(rows, start=1):
            for field in resource["schema"]["fields"]:
                value = row[field["name"]]
                constraints = field.get("constraints", {})
                where = f"{resource['path']} row {number} {field['name']}={value!r}"
                if not value:
                    assert not constraints.get("required"), f"{where}: required"
                    continue
                assert _valid_cell(field, value), where
                assert value in constraints.get("enum", [value]), where
        ids = [row["id"] for row in rows]
        assert len(ids) == len(set(ids)), f"{resource['path']}: duplicate ids"


def test_it_exports_every_service_valid_against_the_official_compiled_schema(package):
    # The demo's services and the one with every field alike.
    services = exported(package, "services.json")
    assert len(services) == Service.objects.count() > 40
    for service in services:
        assert schema_errors("service", service) == [], service["name"]


def test_it_exports_every_organization_valid_against_the_official_compiled_schema(package):
    organizations = exported(package, "organizations.json")
    assert organizations
    for organization in organizations:
        assert schema_errors("organization", organization) == [], organization["name"]


def test_it_nests_what_a_service_has(package):
    service = next(item for item in exported(package, "services.json") if item["name"] == "Poradnia rodzinna „Razem”")
    assert service["status"] == "temporarily closed"
    assert service["organization"]["name"] == "Stowarzyszenie Testowe"
    assert {sal["location"].get("name") for sal in service["service_at_locations"]} == {"Biuro", "Online"}
    office = next(sal["location"] for sal in service["service_at_locations"] if sal["location"].get("name") == "Biuro")
    assert office["latitude"] == 51.123456
    assert office["addresses"][0]["postal_code"] == "27-220"
    assert service["cost_options"][0]["amount"] == 35.5
    assert service["schedules"][0]["opens_at"] == "08:00:00"
    assert service["contacts"][0]["phones"][0]["languages"][0]["code"] == "en"


def test_it_carries_our_own_fields_as_attributes_of_the_kooperacja_fields_taxonomy(package):
    service = next(item for item in exported(package, "services.json") if item["name"] == "Poradnia rodzinna „Razem”")
    fields: dict[str, list[str]] = {}
    for attribute in service["attributes"]:
        term = attribute["taxonomy_term"]
        if term["taxonomy_detail"]["uri"] == f"urn:kooperacja:taxonomy:{FIELDS}":
            fields.setdefault(term["code"], []).append(attribute["value"])
    assert fields == {
        "free_of_charge": ["true"],
        "disability_certificate_required": ["true"],
        "referral_required": ["false"],
        "income_criterion_percent": ["150"],
        "places": ["12"],
        "free_places": ["0"],
        "waiting_list": ["4"],
        "residence": sorted([STARACHOWICE, MIRZEC]),
    }
    categories = {
        (attribute["link_type"], attribute["taxonomy_term"]["code"])
        for attribute in service["attributes"]
        if attribute["link_type"] in {"category", "target_group", "accessibility"}
    }
    assert categories == {
        ("category", "family-counselling"),
        ("target_group", "families"),
        ("accessibility", "step-free"),
    }
    office = next(sal["location"] for sal in service["service_at_locations"] if sal["location"].get("name") == "Biuro")
    assert [(a["taxonomy_term"]["code"], a["value"]) for a in office["attributes"]] == [("gmina", MIRZEC)]


def test_it_names_the_teryt_unit_of_a_service_area_by_urn(package):
    uris = {row["name"]: row["uri"] for row in read_table(package, "service_area")}
    assert uris["Gmina Mirzec"] == f"urn:teryt:{MIRZEC}"
    assert uris["Powiat"] == "urn:teryt:2611"
    assert uris["Okolica"] == "x:1"


def test_it_describes_an_institution_without_a_description_since_hsds_requires_one(package):
    row = next(row for row in read_table(package, "organization") if row["name"] == "Stowarzyszenie Testowe")
    assert row["description"] == "Stowarzyszenie Testowe: organizacja pozarządowa, gmina Mirzec."


def test_it_gives_an_institution_s_regon_krs_and_phone_as_hsds_rows(tmp_path):
    institution = new_institution("Fundacja z numerami", regon="123456785", krs="0000123456", phone="41 274 10 00")
    institution.description = ""
    assert generated_description(institution).startswith("Fundacja z numerami")
    export_package(tmp_path)
    identifiers = [
        row
        for row in read_table(tmp_path, "organization_identifier")
        if row["identifier"] in {"123456785", "0000123456"}
    ]
    assert {(row["identifier_scheme"], row["identifier"]) for row in identifiers} == {
        ("PL-REGON", "123456785"),
        ("PL-KRS", "0000123456"),
    }
    phones = [row for row in read_table(tmp_path, "phone") if row["organization_id"] == str(institution.public_id)]
    assert [row["number"] for row in phones] == ["41 274 10 00"]


def test_it_writes_the_same_ids_every_time(tmp_path):
    rich_service(new_institution())
    export_package(tmp_path / "a")
    export_package(tmp_path / "b")
    for table in ("attribute", "phone", "organization_identifier"):
        assert read_table(tmp_path / "a", table) == read_table(tmp_path / "b", table)


def test_it_reads_the_same_number_of_queries_for_few_and_many_services(tmp_path):
    """The export streams in chunks with what a service nests prefetched: no query per service."""
    institution = new_institution("Instytucja do liczenia")
    rich_service(institution, name="Usługa pierwsza")
    with CaptureQueriesContext(connection) as few:
        export_package(tmp_path / "few")
    for number in range(12):
        rich_service(institution, name=f"Usługa {number}")
    with CaptureQueriesContext(connection) as many:
        export_package(tmp_path / "many")
    assert len(many.captured_queries) == len(few.captured_queries)
