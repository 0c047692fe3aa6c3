"""Meetings: planning, changing, cancelling, invitations and answers, attendance, minutes and
decisions (teams/meetings.py). Refusals change nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from kooperacja.cases.tests.factories import make_case, make_person
from kooperacja.core.models import Notification, NotificationMode, User
from kooperacja.teams import meetings
from kooperacja.teams.meetings import AttendanceRow, StaleMeeting
from kooperacja.teams.models import (
    Attendance,
    InvitationResponse,
    Meeting,
    MeetingCase,
    MeetingKind,
    MeetingStatus,
    TeamMember,
)
from kooperacja.teams.tests.factories import add_member, institution_of, make_meeting, make_team, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader():
    return user("lider.mirzec")


@pytest.fixture
def team():
    return make_team()


@pytest.fixture
def held_meeting(team):
    """A meeting that began an hour ago."""
    return make_meeting(team, starts_at=timezone.now() - dt.timedelta(hours=1), hours=2)


def member(team, username) -> TeamMember:
    return TeamMember.objects.get(team=team, user__username=username)


def with_email(username: str) -> None:
    person = user(username)
    person.email = person.email or f"{username}@test.example"
    person.save(update_fields=["email"])


@pytest.fixture
def synced(monkeypatch):
    """The case conferences the meetings service asked to bring up to date."""
    calls: list[Meeting] = []
    monkeypatch.setattr("kooperacja.teams.conferences.sync_participations", lambda m, actor=None: calls.append(m))
    return calls


# --- Planning ---------------------------------------------------------------------------------


def planned(team, leader, **fields):
    start = timezone.now() + dt.timedelta(days=3)
    values: dict[str, Any] = {
        "kind": MeetingKind.TEAM_MEETING,
        "title": "Spotkanie zespołu",
        "starts_at": start,
        "ends_at": start + dt.timedelta(hours=2),
        "place": "Urząd Gminy",
        "agenda": "1. Otwarcie",
    }
    return meetings.create_meeting(leader, team, **(values | fields))


def test_it_plans_a_meeting_of_the_team_in_its_gmina(team, leader):
    meeting = planned(team, leader)

    assert meeting.status == MeetingStatus.PLANNED
    assert meeting.municipality_id == team.municipality_id
    assert meeting.created_by == leader


@pytest.mark.parametrize("length", [dt.timedelta(hours=-1), dt.timedelta(0)])
def test_it_refuses_a_meeting_that_ends_before_it_starts_and_saves_nothing(team, leader, length):
    start = timezone.now() + dt.timedelta(days=3)

    with pytest.raises(ValidationError) as refusal:
        planned(team, leader, starts_at=start, ends_at=start + length)

    assert "ends_at" in refusal.value.message_dict
    assert not Meeting.objects.filter(team=team).exists()


def test_it_refuses_a_meeting_without_a_title(team, leader):
    with pytest.raises(ValidationError) as refusal:
        planned(team, leader, title="   ")

    assert "title" in refusal.value.message_dict
    assert not Meeting.objects.filter(team=team).exists()


def test_it_refuses_an_unknown_kind(team, leader):
    with pytest.raises(ValidationError):
        planned(team, leader, kind="party")


# --- Changing ---------------------------------------------------------------------------------


def test_a_new_time_raises_the_sequence_and_tells_the_invitees(team, leader, mailoutbox):
    with_email("policja.mirzec")
    meeting = make_meeting(team)
    meetings.invite(leader, meeting, [member(team, "policja.mirzec")])
    mailoutbox.clear()

    meetings.update_meeting(leader, meeting, meeting.version, starts_at=meeting.starts_at + dt.timedelta(hours=1))

    meeting.refresh_from_db()
    assert meeting.ics_sequence == 1
    assert meeting.version == 2
    assert len(mailoutbox) == 1
    assert b"SEQUENCE:1" in mailoutbox[0].attachments[0][1].encode()


def test_a_new_title_keeps_the_calendar_event_and_tells_nobody(team, leader, mailoutbox):
    with_email("policja.mirzec")
    meeting = make_meeting(team)
    meetings.invite(leader, meeting, [member(team, "policja.mirzec")])
    mailoutbox.clear()

    meetings.update_meeting(leader, meeting, meeting.version, title="Nowy tytuł")

    meeting.refresh_from_db()
    assert (meeting.title, meeting.ics_sequence) == ("Nowy tytuł", 0)
    assert mailoutbox == []


def test_a_change_on_a_stale_version_is_refused_and_saves_nothing(team, leader):
    meeting = make_meeting(team, title="Przed zmianą")

    with pytest.raises(StaleMeeting):
        meetings.update_meeting(leader, meeting, meeting.version - 1, title="Po zmianie")

    meeting.refresh_from_db()
    assert meeting.title == "Przed zmianą"


def test_a_change_cannot_make_the_meeting_end_before_it_starts(team, leader):
    meeting = make_meeting(team)
    ends = meeting.ends_at

    with pytest.raises(ValidationError) as refusal:
        meetings.update_meeting(leader, meeting, meeting.version, ends_at=meeting.starts_at - dt.timedelta(minutes=5))

    assert "ends_at" in refusal.value.message_dict
    meeting.refresh_from_db()
    assert meeting.ends_at == ends


def test_a_case_conference_with_cases_keeps_its_kind(team, leader):
    conference = make_meeting(team, kind=MeetingKind.CASE_CONFERENCE)
    case = make_case(lead=user("gops.mirzec"), person=make_person("Ola", "Konferencyjna"))
    MeetingCase.objects.create(meeting=conference, case=case, municipality_id=case.municipality_id)

    with pytest.raises(ValidationError) as refusal:
        meetings.update_meeting(leader, conference, conference.version, kind=MeetingKind.WORKSHOP)

    assert "kind" in refusal.value.message_dict


# --- Cancelling -------------------------------------------------------------------------------


def test_cancelling_marks_the_event_cancelled_in_the_invitees_calendars(team, leader, mailoutbox):
    with_email("szkola.mirzec")
    meeting = make_meeting(team)
    meetings.invite(leader, meeting, [member(team, "szkola.mirzec")])
    mailoutbox.clear()

    meetings.cancel_meeting(leader, meeting, meeting.version)

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.ics_sequence == 1
    _name, content, mimetype = mailoutbox[0].attachments[0]
    assert mimetype == "text/calendar; method=CANCEL"
    assert "STATUS:CANCELLED" in content


def test_a_held_meeting_cannot_be_cancelled(team, leader, held_meeting):
    meetings.record_minutes(leader, held_meeting, "Omówiono plan pracy.", held_meeting.version)

    with pytest.raises(ValidationError):
        meetings.cancel_meeting(leader, held_meeting, held_meeting.version)

    held_meeting.refresh_from_db()
    assert held_meeting.status == MeetingStatus.HELD


def test_a_cancelled_meeting_cannot_be_changed(team, leader):
    meeting = make_meeting(team)
    meetings.cancel_meeting(leader, meeting, meeting.version)

    with pytest.raises(ValidationError):
        meetings.update_meeting(leader, meeting, meeting.version, title="Jednak")


# --- Invitations ------------------------------------------------------------------------------


def test_an_invitation_is_e_mailed_with_the_event_as_an_ics_file(team, leader, mailoutbox):
    with_email("policja.mirzec")
    meeting = make_meeting(team, title="Warsztat diagnozy")

    invited = meetings.invite(leader, meeting, [member(team, "policja.mirzec")])

    assert [row.user for row in invited] == [user("policja.mirzec")]
    assert invited[0].invited_at is not None
    (message,) = mailoutbox
    assert message.to == [user("policja.mirzec").email]
    assert "Warsztat diagnozy" in message.subject
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("zaproszenie.ics", "text/calendar; method=REQUEST")
    assert f"UID:{meeting.public_id}@kooperacja" in content
    assert str(meeting.public_id) in message.body


def test_an_invitation_lands_in_the_invitees_inbox_without_naming_anyone(team, leader):
    meeting = make_meeting(team)

    meetings.invite(leader, meeting, [member(team, "szkola.mirzec")])

    note = Notification.objects.get(recipient=user("szkola.mirzec"), kind=meetings.NOTIFICATION_KIND)
    assert team.name in note.title
    assert note.url == f"/teams/meetings/{meeting.public_id}/"


def test_the_e_mail_of_a_case_conference_names_no_family(team, leader, mailoutbox):
    with_email("policja.mirzec")
    conference = make_meeting(
        team, kind=MeetingKind.CASE_CONFERENCE, title="Rodzina Nowaków", agenda="Sytuacja pana Nowaka"
    )

    meetings.invite(leader, conference, [member(team, "policja.mirzec")])

    (message,) = mailoutbox
    everything = message.subject + message.body + message.alternatives[0][0] + message.attachments[0][1]
    assert "Nowak" not in everything


def test_nobody_is_invited_twice(team, leader, mailoutbox):
    with_email("policja.mirzec")
    meeting = make_meeting(team)
    meetings.invite(leader, meeting, [member(team, "policja.mirzec")])

    again = meetings.invite(leader, meeting, [member(team, "policja.mirzec")])

    assert again == []
    assert len(mailoutbox) == 1
    assert Attendance.objects.filter(meeting=meeting).count() == 1


def test_a_member_who_left_cannot_be_invited(team, leader):
    gone = member(team, "szkola.mirzec")
    gone.left_on = timezone.localdate() - dt.timedelta(days=1)
    gone.save()
    meeting = make_meeting(team)

    with pytest.raises(ValidationError) as refusal:
        meetings.invite(leader, meeting, [gone])

    assert "members" in refusal.value.message_dict
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_a_member_of_another_team_cannot_be_invited(team, leader):
    other = make_team()
    meeting = make_meeting(team)

    with pytest.raises(ValidationError):
        meetings.invite(leader, meeting, [member(other, "policja.mirzec"), member(team, "szkola.mirzec")])

    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_nobody_is_invited_to_a_cancelled_meeting(team, leader):
    meeting = make_meeting(team)
    meetings.cancel_meeting(leader, meeting, meeting.version)

    with pytest.raises(ValidationError):
        meetings.invite(leader, meeting, [member(team, "szkola.mirzec")])


def test_nobody_is_invited_once_the_meeting_has_started(team, leader, held_meeting, mailoutbox):
    with_email("szkola.mirzec")

    with pytest.raises(ValidationError) as refusal:
        meetings.invite(leader, held_meeting, [member(team, "szkola.mirzec")])

    assert refusal.value.code == "started"
    assert not Attendance.objects.filter(meeting=held_meeting).exists()
    assert not Notification.objects.filter(recipient=user("szkola.mirzec"), url__contains=str(held_meeting.public_id))
    assert mailoutbox == []


def test_who_turned_e_mails_off_hears_of_the_invitation_in_the_inbox_only(team, leader, mailoutbox):
    with_email("szkola.mirzec")
    with_email("policja.mirzec")
    User.objects.filter(username="szkola.mirzec").update(notification_mode=NotificationMode.OFF)
    User.objects.filter(username="policja.mirzec").update(notification_mode=NotificationMode.DAILY)
    meeting = make_meeting(team)

    meetings.invite(leader, meeting, [member(team, "szkola.mirzec"), member(team, "policja.mirzec")])

    assert [message.to for message in mailoutbox] == [[user("policja.mirzec").email]]
    assert mailoutbox[0].attachments[0][0] == "zaproszenie.ics"
    assert Notification.objects.filter(recipient=user("szkola.mirzec"), kind=meetings.NOTIFICATION_KIND).count() == 1


def test_an_institution_without_a_named_person_is_invited_as_an_institution(team, leader, mailoutbox):
    unnamed = TeamMember.objects.create(team=team, institution=institution_of("gops.oksa"), user=None)
    meeting = make_meeting(team)

    (row,) = meetings.invite(leader, meeting, [unnamed])

    assert (row.user, row.institution) == (None, unnamed.institution)
    assert mailoutbox == []


def test_inviting_to_a_case_conference_brings_its_cases_up_to_date(team, leader, synced):
    conference = make_meeting(team, kind=MeetingKind.CASE_CONFERENCE)
    meetings.invite(leader, conference, [member(team, "szkola.mirzec")])
    meetings.invite(leader, make_meeting(team), [member(team, "szkola.mirzec")])

    assert synced == [conference]


# --- Answers ----------------------------------------------------------------------------------


def test_the_invitee_accepts_and_declines(team, leader):
    meeting = make_meeting(team)
    meetings.invite(leader, meeting, [member(team, "szkola.mirzec")])

    meetings.respond(user("szkola.mirzec"), meeting, InvitationResponse.ACCEPTED)
    meetings.respond(user("szkola.mirzec"), meeting, InvitationResponse.DECLINED)

    assert Attendance.objects.get(meeting=meeting).response == InvitationResponse.DECLINED


def test_someone_not_invited_cannot_answer(team):
    meeting = make_meeting(team)

    with pytest.raises(ValidationError):
        meetings.respond(user("policja.mirzec"), meeting, InvitationResponse.ACCEPTED)

    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_an_answer_must_be_yes_or_no(team, leader):
    meeting = make_meeting(team)
    meetings.invite(leader, meeting, [member(team, "szkola.mirzec")])

    with pytest.raises(ValidationError):
        meetings.respond(user("szkola.mirzec"), meeting, InvitationResponse.PENDING)


def _started(meeting: Meeting, *, hours_ago: float = 1) -> Meeting:
    start = timezone.now() - dt.timedelta(hours=hours_ago)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=2))
    meeting.refresh_from_db()
    return meeting


@pytest.mark.parametrize("held", [False, True], ids=["started", "held"])
def test_an_answer_after_the_meeting_started_is_refused_and_changes_nothing(team, leader, held):
    meeting = make_meeting(team)
    meetings.invite(leader, meeting, [member(team, "szkola.mirzec")])
    _started(meeting)
    if held:
        meetings.record_minutes(leader, meeting, "Omówiono plan.", meeting.version)

    with pytest.raises(ValidationError) as refusal, translation.override("pl"):
        meetings.respond(user("szkola.mirzec"), meeting, InvitationResponse.ACCEPTED)

    assert refusal.value.code == "started"
    with translation.override("pl"):
        assert refusal.value.messages == [
            translation.gettext(
                "The meeting has already started: the answer to the invitation can no longer be changed."
            )
        ]
    assert Attendance.objects.get(meeting=meeting).response == InvitationResponse.PENDING


def test_a_planned_meeting_takes_answers_until_it_starts(team):
    meeting = make_meeting(team)

    assert meetings.takes_answers(meeting)
    assert not meetings.takes_answers(meeting, now=meeting.starts_at)


# --- Attendance -------------------------------------------------------------------------------


def row(username, attended=True, hours=None):
    return AttendanceRow(institution_of(username), user(username), attended, hours)


def test_attendance_of_members_counts_the_meetings_length_unless_told(leader, held_meeting):
    meetings.record_attendance(
        leader,
        held_meeting,
        [row("policja.mirzec"), row("szkola.mirzec", hours=Decimal("3.5")), row("lider.mirzec", False)],
        held_meeting.version,
    )

    hours = {str(a.user_id): (a.attended, a.hours) for a in Attendance.objects.filter(meeting=held_meeting)}
    assert hours == {
        str(user("policja.mirzec").pk): (True, Decimal("2.0")),
        str(user("szkola.mirzec").pk): (True, Decimal("3.5")),
        str(user("lider.mirzec").pk): (False, None),
    }


def test_attendance_of_someone_outside_the_team_is_refused_and_nothing_is_saved(leader, held_meeting):
    with pytest.raises(ValidationError) as refusal:
        meetings.record_attendance(
            leader, held_meeting, [row("policja.mirzec"), row("gops.oksa")], held_meeting.version
        )

    assert "not a member of the team" in str(refusal.value) or "członkiem" in str(refusal.value)
    assert not Attendance.objects.filter(meeting=held_meeting).exists()


def test_attendance_counts_membership_on_the_day_of_the_meeting(team, leader):
    meeting = make_meeting(team, starts_at=timezone.now() - dt.timedelta(days=10))
    add_member(team, "kolega.mirzec", joined_on=timezone.localdate() - dt.timedelta(days=2))

    with pytest.raises(ValidationError):
        meetings.record_attendance(leader, meeting, [row("kolega.mirzec")], meeting.version)


def test_attendance_on_a_stale_version_is_refused_and_saves_nothing(leader, held_meeting):
    opened = held_meeting.version
    meetings.record_attendance(user("pcpr.starachowice"), held_meeting, [row("policja.mirzec")], opened)

    with pytest.raises(StaleMeeting):
        meetings.record_attendance(leader, held_meeting, [row("policja.mirzec", False), row("szkola.mirzec")], opened)

    (only,) = Attendance.objects.filter(meeting=held_meeting)
    assert (only.user, only.attended) == (user("policja.mirzec"), True)
    assert held_meeting.version == opened + 1


def test_attendance_is_corrected_not_doubled(leader, held_meeting):
    meetings.record_attendance(leader, held_meeting, [row("policja.mirzec")], held_meeting.version)
    meetings.record_attendance(leader, held_meeting, [row("policja.mirzec", False)], held_meeting.version)

    (only,) = Attendance.objects.filter(meeting=held_meeting)
    assert (only.attended, only.hours) == (False, None)


def test_attendance_keeps_the_invitation_and_the_answer(team, leader):
    meeting = make_meeting(team)
    meetings.invite(leader, meeting, [member(team, "szkola.mirzec")])
    meetings.respond(user("szkola.mirzec"), meeting, InvitationResponse.ACCEPTED)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=2), ends_at=timezone.now() - dt.timedelta(hours=1)
    )
    meeting.refresh_from_db()

    meetings.record_attendance(leader, meeting, [row("szkola.mirzec")], meeting.version)

    (only,) = Attendance.objects.filter(meeting=meeting)
    assert (only.response, only.attended, only.invited_at is not None) == (InvitationResponse.ACCEPTED, True, True)


@pytest.mark.parametrize("hours", [Decimal("-1"), Decimal("25")])
def test_hours_outside_a_day_are_refused(leader, held_meeting, hours):
    with pytest.raises(ValidationError):
        meetings.record_attendance(leader, held_meeting, [row("policja.mirzec", hours=hours)], held_meeting.version)

    assert not Attendance.objects.filter(meeting=held_meeting).exists()


def test_attendance_waits_for_the_meeting_to_start(team, leader):
    meeting = make_meeting(team)

    with pytest.raises(ValidationError):
        meetings.record_attendance(leader, meeting, [row("policja.mirzec")], meeting.version)


def test_a_case_conference_accepts_the_case_team_of_its_cases(team, leader, synced):
    conference = make_meeting(team, kind=MeetingKind.CASE_CONFERENCE, starts_at=timezone.now() - dt.timedelta(hours=1))
    case = make_case(lead=user("gops.mirzec"), team=(user("asystent.mirzec"),), person=make_person("Ewa", "Zespołowa"))
    MeetingCase.objects.create(meeting=conference, case=case, municipality_id=case.municipality_id)

    meetings.record_attendance(leader, conference, [row("asystent.mirzec"), row("gops.mirzec")], conference.version)

    assert Attendance.objects.filter(meeting=conference, attended=True).count() == 2
    assert synced == [conference]


def test_the_case_team_of_a_case_not_at_the_conference_is_refused(team, leader):
    conference = make_meeting(team, kind=MeetingKind.CASE_CONFERENCE, starts_at=timezone.now() - dt.timedelta(hours=1))
    make_case(lead=user("gops.mirzec"), team=(user("asystent.mirzec"),), person=make_person("Ewa", "Obok"))

    with pytest.raises(ValidationError):
        meetings.record_attendance(leader, conference, [row("asystent.mirzec")], conference.version)


# --- Minutes and decisions --------------------------------------------------------------------


def test_minutes_mark_the_meeting_held(leader, held_meeting):
    meetings.record_minutes(leader, held_meeting, "  Omówiono mapę zasobów.  ", held_meeting.version)

    held_meeting.refresh_from_db()
    assert held_meeting.status == MeetingStatus.HELD
    assert held_meeting.minutes == "Omówiono mapę zasobów."
    assert held_meeting.minutes_by == leader


def test_minutes_on_a_stale_version_are_refused(leader, held_meeting):
    meetings.record_minutes(leader, held_meeting, "Pierwsza wersja.", held_meeting.version)

    with pytest.raises(StaleMeeting):
        meetings.record_minutes(leader, held_meeting, "Druga wersja.", held_meeting.version - 1)

    held_meeting.refresh_from_db()
    assert held_meeting.minutes == "Pierwsza wersja."


def test_minutes_of_a_meeting_not_yet_started_are_refused(team, leader):
    meeting = make_meeting(team)

    with pytest.raises(ValidationError):
        meetings.record_minutes(leader, meeting, "Za wcześnie.", meeting.version)

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED


def test_empty_minutes_are_refused(leader, held_meeting):
    with pytest.raises(ValidationError) as refusal:
        meetings.record_minutes(leader, held_meeting, "  ", held_meeting.version)

    assert "minutes" in refusal.value.message_dict


def test_decisions_are_numbered_in_the_order_taken(leader, held_meeting):
    first = meetings.add_decision(leader, held_meeting, "Przygotować mapę zasobów.")
    second = meetings.add_decision(leader, held_meeting, "Zorganizować warsztat.")

    assert (first.number, second.number) == (1, 2)


def test_an_empty_decision_is_refused(leader, held_meeting):
    with pytest.raises(ValidationError):
        meetings.add_decision(leader, held_meeting, "")

    assert not held_meeting.decisions.exists()


@pytest.mark.parametrize("attended", [False, None], ids=["did not come", "not recorded"])
def test_hours_of_someone_who_did_not_come_are_refused_not_dropped(leader, held_meeting, attended):
    with pytest.raises(ValidationError) as refusal:
        meetings.record_attendance(
            leader,
            held_meeting,
            [row("policja.mirzec"), row("szkola.mirzec", attended, hours=Decimal(3))],
            held_meeting.version,
        )

    assert refusal.value.code == "hours_without_attendance"
    assert str(user("szkola.mirzec")) in refusal.value.messages[0]
    assert not Attendance.objects.filter(meeting=held_meeting).exists()
