"""The territory pages: platform administrators only."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.territory.models import County, Municipality, MunicipalityPart, Voivodeship
from kooperacja.territory.tests.conftest import TEST_VOIVODESHIP, terc, territory_snapshot

pytestmark = pytest.mark.django_db

PAGES = [
    ("territory:list", {}),
    ("territory:voivodeship", {"code": "26"}),
    ("territory:county", {"code": "2611"}),
    ("territory:import", {}),
]
NOT_ADMINS = ["gops.mirzec", "lider.mirzec", "szkola.mirzec", "rops.kielce", "rops.rzeszow"]


def upload(text: str | bytes, name: str = "terc.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text, content_type="text/csv")


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_it_shows_each_page_to_the_platform_administrator(client, login_as, name, kwargs):
    login_as("admin")

    assert client.get(reverse(name, kwargs=kwargs)).status_code == 200


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
@pytest.mark.parametrize("username", NOT_ADMINS)
def test_it_forbids_the_pages_to_everyone_else(client, login_as, name, kwargs, username):
    login_as(username)

    assert client.get(reverse(name, kwargs=kwargs)).status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_it_sends_anonymous_visitors_to_sign_in(client, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "kwargs"), PAGES[:3])
def test_it_refuses_posting_to_the_browsing_pages(client, login_as, name, kwargs):
    login_as("admin")

    assert client.post(reverse(name, kwargs=kwargs)).status_code == 405


def test_it_refuses_deleting_through_the_import_page(client, login_as):
    login_as("admin")

    assert client.delete(reverse("territory:import")).status_code == 405


@pytest.mark.parametrize(("name", "code"), [("territory:voivodeship", "98"), ("territory:county", "2699")])
def test_it_answers_not_found_for_an_unknown_code(client, login_as, name, code):
    login_as("admin")

    assert client.get(reverse(name, kwargs={"code": code})).status_code == 404


def test_it_lists_voivodeships_with_their_counts(client, login_as):
    login_as("admin")

    response = client.get(reverse("territory:list"))

    rows = {v.code: (v.county_count, v.gmina_count) for v in response.context["voivodeships"]}
    assert rows["26"] == (14, 14)
    assert rows["06"] == (0, 0)


def test_it_drills_down_to_the_gminas_of_a_county_with_their_parts(client, login_as):
    login_as("admin")

    response = client.get(reverse("territory:county", kwargs={"code": "2612"}))

    assert [g.code for g in response.context["gminas"]] == ["2612013", "2612073"]
    assert "2612014" in response.content.decode()
    assert reverse("territory:voivodeship", kwargs={"code": "26"}) in response.content.decode()


def test_it_imports_an_uploaded_register_and_shows_the_summary(client, login_as):
    login_as("admin")

    response = client.post(reverse("territory:import"), {"file": upload(terc(*TEST_VOIVODESHIP))})

    assert response.status_code == 200
    report = response.context["report"]
    assert (report.added, report.changed) == (len(TEST_VOIVODESHIP), 0)
    assert Municipality.objects.filter(code="9001022").exists()


def test_it_records_who_imported_the_register_and_what_changed(client, login_as):
    admin = login_as("admin")

    client.post(reverse("territory:import"), {"file": upload(terc(*TEST_VOIVODESHIP))})

    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="territory.terc").latest("id")
    assert event.actor == admin
    assert event.details["counts"]["gmina"] == {"added": 3, "changed": 0, "unchanged": 0}
    assert event.details["counts"]["part"]["added"] == 2


def test_it_records_nothing_when_a_bad_register_is_refused(client, login_as):
    login_as("admin")
    before = AuditEvent.objects.filter(object_type="territory.terc").count()

    client.post(reverse("territory:import"), {"file": upload(terc("90;01;09;6;Zły rodzaj;gmina;2024-01-01"))})

    assert AuditEvent.objects.filter(object_type="territory.terc").count() == before


def test_it_reads_an_uploaded_register_with_a_byte_order_mark(client, login_as):
    login_as("admin")

    client.post(reverse("territory:import"), {"file": upload(b"\xef\xbb\xbf" + terc(*TEST_VOIVODESHIP).encode())})

    assert Voivodeship.objects.filter(code="90").exists()


def test_it_refuses_a_bad_register_listing_the_lines_and_imports_nothing(client, login_as):
    login_as("admin")
    before = territory_snapshot()
    rows = [*TEST_VOIVODESHIP, "90;01;09;6;Zły rodzaj;gmina;2024-01-01", "90;02;01;2;Sierota;gmina;2024-01-01"]

    response = client.post(reverse("territory:import"), {"file": upload(terc(*rows))})

    assert response.status_code == 400
    assert [problem.line for problem in response.context["problems"]] == [9, 10]
    assert response.context["bad_lines"] == 2
    assert territory_snapshot() == before


NOTHING_IMPORTED = "Nothing was imported"
NOT_UTF8 = (
    "The file is not UTF-8 text (perhaps a spreadsheet, or a CSV saved in Windows-1250). "
    "Save the TERC register as CSV in UTF-8 and send it again."
)


@pytest.mark.parametrize(
    "content",
    [
        terc(*TEST_VOIVODESHIP).encode("cp1250"),
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb2\x8c\x9e",  # an .xlsx is a ZIP
        b"WOJ;POW\x00\x00\x00;GMI",  # NUL bytes decode as UTF-8 but are never text
    ],
    ids=["windows-1250", "spreadsheet", "binary"],
)
def test_it_reports_a_register_that_is_not_utf8_text_as_that_alone(client, login_as, content):
    login_as("admin")
    before = territory_snapshot()

    response = client.post(reverse("territory:import"), {"file": upload(content)}, headers={"accept-language": "pl"})

    assert response.status_code == 400
    assert response.context["bad_lines"] == 0
    page = response.content.decode()
    with translation.override("pl"):
        reason, heading = escape(translation.gettext(NOT_UTF8)), translation.gettext(NOTHING_IMPORTED)
    assert reason in page
    # No count of wrong lines: the file was not read line by line at all.
    assert "wiersz" not in page.split(heading)[1].split("<ul>")[0]
    assert territory_snapshot() == before


def test_it_asks_for_a_file_when_none_was_sent(client, login_as):
    login_as("admin")

    response = client.post(reverse("territory:import"), {})

    assert response.status_code == 400
    assert response.context["form"].errors["file"]


def test_it_forbids_importing_to_a_manager(client, login_as):
    login_as("lider.mirzec")

    response = client.post(reverse("territory:import"), {"file": upload(terc(*TEST_VOIVODESHIP))})

    assert response.status_code == 403
    assert not Voivodeship.objects.filter(code="90").exists()


def _many_units() -> None:
    for n in range(30):
        voivodeship = Voivodeship.objects.create(code=f"{60 + n}", name=f"województwo {n}")
        county = County.objects.create(code=f"{60 + n}01", name=f"powiat {n}", voivodeship=voivodeship)
        Municipality.objects.create(code=f"{60 + n}01012", name=f"gmina {n}", kind="2", county=county)
    county = County.objects.get(code="2611")
    for n in range(30):
        gmina = Municipality.objects.create(code=f"2611{n + 10:02d}3", name=f"Gmina {n}", kind="3", county=county)
        MunicipalityPart.objects.create(code=f"2611{n + 10:02d}4", name=f"Miasto {n}", kind="4", municipality=gmina)


@pytest.mark.parametrize("many", [False, True])
@pytest.mark.parametrize(("name", "kwargs"), PAGES[:3])
def test_it_needs_as_many_queries_for_many_units_as_for_few(
    client, login_as, django_assert_max_num_queries, many, name, kwargs
):
    if many:
        _many_units()
    login_as("admin")

    with django_assert_max_num_queries(14):
        response = client.get(reverse(name, kwargs=kwargs))

    assert response.status_code == 200
