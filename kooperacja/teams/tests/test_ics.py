"""Meetings as iCalendar: what a calendar application reads back from our files."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from kooperacja.teams.ics import calendar_ics, event_ics, meeting_uid
from kooperacja.teams.models import MeetingKind, MeetingStatus
from kooperacja.teams.tests.factories import make_meeting, make_team

pytestmark = pytest.mark.django_db

WARSAW = ZoneInfo("Europe/Warsaw")


def parsed(data: bytes) -> Calendar:
    calendar = Calendar.from_ical(data)
    assert isinstance(calendar, Calendar)
    return calendar


def only_event(data: bytes):
    events = parsed(data).walk("VEVENT")
    assert len(events) == 1
    return events[0]


@pytest.fixture
def meeting():
    start = dt.datetime(2026, 12, 3, 10, 0, tzinfo=WARSAW)
    return make_meeting(make_team(), starts_at=start, hours=2.5, title="Warsztat: mapa zasobów", agenda="1. Otwarcie")


def test_it_writes_one_event_with_the_fields_rfc_5545_requires(meeting):
    calendar = parsed(event_ics(meeting))
    event = only_event(event_ics(meeting))

    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == f"{meeting.public_id}@kooperacja"
    assert event["DTSTAMP"].dt.tzinfo is not None
    assert event["SEQUENCE"] == 0
    assert str(event["SUMMARY"]) == "Warsztat: mapa zasobów"
    assert str(event["LOCATION"]) == "Urząd Gminy, sala narad"
    assert event["STATUS"] == "CONFIRMED"


def test_it_writes_the_time_in_utc_so_every_calendar_shows_the_polish_hour(meeting):
    event = only_event(event_ics(meeting))

    start, end = event["DTSTART"].dt, event["DTEND"].dt
    assert start.utcoffset() == dt.timedelta(0)
    assert start.astimezone(WARSAW) == dt.datetime(2026, 12, 3, 10, 0, tzinfo=WARSAW)
    assert end - start == dt.timedelta(hours=2, minutes=30)
    assert b"DTSTART:20261203T090000Z" in event_ics(meeting)


def test_it_keeps_the_uid_and_raises_the_sequence_of_a_changed_meeting(meeting):
    meeting.ics_sequence = 3
    meeting.save()

    event = only_event(event_ics(meeting))

    assert str(event["UID"]) == meeting_uid(meeting)
    assert event["SEQUENCE"] == 3


def test_it_marks_a_cancelled_meeting_cancelled(meeting):
    meeting.status = MeetingStatus.CANCELLED
    meeting.save()

    data = event_ics(meeting)

    assert parsed(data)["METHOD"] == "CANCEL"
    assert only_event(data)["STATUS"] == "CANCELLED"


def test_it_publishes_a_download_without_asking_for_an_answer(meeting):
    assert parsed(event_ics(meeting, method="PUBLISH"))["METHOD"] == "PUBLISH"


def test_it_gives_a_case_conference_a_generic_summary_and_no_agenda():
    team = make_team(name="G-PZK Testowy")
    conference = make_meeting(
        team, kind=MeetingKind.CASE_CONFERENCE, title="Rodzina Kowalskich", agenda="Sytuacja pani Kowalskiej"
    )

    data = event_ics(conference)
    event = only_event(data)

    assert "Kowalsk" not in data.decode()
    assert str(event["SUMMARY"]).endswith(": G-PZK Testowy")  # "Konferencja w sprawie: …"
    assert str(conference.public_id) in str(event["DESCRIPTION"])


def test_it_links_the_event_to_the_meeting_page(meeting):
    event = only_event(event_ics(meeting))

    assert str(event["URL"]).endswith(f"/teams/meetings/{meeting.public_id}/")
    assert "1. Otwarcie" in str(event["DESCRIPTION"])


def test_a_feed_holds_every_meeting_once_under_its_name():
    team = make_team()
    meetings = [make_meeting(team), make_meeting(team, kind=MeetingKind.WORKSHOP)]

    calendar = parsed(calendar_ics(meetings, name="Moje spotkania"))

    assert calendar["METHOD"] == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Moje spotkania"
    assert sorted(str(e["UID"]) for e in calendar.walk("VEVENT")) == sorted(meeting_uid(m) for m in meetings)


def test_an_empty_feed_is_still_a_valid_calendar():
    calendar = parsed(calendar_ics([], name="Puste"))

    assert calendar.walk("VEVENT") == []
    assert calendar["VERSION"] == "2.0"
