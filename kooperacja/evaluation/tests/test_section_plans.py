"""Cooperation programmes (IPW) on a dashboard: families with a programme under way, programmes
completed or ended, the share completed, and goals by the outcome recorded — in which period and
territory each counts, and each figure protected as `privacy` says.

Plans and goals are written straight into the tables with the dates the services would record,
in the test powiat the demo leaves empty."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from kooperacja.cases.models import Case
from kooperacja.cases.tests.factories import make_case
from kooperacja.evaluation import dashboard, periods, scope
from kooperacja.evaluation.dashboard import Table
from kooperacja.evaluation.privacy import Figure
from kooperacja.evaluation.sections.plans import PlansSection
from kooperacja.plans.models import CooperationPlan, Goal, GoalStatus, PlanStatus

WARSAW = ZoneInfo("Europe/Warsaw")
SECTION = PlansSection()


def _plans(
    gops: Any,
    count: int,
    status: str,
    *,
    agreed_on: dt.date | None = dt.date(2025, 1, 10),
    ended_on: dt.date | None = None,
    case: Case | None = None,
    goals: tuple[tuple[str, dt.datetime | None], ...] = (),
) -> list[CooperationPlan]:
    """`count` programmes of the GOPS, each of its own case unless one is given, with goals of
    these statuses changed last at these moments (None: when written, as bulk data is)."""
    author = get_user_model().objects.get(username="gops.mirzec")
    made = []
    for _number in range(count):
        plan = CooperationPlan.objects.create(
            case=case or make_case(institution=gops),
            municipality=gops.municipality,
            institution=gops,
            status=status,
            starts_on=agreed_on or dt.date(2025, 1, 10),
            agreed_on=agreed_on,
            ended_on=ended_on,
            created_by=author,
        )
        for goal_status, changed in goals:
            Goal.objects.create(
                plan=plan,
                municipality=plan.municipality,
                title="Podjęcie zatrudnienia",
                indicator="miesiące pracy",
                target="3",
                due_on=dt.date(2025, 12, 31),
                responsible_institution=gops,
                status=goal_status,
                **({"updated_at": changed} if changed else {}),
            )
        made.append(plan)
    return made


def _headlines(where: scope.Scope, period: str) -> dict[str, object]:
    return {headline.key: _shown(headline.figure) for headline in SECTION.headlines(where, periods.parse(period))}


def _shown(figure: Figure) -> object:
    return "< 5" if figure.hidden else figure.value


def _tables(where: scope.Scope, period: str) -> dict[str, Table]:
    return {table.key: table for table in SECTION.tables(where, periods.parse(period))}


def _rows(table: Table) -> dict[str, list[object]]:
    rows = [*table.rows, *([table.total] if table.total else [])]
    return {row.label: [_shown(figure) for figure in row.figures] for row in rows}


@pytest.fixture
def spring(fresh_powiat):
    """In the northern gmina: 5 programmes in progress since January (5 goals achieved on the
    evening of 30 June, 5 partly achieved just after midnight of 1 July); 10 completed on 20 May
    (their goals achieved, written in bulk); 5 ended without completion on 30 June (goals not
    achieved); 5 completed on 1 July; a draft; 5 agreed only on 1 July."""
    gops = fresh_powiat.gops_north
    june_evening = dt.datetime(2025, 6, 30, 23, 30, tzinfo=WARSAW)
    july_night = dt.datetime(2025, 7, 1, 0, 30, tzinfo=WARSAW)
    _plans(gops, 5, PlanStatus.IN_PROGRESS, goals=((GoalStatus.ACHIEVED, june_evening),))
    _plans(gops, 5, PlanStatus.IN_PROGRESS, goals=((GoalStatus.PARTLY, july_night),))
    _plans(gops, 10, PlanStatus.COMPLETED, ended_on=dt.date(2025, 5, 20), goals=((GoalStatus.ACHIEVED, None),))
    _plans(gops, 5, PlanStatus.ENDED, ended_on=dt.date(2025, 6, 30), goals=((GoalStatus.NOT_ACHIEVED, None),))
    _plans(gops, 5, PlanStatus.COMPLETED, ended_on=dt.date(2025, 7, 1))
    _plans(gops, 1, PlanStatus.DRAFT, agreed_on=None, goals=((GoalStatus.IN_PROGRESS, None),))
    _plans(gops, 5, PlanStatus.AGREED, agreed_on=dt.date(2025, 7, 1))
    return fresh_powiat


def test_it_counts_families_under_way_and_programmes_finished_in_the_period(spring):
    found = _headlines(scope.gmina_scope(spring.north), "2025-Q2")
    assert found["running"] == 30  # 10 in progress, 10 + 5 completed, 5 ended; not the draft nor July's
    assert (found["completed"], found["ended"], found["completed_share"]) == (10, 5, Decimal(67))


def test_it_counts_goals_by_the_day_their_outcome_was_recorded(spring):
    found = _headlines(scope.gmina_scope(spring.north), "2025-Q2")
    # 5 on 30 June + 10 when their programme was completed in May; 5 not achieved when 5 ended.
    assert (found["goals_achieved"], found["goals_achieved_share"]) == (15, Decimal(75))
    goals = _rows(_tables(scope.gmina_scope(spring.north), "2025-Q2")["plans-goals"])
    assert goals == {
        "osiągnięty": [15, Decimal(75)],
        "osiągnięty częściowo": [0, Decimal(0)],
        "nieosiągnięty": [5, Decimal(25)],
        _("All goals with an outcome"): [20, Decimal(100)],
    }


def test_it_moves_what_happened_on_the_first_of_july_to_the_third_quarter(spring):
    found = _headlines(scope.gmina_scope(spring.north), "2025-Q3")
    assert found["running"] == 20  # 10 in progress, 5 completed on 1 July, 5 agreed on 1 July
    assert (found["completed"], found["ended"], found["completed_share"]) == (5, 0, Decimal(100))
    assert (found["goals_achieved"], found["goals_achieved_share"]) == (0, Decimal(0))


def test_it_counts_a_family_with_two_programmes_in_the_period_once(fresh_powiat):
    gops = fresh_powiat.gops_north
    for _number in range(5):
        case = make_case(institution=gops)
        _plans(gops, 1, PlanStatus.ENDED, case=case, ended_on=dt.date(2025, 4, 10))
        _plans(gops, 1, PlanStatus.IN_PROGRESS, case=case, agreed_on=dt.date(2025, 5, 1))
    found = _headlines(scope.gmina_scope(fresh_powiat.north), "2025-Q2")
    assert (found["running"], found["ended"]) == (5, 5)


def test_it_hides_groups_of_fewer_than_five(fresh_powiat):
    gops = fresh_powiat.gops_north
    _plans(gops, 3, PlanStatus.COMPLETED, ended_on=dt.date(2025, 5, 20), goals=((GoalStatus.ACHIEVED, None),))
    _plans(gops, 6, PlanStatus.ENDED, ended_on=dt.date(2025, 5, 20), goals=((GoalStatus.NOT_ACHIEVED, None),))
    found = _headlines(scope.gmina_scope(fresh_powiat.north), "2025")
    assert (found["running"], found["completed"], found["ended"]) == (10, "< 5", 5)
    assert found["completed_share"] == "< 5"  # 3 of 9
    assert (found["goals_achieved"], found["goals_achieved_share"]) == ("< 5", "< 5")


def test_it_hides_six_goals_of_one_family_like_one_family(fresh_powiat):
    # One family's programme with six goals achieved, beside five families' goals not achieved:
    # neither the six goals nor a share resting on one family may be shown.
    six_goals = tuple((GoalStatus.ACHIEVED, None) for _number in range(6))
    gops = fresh_powiat.gops_north
    _plans(gops, 1, PlanStatus.COMPLETED, ended_on=dt.date(2025, 5, 20), goals=six_goals)
    _plans(gops, 5, PlanStatus.ENDED, ended_on=dt.date(2025, 5, 20), goals=((GoalStatus.NOT_ACHIEVED, None),))
    where = scope.gmina_scope(fresh_powiat.north)
    found = _headlines(where, "2025")
    assert (found["goals_achieved"], found["goals_achieved_share"]) == ("< 5", "< 5")
    goals = _rows(_tables(where, "2025")["plans-goals"])
    assert goals["osiągnięty"] == ["< 5", "< 5"]
    assert goals["nieosiągnięty"] == [5, "< 5"]  # five families, but the rest is one family's


def test_it_counts_only_the_territory_asked_for_and_breaks_a_powiat_down_by_gmina(spring):
    powiat = scope.powiat_scope(spring.county)
    assert _rows(_tables(powiat, "2025-Q2")["plans-by-unit"])["Południe"] == [0, 0, 0, None]
    _plans(spring.gops_south, 5, PlanStatus.ENDED, ended_on=dt.date(2025, 5, 2))
    assert _headlines(scope.gmina_scope(spring.south), "2025-Q2")["ended"] == 5
    assert _headlines(scope.gmina_scope(spring.north), "2025-Q2")["ended"] == 5
    assert _headlines(powiat, "2025-Q2")["ended"] == 10
    by_unit = _tables(powiat, "2025-Q2")["plans-by-unit"]
    assert _rows(by_unit) == {
        "Południe": [5, 0, 5, Decimal(0)],
        "Północ": [30, 10, 5, Decimal(67)],
    }
    assert "plans-by-unit" not in _tables(scope.gmina_scope(spring.north), "2025-Q2")


def test_it_shows_the_section_on_the_dashboard_with_the_change_from_the_period_before(spring):
    built = dashboard.build(scope.gmina_scope(spring.north), periods.parse("2025-Q2"))
    section = next(section for section in built.sections if section.key == "plans")
    completed = next(comparison for comparison in section.comparisons if comparison.now.key == "completed")
    assert (completed.now.figure.value, completed.before.value, completed.change.value) == (10, 0, 10)


@pytest.mark.parametrize("plans", [5, 20])
def test_it_reads_the_section_in_a_fixed_number_of_queries(fresh_powiat, plans, django_assert_max_num_queries):
    for gops in (fresh_powiat.gops_north, fresh_powiat.gops_south):
        _plans(gops, plans, PlanStatus.COMPLETED, ended_on=dt.date(2025, 5, 20), goals=((GoalStatus.ACHIEVED, None),))
        _plans(gops, plans, PlanStatus.IN_PROGRESS, goals=((GoalStatus.PARTLY, None),))
    where, period = scope.powiat_scope(fresh_powiat.county), periods.parse("2025")
    # Headlines: programmes and goals; tables: programmes by gmina, the gminas, goals by outcome.
    with django_assert_max_num_queries(5):
        SECTION.headlines(where, period)
        SECTION.tables(where, period)
