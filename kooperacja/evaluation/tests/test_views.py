"""The dashboard pages: who reads which territory, periods, exports, the PDF report, and that two
views of overlapping data never give away a small group by subtraction."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from kooperacja.cases.models import CaseStatus
from kooperacja.cases.tests.factories import make_case
from kooperacja.community.models import Programme
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.evaluation import dashboard, periods, scope
from tests.personas import ADMIN, GOPS_MIRZEC, GOPS_OKSA, PCPR, ROPS_KIELCE, ROPS_RZESZOW, SCHOOL

MIRZEC = "/evaluation/gmina/2611032/"


@pytest.fixture
def open_as(client, login_as):
    """Sign the persona in and give the test client."""

    def sign_in(who: str):
        login_as(who)
        return client

    return sign_in


def _macroregion_url() -> str:
    return f"/evaluation/macroregion/{Programme.objects.get(name__icontains='Liderzy').public_id}/"


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        (SCHOOL, MIRZEC, 200),
        (GOPS_OKSA, MIRZEC, 404),
        (PCPR, MIRZEC, 200),
        (ROPS_KIELCE, "/evaluation/voivodeship/26/", 200),
        (ROPS_KIELCE, "/evaluation/voivodeship/18/", 404),
        (ROPS_RZESZOW, "/evaluation/voivodeship/26/", 200),
        (ADMIN, "/evaluation/gmina/9999999/", 404),
        (ADMIN, "/evaluation/county/2611/", 404),
    ],
)
def test_it_opens_each_territory_to_those_who_answer_for_it(open_as, who, url, status):
    assert open_as(who).get(url).status_code == status


def test_it_opens_the_macroregion_only_to_the_leaders_analysts(open_as):
    url = _macroregion_url()
    assert open_as(ROPS_RZESZOW).get(url).status_code == 200
    assert open_as(ROPS_KIELCE).get(url).status_code == 404


def test_it_lists_the_territories_of_the_user_on_the_start_page(open_as):
    page = open_as(PCPR).get("/evaluation/").content.decode()
    assert "Powiat starachowicki" in page and "/evaluation/powiat/2611/" in page
    assert "/evaluation/voivodeship/" not in page


def test_it_shows_the_running_year_with_a_warning_for_a_malformed_period(open_as):
    client = open_as(GOPS_MIRZEC)
    for text in ("2024-Q7", "abc", "1990", "２０２４", f"{timezone.localdate().year + 1}"):
        page = client.get(MIRZEC, {"period": text}).content.decode()
        assert "Nie ma okresu" in page, text
        assert f"{timezone.localdate().year} r." in page
    assert "Nie ma okresu" not in client.get(MIRZEC, {"period": "2024-Q1"}).content.decode()


def test_it_answers_an_export_of_a_malformed_period_as_unknown(open_as):
    client = open_as(GOPS_MIRZEC)
    assert client.get(f"{MIRZEC}report.pdf", {"period": "2024-Q7"}).status_code == 404


def test_it_shows_the_period_and_the_one_before(open_as):
    page = open_as(GOPS_MIRZEC).get(MIRZEC, {"period": "2025-Q2"}).content.decode()
    assert "II kwartał 2025" in page and "I kwartał 2025" in page


def test_it_drills_from_a_powiat_into_its_gminas(open_as, fresh_powiat):
    for _ in range(6):
        make_case(institution=fresh_powiat.gops_north, opened_on=dt.date(2025, 3, 1))
    page = open_as(ADMIN).get("/evaluation/powiat/2699/", {"period": "2025"}).content.decode()
    assert 'href="/evaluation/gmina/2699012/?period=2025"' in page


def _cases(institution, count: int, opened_on: dt.date) -> None:
    for _ in range(count):
        make_case(institution=institution, opened_on=opened_on)


def _opened(board: dashboard.Dashboard):
    cases = next(section for section in board.sections if section.key == "cases")
    return next(c.now.figure for c in cases.comparisons if c.now.key == "opened")


def test_it_gives_no_small_group_away_between_a_half_year_and_its_quarter(fresh_powiat):
    # 7 cases in the first quarter, 2 more in the second: the half-year minus the quarter
    # would be 2 people if both were exact.
    _cases(fresh_powiat.gops_north, 7, dt.date(2025, 2, 1))
    _cases(fresh_powiat.gops_north, 2, dt.date(2025, 5, 1))
    gmina = scope.gmina_scope(fresh_powiat.north)
    half = _opened(dashboard.build(gmina, periods.parse("2025-H1")))
    quarter = _opened(dashboard.build(gmina, periods.parse("2025-Q1")))
    second = _opened(dashboard.build(gmina, periods.parse("2025-Q2")))
    assert (half.value, quarter.value, second.hidden) == (10, 5, True)
    assert half.value - quarter.value != 2


def test_it_gives_no_small_group_away_between_a_powiat_and_its_gminas(fresh_powiat):
    _cases(fresh_powiat.gops_north, 12, dt.date(2025, 2, 1))
    _cases(fresh_powiat.gops_south, 3, dt.date(2025, 2, 1))
    period = periods.parse("2025")
    powiat = _opened(dashboard.build(scope.powiat_scope(fresh_powiat.county), period))
    north = _opened(dashboard.build(scope.gmina_scope(fresh_powiat.north), period))
    south = _opened(dashboard.build(scope.gmina_scope(fresh_powiat.south), period))
    assert (powiat.value, north.value, south.hidden) == (15, 10, True)
    assert powiat.value - north.value != 3


def test_it_exports_a_table_as_csv_and_xlsx_with_the_same_protection(open_as, fresh_powiat):
    _cases(fresh_powiat.gops_north, 8, dt.date(2025, 2, 1))
    _cases(fresh_powiat.gops_south, 2, dt.date(2025, 2, 1))
    client = open_as(ADMIN)
    base = "/evaluation/powiat/2699/tables/cases-by-unit"
    response = client.get(f"{base}.csv", {"period": "2025"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:2] == ["Południe", "< 5"] and rows[2][:2] == ["Północ", "10"]
    sheet = load_workbook(io.BytesIO(client.get(f"{base}.xlsx", {"period": "2025"}).content)).active
    assert [cell.value for cell in sheet[3]][:2] == ["Północ", 10]
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="evaluation.table").count() == 2


def test_it_answers_an_unknown_table_or_format_as_unknown(open_as):
    client = open_as(ADMIN)
    assert client.get("/evaluation/powiat/2611/tables/no-such-table.csv").status_code == 404
    assert client.get("/evaluation/powiat/2611/tables/cases-by-unit.ods").status_code == 404


def test_it_prints_the_report_of_a_territory_in_polish(open_as):
    response = open_as(GOPS_MIRZEC).get(f"{MIRZEC}report.pdf", {"period": "2025"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action=AuditAction.PRINT, object_id="gmina/2611032/2025").exists()


def test_it_counts_a_case_closed_in_the_period_and_not_before(fresh_powiat):
    case = make_case(institution=fresh_powiat.gops_north, opened_on=dt.date(2024, 1, 10))
    case.status, case.closed_on = CaseStatus.CLOSED, dt.date(2025, 4, 1)
    case.save()
    _cases(fresh_powiat.gops_north, 5, dt.date(2024, 1, 10))
    gmina = scope.gmina_scope(fresh_powiat.north)
    cases = dashboard.build(gmina, periods.parse("2024")).sections[0]
    active = {c.now.key: c.now.figure for c in cases.comparisons}["active"]
    assert active.value == 5  # six worked on at the end of 2024, rounded


def test_it_names_every_table_after_its_section(fresh_powiat):
    # One table's export builds only the section its key starts with.
    board = dashboard.build(scope.powiat_scope(fresh_powiat.county), periods.parse("2025"))
    keys = [(section.key, table.key) for section in board.sections for table in section.tables]
    assert keys and all(key.startswith(f"{section}-") for section, key in keys)
    assert len({key for _, key in keys}) == len(keys)


def test_it_exports_a_sections_key_figures_against_the_period_before(open_as, fresh_powiat):
    _cases(fresh_powiat.gops_north, 8, dt.date(2025, 2, 1))
    response = open_as(ADMIN).get("/evaluation/gmina/2699012/tables/cases-headlines.csv", {"period": "2025"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Wskaźnik", "2025 r.", "2024 r.", "zmiana"]
    assert rows[1] == ["Sprawy założone", "10", "0", "10"]


def test_it_writes_a_hidden_share_as_hidden_not_as_under_five_per_cent():
    from kooperacja.evaluation.privacy import share
    from kooperacja.evaluation.templatetags.evaluation import figure, signed

    assert figure(share(3, 40)) == "ukryte"
    assert (
        signed(
            dashboard.compare(
                [dashboard.Headline("s", "s", share(30, 40))], [dashboard.Headline("s", "s", share(20, 40))]
            )[0].change
        )
        == "+25 pkt proc."
    )
