"""Meeting pages: what those who run a team, its members and invitees see and do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from kooperacja.teams import meetings
from kooperacja.teams.forms.meetings import HOURS_RANGE, HOURS_WITHOUT_ATTENDANCE
from kooperacja.teams.models import Attendance, InvitationResponse, Meeting, MeetingKind, MeetingStatus, TeamMember
from kooperacja.teams.tests.factories import institution_of, make_meeting, make_team, user

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def team():
    return make_team()


@pytest.fixture
def leader(login_as):
    return login_as("lider.mirzec")


@pytest.fixture
def held_meeting(team):
    return make_meeting(team, starts_at=timezone.now() - dt.timedelta(hours=1), hours=2)


def url(name, obj):
    return reverse(name, args=[obj.public_id])


def local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def meeting_form(**fields):
    start = timezone.now() + dt.timedelta(days=5)
    values = {
        "kind": MeetingKind.WORKSHOP,
        "title": "Warsztat: mapa zasobów",
        "starts_at": local(start),
        "ends_at": local(start + dt.timedelta(hours=3)),
        "place": "GOPS Mirzec",
        "agenda": "1. Otwarcie\n2. Mapa zasobów",
    }
    return values | fields


# --- The list ---------------------------------------------------------------------------------


def test_the_list_shows_coming_and_earlier_meetings(client, team, leader, held_meeting):
    coming = make_meeting(team, title="Spotkanie grudniowe")
    earlier = make_meeting(team, title="Warsztat 2018", starts_at=timezone.now() - dt.timedelta(days=400))

    response = client.get(url("teams:meetings", team))

    assert response.status_code == 200
    assert [m.pk for m in response.context["upcoming"]] == [held_meeting.pk, coming.pk]
    assert [m.pk for m in response.context["past"]] == [earlier.pk]
    assert "Spotkanie grudniowe" in response.content.decode()


def test_the_list_pins_its_queries(client, team, login_as, django_assert_num_queries):
    login_as("policja.mirzec")
    for _ in range(3):
        make_meeting(team)
    client.get(url("teams:meetings", team))  # warm the session and caches

    with django_assert_num_queries(QUERIES_OF_THE_LIST):
        client.get(url("teams:meetings", team))
    for days in range(1, 6):
        earlier = make_meeting(team, starts_at=timezone.now() - dt.timedelta(days=days * 10))
        Attendance.objects.create(meeting=earlier, institution=team.members.first().institution, attended=True)
    with django_assert_num_queries(QUERIES_OF_THE_LIST):
        client.get(url("teams:meetings", team))


QUERIES_OF_THE_LIST = 11


def test_members_see_no_button_to_plan_a_meeting(client, team, login_as):
    login_as("szkola.mirzec")

    response = client.get(url("teams:meetings", team))

    assert reverse("teams:meeting_create", args=[team.public_id]) not in response.content.decode()


# --- Planning and changing --------------------------------------------------------------------


def test_the_leader_plans_a_meeting_through_the_form(client, team, leader):
    response = client.post(url("teams:meeting_create", team), meeting_form())

    meeting = Meeting.objects.get(team=team)
    assert response.status_code == 302
    assert response["Location"] == url("teams:meeting", meeting)
    assert (meeting.kind, meeting.title, meeting.hours) == (MeetingKind.WORKSHOP, "Warsztat: mapa zasobów", 3.0)


def test_a_meeting_ending_before_it_starts_is_refused_on_the_form(client, team, leader):
    start = timezone.now() + dt.timedelta(days=5)

    response = client.post(
        url("teams:meeting_create", team),
        meeting_form(starts_at=local(start), ends_at=local(start - dt.timedelta(hours=1))),
    )

    assert response.status_code == 400
    assert "ends_at" in response.context["form"].errors
    assert not Meeting.objects.filter(team=team).exists()


def test_a_meeting_with_an_unreadable_date_is_refused(client, team, leader):
    response = client.post(url("teams:meeting_create", team), meeting_form(starts_at="jutro"))

    assert response.status_code == 400
    assert "starts_at" in response.context["form"].errors
    assert not Meeting.objects.filter(team=team).exists()


def test_the_edit_form_shows_the_saved_values(client, team, leader):
    meeting = make_meeting(team, title="Stary tytuł")

    response = client.get(url("teams:meeting_edit", meeting))

    assert response.status_code == 200
    assert response.context["form"].initial["title"] == "Stary tytuł"


def test_a_stale_edit_answers_409_with_both_versions(client, team, leader):
    meeting = make_meeting(team, title="Przed")
    opened = meeting.version
    meetings.update_meeting(user("pcpr.starachowice"), meeting, opened, title="Zmienione przez animatora")
    meeting.refresh_from_db()

    response = client.post(
        url("teams:meeting_edit", meeting),
        meeting_form(
            title="Moja wersja", version=opened, starts_at=local(meeting.starts_at), ends_at=local(meeting.ends_at)
        ),
    )

    assert response.status_code == 409
    labels = {d.label: (d.saved, d.typed) for d in response.context["conflict"]}
    assert ("Zmienione przez animatora", "Moja wersja") in labels.values()
    meeting.refresh_from_db()
    assert meeting.title == "Zmienione przez animatora"


def test_cancelling_asks_for_the_version_and_marks_the_meeting(client, team, leader):
    meeting = make_meeting(team)

    response = client.post(url("teams:meeting_cancel", meeting), {"version": meeting.version})

    meeting.refresh_from_db()
    assert response.status_code == 302
    assert meeting.status == MeetingStatus.CANCELLED


def test_a_stale_cancel_answers_409_and_cancels_nothing(client, team, leader):
    meeting = make_meeting(team)

    response = client.post(url("teams:meeting_cancel", meeting), {"version": meeting.version + 5})

    meeting.refresh_from_db()
    assert response.status_code == 409
    assert meeting.status == MeetingStatus.PLANNED


# --- The meeting page, invitations and answers ------------------------------------------------


def test_the_page_offers_the_members_not_yet_invited(client, team, leader):
    meeting = make_meeting(team, agenda="1. Otwarcie")

    response = client.get(url("teams:meeting", meeting))

    assert response.status_code == 200
    offered = {m.user.username for m in response.context["invite_form"].fields["members"].queryset}
    assert offered == {"lider.mirzec", "pcpr.starachowice", "policja.mirzec", "szkola.mirzec"}
    assert "1. Otwarcie" in response.content.decode()


def test_inviting_through_the_page_sends_the_invitations(client, team, leader, mailoutbox):
    meeting = make_meeting(team)
    chosen = TeamMember.objects.filter(team=team, user__username__in=["policja.mirzec", "szkola.mirzec"])

    response = client.post(url("teams:meeting_invite", meeting), {"members": [m.pk for m in chosen]})

    assert response.status_code == 302
    invited = Attendance.objects.filter(meeting=meeting, invited_at__isnull=False)
    assert {a.user_id for a in invited} == {user("policja.mirzec").pk, user("szkola.mirzec").pk}


def test_a_meeting_that_has_started_offers_no_invitations(client, held_meeting, leader):
    page = client.get(url("teams:meeting", held_meeting))
    chosen = TeamMember.objects.get(team=held_meeting.team, user__username="szkola.mirzec")

    response = client.post(url("teams:meeting_invite", held_meeting), {"members": [chosen.pk]})

    assert page.context["invite_form"] is None
    assert response.status_code == 400
    assert "już się zaczęło" in response.content.decode() or "already started" in response.content.decode()
    assert not Attendance.objects.filter(meeting=held_meeting).exists()


def test_inviting_nobody_is_refused(client, team, leader):
    meeting = make_meeting(team)

    response = client.post(url("teams:meeting_invite", meeting), {})

    assert response.status_code == 400
    assert "members" in response.context["form"].errors


def test_inviting_a_member_of_another_team_is_refused(client, team, leader):
    meeting = make_meeting(team)
    stranger = TeamMember.objects.filter(team=make_team())[0]

    response = client.post(url("teams:meeting_invite", meeting), {"members": [stranger.pk]})

    assert response.status_code == 400
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_the_invitee_answers_on_the_meeting_page(client, team, login_as):
    meeting = make_meeting(team)
    meetings.invite(
        user("lider.mirzec"), meeting, list(TeamMember.objects.filter(team=team, user__username="szkola.mirzec"))
    )
    login_as("szkola.mirzec")

    page = client.get(url("teams:meeting", meeting))
    response = client.post(url("teams:meeting_respond", meeting), {"answer": InvitationResponse.ACCEPTED})

    assert page.context["respond_form"] is not None
    assert response.status_code == 302
    assert Attendance.objects.get(meeting=meeting).response == InvitationResponse.ACCEPTED


def test_an_answer_that_is_neither_yes_nor_no_is_refused(client, team, login_as):
    meeting = make_meeting(team)
    meetings.invite(
        user("lider.mirzec"), meeting, list(TeamMember.objects.filter(team=team, user__username="szkola.mirzec"))
    )
    login_as("szkola.mirzec")

    response = client.post(url("teams:meeting_respond", meeting), {"answer": "maybe"})

    assert response.status_code == 400
    assert Attendance.objects.get(meeting=meeting).response == InvitationResponse.PENDING


def _invite_school(team, meeting):
    meetings.invite(
        user("lider.mirzec"), meeting, list(TeamMember.objects.filter(team=team, user__username="szkola.mirzec"))
    )


def _move_to_the_past(meeting, *, hours_ago=1):
    start = timezone.now() - dt.timedelta(hours=hours_ago)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=2))
    meeting.refresh_from_db()


@pytest.mark.parametrize("held", [False, True], ids=["started", "held"])
def test_the_invitation_is_not_offered_for_an_answer_once_the_meeting_started(client, team, login_as, held):
    meeting = make_meeting(team)
    _invite_school(team, meeting)
    _move_to_the_past(meeting)
    if held:
        meetings.record_minutes(user("lider.mirzec"), meeting, "Omówiono plan.", meeting.version)
    login_as("szkola.mirzec")

    page = client.get(url("teams:meeting", meeting))

    assert page.context["respond_form"] is None
    assert url("teams:meeting_respond", meeting) not in page.content.decode()
    assert 'id="my-answer"' not in page.content.decode()


def test_a_late_answer_is_refused_with_the_reason_and_changes_nothing(client, team, login_as):
    meeting = make_meeting(team)
    _invite_school(team, meeting)
    _move_to_the_past(meeting)
    login_as("szkola.mirzec")

    response = client.post(url("teams:meeting_respond", meeting), {"answer": InvitationResponse.ACCEPTED})

    assert response.status_code == 400
    with translation.override("pl"):
        reason = translation.gettext(
            "The meeting has already started: the answer to the invitation can no longer be changed."
        )
    assert reason in response.content.decode()
    assert Attendance.objects.get(meeting=meeting).response == InvitationResponse.PENDING


def test_a_case_conference_links_to_its_cases(client, team, leader):
    conference = make_meeting(team, kind=MeetingKind.CASE_CONFERENCE)

    response = client.get(url("teams:meeting", conference))

    assert reverse("teams:conference_cases", args=[conference.public_id]) in response.content.decode()


# --- Attendance -------------------------------------------------------------------------------


def key(username: str) -> str:
    return f"u{user(username).pk}"


def test_the_attendance_form_lists_the_members_of_the_day(client, held_meeting, leader):
    response = client.get(url("teams:meeting_attendance", held_meeting))

    assert response.status_code == 200
    listed = {person.user.username for person in response.context["form"].people}
    assert listed == {"lider.mirzec", "pcpr.starachowice", "policja.mirzec", "szkola.mirzec"}


def test_attendance_is_recorded_with_the_meeting_length_by_default(client, held_meeting, leader):
    response = client.post(
        url("teams:meeting_attendance", held_meeting),
        {
            f"attended_{key('policja.mirzec')}": "yes",
            f"attended_{key('szkola.mirzec')}": "yes",
            f"hours_{key('szkola.mirzec')}": "1,5",
            f"attended_{key('lider.mirzec')}": "no",
            "version": held_meeting.version,
        },
    )

    assert response.status_code == 302
    recorded = {a.user.username: (a.attended, float(a.hours or 0)) for a in held_meeting.attendances.all()}
    assert recorded == {
        "policja.mirzec": (True, 2.0),
        "szkola.mirzec": (True, 1.5),
        "lider.mirzec": (False, 0.0),
    }


def test_attendance_with_impossible_hours_saves_nothing(client, held_meeting, leader):
    response = client.post(
        url("teams:meeting_attendance", held_meeting),
        {
            f"attended_{key('policja.mirzec')}": "yes",
            f"hours_{key('policja.mirzec')}": "30",
            "version": held_meeting.version,
        },
    )

    assert response.status_code == 400
    assert not held_meeting.attendances.exists()


def test_attendance_for_a_meeting_not_yet_started_is_refused(client, team, leader):
    meeting = make_meeting(team)

    response = client.post(
        url("teams:meeting_attendance", meeting),
        {f"attended_{key('policja.mirzec')}": "yes", "version": meeting.version},
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert not meeting.attendances.exists()


def test_attendance_of_someone_outside_the_team_is_not_taken_from_the_form(client, held_meeting, leader):
    response = client.post(
        url("teams:meeting_attendance", held_meeting),
        {f"attended_{key('gops.oksa')}": "yes", "version": held_meeting.version},
    )

    assert response.status_code == 302
    assert not held_meeting.attendances.exists()


def test_stale_attendance_answers_409_and_keeps_what_was_saved(client, held_meeting, leader):
    opened = held_meeting.version
    meetings.record_attendance(
        user("pcpr.starachowice"),
        held_meeting,
        [meetings.AttendanceRow(institution_of("policja.mirzec"), user("policja.mirzec"), True)],
        opened,
    )

    response = client.post(
        url("teams:meeting_attendance", held_meeting),
        {f"attended_{key('policja.mirzec')}": "no", "version": opened},
    )

    assert response.status_code == 409
    (difference,) = response.context["conflict"]
    assert (difference.saved, difference.typed) in [("yes", "no"), ("tak", "nie")]
    assert 'id="conflict"' in response.content.decode()
    assert held_meeting.attendances.get().attended is True
    held_meeting.refresh_from_db()
    assert response.context["form"]["version"].value() == str(held_meeting.version)


def test_attendance_without_the_version_is_refused(client, held_meeting, leader):
    response = client.post(url("teams:meeting_attendance", held_meeting), {f"attended_{key('policja.mirzec')}": "yes"})

    assert response.status_code == 400
    assert not held_meeting.attendances.exists()


def field_errors(response, name):
    with translation.override("pl"):
        return [str(error) for error in response.context["form"].errors.get(name, [])]


def in_polish(message):
    with translation.override("pl"):
        return str(message)


@pytest.mark.parametrize("attended", ["no", ""], ids=["did not come", "not recorded"])
def test_hours_for_someone_who_did_not_come_are_refused_on_their_field(client, held_meeting, leader, attended):
    response = client.post(
        url("teams:meeting_attendance", held_meeting),
        {
            f"attended_{key('policja.mirzec')}": "yes",
            f"attended_{key('szkola.mirzec')}": attended,
            f"hours_{key('szkola.mirzec')}": "3",
            "version": held_meeting.version,
        },
    )

    assert response.status_code == 400
    assert field_errors(response, f"hours_{key('szkola.mirzec')}") == [in_polish(HOURS_WITHOUT_ATTENDANCE)]
    assert field_errors(response, f"hours_{key('policja.mirzec')}") == []
    assert not held_meeting.attendances.exists()


@pytest.mark.parametrize("hours", ["abc", "-1", "99", "1,25"])
def test_bad_hours_get_a_message_that_says_what_to_write(client, held_meeting, leader, hours):
    response = client.post(
        url("teams:meeting_attendance", held_meeting),
        {
            f"attended_{key('policja.mirzec')}": "yes",
            f"hours_{key('policja.mirzec')}": hours,
            "version": held_meeting.version,
        },
    )

    assert response.status_code == 400
    (message,) = field_errors(response, f"hours_{key('policja.mirzec')}")
    assert "1,5" in message or "1.5" in message
    if hours != "1,25":
        assert message == in_polish(HOURS_RANGE)
    assert message in response.content.decode()
    assert not held_meeting.attendances.exists()


def test_an_unknown_attendance_choice_is_refused_in_plain_words(client, held_meeting, leader):
    response = client.post(
        url("teams:meeting_attendance", held_meeting),
        {f"attended_{key('policja.mirzec')}": "maybe", "version": held_meeting.version},
    )

    assert response.status_code == 400
    with translation.override("pl"):
        expected = translation.gettext("Choose yes, no or not recorded.")
    assert field_errors(response, f"attended_{key('policja.mirzec')}") == [expected]
    assert not held_meeting.attendances.exists()


def test_the_meeting_page_tells_the_absent_from_those_not_recorded(client, held_meeting, leader):
    meetings.record_attendance(
        user("lider.mirzec"),
        held_meeting,
        [
            meetings.AttendanceRow(institution_of("policja.mirzec"), user("policja.mirzec"), True),
            meetings.AttendanceRow(institution_of("szkola.mirzec"), user("szkola.mirzec"), False),
        ],
        held_meeting.version,
    )

    response = client.get(url("teams:meeting", held_meeting))
    page = response.content.decode()

    assert [row.user.username for row in response.context["present"]] == ["policja.mirzec"]
    assert [row.user.username for row in response.context["absent"]] == ["szkola.mirzec"]
    assert {person.user.username for person in response.context["not_recorded"]} == {
        "lider.mirzec",
        "pcpr.starachowice",
    }
    section = page[page.index('id="attendance"') : page.index('id="minutes"')]
    with translation.override("pl"):
        present, absent, unknown = map(translation.gettext, ("Present", "Absent", "Attendance not recorded"))
    assert section.index(present) < section.index(str(user("policja.mirzec"))) < section.index(absent)
    assert section.index(absent) < section.index(str(user("szkola.mirzec"))) < section.index(unknown)
    assert section.index(unknown) < section.index(str(user("pcpr.starachowice")))


# --- Minutes, decisions, attachments, PDF and .ics --------------------------------------------


def test_writing_the_minutes_marks_the_meeting_held(client, held_meeting, leader):
    response = client.post(
        url("teams:meeting_minutes", held_meeting), {"minutes": "Omówiono mapę.", "version": held_meeting.version}
    )

    held_meeting.refresh_from_db()
    assert response.status_code == 302
    assert (held_meeting.status, held_meeting.minutes) == (MeetingStatus.HELD, "Omówiono mapę.")


def test_stale_minutes_answer_409_and_keep_what_was_saved(client, held_meeting, leader):
    opened = held_meeting.version
    meetings.record_minutes(user("pcpr.starachowice"), held_meeting, "Wersja animatora.", opened)

    response = client.post(url("teams:meeting_minutes", held_meeting), {"minutes": "Moja wersja.", "version": opened})

    held_meeting.refresh_from_db()
    assert response.status_code == 409
    assert response.context["conflict"][0].saved == "Wersja animatora."
    assert held_meeting.minutes == "Wersja animatora."


def test_empty_minutes_are_refused_on_the_form(client, held_meeting, leader):
    response = client.post(
        url("teams:meeting_minutes", held_meeting), {"minutes": " ", "version": held_meeting.version}
    )

    assert response.status_code == 400
    held_meeting.refresh_from_db()
    assert held_meeting.status == MeetingStatus.PLANNED


def test_a_decision_is_added_and_offered_as_a_task(client, held_meeting, leader):
    response = client.post(url("teams:decision_add", held_meeting), {"text": "Przygotować mapę zasobów."})
    decision = held_meeting.decisions.get()

    page = client.get(url("teams:meeting", held_meeting))

    assert response.status_code == 302
    task_link = reverse("teams:task_create", args=[held_meeting.team.public_id]) + f"?decision={decision.public_id}"
    assert task_link in page.content.decode()


def test_an_empty_decision_is_refused_on_the_form(client, held_meeting, leader):
    response = client.post(url("teams:decision_add", held_meeting), {"text": ""})

    assert response.status_code == 400
    assert not held_meeting.decisions.exists()


def test_an_attachment_is_kept_with_the_meeting(client, held_meeting, leader):
    upload = SimpleUploadedFile("lista-obecnosci.pdf", PDF_BYTES, content_type="application/pdf")

    response = client.post(url("teams:attachment_add", held_meeting), {"title": "Lista obecności", "file": upload})

    assert response.status_code == 302
    (document,) = held_meeting.attachments.all()
    assert (document.title, document.team_id) == ("Lista obecności", held_meeting.team_id)


def test_a_disguised_attachment_is_refused(client, held_meeting, leader):
    upload = SimpleUploadedFile("lista.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")

    response = client.post(url("teams:attachment_add", held_meeting), {"title": "Lista", "file": upload})

    assert response.status_code == 400
    assert not held_meeting.attachments.exists()


def test_the_minutes_pdf_is_a_pdf(client, held_meeting, leader):
    meetings.record_minutes(user("lider.mirzec"), held_meeting, "Omówiono mapę zasobów.", held_meeting.version)

    response = client.get(url("teams:meeting_pdf", held_meeting))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_member_downloads_the_meeting_as_an_ics_file(client, team, login_as):
    meeting = make_meeting(team)
    login_as("policja.mirzec")

    response = client.get(url("teams:meeting_ics", meeting))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [f"{meeting.public_id}@kooperacja"]
