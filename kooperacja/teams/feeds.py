"""The personal iCalendar feed: a secret address at which a user's calendar program reads the
meetings of every team the user sees now.

The address is the secret (no sign-in), so a user may revoke it at once (it answers "not
found" from then on) or replace it by a new one. A user has at most one live address. Like
API tokens, only the SHA-256 of the address's token is stored: it is shown once, when made.
What the feed holds follows `policies.visible_meetings` on every read: a user who leaves a
team stops seeing its meetings there too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from kooperacja.core import audit
from kooperacja.core.models import AuditAction
from kooperacja.teams import policies
from kooperacja.teams.models import CalendarFeed, Meeting, MeetingStatus, Team

# How far back the feed reaches: enough for the last quarter's meetings.
FEED_DAYS_BACK = 90


# The secret part of an address: 43 URL-safe characters (256 bits). Anything much longer is
# not an address this platform made, so it is turned away before hashing.
TOKEN_BYTES = 32
TOKEN_MAX_LENGTH = 100


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def live_feed(user: Any) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def _end(feed: CalendarFeed, user: Any) -> None:
    feed.revoked_at = timezone.now()
    feed.save(update_fields=["revoked_at"])
    audit.record(AuditAction.DELETE, actor=user, obj=feed)


def _lock_live_feeds(user: Any) -> list[CalendarFeed]:
    # Locking the user's row first makes two clicks at once wait for each other, so the second
    # sees the first one's address instead of breaking the one-live-address rule.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    return list(CalendarFeed.objects.select_for_update().filter(user=user, revoked_at__isnull=True))


@transaction.atomic
def create_feed(user: Any) -> tuple[CalendarFeed, str]:
    """A new address for the user, in place of the one they had (which stops working at once).

    Returns the feed and its token: only the token's hash is kept, so this is the one moment
    the address can be shown."""
    for feed in _lock_live_feeds(user):
        _end(feed, user)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed.objects.create(user=user, token_hash=_hash(token))
    audit.record(AuditAction.CREATE, actor=user, obj=feed)
    return feed, token


@transaction.atomic
def revoke_feed(user: Any) -> bool:
    """End the live address at once. Returns whether there was one."""
    live = _lock_live_feeds(user)
    for feed in live:
        _end(feed, user)
    return bool(live)


def feed_for_token(token: str) -> CalendarFeed | None:
    """The live feed of an active user at this address, or None."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=_hash(token), revoked_at__isnull=True, user__is_active=True)
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
