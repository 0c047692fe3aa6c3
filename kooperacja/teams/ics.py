"""Meetings as iCalendar (RFC 5545): one event for an invitation or a download, and a feed of
many events for a personal calendar.

Times are written in UTC (the `Z` form), which every calendar reads without a VTIMEZONE. The
UID is stable (`<public_id>@kooperacja`) and SEQUENCE is the meeting's `ics_sequence`, so a
changed or cancelled meeting replaces the copy in the invitee's calendar. A calendar leaves the
platform: a case conference is written with a generic summary and no agenda, never a case's
name or the title the team gave it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from kooperacja.core.email import absolute_url
from kooperacja.teams.models import Meeting, MeetingKind, MeetingStatus

PRODID = "-//Kooperacja//Zespoły kooperacji//PL"
UID_DOMAIN = "kooperacja"


def meeting_uid(meeting: Meeting) -> str:
    return f"{meeting.public_id}@{UID_DOMAIN}"


def public_summary(meeting: Meeting) -> str:
    """What a calendar outside the platform may call the meeting: a case conference only by its
    kind and team (its title may name a family), any other meeting by its title."""
    if meeting.kind == MeetingKind.CASE_CONFERENCE:
        return _("Case conference: %(team)s") % {"team": meeting.team.name}
    return meeting.title


def _organizer(meeting: Meeting) -> vCalAddress:
    _name, address = _split_address(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["cn"] = vText(meeting.team.name)
    return organizer


def _split_address(value: str) -> tuple[str, str]:
    """("Kooperacja", "noreply@…") from "Kooperacja <noreply@…>" (or a bare address)."""
    if "<" in value and value.endswith(">"):
        name, address = value[:-1].split("<", 1)
        return name.strip(), address.strip()
    return "", value.strip()


def _event(meeting: Meeting, stamp: dt.datetime) -> Event:
    link = absolute_url(reverse("teams:meeting", args=[meeting.public_id]))
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", stamp)
    event.add("sequence", meeting.ics_sequence)
    event.add("dtstart", meeting.starts_at.astimezone(dt.UTC))
    event.add("dtend", meeting.ends_at.astimezone(dt.UTC))
    event.add("summary", public_summary(meeting))
    if meeting.place:
        event.add("location", meeting.place)
    description = [] if meeting.kind == MeetingKind.CASE_CONFERENCE else [meeting.agenda.strip()]
    description.append(_("Details on the Kooperacja platform: %(link)s") % {"link": link})
    event.add("description", "\n\n".join(part for part in description if part))
    event.add("url", link)
    event.add("organizer", _organizer(meeting))
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    event.add("last-modified", meeting.updated_at.astimezone(dt.UTC))
    return event


def _calendar(method: str | None, name: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def event_ics(meeting: Meeting, *, method: str | None = None) -> bytes:
    """One meeting as a calendar of one event. `method` (iTIP): REQUEST for an invitation or a
    change (the default), CANCEL for a cancelled meeting (its default), PUBLISH for a download."""
    chosen = method or ("CANCEL" if meeting.status == MeetingStatus.CANCELLED else "REQUEST")
    with translation.override(settings.LANGUAGE_CODE):
        calendar = _calendar(chosen)
        calendar.add_component(_event(meeting, timezone.now().astimezone(dt.UTC)))
    return calendar.to_ical()


def calendar_ics(meetings: Iterable[Meeting], *, name: str) -> bytes:
    """Many meetings as one published calendar (a feed a calendar app subscribes to). The
    meetings need their team loaded (`select_related("team")`)."""
    stamp = timezone.now().astimezone(dt.UTC)
    with translation.override(settings.LANGUAGE_CODE):
        calendar = _calendar("PUBLISH", name)
        for meeting in meetings:
            calendar.add_component(_event(meeting, stamp))
    return calendar.to_ical()
