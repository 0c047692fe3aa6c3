"""The team activity section: meetings held, attendance of the invited institutions, decisions'
tasks done on time and obligations fulfilled, per territory and period, and per team."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kooperacja.evaluation import dashboard
from kooperacja.evaluation.periods import Period, Unit
from kooperacja.evaluation.scope import Scope, gmina_scope, powiat_scope
from kooperacja.teams.dashboard import dashboard as team_dashboard
from kooperacja.teams.models import (
    Agreement,
    AgreementParty,
    Attendance,
    Decision,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Obligation,
    ObligationStatus,
    PartyKind,
    Task,
    TaskStatus,
    Team,
)
from kooperacja.teams.tests.factories import make_meeting
from kooperacja.teams.workload import Period as TeamPeriod

YEAR_2024 = Period(2024, Unit.YEAR, 1)
Q1_2024 = Period(2024, Unit.QUARTER, 1)


def _section(scope: Scope, period: Period) -> dashboard.Section:
    (section,) = dashboard.build(scope, period, only=lambda builder: builder.key == "teams").sections
    return section


def _headlines(scope: Scope, period: Period) -> dict[str, Any]:
    return {comparison.now.key: comparison.now.figure.value for comparison in _section(scope, period).comparisons}


def _team(gmina: Any, name: str = "G-PZK", **fields: Any) -> Team:
    return Team.objects.create(name=name, municipality=gmina, county=gmina.county, **fields)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _held(team: Team, day: dt.date, *, invited: int = 0, came: int = 0, institution: Any, **fields: Any) -> Meeting:
    """A held meeting of the team with `invited` attendance rows, the first `came` of them present."""
    meeting = make_meeting(team, starts_at=_at(day), status=MeetingStatus.HELD, **fields)
    for number in range(invited):
        Attendance.objects.create(
            meeting=meeting,
            institution=institution,
            user=_staff(number),
            invited_at=_at(day - dt.timedelta(days=7)),
            attended=number < came,
        )
    return meeting


def _staff(number: int) -> Any:
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(username=f"zespol.czlonek.{number}")
    return user


def _task(team: Team, decision: Decision, due: dt.date | None, *, done: dt.date | None = None, **fields: Any) -> Task:
    fields.setdefault("status", TaskStatus.DONE if done else TaskStatus.OPEN)
    return Task.objects.create(
        team=team,
        decision=decision,
        title="Zadanie",
        owner_institution=fields.pop("institution"),
        due_on=due,
        done_on=done,
        **fields,
    )


def _obligations(team: Team, institution: Any, *statuses_and_days: tuple[str, dt.date | None]) -> None:
    agreement = Agreement.objects.create(team=team, title="Porozumienie", signed_on=dt.date(2023, 6, 1))
    party = AgreementParty.objects.create(agreement=agreement, kind=PartyKind.INSTITUTION, institution=institution)
    for number, (status, due) in enumerate(statuses_and_days, start=1):
        Obligation.objects.create(
            agreement=agreement, party=party, number=number, text="Zobowiązanie", due_on=due, status=status
        )


@pytest.fixture
def north_team(fresh_powiat) -> Team:
    return _team(fresh_powiat.north, "G-PZK Północ")


def test_it_counts_the_meetings_held_in_the_period_of_every_kind(fresh_powiat, north_team):
    gops = fresh_powiat.gops_north
    _held(north_team, dt.date(2024, 1, 10), institution=gops)
    _held(north_team, dt.date(2024, 3, 31), institution=gops, kind=MeetingKind.CASE_CONFERENCE)
    _held(north_team, dt.date(2024, 4, 1), institution=gops)
    _held(north_team, dt.date(2023, 12, 31), institution=gops)
    make_meeting(north_team, starts_at=_at(dt.date(2024, 2, 1)), status=MeetingStatus.CANCELLED)
    make_meeting(north_team, starts_at=_at(dt.date(2024, 2, 2)), status=MeetingStatus.PLANNED)
    north = gmina_scope(fresh_powiat.north)

    assert _headlines(north, Q1_2024)["meetings"] == 2
    assert _headlines(north, YEAR_2024)["meetings"] == 3


def test_it_shows_the_share_of_invited_institutions_that_came(fresh_powiat, north_team):
    gops = fresh_powiat.gops_north
    _held(north_team, dt.date(2024, 2, 1), invited=3, came=2, institution=gops)
    _held(north_team, dt.date(2024, 3, 1), invited=1, came=1, institution=gops)
    # Who was asked to a meeting that was then cancelled is no part of the rate.
    cancelled = make_meeting(north_team, starts_at=_at(dt.date(2024, 2, 5)), status=MeetingStatus.CANCELLED)
    Attendance.objects.create(meeting=cancelled, institution=gops, invited_at=_at(dt.date(2024, 2, 1)))

    figures = _headlines(gmina_scope(fresh_powiat.north), Q1_2024)

    # 3 of 4: a share of institutions at meetings, shown even on so few.
    assert figures["attendance"] == 75


def test_it_shows_the_share_of_the_periods_decisions_tasks_done_on_time(fresh_powiat, north_team):
    gops = fresh_powiat.gops_north
    decision = Decision.objects.create(
        meeting=_held(north_team, dt.date(2024, 2, 1), institution=gops), text="Ustalono"
    )
    _task(north_team, decision, dt.date(2024, 2, 10), done=dt.date(2024, 2, 9), institution=gops)
    _task(north_team, decision, dt.date(2024, 2, 10), done=dt.date(2024, 2, 10), institution=gops)
    _task(north_team, decision, dt.date(2024, 2, 10), done=dt.date(2024, 2, 20), institution=gops)
    # Due after the quarter: still a task of the quarter's decision, not yet done.
    _task(north_team, decision, dt.date(2024, 5, 1), institution=gops)
    _task(north_team, decision, dt.date(2024, 3, 1), institution=gops, status=TaskStatus.CANCELLED)
    # No due day: on time once done.
    _task(north_team, decision, None, done=dt.date(2024, 6, 1), institution=gops)
    # A decision of the quarter before gives tasks of that quarter, whenever they are due.
    earlier = Decision.objects.create(meeting=_held(north_team, dt.date(2023, 12, 1), institution=gops), text="Dawniej")
    _task(north_team, earlier, dt.date(2024, 2, 1), done=dt.date(2024, 1, 30), institution=gops)
    # A task given outside any decision is not a decision's task.
    Task.objects.create(team=north_team, title="Inne", owner_institution=gops, due_on=dt.date(2024, 2, 1))

    figures = _headlines(gmina_scope(fresh_powiat.north), Q1_2024)

    assert figures["tasks_on_time"] == 60  # 3 of the 5 not cancelled


def test_it_counts_the_tasks_as_the_teams_own_dashboard_does(fresh_powiat, north_team):
    gops = fresh_powiat.gops_north
    meeting = _held(north_team, dt.date(2024, 2, 1), invited=4, came=3, institution=gops)
    Attendance.objects.create(meeting=meeting, institution=fresh_powiat.gops_south, attended=True)  # came uninvited
    decision = Decision.objects.create(meeting=meeting, text="Ustalono")
    _task(north_team, decision, dt.date(2024, 2, 10), done=dt.date(2024, 2, 9), institution=gops)
    _task(north_team, decision, dt.date(2024, 2, 10), done=dt.date(2024, 2, 11), institution=gops)
    _task(north_team, decision, None, done=dt.date(2024, 3, 1), institution=gops)
    _task(north_team, decision, dt.date(2024, 9, 1), institution=gops)

    figures = _headlines(gmina_scope(fresh_powiat.north), Q1_2024)
    own = team_dashboard(north_team, TeamPeriod(dt.date(2024, 1, 1), dt.date(2024, 3, 31)), with_survey=False)

    assert (own.decision_tasks, own.decision_tasks_on_time, own.on_time_rate) == (4, 2, 50)
    assert figures["tasks_on_time"] == own.on_time_rate
    assert (own.invited, own.came, own.attendance_rate) == (5, 4, 80)
    assert figures["attendance"] == own.attendance_rate


def test_it_counts_the_obligations_due_in_the_period_that_were_fulfilled(fresh_powiat, north_team):
    gops = fresh_powiat.gops_north
    _obligations(
        north_team,
        gops,
        (ObligationStatus.FULFILLED, dt.date(2024, 1, 31)),
        (ObligationStatus.FULFILLED, dt.date(2024, 3, 31)),
        (ObligationStatus.NOT_FULFILLED, dt.date(2024, 2, 1)),
        (ObligationStatus.FULFILLED, dt.date(2024, 4, 1)),
        (ObligationStatus.FULFILLED, None),
    )
    north = gmina_scope(fresh_powiat.north)

    assert _headlines(north, Q1_2024)["obligations_fulfilled"] == 2
    assert _headlines(north, YEAR_2024)["obligations_fulfilled"] == 3


def test_it_compares_the_period_with_the_one_before(fresh_powiat, north_team):
    gops = fresh_powiat.gops_north
    _held(north_team, dt.date(2024, 5, 1), institution=gops)
    _held(north_team, dt.date(2024, 2, 1), institution=gops)
    _held(north_team, dt.date(2024, 2, 2), institution=gops)

    (meetings, *_rest) = _section(gmina_scope(fresh_powiat.north), Period(2024, Unit.QUARTER, 2)).comparisons

    assert (meetings.now.figure.value, meetings.before.value, meetings.change.value) == (1, 2, -1)


def test_it_counts_only_the_teams_of_the_territory(fresh_powiat, north_team):
    gops_north, gops_south = fresh_powiat.gops_north, fresh_powiat.gops_south
    south_team = _team(fresh_powiat.south, "G-PZK Południe")
    _held(north_team, dt.date(2024, 2, 1), invited=4, came=4, institution=gops_north)
    _held(south_team, dt.date(2024, 2, 1), invited=4, came=0, institution=gops_south)
    _held(south_team, dt.date(2024, 2, 8), institution=gops_south)

    north = _headlines(gmina_scope(fresh_powiat.north), Q1_2024)
    powiat = _headlines(powiat_scope(fresh_powiat.county), Q1_2024)

    assert (north["meetings"], north["attendance"]) == (1, 100)
    # The powiat holds both gminas and nothing of the demo's gminas.
    assert (powiat["meetings"], powiat["attendance"]) == (3, 50)


def test_it_lists_each_team_of_the_territory_with_its_figures(fresh_powiat, north_team):
    gops_north, gops_south = fresh_powiat.gops_north, fresh_powiat.gops_south
    south_team = _team(fresh_powiat.south, "G-PZK Południe")
    _team(fresh_powiat.south, "Zespół rozwiązany", is_active=False)
    _held(north_team, dt.date(2024, 2, 1), invited=2, came=1, institution=gops_north)
    meeting = _held(south_team, dt.date(2024, 1, 5), institution=gops_south)
    decision = Decision.objects.create(meeting=meeting, text="Ustalono")
    _task(south_team, decision, dt.date(2024, 2, 1), done=dt.date(2024, 1, 20), institution=gops_south)
    _obligations(south_team, gops_south, (ObligationStatus.FULFILLED, dt.date(2024, 3, 1)))

    (table,) = _section(powiat_scope(fresh_powiat.county), Q1_2024).tables

    assert table.key == "teams-by-team"
    assert table.export_rows() == [
        ["G-PZK Południe (Południe)", 1, "", 1, 100, 1, 1],
        ["G-PZK Północ (Północ)", 1, 50, 0, "", 0, 0],
    ]


def test_it_lists_a_team_no_longer_active_for_a_period_it_still_met_in(fresh_powiat):
    closed = _team(fresh_powiat.north, "Zespół rozwiązany", is_active=False)
    _held(closed, dt.date(2024, 2, 1), institution=fresh_powiat.gops_north)
    north = gmina_scope(fresh_powiat.north)

    (in_2024,) = _section(north, Q1_2024).tables
    (in_2025,) = _section(north, Period(2025, Unit.QUARTER, 1)).tables

    assert [row.label for row in in_2024.rows] == ["Zespół rozwiązany"]
    assert in_2025.rows == ()


def _activity(fresh_powiat: Any, teams: int) -> None:
    for number in range(teams):
        for gmina, gops in (
            (fresh_powiat.north, fresh_powiat.gops_north),
            (fresh_powiat.south, fresh_powiat.gops_south),
        ):
            team = _team(gmina, f"Zespół {number}")
            meeting = _held(team, dt.date(2024, 2, 1), invited=3, came=2, institution=gops)
            decision = Decision.objects.create(meeting=meeting, text="Ustalono")
            _task(team, decision, dt.date(2024, 3, 1), done=dt.date(2024, 2, 20), institution=gops)
            _obligations(team, gops, (ObligationStatus.FULFILLED, dt.date(2024, 3, 1)))


@pytest.mark.parametrize("teams", [1, 6])
def test_it_reads_the_section_in_a_fixed_number_of_queries(fresh_powiat, django_assert_max_num_queries, teams):
    _activity(fresh_powiat, teams)
    powiat = powiat_scope(fresh_powiat.county)

    # Three queries of headlines for the period and three for the one before, one for the table.
    with django_assert_max_num_queries(7):
        section = _section(powiat, Q1_2024)

    assert section.comparisons[0].now.figure.value == 2 * teams
    assert len(section.tables[0].rows) == 2 * teams
