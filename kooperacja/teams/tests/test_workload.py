"""Workload and recognition: the figures per member and institution, who sees them, the CSV
and the PDF, the period filter, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.teams import workload as workloads
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
    TeamMember,
)
from kooperacja.teams.tests.factories import add_member, institution_of, make_meeting, make_task, make_team, user

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def held_meeting(team, *, days_ago=10, hours=2):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(days=days_ago)
    return make_meeting(team, starts_at=start, hours=hours, status=MeetingStatus.HELD)


def came(meeting, username, hours=None, attended=True):
    return Attendance.objects.create(
        meeting=meeting,
        institution=institution_of(username),
        user=user(username),
        invited_at=meeting.starts_at - dt.timedelta(days=7),
        attended=attended,
        hours=hours,
    )


def row_of(figures, username):
    return next(row.load for row in figures.members if row.member.user == user(username))


def institution_row(figures, username):
    return next(group.load for group in figures.institutions if group.institution == institution_of(username))


@pytest.fixture
def team():
    return make_team()


def test_it_counts_open_and_overdue_tasks_now(team):
    make_task(team, owner="policja.mirzec")
    make_task(team, owner="policja.mirzec", due_on=TODAY() - dt.timedelta(days=1))
    make_task(team, owner="policja.mirzec", status=TaskStatus.DONE, done_on=TODAY())
    make_task(team, owner=None, owner_institution=institution_of("policja.mirzec"))

    figures = workloads.workload(team)

    assert (row_of(figures, "policja.mirzec").open_tasks, row_of(figures, "policja.mirzec").overdue_tasks) == (2, 1)
    assert institution_row(figures, "policja.mirzec").open_tasks == 3


def test_hours_are_recorded_ones_or_the_meetings_length(team):
    first = held_meeting(team, hours=3)
    second = held_meeting(team, days_ago=20, hours=2)
    came(first, "szkola.mirzec", hours=Decimal("1.5"))
    came(second, "szkola.mirzec")
    came(second, "policja.mirzec", attended=False)

    figures = workloads.workload(team)

    school = row_of(figures, "szkola.mirzec")
    assert (school.meetings_attended, school.hours) == (2, Decimal("3.5"))
    assert row_of(figures, "policja.mirzec").meetings_attended == 0


def test_only_held_meetings_of_the_period_count(team):
    planned = make_meeting(team)
    came(planned, "szkola.mirzec")
    long_ago = held_meeting(team, days_ago=400)
    came(long_ago, "szkola.mirzec")

    figures = workloads.workload(team)
    assert row_of(figures, "szkola.mirzec").meetings_attended == 0

    older = workloads.Period(TODAY() - dt.timedelta(days=500), TODAY())
    assert row_of(workloads.workload(team, older), "szkola.mirzec").meetings_attended == 1


def test_a_member_who_left_in_the_period_is_still_thanked(team):
    meeting = held_meeting(team)
    came(meeting, "szkola.mirzec")
    TeamMember.objects.filter(team=team, user=user("szkola.mirzec")).update(left_on=TODAY() - dt.timedelta(days=1))

    figures = workloads.workload(team)

    assert row_of(figures, "szkola.mirzec").meetings_attended == 1


def test_recognition_tells_what_the_member_contributed(team):
    meeting = held_meeting(team)
    came(meeting, "policja.mirzec", hours=Decimal("2.0"))
    decision = Decision.objects.create(meeting=meeting, text="Dyżury dzielnicowego w szkole")
    make_task(team, decision=decision, status=TaskStatus.DONE, due_on=TODAY(), done_on=TODAY() - dt.timedelta(days=1))
    make_task(team, status=TaskStatus.DONE, due_on=TODAY() - dt.timedelta(days=5), done_on=TODAY())
    make_task(team)
    agreement = Agreement.objects.create(team=team, title="Porozumienie", signed_on=TODAY() - dt.timedelta(days=60))
    party = AgreementParty.objects.create(
        agreement=agreement, kind=PartyKind.INSTITUTION, institution=institution_of("policja.mirzec")
    )
    Obligation.objects.create(agreement=agreement, party=party, text="Dyżury", status=ObligationStatus.FULFILLED)
    member = TeamMember.objects.get(team=team, user=user("policja.mirzec"))

    summary = workloads.recognition(member)

    assert (len(summary.meetings), summary.hours) == (1, Decimal("2.0"))
    assert (len(summary.tasks_done), summary.tasks_on_time) == (2, 1)
    assert summary.decisions == [decision]
    assert [o.text for o in summary.obligations_fulfilled] == ["Dyżury"]


# --- Pages ------------------------------------------------------------------------------------------


def workload_url(team, **query):
    url = reverse("teams:workload", args=[team.public_id])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize("username", ["lider.mirzec", "pcpr.starachowice", "admin"])
def test_leaders_and_managers_see_the_workload(client, login_as, team, username):
    login_as(username)

    response = client.get(workload_url(team))

    assert response.status_code == 200
    assert institution_of("policja.mirzec").name in response.content.decode()


@pytest.mark.parametrize("username", ["gops.mirzec", "policja.mirzec", "szkola.mirzec"])
def test_other_members_may_not(client, login_as, team, username):
    login_as(username)

    assert client.get(workload_url(team)).status_code == 403


def test_the_csv_holds_members_and_institutions(client, login_as, team):
    came(held_meeting(team), "szkola.mirzec", hours=Decimal("1.5"))
    login_as("lider.mirzec")

    response = client.get(workload_url(team, format="csv"))

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert institution_of("szkola.mirzec").name in text and "1.5" in text.replace(",", ".")


@pytest.mark.parametrize(
    "query", [{"start": "not-a-date"}, {"start": "2025-05-01", "end": "2025-04-01"}, {"start": "2999-01-01"}]
)
def test_a_bad_period_answers_400(client, login_as, team, query):
    login_as("lider.mirzec")

    assert client.get(workload_url(team, **query)).status_code == 400


def test_the_period_filter_is_applied(client, login_as, team):
    came(held_meeting(team, days_ago=100), "szkola.mirzec")
    login_as("lider.mirzec")
    start = (TODAY() - dt.timedelta(days=30)).isoformat()

    response = client.get(workload_url(team, start=start))

    assert row_of(response.context["workload"], "szkola.mirzec").meetings_attended == 0


def test_the_workload_page_needs_the_same_queries_for_a_bigger_team(client, login_as, django_assert_num_queries):
    login_as("lider.mirzec")
    small, big = make_team(), make_team()
    for username in ("gops.mirzec", "kolega.mirzec", "asystent.mirzec"):
        add_member(big, username)
    for _ in range(3):
        meeting = held_meeting(big)
        came(meeting, "kolega.mirzec")
        make_task(big, owner="asystent.mirzec")
    client.get(workload_url(small))  # warm caches (sessions, memberships)

    with django_assert_num_queries(QUERIES_WORKLOAD):
        client.get(workload_url(small))
    with django_assert_num_queries(QUERIES_WORKLOAD):
        client.get(workload_url(big))


QUERIES_WORKLOAD = 13


def recognition_url(team, username, pdf=False):
    member = TeamMember.objects.get(team=team, user=user(username))
    return reverse("teams:recognition_pdf" if pdf else "teams:recognition", args=[team.public_id, member.public_id])


def test_a_member_sees_their_own_recognition_but_not_others(client, login_as, team):
    login_as("policja.mirzec")

    assert client.get(recognition_url(team, "policja.mirzec")).status_code == 200
    assert client.get(recognition_url(team, "szkola.mirzec")).status_code == 403


def test_a_member_of_another_team_is_not_found(client, login_as, team):
    login_as("lider.mirzec")
    other = make_team()
    member = TeamMember.objects.get(team=other, user=user("policja.mirzec"))

    assert client.get(reverse("teams:recognition", args=[team.public_id, member.public_id])).status_code == 404


def test_the_recognition_pdf_is_a_pdf(client, login_as, team):
    came(held_meeting(team), "policja.mirzec")
    login_as("lider.mirzec")

    response = client.get(recognition_url(team, "policja.mirzec", pdf=True))

    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_csv_export_of_staff_data_is_on_the_record(client, login_as, team):
    login_as("lider.mirzec")

    response = client.get(reverse("teams:workload", args=[team.public_id]), {"format": "csv"})

    assert response.status_code == 200
    (event,) = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_id=str(team.public_id))
    assert event.actor == user("lider.mirzec") and event.details["workload"] == "csv"


def test_the_recognition_pdf_is_on_the_record_and_a_page_is_not(client, login_as, team):
    member = TeamMember.objects.get(team=team, user=user("policja.mirzec"))
    login_as("pcpr.starachowice")

    client.get(recognition_url(team, "policja.mirzec"))
    assert not AuditEvent.objects.filter(object_id=str(member.public_id)).exists()
    client.get(recognition_url(team, "policja.mirzec", pdf=True))

    (event,) = AuditEvent.objects.filter(action=AuditAction.PRINT, object_id=str(member.public_id))
    assert event.actor == user("pcpr.starachowice") and event.details["team"] == str(team.public_id)


def test_the_recognition_lists_a_case_conference_without_its_own_title(client, login_as, team):
    conference = held_meeting(team)
    conference.kind, conference.title = MeetingKind.CASE_CONFERENCE, "Narada o rodzinie Kowalskich"
    conference.save()
    came(conference, "policja.mirzec")
    login_as("policja.mirzec")

    page = client.get(recognition_url(team, "policja.mirzec")).content.decode()

    assert "Kowalskich" not in page
    assert conference.listed_title in page
