"""Diagnoses on a dashboard: who counts as diagnosed twice in a period, who improved (a higher
mean level, 1 = crisis to 5 = independence), the change by domain, each figure protected as
`privacy` says — in the test powiat the demo leaves empty."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from kooperacja.assessment.tests.helpers import assess
from kooperacja.cases.models import Case
from kooperacja.cases.tests.factories import make_case, make_household, make_person
from kooperacja.evaluation import dashboard, periods, scope
from kooperacja.evaluation.dashboard import Row, Table
from kooperacja.evaluation.privacy import Figure
from kooperacja.evaluation.sections.assessments import AssessmentsSection

SECTION = AssessmentsSection()
JANUARY = dt.date(2025, 1, 15)
APRIL = dt.date(2025, 4, 15)


@pytest.fixture
def worker():
    return get_user_model().objects.get(username="gops.mirzec")


def _headlines(where: scope.Scope, period: str) -> dict[str, object]:
    found = SECTION.headlines(where, periods.parse(period))
    return {headline.key: _shown(headline.figure) for headline in found}


def _shown(figure: Figure) -> object:
    return "< 5" if figure.hidden else figure.value


def _domains(where: scope.Scope, period: str) -> Table:
    (table,) = SECTION.tables(where, periods.parse(period))
    return table


def _row(table: Table, label: str) -> list[object]:
    row: Row = next(row for row in table.rows if row.label == label)
    return [_shown(figure) for figure in row.figures]


def _series(worker: Any, gops: Any, count: int, *steps: tuple[dt.date, int, dict[str, int]]) -> list[Case]:
    """`count` person cases of the GOPS, each person diagnosed at each step (day, level of every
    domain, levels of the domains named otherwise)."""
    cases = []
    for _ in range(count):
        case = make_case(institution=gops)
        for day, level, levels in steps:
            assess(worker, case, case.person, level=level, levels=levels, on=day)
        cases.append(case)
    return cases


@pytest.fixture
def spring(fresh_powiat, worker):
    """Ten people of the northern gmina diagnosed in January and again in April: five rose from
    2 to 3 in every domain, five stayed at 2 but fell to 1 in income."""
    _series(worker, fresh_powiat.gops_north, 5, (JANUARY, 2, {}), (APRIL, 3, {}))
    _series(worker, fresh_powiat.gops_north, 5, (JANUARY, 2, {}), (APRIL, 2, {"income": 1}))
    return fresh_powiat


def test_it_counts_people_diagnosed_twice_and_those_whose_mean_level_rose(spring):
    north = scope.gmina_scope(spring.north)
    assert _headlines(north, "2025-Q2") == {"assessed_twice": 10, "improved": 5, "improved_share": Decimal(50)}


def test_it_compares_the_first_and_the_latest_diagnosis_domain_by_domain(spring):
    table = _domains(scope.gmina_scope(spring.north), "2025-Q2")
    # Income: five up by one, five down by one; work: five up by one, five unchanged.
    assert _row(table, "Dochody i zadłużenie") == [10, 5, Decimal(50), Decimal("0.0")]
    assert _row(table, "Praca") == [10, 5, Decimal(50), Decimal("0.5")]
    assert len(table.rows) == 14  # every domain of the instrument, in its order
    assert table.key == "assessments-by-domain"


def test_it_counts_a_person_in_the_period_of_the_latest_diagnosis_up_to_its_end(spring, worker):
    north = scope.gmina_scope(spring.north)
    # A third diagnosis on the first day of July leaves the second quarter as it was.
    _series(worker, spring.gops_north, 5, (JANUARY, 2, {}), (dt.date(2025, 6, 30), 4, {}), (dt.date(2025, 7, 1), 1, {}))
    assert _headlines(north, "2025-Q2") == {"assessed_twice": 15, "improved": 10, "improved_share": Decimal(67)}
    # In the third quarter those five are compared from January (2) to July (1): worse.
    assert _headlines(north, "2025-Q3") == {"assessed_twice": 5, "improved": 0, "improved_share": Decimal(0)}
    # Up to March each person has one diagnosis only.
    assert _headlines(north, "2025-Q1") == {"assessed_twice": 0, "improved": 0, "improved_share": None}


def test_it_takes_a_household_as_a_whole_and_each_member_as_subjects_of_their_own(fresh_powiat, worker):
    for number in range(5):
        household = make_household(f"Rodzina {number}", institution=fresh_powiat.gops_north)
        member = make_person(institution=fresh_powiat.gops_north, household=household)
        case = make_case(household=household, institution=fresh_powiat.gops_north)
        for person in (None, member):
            assess(worker, case, person, level=2, on=JANUARY)
            assess(worker, case, person, level=3 if person is None else 2, on=APRIL)
    found = _headlines(scope.gmina_scope(fresh_powiat.north), "2025")
    assert found == {"assessed_twice": 10, "improved": 5, "improved_share": Decimal(50)}


def test_it_hides_a_group_of_fewer_than_five(fresh_powiat, worker):
    _series(worker, fresh_powiat.gops_north, 3, (JANUARY, 2, {}), (APRIL, 3, {}))
    north = scope.gmina_scope(fresh_powiat.north)
    assert _headlines(north, "2025") == {"assessed_twice": "< 5", "improved": "< 5", "improved_share": "< 5"}
    assert _row(_domains(north, "2025"), "Dochody i zadłużenie") == ["< 5", "< 5", "< 5", "< 5"]


def test_it_counts_only_the_territory_asked_for(spring, worker):
    _series(worker, spring.gops_south, 5, (JANUARY, 1, {}), (APRIL, 5, {}))
    assert _headlines(scope.gmina_scope(spring.south), "2025-Q2")["improved"] == 5
    assert _headlines(scope.gmina_scope(spring.north), "2025-Q2")["improved"] == 5
    assert _headlines(scope.powiat_scope(spring.county), "2025-Q2") == {
        "assessed_twice": 15,
        "improved": 10,
        "improved_share": Decimal(67),
    }


def test_it_shows_the_section_on_the_dashboard_with_the_change_from_the_period_before(spring):
    built = dashboard.build(scope.gmina_scope(spring.north), periods.parse("2025-Q2"))
    section = next(section for section in built.sections if section.key == "assessments")
    improved = next(comparison for comparison in section.comparisons if comparison.now.key == "improved")
    assert (improved.now.figure.value, improved.before.value, improved.change.value) == (5, 0, 5)


@pytest.mark.parametrize("people", [5, 20])
def test_it_reads_the_section_in_a_fixed_number_of_queries(fresh_powiat, worker, people, django_assert_max_num_queries):
    _series(worker, fresh_powiat.gops_north, people, (JANUARY, 2, {}), (APRIL, 3, {}))
    _series(worker, fresh_powiat.gops_south, people, (JANUARY, 2, {}), (APRIL, 3, {}))
    where, period = scope.powiat_scope(fresh_powiat.county), periods.parse("2025")
    with django_assert_max_num_queries(3):
        SECTION.headlines(where, period)
        SECTION.tables(where, period)
