"""The partner survey section: rounds closed in the period, the members who answered, and the
average score of each statement — only over closed rounds with at least five answers, as on a
team's own survey page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kooperacja.evaluation import dashboard
from kooperacja.evaluation.periods import Period, Unit
from kooperacja.evaluation.scope import Scope, gmina_scope, powiat_scope
from kooperacja.teams.models import SURVEY_ITEMS, Survey, SurveyResponse, Team

Q1_2024 = Period(2024, Unit.QUARTER, 1)
YEAR_2024 = Period(2024, Unit.YEAR, 1)


def _section(scope: Scope, period: Period) -> dashboard.Section:
    (section,) = dashboard.build(scope, period, only=lambda builder: builder.key == "survey").sections
    return section


def _headlines(scope: Scope, period: Period) -> dict[str, Any]:
    figures = {}
    for comparison in _section(scope, period).comparisons:
        figure = comparison.now.figure
        figures[comparison.now.key] = "< 5" if figure.hidden else figure.value
    return figures


def _team(gmina: Any, name: str = "G-PZK") -> Team:
    return Team.objects.create(name=name, municipality=gmina, county=gmina.county)


def _round(team: Team, closes_on: dt.date, *answers: int | dict[str, int]) -> Survey:
    """A round of the team closing on the day, with one answer per score given (every
    statement scored the same) or per dict of scores."""
    survey = Survey.objects.create(
        team=team, title=f"Ankieta {closes_on}", opens_on=closes_on - dt.timedelta(days=14), closes_on=closes_on
    )
    for answer in answers:
        scores = answer if isinstance(answer, dict) else dict.fromkeys(SURVEY_ITEMS, answer)
        SurveyResponse.objects.create(survey=survey, **scores)
    return survey


def test_it_counts_the_rounds_closed_in_the_period_and_their_answers(fresh_powiat):
    team = _team(fresh_powiat.north)
    _round(team, dt.date(2024, 1, 31), 4, 4, 4, 4, 4, 4)
    _round(team, dt.date(2024, 3, 31), 3, 3, 3, 3, 3)
    _round(team, dt.date(2024, 4, 1), 5, 5, 5, 5, 5)
    _round(team, dt.date(2023, 12, 31), 1, 1, 1, 1, 1)
    north = gmina_scope(fresh_powiat.north)

    figures = _headlines(north, Q1_2024)

    assert (figures["rounds"], figures["answers"]) == (2, 10)  # 11 answers, rounded
    assert _headlines(north, YEAR_2024)["rounds"] == 3


def test_it_averages_each_statement_over_the_answers_of_the_rounds(fresh_powiat):
    team = _team(fresh_powiat.north)
    first = dict.fromkeys(SURVEY_ITEMS, 4) | {"workload": 2}
    _round(team, dt.date(2024, 1, 31), first, first, first, 5, 5)
    _round(team, dt.date(2024, 3, 31), 3, 3, 3, 3, 3)

    figures = _headlines(gmina_scope(fresh_powiat.north), Q1_2024)

    # Communication: (4 × 3 + 5 × 2 + 3 × 5) / 10; workload: (2 × 3 + 5 × 2 + 3 × 5) / 10.
    assert (figures["score_communication"], figures["score_workload"]) == (Decimal("3.7"), Decimal("3.1"))


def test_it_leaves_a_round_with_fewer_than_five_answers_out_of_the_averages(fresh_powiat):
    team = _team(fresh_powiat.north)
    _round(team, dt.date(2024, 1, 31), 4, 4, 4, 4, 4)
    _round(team, dt.date(2024, 3, 31), 1, 1, 1)
    north = gmina_scope(fresh_powiat.north)

    figures = _headlines(north, Q1_2024)

    # The small round's answers are counted among the answers but never shown as scores.
    assert (figures["answers"], figures["score_goals"]) == (10, Decimal("4.0"))
    alone = _headlines(north, Period(2024, Unit.MONTH, 3))
    assert (alone["rounds"], alone["answers"], alone["score_goals"]) == (1, "< 5", None)


def test_it_counts_a_round_only_once_it_has_closed(fresh_powiat):
    team = _team(fresh_powiat.north)
    today = timezone.localdate()
    _round(team, today, 4, 4, 4, 4, 4, 4)
    this_year = Period(today.year, Unit.YEAR, 1)

    figures = _headlines(gmina_scope(fresh_powiat.north), this_year)

    assert (figures["rounds"], figures["answers"], figures["score_benefit"]) == (0, 0, None)


def test_it_counts_only_the_rounds_of_the_teams_of_the_territory(fresh_powiat):
    _round(_team(fresh_powiat.north), dt.date(2024, 2, 1), 5, 5, 5, 5, 5)
    _round(_team(fresh_powiat.south), dt.date(2024, 2, 1), 1, 1, 1, 1, 1)

    north = _headlines(gmina_scope(fresh_powiat.north), Q1_2024)
    powiat = _headlines(powiat_scope(fresh_powiat.county), Q1_2024)

    assert (north["rounds"], north["score_information"]) == (1, Decimal("5.0"))
    # Both gminas of the powiat, and none of the demo's rounds.
    assert (powiat["rounds"], powiat["answers"], powiat["score_information"]) == (2, 10, Decimal("3.0"))


def test_it_lists_each_statement_with_its_average_and_answers(fresh_powiat):
    team = _team(fresh_powiat.north)
    _round(team, dt.date(2024, 2, 1), *(dict.fromkeys(SURVEY_ITEMS, 3) | {"benefit": 5} for _ in range(6)))

    (table,) = _section(gmina_scope(fresh_powiat.north), Q1_2024).tables

    assert table.key == "survey-by-statement"
    assert [row[1:] for row in table.export_rows()] == [
        [Decimal("3.0"), 5],
        [Decimal("3.0"), 5],
        [Decimal("3.0"), 5],
        [Decimal("3.0"), 5],
        [Decimal("5.0"), 5],
        [Decimal("3.0"), 5],
    ]


@pytest.mark.parametrize("teams", [1, 6])
def test_it_reads_the_section_in_a_fixed_number_of_queries(fresh_powiat, django_assert_max_num_queries, teams):
    for number in range(teams):
        for gmina in (fresh_powiat.north, fresh_powiat.south):
            team = _team(gmina, f"Zespół {number}")
            _round(team, dt.date(2024, 2, 1), 4, 4, 4, 4, 4)
            _round(team, dt.date(2024, 3, 1), 2, 2)
    powiat = powiat_scope(fresh_powiat.county)

    # One query of headlines for the period, one for the one before; the table reuses the first.
    with django_assert_max_num_queries(2):
        section = _section(powiat, Q1_2024)

    assert section.comparisons[0].now.figure.value == 4 * teams
