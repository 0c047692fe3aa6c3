"""The gap-analysis page and its CSV and XLSX files (/directory/gaps/)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from kooperacja.directory.gaps import EXPORT_WITHOUT
from kooperacja.directory.models import TaxonomyTerm
from kooperacja.directory.tests.test_gaps import make_land, make_service
from kooperacja.directory.views import gaps as gap_views
from kooperacja.territory.models import Municipality, MunicipalityKind
from tests.personas import ADMIN, GOPS_MIRZEC, ROPS_RZESZOW

URL = reverse("directory:gaps")


def in_polish(msgid: str) -> str:
    with translation.override("pl"):
        return escape(translation.gettext(msgid))


@pytest.fixture
def land(db: None) -> Any:
    return make_land()


def page(client: Any, **params: Any) -> str:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return response.content.decode()


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_opens_on_the_powiat_of_the_users_institution(client, login_as):
    login_as(GOPS_MIRZEC)

    html = page(client)

    assert '<option value="2611" selected>' in html
    assert '<th scope="row">Mirzec<span class="gmina-code">2611032</span></th>' in html
    assert "Starachowice" in html
    assert "Oksa" not in html


def test_it_says_so_when_the_users_voivodeship_has_no_gminas_in_the_register(client, login_as):
    login_as(ROPS_RZESZOW)

    html = page(client)

    assert in_polish("There are no gminas in this territory in the register yet.") in html


def test_it_counts_services_and_marks_gaps_in_words_not_only_colour(client, login_as, land):
    make_service("Poradnia prawna", ["legal-counselling"], gminas=[land.alfa, land.beta])
    login_as(GOPS_MIRZEC)

    html = page(client, voivodeship="98", county="9801")

    directory = reverse("directory:search")
    assert f'<a href="{directory}?gmina=9801012&amp;category=social-assistance">1</a>' in html
    assert f'<a href="{directory}?gmina=9801022&amp;category=social-assistance">1</a>' in html
    gap = (
        f'<td class="numeric gap"><span class="gap-marker">{in_polish("none")}</span>'
        f'<span class="visually-hidden"> — {in_polish("gap")}</span></td>'
    )
    # Łąka has nothing: a gap in each of the 7 main categories; Alfa and Beta in 6.
    assert html.count(gap) == 7 + 6 + 6
    assert in_polish("Gminas without a service") in html
    assert "Gamma" not in html


def test_it_shows_the_whole_voivodeship_with_each_gminas_powiat(client, login_as, land):
    login_as(GOPS_MIRZEC)

    html = page(client, voivodeship="98", county="all")

    for name in ("Alfa", "Beta", "Łąka", "Gamma"):
        assert f'<th scope="row">{name}<span class="gmina-code">' in html
    assert '<span class="gmina-code">drugi, 9802012</span>' in html


def test_it_falls_back_to_the_first_powiat_when_the_voivodeship_changed_without_javascript(client, login_as, land):
    login_as(GOPS_MIRZEC)

    html = page(client, voivodeship="98", county="2611")

    assert '<option value="9801" selected>' in html
    assert "Alfa" in html and "Mirzec" not in html


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"voivodeship": "98", "county": "9999"}, "county"),
        ({"voivodeship": "97"}, "voivodeship"),
        ({"county": "x"}, "county"),
    ],
)
def test_it_explains_a_territory_that_does_not_exist(client, login_as, land, params, field):
    login_as(GOPS_MIRZEC)

    response = client.get(URL, params)

    assert response.status_code == 400
    html = response.content.decode()
    message = "Choose a county from the list." if field == "county" else "Choose a voivodeship from the list."
    assert in_polish(message) in html
    assert 'class="table gap-matrix"' not in html
    assert client.get(URL, {**params, "format": "csv"}).status_code == 400


def test_it_expands_a_main_category_into_its_subcategories_and_back(client, login_as, land):
    make_service("Terapia uzależnień", ["addiction-therapy"], gminas=[land.alfa])
    login_as(GOPS_MIRZEC)

    collapsed = page(client, voivodeship="98", county="9801")
    expanded = page(client, voivodeship="98", county="9801", expand="health")

    assert "Terapia uzależnień" not in collapsed
    assert f"{URL}?voivodeship=98&amp;county=9801&amp;expand=health" in collapsed
    assert '<th scope="col" class="subcategory depth-1">Terapia uzależnień</th>' in expanded
    assert '<th scope="colgroup" colspan="' in expanded
    # Its "hide" link leads back to the main categories only.
    assert f'href="{URL}?voivodeship=98&amp;county=9801"' in expanded


def test_it_shows_every_subcategory_on_request(client, login_as, land):
    login_as(GOPS_MIRZEC)

    html = page(client, voivodeship="98", county="9801", level="sub")

    for name in ("Poradnictwo prawne", "Terapia uzależnień", "Pośrednictwo pracy"):
        term = TaxonomyTerm.objects.categories().get(name=name)
        assert f">{term.name}</th>" in html


def test_it_keeps_a_big_territory_to_main_categories_on_the_page_but_not_in_the_file(
    client, login_as, land, monkeypatch
):
    monkeypatch.setattr(gap_views, "MAX_PAGE_CELLS", 20)
    login_as(GOPS_MIRZEC)

    html = page(client, voivodeship="98", county="all", level="sub")
    response = client.get(URL, {"voivodeship": "98", "county": "all", "level": "sub", "format": "csv"})

    assert "Poradnictwo prawne" not in html
    assert 'id="gap-collapsed"' in html
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert "Pomoc społeczna: Poradnictwo prawne" in header


def _csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_it_exports_the_same_matrix_as_csv(client, login_as, land):
    make_service("Terapia", ["therapy"], gminas=[land.beta])
    login_as(GOPS_MIRZEC)

    response = client.get(URL, {"voivodeship": "98", "county": "9801", "expand": "social-package", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="gaps-9801.csv"'
    assert response.content.startswith("\ufeff".encode())
    rows = _csv_rows(response)
    therapy = rows[0].index("Pakiet socjalny: Terapia")
    assert [row[1] for row in rows[1:]] == ["Alfa", "Beta", "Łąka", str(EXPORT_WITHOUT)]
    assert [row[therapy] for row in rows[1:]] == ["0", "1", "0", "2"]


def test_it_exports_the_same_matrix_as_xlsx(client, login_as, land):
    make_service("Terapia", ["therapy"], gminas=[land.beta])
    login_as(GOPS_MIRZEC)

    response = client.get(URL, {"voivodeship": "98", "county": "9801", "format": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="gaps-9801.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    package = values[0].index("Pakiet socjalny")
    assert [row[1] for row in values[1:4]] == ["Alfa", "Beta", "Łąka"]
    assert [row[package] for row in values[1:4]] == [0, 1, 0]


@pytest.mark.parametrize("output", ["csv", "xlsx"])
def test_it_neutralises_names_that_a_spreadsheet_would_run_as_formulas(client, login_as, land, output):
    Municipality.objects.filter(pk=land.alfa.pk).update(name='=HYPERLINK("http://example.com","Alfa")')
    health = TaxonomyTerm.objects.categories().get(code="health")
    TaxonomyTerm.objects.create(taxonomy=health.taxonomy, code="formula", name="=1+1", parent=health, position=999)
    TaxonomyTerm.objects.create(taxonomy=health.taxonomy, code="plus", name="+48 pomoc", position=1000)
    login_as(ADMIN)

    response = client.get(URL, {"voivodeship": "98", "county": "9801", "level": "sub", "format": output})

    if output == "csv":
        cells = [cell for row in _csv_rows(response) for cell in row]
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        cells = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert '\'=HYPERLINK("http://example.com","Alfa")' in cells
    assert "'+48 pomoc" in cells
    assert "Zdrowie: =1+1" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


@pytest.mark.parametrize("size", [3, 80])
def test_it_reads_the_page_in_a_fixed_number_of_queries(client, login_as, land, size, django_assert_max_num_queries):
    gminas = [
        Municipality.objects.create(
            code=f"9801{number:02d}2", name=f"Gmina {number}", kind=MunicipalityKind.RURAL, county=land.county
        )
        for number in range(10, 10 + size)
    ]
    for number in range(size * 2):
        make_service(f"Usługa {number}", ["therapy", "job-placement"], gminas=gminas[number % 5 :: 5], index=False)
    login_as(GOPS_MIRZEC)

    # 17: one of them asks whether GOPS Mirzec serves these gminas (it does not: no needs columns).
    with django_assert_max_num_queries(17):
        html = page(client, voivodeship="98", county="9801", level="sub")

    assert html.count('<th scope="row">') == size + 3 + 1  # the gminas, the land's three, the footer
