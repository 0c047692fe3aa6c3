"""The team's dashboard: its figures, who sees it, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kooperacja.teams import dashboard as dashboards
from kooperacja.teams.models import (
    Agreement,
    AgreementParty,
    Attendance,
    Decision,
    MeetingKind,
    MeetingStatus,
    Obligation,
    ObligationStatus,
    PartyKind,
    TaskStatus,
)
from kooperacja.teams.tests.factories import add_member, institution_of, make_meeting, make_task, make_team, user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def held_meeting(team, days_ago=10):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=days_ago)
    return make_meeting(team, starts_at=start, status=MeetingStatus.HELD)


def invited(meeting, username, attended):
    Attendance.objects.create(
        meeting=meeting,
        institution=institution_of(username),
        user=user(username),
        invited_at=meeting.starts_at - dt.timedelta(days=3),
        attended=attended,
    )


def obligation(team, status):
    agreement = Agreement.objects.create(team=team, title="Porozumienie", signed_on=TODAY())
    party = AgreementParty.objects.create(
        agreement=agreement, kind=PartyKind.INSTITUTION, institution=institution_of("policja.mirzec")
    )
    return Obligation.objects.create(agreement=agreement, party=party, text="Zadanie", status=status)


@pytest.fixture
def team():
    return make_team()


def test_it_counts_meetings_attendance_and_decisions(team):
    meeting = held_meeting(team)
    invited(meeting, "policja.mirzec", True)
    invited(meeting, "szkola.mirzec", True)
    invited(meeting, "lider.mirzec", False)
    invited(make_meeting(team), "szkola.mirzec", None)  # planned: not counted
    decision = Decision.objects.create(meeting=meeting, text="Wspólne dyżury")
    make_task(team, decision=decision, status=TaskStatus.DONE, due_on=TODAY(), done_on=TODAY())
    make_task(team, decision=decision, status=TaskStatus.DONE, due_on=TODAY() - dt.timedelta(days=3), done_on=TODAY())
    make_task(team, decision=decision)
    make_task(team, decision=decision, status=TaskStatus.CANCELLED)

    board = dashboards.dashboard(team, with_survey=False)

    assert board.meetings_held == 1
    assert (board.came, board.invited, board.attendance_rate) == (2, 3, 67)
    assert board.decisions == 1
    assert (board.decision_tasks, board.done_rate, board.on_time_rate) == (3, 67, 33)


def test_it_counts_obligations_by_status(team):
    obligation(team, ObligationStatus.FULFILLED)
    obligation(team, ObligationStatus.FULFILLED)
    obligation(team, ObligationStatus.PENDING)

    board = dashboards.dashboard(team, with_survey=False)

    figures = {bar.label: bar.value for bar in board.obligations}
    assert figures[str(ObligationStatus.FULFILLED.label)] == 2
    assert figures[str(ObligationStatus.PENDING.label)] == 1
    assert board.obligations_total == 3
    assert max(bar.width for bar in board.obligations) == dashboards.BAR_MAX


def test_it_lists_overdue_tasks_and_upcoming_meetings(team):
    late = make_task(team, due_on=TODAY() - dt.timedelta(days=2))
    make_task(team)
    upcoming = make_meeting(team)
    held_meeting(team)

    board = dashboards.dashboard(team, with_survey=False)

    assert board.overdue == [late] and board.overdue_total == 1
    assert board.upcoming == [upcoming]


def test_an_empty_team_has_no_rates(team):
    board = dashboards.dashboard(team, with_survey=False)

    assert board.attendance_rate is None and board.done_rate is None and board.obligations_total == 0


def dashboard_url(team):
    return reverse("teams:dashboard", args=[team.public_id])


@pytest.mark.parametrize("username", ["gops.mirzec", "policja.mirzec", "lider.mirzec", "pcpr.starachowice"])
def test_everyone_in_the_team_sees_the_dashboard(client, login_as, team, username):
    login_as(username)
    obligation(team, ObligationStatus.IN_PROGRESS)

    response = client.get(dashboard_url(team))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and "<table" in page


def test_the_obligations_chart_scales_to_the_screen(client, login_as, team):
    """No fixed width: on a 360 px phone the chart shrinks with the page instead of pushing it
    sideways (tests/browser/test_teams_dashboard.py checks it in a browser)."""
    login_as("lider.mirzec")
    obligation(team, ObligationStatus.IN_PROGRESS)

    page = client.get(dashboard_url(team)).content.decode()

    opening = re.search(r"<svg[^>]*>", page)
    assert opening is not None
    svg = opening.group(0)
    assert f'viewBox="0 0 {dashboards.CHART_WIDTH} ' in svg
    assert not re.search(r'\swidth="', svg) and not re.search(r'\sheight="', svg)
    assert re.search(r'<div class="chart-scroll">\s*<svg', page)


def test_outsiders_do_not_find_it(client, login_as, team):
    login_as("gops.oksa")

    assert client.get(dashboard_url(team)).status_code == 404


def test_the_dashboard_needs_the_same_queries_for_a_bigger_team(client, login_as, django_assert_num_queries):
    login_as("lider.mirzec")
    small, big = make_team(), make_team()
    add_member(big, "gops.mirzec")
    for days in range(3):
        meeting = held_meeting(big, days_ago=days + 1)
        invited(meeting, "policja.mirzec", True)
        decision = Decision.objects.create(meeting=meeting, text="Decyzja")
        make_task(big, decision=decision, due_on=TODAY() - dt.timedelta(days=1))
        make_meeting(big, starts_at=timezone.now() + dt.timedelta(days=days + 2))
        obligation(big, ObligationStatus.PENDING)
    client.get(dashboard_url(small))

    with django_assert_num_queries(QUERIES_DASHBOARD):
        client.get(dashboard_url(small))
    with django_assert_num_queries(QUERIES_DASHBOARD):
        client.get(dashboard_url(big))


QUERIES_DASHBOARD = 19


def test_it_shows_the_latest_survey_result_to_the_leader(client, login_as, team):
    from kooperacja.teams.models import Survey, SurveyResponse

    survey = Survey.objects.create(
        team=team,
        title="Ankieta wiosenna",
        opens_on=TODAY() - dt.timedelta(days=30),
        closes_on=TODAY() - dt.timedelta(days=1),
    )
    scores = dict.fromkeys(["communication", "goals", "expectations", "information", "benefit", "workload"], 4)
    for _ in range(5):
        SurveyResponse.objects.create(survey=survey, **scores)
    login_as("lider.mirzec")

    page = client.get(dashboard_url(team)).content.decode()

    assert "Ankieta wiosenna" in page


def test_the_upcoming_meetings_list_a_case_conference_without_its_own_title(client, login_as, team):
    make_meeting(team, kind=MeetingKind.CASE_CONFERENCE, title="Narada o rodzinie Kowalskich")
    login_as("policja.mirzec")

    page = client.get(dashboard_url(team)).content.decode()

    assert "Kowalskich" not in page
