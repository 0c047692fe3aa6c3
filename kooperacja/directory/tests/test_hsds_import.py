"""`manage.py import_hsds DIR`: strict by default (any problem refuses everything, with a report
by file, row and field), `--lenient` keeps what it can, and the import is an upsert by HSDS id."""

from __future__ import annotations

import csv
import io
import json
import shutil
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from kooperacja.directory.hsds import reader
from kooperacja.directory.hsds.exporter import export_package
from kooperacja.directory.hsds.importer import import_package, territory_unit
from kooperacja.directory.models import Location, Phone, Service, ServiceChange, TaxonomyTerm
from kooperacja.directory.tests.hsds_support import (
    MIRZEC,
    canonical,
    directory_state,
    examples_copy,
    new_institution,
    official_json_package,
    rich_service,
    write_table,
)
from kooperacja.institutions.models import Institution, InstitutionKind, Sector

pytestmark = pytest.mark.django_db

# The rows of the official 3.0 example package that refer to rows it does not hold, and its
# latitude of 100 (DESIGN.md §4).
EXAMPLE_PROBLEMS = {
    ("locations.csv", 1, "organization_id"),
    ("locations.csv", 1, "latitude"),
    ("contacts.csv", 1, "organization_id"),
    ("contacts.csv", 1, "service_at_location_id"),
    ("taxonomy_terms.csv", 1, "taxonomy_id"),
    ("taxonomy_terms.csv", 1, "parent_id"),
    ("organizations.csv", 1, "parent_organization_id"),
    ("attributes.csv", 1, "link_id"),
    ("metadata.csv", 1, "resource_id"),
}


def where(report) -> set[tuple[str, int | None, str | None]]:
    return {(problem.file, problem.row, problem.field) for problem in report.problems}


def mirzec():
    return territory_unit(MIRZEC)


# --- The official example package -------------------------------------------------------------


def test_it_reports_each_dangling_row_and_the_latitude_of_100_in_the_official_example(tmp_path):
    before = directory_state()
    report = import_package(examples_copy(tmp_path / "csv"), territory=mirzec())
    assert report.refused
    assert where(report) == EXAMPLE_PROBLEMS
    assert directory_state() == before


def test_it_says_a_new_organization_needs_its_territory(tmp_path):
    report = import_package(examples_copy(tmp_path / "csv"))
    assert where(report) == EXAMPLE_PROBLEMS | {("organizations.csv", 1, "id")}
    message = next(p.message for p in report.problems if p.field == "id")
    assert "--territory" in message


def test_it_prints_the_report_by_file_row_and_field_and_fails(tmp_path):
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was changed"):
        call_command("import_hsds", str(examples_copy(tmp_path / "csv")), "--territory", MIRZEC, stdout=out)
    lines = out.getvalue().splitlines()
    assert "locations.csv, row 1, field latitude: 100 is out of range: from -90 to 90" in lines
    assert any(
        line.startswith("taxonomy_terms.csv, row 1, field taxonomy_id: refers to taxonomy 07ff6aee") for line in lines
    )
    assert any(line.startswith("attributes.csv, row 1, field link_id: refers to f28dd44b") for line in lines)


def test_it_imports_the_rest_of_the_official_example_leniently(tmp_path):
    out = io.StringIO()
    call_command("import_hsds", str(examples_copy(tmp_path / "csv")), "--lenient", "--territory", MIRZEC, stdout=out)
    assert "locations.csv, row 1, field latitude: 100 is out of range: from -90 to 90 [value cleared]" in out.getvalue()
    assert "attributes.csv, row 1, field link_id" in out.getvalue()

    service = Service.objects.get(public_id="ac148810-d857-441c-9679-408f346de14b")
    assert service.name == "Community Counselling"
    assert (service.minimum_age, service.maximum_age) == (12, 100)
    institution = service.institution
    assert institution.municipality is not None
    assert (institution.kind, institution.sector, institution.municipality.code) == (
        InstitutionKind.OTHER,
        Sector.OTHER,
        MIRZEC,
    )
    location = Location.objects.get(public_id="3a19ff88-4620-4d17-9830-ac1d859eb5d5")
    assert location.latitude is None
    assert location.longitude == 101
    assert location.institution is None
    contact = service.contacts.get()
    assert contact.institution is None and contact.service_at_location is None
    term = TaxonomyTerm.objects.get(public_id="3f7b145d-84af-42d7-8fae-eaca714b02b2")
    assert term.parent is None
    assert service.phones.get().languages.get().code == "ur"
    assert ServiceChange.objects.filter(service=service, action="imported").count() == 1
    # Indexed for the public search.
    assert service in Service.objects.matching("counselling")


def test_it_skips_a_new_organization_without_territory_and_its_services_leniently(tmp_path):
    report = import_package(examples_copy(tmp_path / "csv"), lenient=True)
    assert not report.refused
    skipped = {(p.file, p.field) for p in report.problems if p.resolution == "row skipped"}
    assert ("organizations.csv", "id") in skipped
    assert ("services.csv", "organization_id") in skipped
    assert not Service.objects.filter(public_id="ac148810-d857-441c-9679-408f346de14b").exists()
    assert TaxonomyTerm.objects.filter(public_id="3f7b145d-84af-42d7-8fae-eaca714b02b2").exists()


def test_it_reports_the_official_json_examples_by_item_and_path(tmp_path):
    report = import_package(official_json_package(tmp_path), territory=mirzec())
    assert report.refused
    found = where(report)
    assert ("json/services.json", 1, "service_at_locations[0].location.latitude") in found
    assert ("json/services.json", 1, "organization.parent_organization_id") in found
    lenient = import_package(official_json_package(tmp_path / "again"), territory=mirzec(), lenient=True)
    assert not lenient.refused
    assert Service.objects.get(public_id="ac148810-d857-441c-9679-408f346de14b").service_at_locations.count() == 1


# --- Bad input: refused with the file, row and field; nothing changes -----------------------------


@pytest.fixture
def gops_mirzec() -> Institution:
    return Institution.objects.get(kind=InstitutionKind.GOPS, municipality__code=MIRZEC)


def service_row(institution: Institution, **values: str) -> dict[str, str]:
    return {
        "id": str(uuid.uuid4()),
        "organization_id": str(institution.public_id),
        "name": "Klub seniora",
        "status": "active",
        **values,
    }


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": ""}, "name", "missing"),
        ({"status": "open"}, "status", "is not one of: active, inactive, defunct, temporarily closed"),
        ({"email": "klub@"}, "email", "is not an e-mail address"),
        ({"url": "javascript:alert(1)"}, "url", "is not a web address"),
        ({"minimum_age": "-1"}, "minimum_age", "out of range"),
        ({"minimum_age": "dwanaście"}, "minimum_age", "is not a number"),
        ({"minimum_age": "12.5"}, "minimum_age", "is not a whole number"),
        ({"minimum_age": "60", "maximum_age": "18"}, "maximum_age", "below the minimum age"),
        ({"assured_date": "2024-13-01"}, "assured_date", "is not a date"),
        ({"organization_id": str(uuid.uuid4())}, "organization_id", "neither in the package nor in the directory"),
        ({"id": "42"}, "id", "is not a UUID"),
        ({"name": "x" * 251}, "name", "longer than 250 characters"),
    ],
)
def test_it_refuses_an_invalid_value(tmp_path, gops_mirzec, values, field, message):
    write_table(tmp_path, "service", [service_row(gops_mirzec), service_row(gops_mirzec, **values)])
    before = directory_state()
    report = import_package(tmp_path)
    assert report.refused
    assert [(p.file, p.row, p.field) for p in report.problems] == [("services.csv", 2, field)]
    assert message in report.problems[0].message
    assert directory_state() == before


def test_it_refuses_a_duplicate_id(tmp_path, gops_mirzec):
    row = service_row(gops_mirzec)
    write_table(tmp_path, "service", [row, {**row, "name": "Inna nazwa"}])
    report = import_package(tmp_path)
    assert [(p.row, p.field) for p in report.problems] == [(2, "id")]
    assert "row 1" in report.problems[0].message


def test_it_refuses_a_file_that_is_not_utf8(tmp_path, gops_mirzec):
    write_table(tmp_path, "service", [service_row(gops_mirzec, name="Świetlica")], encoding="cp1250")
    report = import_package(tmp_path)
    assert report.refused
    assert [(p.file, p.row) for p in report.problems] == [("services.csv", None)]
    assert "not UTF-8" in report.problems[0].message


def test_it_refuses_a_file_too_big(tmp_path, gops_mirzec, monkeypatch):
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", 100)
    write_table(tmp_path, "service", [service_row(gops_mirzec, description="x" * 200)])
    report = import_package(tmp_path)
    assert report.refused
    assert "more than the limit of 100 bytes" in report.problems[0].message


def test_it_refuses_a_row_with_more_cells_than_the_header(tmp_path, gops_mirzec):
    path = write_table(tmp_path, "service", [service_row(gops_mirzec)])
    path.write_text(path.read_text(encoding="utf-8") + "a,b\n", encoding="utf-8")
    report = import_package(tmp_path)
    assert [(p.row, p.field) for p in report.problems] == [(2, None)]


def test_it_accepts_a_byte_order_mark_and_a_semicolon_dialect(tmp_path, gops_mirzec):
    row = service_row(gops_mirzec, name="Klub; seniora")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(row)
    writer.writerow(row.values())
    (tmp_path / "services.csv").write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode())
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "service", "path": "services.csv", "dialect": {"delimiter": ";"}}]})
    )
    report = import_package(tmp_path)
    assert not report.problems
    assert Service.objects.get(public_id=row["id"]).name == "Klub; seniora"


def test_it_refuses_a_resource_path_outside_the_package(tmp_path):
    (tmp_path / "datapackage.json").write_text(
        json.dumps({"resources": [{"name": "service", "path": "../../etc/passwd"}]})
    )
    report = import_package(tmp_path)
    assert report.refused
    assert [p.field for p in report.problems] == ["resources.service.path"]


def test_it_checks_without_writing_on_a_dry_run(tmp_path, gops_mirzec):
    write_table(tmp_path, "service", [service_row(gops_mirzec)])
    before = directory_state()
    out = io.StringIO()
    call_command("import_hsds", str(tmp_path), "--dry-run", stdout=out)
    assert "nothing was written" in out.getvalue()
    assert directory_state() == before


# --- Upsert by id ------------------------------------------------------------------------------------


def test_it_changes_nothing_when_a_package_holds_what_the_directory_holds(tmp_path):
    rich_service(new_institution())
    export_package(tmp_path)
    before = directory_state()
    report = import_package(tmp_path)
    assert not report.problems
    assert report.services_changed == 0
    assert directory_state() == before


def edit_table(directory: Path, path: str, edit) -> None:
    with (directory / path).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0]) if rows else []
    rows = [row for row in (edit(row) for row in rows) if row is not None]
    with (directory / path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)


def test_it_updates_an_edited_service_records_the_import_and_reindexes_it(tmp_path):
    service = rich_service(new_institution())
    export_package(tmp_path)
    shutil.rmtree(tmp_path / "json")
    edit_table(
        tmp_path,
        "services.csv",
        lambda row: {**row, "name": "Poradnia mediacji"} if row["id"] == str(service.public_id) else row,
    )
    report = import_package(tmp_path)
    assert report.services_changed == 1
    service.refresh_from_db()
    assert (service.name, service.version) == ("Poradnia mediacji", 2)
    change = ServiceChange.objects.filter(service=service).latest("at")
    assert (change.action, change.version) == ("imported", 2)
    assert service in Service.objects.matching("mediacja")


def test_it_deletes_what_a_service_held_in_full_no_longer_lists(tmp_path):
    service = rich_service(new_institution())
    export_package(tmp_path)
    shutil.rmtree(tmp_path / "json")
    removed = {str(phone.public_id) for phone in service.phones.all()}
    edit_table(tmp_path, "phones.csv", lambda row: None if row["id"] in removed else row)
    edit_table(tmp_path, "languages.csv", lambda row: None if row["phone_id"] in removed else row)
    import_package(tmp_path)
    assert not service.phones.exists()
    assert Phone.objects.filter(location__service_at_locations__service=service).exists()


def test_it_changes_our_fields_through_their_attributes(tmp_path):
    service = rich_service(new_institution())
    export_package(tmp_path)
    shutil.rmtree(tmp_path / "json")
    places = str(TaxonomyTerm.objects.get(taxonomy__code="kooperacja-fields", code="places").public_id)
    edit_table(
        tmp_path,
        "attributes.csv",
        lambda row: (
            {**row, "value": "30"}
            if row["taxonomy_term_id"] == places and row["link_id"] == str(service.public_id)
            else row
        ),
    )
    import_package(tmp_path)
    service.refresh_from_db()
    assert service.places == 30


def clear_plans() -> None:
    """The demo's referrals and baskets keep the services they name (PROTECT); forwarded
    referrals keep the one they came from."""
    referral = apps.get_model("plans.Referral")
    referral.objects.filter(previous__isnull=False).delete()
    referral.objects.all().delete()
    apps.get_model("plans.BasketItem").objects.all().delete()


def test_it_round_trips_the_demo_directory_without_loss(tmp_path):
    export_package(tmp_path / "first")
    clear_plans()
    Service.objects.all().delete()
    Location.objects.all().delete()
    report = import_package(tmp_path / "first")
    assert not report.problems, [p.line() for p in report.problems]
    export_package(tmp_path / "second")
    for name in ("services.json", "organizations.json"):
        first = json.loads((tmp_path / "first" / "json" / name).read_text(encoding="utf-8"))
        second = json.loads((tmp_path / "second" / "json" / name).read_text(encoding="utf-8"))
        assert canonical(second) == canonical(first), name


def test_it_round_trips_through_the_json_files_alone(tmp_path):
    service = rich_service(new_institution())
    export_package(tmp_path / "first")
    first = json.loads((tmp_path / "first" / "json" / "services.json").read_text(encoding="utf-8"))
    Service.objects.filter(pk=service.pk).delete()
    Location.objects.filter(service_at_locations__isnull=True, institution=service.institution).delete()
    Location.objects.filter(service_at_locations__isnull=True, institution__isnull=True).delete()
    report = import_package(tmp_path / "first" / "json")
    assert not report.problems, [p.line() for p in report.problems]
    export_package(tmp_path / "second")
    second = json.loads((tmp_path / "second" / "json" / "services.json").read_text(encoding="utf-8"))
    assert canonical(second) == canonical(first)


def test_it_creates_an_institution_in_the_gmina_its_attribute_names(tmp_path):
    institution = new_institution("Fundacja Nowa", regon="123456785", phone="41 274 10 00")
    service = rich_service(institution)
    export_package(tmp_path / "first")
    public_id = institution.public_id
    Service.objects.filter(pk=service.pk).delete()
    Location.objects.filter(institution=institution).delete()
    Location.objects.filter(institution__isnull=True, service_at_locations__isnull=True).delete()
    institution.delete()

    report = import_package(tmp_path / "first")
    assert not report.problems, [p.line() for p in report.problems]
    created = Institution.objects.get(public_id=public_id)
    assert created.municipality is not None and created.county is not None
    assert (created.kind, created.sector, created.municipality.code, created.county.code) == (
        InstitutionKind.OTHER,
        Sector.OTHER,
        MIRZEC,
        "2611",
    )
    assert (created.regon, created.phone, created.description) == ("123456785", "41 274 10 00", "")
    assert created.services.get().name == service.name
