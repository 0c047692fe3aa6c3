"""People in need beside services in the directory's resource map (community/gap_needs.py).

The land of the directory's tests (voivodeship 98: Alfa, Beta, Łąka) gets diagnoses of its own,
so that the demo's never fall into the counted cells. "Work" is a need made for the
"employment" category only, "addictions" one made for "health" only (data/needs.json).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from kooperacja.assessment.models import Assessment, DomainScore, Instrument
from kooperacja.cases.tests.factories import gops, make_case, make_person
from kooperacja.community.gap_needs import PERIOD_DAYS
from kooperacja.directory.tests.test_gaps import Land, make_land, make_service
from kooperacja.territory.models import Municipality, MunicipalityKind
from tests.personas import ADMIN, GOPS_MIRZEC, ROPS_KIELCE, SCHOOL

URL = reverse("directory:gaps")
LAND = {"voivodeship": "98", "county": "9801"}


def polish(msgid: str) -> str:
    with translation.override("pl"):
        return escape(translation.gettext(msgid))


def diagnose(gmina: Municipality, people: int, domain: str, *, level: int = 2, days_ago: int = 10) -> None:
    """`people` diagnoses (each of another person of one case) in the gmina, scoring the domain."""
    instrument = Instrument.objects.current().first()
    assert instrument is not None
    case = make_case()
    author = case.institution.memberships.first().user  # type: ignore[union-attr]
    for _number in range(people):
        assessment = Assessment.objects.create(
            case=case,
            person=make_person(),
            municipality=gmina,
            institution=gops(),
            instrument=instrument,
            assessed_on=timezone.localdate() - dt.timedelta(days=days_ago),
            assessed_by=author,
        )
        DomainScore.objects.create(assessment=assessment, domain=instrument.domains.get(code=domain), level=level)


@pytest.fixture
def land(db: None) -> Land:
    found = make_land()
    make_service("Terapia uzależnień", ["addiction-therapy"], gminas=[found.alfa, found.beta, found.lake])
    diagnose(found.alfa, 7, "work")
    diagnose(found.beta, 3, "addictions")
    diagnose(found.lake, 7, "work")
    diagnose(found.lake, 3, "addictions")
    return found


def row_of(html: str, gmina: str) -> str:
    found = re.search(rf'<th scope="row">{gmina}<span.*?</tr>', html, re.S)
    assert found, f"no row of {gmina}"
    return found.group(0)


def cells_of(row: str) -> list[str]:
    """The cells' texts, without the words for screen readers."""
    texts = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    texts = [re.sub(r'<span class="visually-hidden">.*?</span>', "", text) for text in texts]
    return [re.sub(r"<[^>]+>", "", text).strip() for text in texts]


def page(client: Any, **params: Any) -> str:
    response = client.get(URL, {**LAND, **params})
    assert response.status_code == 200
    return response.content.decode()


def columns(html: str) -> int:
    return len(re.findall(r"<td", row_of(html, "Alfa")))


def test_it_shows_people_in_need_beside_no_service_as_an_unmet_need(client, login_as, land):
    login_as(ADMIN)

    html = page(client)

    alfa = row_of(html, "Alfa")
    # Employment: no service, 7 people need work.
    assert '<td class="numeric gap"><span class="gap-marker">' in alfa
    assert (
        f'<td class="numeric needs unmet"><strong>7</strong><span class="visually-hidden"> — {polish("unmet need")}'
        in alfa
    )
    assert polish("people in need") in html
    assert html.count('class="numeric needs unmet"') == 2  # Alfa's and Łąka's work, not a zero


def test_a_zero_of_needs_is_no_gap_and_people_beside_services_are_no_unmet_need(client, login_as, land):
    login_as(ADMIN)

    cells = cells_of(row_of(page(client), "Alfa"))

    # Services and needs per main category; Health has a service and nobody in need.
    assert "7" in cells
    assert cells.count("0") >= 6


def test_it_shows_three_people_as_fewer_than_five(client, login_as, land):
    login_as(ADMIN)

    beta = row_of(page(client), "Beta")

    assert '<td class="numeric needs">&lt; 5</td>' in beta
    assert "3</td>" not in beta


def test_subtraction_from_the_total_cannot_reveal_a_hidden_cell(client, login_as, land):
    login_as(ADMIN)

    cells = cells_of(row_of(page(client), "Łąka"))

    # 7 need work and 3 need treatment of addictions, 10 in total: showing 7 would give away the 3.
    assert "&lt; 5" in cells
    assert polish("hidden") in cells
    assert "10" in cells
    assert "7" not in cells and "3" not in cells


def test_it_counts_only_the_latest_diagnosis_of_a_person_in_the_last_twelve_months(client, login_as, land):
    diagnose(land.alfa, 9, "work", days_ago=PERIOD_DAYS + 1)
    diagnose(land.alfa, 9, "work", level=3)
    login_as(ADMIN)

    cells = cells_of(row_of(page(client), "Alfa"))

    assert cells.count("7") == 2  # employment and the total


@pytest.mark.parametrize("username", [SCHOOL, ROPS_KIELCE])
def test_users_without_the_right_see_no_needs_columns(client, login_as, land, username):
    login_as(username)

    html = page(client)

    assert polish("people in need") not in html
    assert "needs" not in row_of(html, "Alfa")
    assert "&lt; 5" not in html


def test_a_worker_sees_needs_only_of_the_gminas_its_institution_serves(client, login_as, land):
    gops().serves.add(land.alfa)
    login_as(GOPS_MIRZEC)

    html = page(client)

    assert "<strong>7</strong>" in row_of(html, "Alfa")
    assert polish("not available") in row_of(html, "Beta")
    assert "&lt; 5" not in row_of(html, "Beta")


def test_the_csv_has_the_same_columns_with_the_same_suppression(client, login_as, land):
    login_as(ADMIN)

    response = client.get(URL, {**LAND, "format": "csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    with translation.override("pl"):
        need = f"Praca: {translation.gettext('people in need')}"
    assert header.index(need) == header.index("Praca") + 1
    by_gmina = {row[1]: row for row in rows[1:]}
    assert by_gmina["Alfa"][header.index(need)] == "7"
    assert by_gmina["Łąka"][header.index(need)] == polish("hidden")
    assert "3" not in by_gmina["Beta"][3:-1]


def test_the_csv_of_a_user_without_the_right_has_no_needs_columns(client, login_as, land):
    login_as(SCHOOL)

    response = client.get(URL, {**LAND, "format": "csv"})

    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert polish("people in need") not in header


@pytest.mark.parametrize("size", [3, 40])
def test_it_reads_the_page_with_needs_in_a_fixed_number_of_queries(
    client, login_as, land, size, django_assert_max_num_queries
):
    for number in range(size):
        gmina = Municipality.objects.create(
            code=f"9801{number + 10:02d}2", name=f"Gmina {number}", kind=MunicipalityKind.RURAL, county=land.county
        )
        diagnose(gmina, 2, "work")
    login_as(ADMIN)

    with django_assert_max_num_queries(20):
        html = page(client, level="sub")

    assert html.count('<th scope="row">') == size + 3 + 1
