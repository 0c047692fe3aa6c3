"""The cooperation network page: who reads it, the picture with its legend and the same facts
in tables, only the most central institutions drawn above a gmina, no person named, small
counts of people hidden, the years side by side, and a fixed number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest

from kooperacja.cases.tests.factories import make_case
from kooperacja.evaluation.network_views import PICTURE_ABOVE_GMINA
from kooperacja.evaluation.periods import FIRST_YEAR
from kooperacja.evaluation.tests.test_network import MARCH, meeting, refer, shared_cases, team_of
from kooperacja.institutions.models import Institution, InstitutionKind, Sector
from tests.personas import ADMIN, GOPS_MIRZEC, GOPS_OKSA, PCPR, ROPS_KIELCE, SCHOOL

MIRZEC = "/evaluation/gmina/2611032/network/"
NORTH = "/evaluation/gmina/2699012/network/"
POWIAT = "/evaluation/powiat/2699/network/"


@pytest.fixture
def open_as(client, login_as):
    def sign_in(who: str):
        login_as(who)
        return client

    return sign_in


def _partner(land: Any, number: int, sector: str = Sector.NGO) -> Institution:
    return Institution.objects.create(
        name=f"Partner {number:02d}",
        kind=InstitutionKind.NGO,
        sector=sector,
        voivodeship=land.county.voivodeship,
        county=land.county,
        municipality=land.north,
    )


def _network(land: Any, partners: int, *, first: int = 1) -> list[Institution]:
    """The northern GOPS refers people to each of `partners` new partners (the n-th of them: n
    referrals) and meets the first three in a team."""
    case = make_case(institution=land.gops_north)
    found = [_partner(land, number) for number in range(first, first + partners)]
    for number, partner in enumerate(found, start=1):
        refer(case, partner, number)
    team = team_of(land.north, land.gops_north, *found[:3])
    meeting(team, land.gops_north, *found[:3])
    return found


def _svg(page: str) -> str:
    match = re.search(r"<svg class=\"network\".*?</svg>", page, re.DOTALL)
    assert match, "no picture of the network"
    return match.group(0)


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        (SCHOOL, MIRZEC, 200),
        (GOPS_OKSA, MIRZEC, 404),
        (PCPR, "/evaluation/powiat/2611/network/", 200),
        (GOPS_MIRZEC, "/evaluation/powiat/2611/network/", 404),
        (ROPS_KIELCE, "/evaluation/voivodeship/26/network/", 200),
        (ROPS_KIELCE, "/evaluation/voivodeship/18/network/", 404),
    ],
)
def test_it_opens_the_network_to_those_who_answer_for_the_territory(open_as, who, url, status):
    assert open_as(who).get(url).status_code == status


def test_it_answers_a_malformed_period_as_unknown(open_as):
    assert open_as(GOPS_MIRZEC).get(MIRZEC, {"period": "2025-Q9"}).status_code == 404


def test_it_draws_the_network_with_a_legend_and_the_same_facts_in_tables(open_as, fresh_powiat):
    _network(fresh_powiat, 3)

    page = open_as(ADMIN).get(NORTH, {"period": "2025"}).content.decode()

    svg = _svg(page)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count("<polygon") == 4 and svg.count("<line") == 6  # the GOPS and 3 partners, all met
    for name in ("GOPS Północ", "Partner 01", "Partner 03"):
        assert name in svg
    legend = page.split('id="network-legend"')[1]
    assert str(Sector.SOCIAL_ASSISTANCE.label) in legend and str(Sector.NGO.label) in legend
    assert "GOPS Północ — Partner 03" in page  # the pair table below the picture
    assert page.count('id="table-network-') >= 5


def test_it_never_names_a_person_and_hides_small_counts_of_people(open_as, fresh_powiat):
    _network(fresh_powiat, 3)

    page = open_as(ADMIN).get(NORTH, {"period": "2025"}).content.decode()

    assert "Testowy" not in page  # the person of the case
    pair = page.split("GOPS Północ — Partner 03")[1].split("</tr>")[0]
    assert "&lt;\xa05" in pair  # three referred people


def test_it_draws_the_same_picture_each_time(open_as, fresh_powiat):
    _network(fresh_powiat, 6)
    client = open_as(ADMIN)

    first = _svg(client.get(NORTH, {"period": "2025"}).content.decode())

    assert first == _svg(client.get(NORTH, {"period": "2025"}).content.decode())


def test_it_draws_only_the_most_central_institutions_above_a_gmina(open_as, fresh_powiat):
    partners = _network(fresh_powiat, PICTURE_ABOVE_GMINA + 5)

    page = open_as(ADMIN).get(POWIAT, {"period": "2025"}).content.decode()

    svg = _svg(page)
    assert svg.count("<polygon") == PICTURE_ABOVE_GMINA
    assert "GOPS Północ" in svg and partners[-1].name in svg  # the most referrals
    assert "Partner 04" not in svg  # four referrals only: left out of the picture
    said = page.split('id="network-picture"')[1].split("<svg")[0]
    assert str(PICTURE_ABOVE_GMINA) in said and str(PICTURE_ABOVE_GMINA + 6) in said  # 15 of 21 involved


def test_it_says_so_when_there_is_nothing_to_draw(open_as, fresh_powiat):
    page = open_as(ADMIN).get(NORTH, {"period": "2025"}).content.decode()

    assert 'class="network"' not in page
    assert "empty-state" in page


def test_it_shows_the_network_year_by_year(open_as, fresh_powiat):
    refer(make_case(institution=fresh_powiat.gops_north), fresh_powiat.gops_south, 5, sent=MARCH)
    refer(
        make_case(institution=fresh_powiat.gops_north),
        fresh_powiat.gops_south,
        sent=dt.datetime(2019, 5, 1, 12, tzinfo=dt.UTC),
    )

    page = open_as(ADMIN).get(POWIAT, {"period": "2025"}).content.decode()

    years = page.split('id="table-network-years"')[1]
    assert f'<th scope="row">{FIRST_YEAR}</th>' in years
    row_2019 = years.split('<th scope="row">2019</th>')[1].split("</tr>")[0]
    row_2020 = years.split('<th scope="row">2020</th>')[1].split("</tr>")[0]
    assert re.findall(r'class="numeric">([^<]*)<', row_2019)[:2] == ["2", "1"]
    assert re.findall(r'class="numeric">([^<]*)<', row_2020)[:2] == ["0", "0"]


def test_it_reads_the_page_in_a_fixed_number_of_queries(open_as, fresh_powiat, django_assert_max_num_queries):
    client = open_as(ADMIN)
    _network(fresh_powiat, 2)
    with django_assert_max_num_queries(20) as few:
        assert client.get(POWIAT, {"period": "2025"}).status_code == 200

    partners = _network(fresh_powiat, 25, first=10)
    shared_cases(fresh_powiat, 10, *partners[:4])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(POWIAT, {"period": "2025"}).status_code == 200


def _unsigned(page: str) -> str:
    """The page without what changes on every request (form tokens, script nonces)."""
    return re.sub(r'(name="csrfmiddlewaretoken" value|nonce)="[^"]*"', "", page)


def test_it_shows_the_same_page_whether_a_hidden_count_is_1_or_4(open_as, fresh_powiat):
    school, police = _partner(fresh_powiat, 1, Sector.EDUCATION), _partner(fresh_powiat, 2, Sector.POLICE)
    team = team_of(fresh_powiat.north, fresh_powiat.gops_north)
    for _ in range(2):
        meeting(team, fresh_powiat.gops_north, school)
    for _ in range(4):
        meeting(team, fresh_powiat.gops_north, police)
    case = make_case(institution=fresh_powiat.gops_north)
    client = open_as(ADMIN)
    pages = []
    for referred in (1, 3):  # 1 referred person to the school, then 4
        refer(case, school, referred)
        pages.append(client.get(NORTH, {"period": "2025"}).content.decode())

    first, second = pages
    # Exact, the school's line would thicken (6 pieces of joint work) and pass the police's.
    assert _svg(first) == _svg(second)
    assert _unsigned(first) == _unsigned(second)
    pairs = first.split('id="table-network-pairs"')[1]
    assert pairs.index("GOPS Północ — Partner 02") < pairs.index("GOPS Północ — Partner 01")


def test_it_offers_every_table_of_the_page_for_download(open_as, fresh_powiat):
    _network(fresh_powiat, 3)
    client = open_as(ADMIN)

    page = client.get(NORTH, {"period": "2025"}).content.decode()

    # Every table with rows (all four partners have joint work: no isolated institution).
    for key in ("central", "pairs", "sectors", "ties", "years"):
        assert f'id="table-network-{key}"' in page
        assert f"/evaluation/gmina/2699012/tables/network-{key}.csv?period=2025" in page
        assert f"/evaluation/gmina/2699012/tables/network-{key}.xlsx?period=2025" in page
    response = client.get("/evaluation/gmina/2699012/tables/network-pairs.csv", {"period": "2025"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    # 1, 2 and 3 people referred to the partners, each „< 5”: equally strong, so by name.
    assert [row[:2] for row in rows[1:4]] == [[f"GOPS Północ — Partner 0{n}", "< 5"] for n in (1, 2, 3)]
    years = client.get("/evaluation/gmina/2699012/tables/network-years.xlsx", {"period": "2025"})
    assert years.status_code == 200 and years["Content-Type"].startswith("application/vnd.openxml")
