"""Pages of the community diagnosis: what each persona sees and what bad input changes (nothing)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kooperacja.community import indicators
from kooperacja.community.models import CommunityIndicator, IndicatorDefinition
from kooperacja.community.views import indicators as views
from kooperacja.territory.models import Municipality

pytestmark = pytest.mark.django_db

MIRZEC, OKSA = "2611032", "2602052"
YEAR = 2002


def put(code: str, year: int, **values: Any) -> None:
    place = Municipality.objects.get(code=code)
    for indicator, value in values.items():
        CommunityIndicator.objects.create(
            municipality=place,
            year=year,
            indicator=IndicatorDefinition.objects.get(code=indicator),
            value=Decimal(value),
        )


def year_url(code: str = MIRZEC, year: int = YEAR) -> str:
    return reverse("community:indicator_year", kwargs={"code": code, "year": year})


def saved(code: str = MIRZEC, year: int = YEAR) -> dict[str, Decimal]:
    place = Municipality.objects.get(code=code)
    return {code: row.value for code, row in indicators.year_figures(place, year).items()}


# --- A gmina's page -------------------------------------------------------------------------


def test_the_gmina_page_shows_figures_and_rates(client, login_as):
    put(MIRZEC, YEAR, population="8000", registered_unemployed="400")
    login_as("policja.mirzec")
    page = client.get(reverse("community:indicator_gmina", kwargs={"code": MIRZEC}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "8\u00a0000" in html or "8 000" in html or "8000" in html
    assert "50,0" in html
    assert reverse("community:indicator_report", kwargs={"code": MIRZEC, "year": YEAR}) in html


@pytest.mark.parametrize(
    ("username", "sees"),
    [
        ("gops.mirzec", True),
        ("pcpr.starachowice", True),
        ("rops.kielce", True),
        ("gops.oksa", False),
        ("rops.rzeszow", False),
    ],
)
def test_platform_figures_are_shown_only_to_the_gminas_staff_and_analysts(client, login_as, username, sees):
    put(MIRZEC, YEAR, population="8000")
    login_as(username)
    page = client.get(reverse("community:indicator_gmina", kwargs={"code": MIRZEC}), {"year": YEAR})
    assert ('id="platform-title"' in page.content.decode()) is sees


def test_an_unknown_gmina_is_not_found(client, login_as):
    login_as("gops.mirzec")
    assert client.get(reverse("community:indicator_gmina", kwargs={"code": "0000000"})).status_code == 404


def test_the_list_finds_a_gmina_by_its_code(client, login_as):
    login_as("rops.kielce")
    found = client.get(reverse("community:indicators"), {"gmina": MIRZEC})
    assert found.status_code == 302 and found.url == reverse("community:indicator_gmina", kwargs={"code": MIRZEC})
    assert client.get(reverse("community:indicators"), {"gmina": "12"}).status_code == 400


def test_the_list_pins_its_queries(client, login_as, django_assert_num_queries):
    login_as("gops.mirzec")
    url = reverse("community:indicators")
    put(MIRZEC, YEAR, population="8000")
    client.get(url)
    with django_assert_num_queries(_count(client, url)) as small:
        client.get(url)
    put(OKSA, YEAR, population="6000")
    put(OKSA, YEAR + 1, population="6000")
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(url)


def _count(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured.captured_queries)


# --- Entering a year ------------------------------------------------------------------------


def test_it_saves_a_year_typed_with_decimal_commas(client, login_as):
    put(MIRZEC, YEAR, population="8000")
    login_as("gops.mirzec")
    form = client.get(year_url()).context["form"]
    answer = client.post(
        year_url(),
        {"version": form.initial["version"], "value_population": "8 100", "value_registered_unemployed": "301,5"},
    )
    assert answer.status_code == 302
    assert saved() == {"population": Decimal("8100"), "registered_unemployed": Decimal("301.5")}


def test_a_negative_figure_changes_nothing(client, login_as):
    put(MIRZEC, YEAR, population="8000")
    login_as("gops.mirzec")
    version = client.get(year_url()).context["form"].initial["version"]
    answer = client.post(year_url(), {"version": version, "value_population": "-5", "value_reason_poverty": "abc"})
    assert answer.status_code == 400
    assert set(answer.context["form"].errors) == {"value_population", "value_reason_poverty"}
    assert 'class="error-summary"' in answer.content.decode()
    assert saved() == {"population": Decimal("8000")}


def test_a_stale_year_answers_409_with_both_versions(client, login_as):
    put(MIRZEC, YEAR, population="8000")
    login_as("gops.mirzec")
    opened = client.get(year_url()).context["form"].initial["version"]
    client.post(year_url(), {"version": opened, "value_population": "8100"})
    answer = client.post(year_url(), {"version": opened, "value_population": "9000"})
    assert answer.status_code == 409
    assert 'id="conflict"' in answer.content.decode()
    (difference,) = answer.context["conflict"]
    assert (difference.saved, difference.typed) == ("8100", "9000")
    assert saved() == {"population": Decimal("8100")}
    again = answer.context["form"].data["version"]
    assert client.post(year_url(), {"version": again, "value_population": "9000"}).status_code == 302


def test_those_who_only_read_may_not_post_a_year(client, login_as):
    login_as("pcpr.starachowice")
    assert client.post(year_url(), {"version": 0, "value_population": "1"}).status_code == 403
    assert saved() == {}


def test_the_gmina_page_leads_to_a_years_form_and_refuses_a_bad_year(client, login_as):
    login_as("lider.mirzec")
    url = reverse("community:indicator_gmina", kwargs={"code": MIRZEC})
    assert client.get(url, {"enter": YEAR}).url == year_url()
    assert client.get(url, {"enter": "1500"}).url == url
    assert client.get(year_url(year=2999)).status_code == 404


# --- Import ---------------------------------------------------------------------------------


def upload(text: str) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("figures.csv", text.encode(), content_type="text/csv")}


def test_it_imports_a_csv_file_with_a_report(client, login_as):
    login_as("rops.kielce")
    text = (
        f"gmina;year;indicator;value;source\n{MIRZEC};{YEAR};population;8000;GUS\n{OKSA};{YEAR};population;6000;GUS\n"
    )
    answer = client.post(reverse("community:indicator_import"), upload(text))
    assert answer.status_code == 200
    assert len(answer.context["report"].results) == 2
    assert saved() == {"population": Decimal("8000")}


def test_a_bad_file_imports_nothing(client, login_as):
    login_as("gops.oksa")
    text = f"gmina;year;indicator;value;source\n{OKSA};{YEAR};population;6000;\n{MIRZEC};{YEAR};population;8000;\n"
    answer = client.post(reverse("community:indicator_import"), upload(text))
    assert answer.status_code == 400
    assert answer.context["bad_lines"] == 1
    assert saved(OKSA) == {} and saved() == {}


def test_an_empty_import_form_is_refused(client, login_as):
    login_as("gops.mirzec")
    assert client.post(reverse("community:indicator_import")).status_code == 400
    login_as("szkola.mirzec")
    assert client.post(reverse("community:indicator_import")).status_code == 403


# --- Comparison -----------------------------------------------------------------------------


def compare(client: Any, name: str = "community:indicator_compare", **params: Any) -> Any:
    query = {"gmina": [MIRZEC, OKSA], "year": [YEAR], "indicator": ["registered_unemployed"], **params}
    return client.get(reverse(name), query)


def test_it_compares_gminas_in_a_table_and_an_accessible_chart(client, login_as):
    put(MIRZEC, YEAR, population="8000", registered_unemployed="400")
    put(OKSA, YEAR, population="6000", registered_unemployed="300")
    login_as("szkola.mirzec")
    answer = compare(client)
    html = answer.content.decode()
    assert answer.status_code == 200
    assert html.count('role="img"') == 1 and "<title" in html and "<desc" in html
    assert "50,0" in html
    _table, chart = answer.context["tables"][0]
    assert [bar.value for bar in chart.bars] == [Decimal("400"), Decimal("300")]


def test_the_comparison_downloads_as_csv(client, login_as):
    put(MIRZEC, YEAR, population="8000", registered_unemployed="400")
    put(OKSA, YEAR, population="6000")
    login_as("gops.oksa")
    answer = compare(client, "community:indicator_compare_csv")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    lines = answer.content.decode("utf-8-sig").splitlines()
    assert lines[1].split(";")[2:] == [MIRZEC, "Mirzec", str(YEAR), "400,00", "50,0"]


@pytest.mark.parametrize(
    "params",
    [{"gmina": []}, {"gmina": ["0000000"]}, {"year": ["1800"]}, {"indicator": ["nothing"]}],
)
def test_a_bad_choice_is_refused(client, login_as, params):
    put(MIRZEC, YEAR, population="8000")
    login_as("gops.mirzec")
    assert compare(client, **params).status_code == 400


def test_the_comparison_pins_its_queries(client, login_as, django_assert_num_queries):
    put(MIRZEC, YEAR, population="8000", registered_unemployed="400")
    put(OKSA, YEAR, population="6000")
    login_as("gops.mirzec")
    compare(client)
    with django_assert_num_queries(_compare_count(client)) as small:
        compare(client)
    put(OKSA, YEAR, registered_unemployed="300", reason_poverty="20")
    with django_assert_num_queries(len(small.captured_queries)):
        compare(client, indicator=["registered_unemployed", "reason_poverty"])


def _compare_count(client: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        compare(client)
    return len(captured.captured_queries)


# --- The PDF --------------------------------------------------------------------------------


@pytest.mark.parametrize(("username", "with_platform"), [("lider.mirzec", True), ("gops.oksa", False)])
def test_the_report_is_a_polish_pdf_with_the_change_from_last_year(
    client, login_as, monkeypatch, username, with_platform
):
    put(MIRZEC, YEAR - 1, population="8000", registered_unemployed="400")
    put(MIRZEC, YEAR, population="7900", registered_unemployed="360")
    printed: dict[str, str] = {}

    def fake_pdf(html: str, **kwargs: Any) -> bytes:
        printed["html"] = html
        return b"%PDF-1.7"

    monkeypatch.setattr(views, "render_pdf", fake_pdf)
    login_as(username)
    answer = client.get(reverse("community:indicator_report", kwargs={"code": MIRZEC, "year": YEAR}))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    html = printed["html"]
    assert "Mirzec" in html and str(YEAR) in html and "-40" in html and "-10,0%" in html
    assert ('id="platform-title"' in html) is with_platform
