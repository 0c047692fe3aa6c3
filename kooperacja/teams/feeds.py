"""The personal iCalendar feed: a secret address at which a user's calendar program reads the
meetings of every team the user sees now.

The address is the secret (no sign-in), so a user may revoke it at once (it answers "not
found" from then on) or replace it by a new one. A user has at most one live address.
What the feed holds follows `policies.visible_meetings` on every read: a user who leaves a
team stops seeing its meetings there too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from kooperacja.core import audit
from kooperacja.core.models import AuditAction
from kooperacja.teams import policies
from kooperacja.teams.models import CalendarFeed, Meeting, MeetingStatus, Team

# How far back the feed reaches: enough for the last quarter's meetings.
FEED_DAYS_BACK = 90


def live_feed(user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


@transaction.atomic
def create_feed(user: Any) -> CalendarFeed:
    """The user's live feed: the one they have, or a new one."""
    existing = CalendarFeed.objects.select_for_update().filter(user=user, revoked_at__isnull=True).first()
    if existing is not None:
        return existing
    feed = CalendarFeed.objects.create(user=user)
    audit.record(AuditAction.CREATE, actor=user, obj=feed, object_id=str(feed.pk))
    return feed


@transaction.atomic
def revoke_feed(user: Any) -> bool:
    """End the live address at once. Returns whether there was one."""
    ended = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if ended:
        audit.record(AuditAction.DELETE, actor=user, object_type="teams.calendarfeed", object_id=str(user.pk))
    return bool(ended)


@transaction.atomic
def replace_feed(user: Any) -> CalendarFeed:
    """A new address in place of the old one (e.g. after it was shared by mistake)."""
    revoke_feed(user)
    return create_feed(user)


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed of an active user at this address, or None."""
    if not token or len(token) > CalendarFeed._meta.get_field("token").max_length:  # type: ignore[operator]
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def mark_used(feed: CalendarFeed, now: dt.datetime | None = None) -> None:
    moment = now or timezone.now()
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=moment)
    feed.last_used_at = moment


def feed_meetings(feed: CalendarFeed, now: dt.datetime | None = None) -> QuerySet[Meeting]:
    """The meetings the feed's user sees now, from FEED_DAYS_BACK days back on."""
    since = (now or timezone.now()) - dt.timedelta(days=FEED_DAYS_BACK)
    return (
        policies.visible_meetings(feed.user)
        .filter(ends_at__gte=since)
        .select_related("team", "municipality")
        .order_by("starts_at", "id")
    )


def teams_with_next_meeting(user: Any, limit: int = 10) -> list[Team]:
    """The user's teams, each with `next_meeting_at` (the start of its next planned meeting, or
    None), in one query: for the home page."""
    upcoming = Meeting.objects.filter(
        team=OuterRef("pk"), status=MeetingStatus.PLANNED, starts_at__gte=timezone.now()
    ).order_by("starts_at")
    teams = policies.visible_teams(user).filter(is_active=True)
    return list(teams.annotate(next_meeting_at=Subquery(upcoming.values("starts_at")[:1])).order_by("name")[:limit])
