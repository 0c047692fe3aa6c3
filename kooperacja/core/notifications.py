"""Notifications: the in-app inbox and the e-mails that tell about it.

Rule for every notification: **its title carries no personal data.** It says what happened
and where ("Nowe skierowanie do Twojej instytucji"), never who it is about (no names, PESEL,
addresses): titles are e-mailed, and e-mail leaves the platform's access control. The link
leads into the platform, where access is checked again.

Each user chooses how they hear about new notifications (User.notification_mode): an
e-mail per notification, a daily digest at 07:00, or the inbox only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from kooperacja.core.email import absolute_url, render_and_send
from kooperacja.core.models import Notification, NotificationMode, NotificationQuerySet, User
from kooperacja.core.tasks import enqueue

# A digest lists this many titles; the rest wait in the inbox behind one "and N more" line.
DIGEST_MAX_ITEMS = 50
# True while past events are being written (the demo's history): they were e-mailed when they
# happened, so they reach the inbox only.
_RETELLING = ContextVar("notifications_retelling", default=False)


@contextmanager
def retelling_history() -> Iterator[None]:
    """Notify without e-mail: for loaders that write what happened earlier (demo stories)."""
    token = _RETELLING.set(True)
    try:
        yield
    finally:
        _RETELLING.reset(token)


def notify(recipient: User, *, kind: str, title: str, url: str, email: bool = True) -> Notification:
    """Put a notification in the recipient's inbox and, when they want each one e-mailed,
    queue that e-mail. The title must not name a person (see the module docstring); the url
    is a path of the platform ("/cases/…/"), or "" for none. `email=False` when the caller
    sends the person an e-mail of its own about the same thing (an invitation with its
    calendar file), so they do not get two.
    """
    title = " ".join(str(title).split())
    if not title:
        raise ValueError("a notification needs a title")
    if len(title) > Notification._meta.get_field("title").max_length:  # type: ignore[operator]
        raise ValueError("the title of a notification is too long")
    if not kind:
        raise ValueError("a notification needs a kind")
    if url and (not url.startswith("/") or url.startswith("//")):
        raise ValueError(f"a notification links to a path of the platform, not {url!r}")
    notification = Notification.objects.create(recipient=recipient, kind=kind, title=title, url=url)
    if email and _wants_immediate_email(recipient) and not _RETELLING.get():
        enqueue(
            "kooperacja.core.notifications.email_notification",
            notification.pk,
            task_name=f"notification e-mail {notification.pk}",
        )
    return notification


def email_notification(notification_id: int) -> str:
    """The task that e-mails one notification. Idempotent: a notification is e-mailed once,
    and not at all when it was read, or the user changed their mind, before the worker came."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None:
            return "skipped: the notification is gone"
        if notification.emailed_at is not None:
            return "skipped: already e-mailed"
        if notification.read_at is not None:
            return "skipped: already read"
        if not _wants_immediate_email(notification.recipient):
            return "skipped: the recipient does not want e-mails now"
        render_and_send(
            [notification.recipient.email],
            "notification",
            {"title": notification.title, "link": _link(notification), "preferences": _preferences_link()},
            language=settings.LANGUAGE_CODE,
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return "sent"


def mark_read(user: User, notification: Notification) -> bool:
    """Mark the user's own notification read; return False when it already was."""
    if notification.recipient_id != user.pk:
        raise PermissionDenied("a user marks only their own notifications")
    if notification.read_at is not None:
        return False
    notification.read_at = timezone.now()
    notification.save(update_fields=["read_at"])
    return True


def mark_all_read(user: User) -> int:
    """Mark every unread notification of the user read; return how many there were."""
    return Notification.objects.for_user(user).unread().update(read_at=timezone.now())


def set_notification_mode(user: User, mode: str) -> None:
    """Choose how the user hears about notifications: immediate, daily digest or off."""
    if mode not in NotificationMode.values:
        raise ValueError(f"unknown notification mode {mode!r}")
    user.notification_mode = mode
    user.save(update_fields=["notification_mode"])


def send_daily_digests(now: dt.datetime | None = None) -> int:
    """The daily job (07:00): queue one digest e-mail for each user in daily mode who has
    unread notifications not yet e-mailed since their last digest, at most one a day.
    Returns how many digests were queued. Running it twice the same day sends nothing twice.
    """
    now = now or timezone.now()
    users = (
        _digest_candidates(now)
        .filter(Q(last_digest_at__isnull=True) | Q(last_digest_at__lt=_start_of_local_day(now)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    user_ids = list(users)
    for user_id in user_ids:
        enqueue(
            "kooperacja.core.notifications.send_digest",
            user_id,
            now.isoformat(),
            task_name=f"digest {user_id} {timezone.localdate(now).isoformat()}",
        )
    return len(user_ids)


def send_digest(user_id: int, now_iso: str) -> int:
    """The task that e-mails one user's digest; returns how many notifications it listed.

    Idempotent: under a lock on the user it checks that no digest went out on that day,
    and it marks every listed notification e-mailed together with the user's last digest.
    """
    now = parse_datetime(now_iso)
    if now is None:
        raise ValueError(f"not a date and time: {now_iso!r}")
    with transaction.atomic():
        user = _digest_candidates(now).select_for_update().filter(pk=user_id).first()
        if user is None:
            return 0
        if user.last_digest_at is not None and user.last_digest_at >= _start_of_local_day(now):
            return 0
        pending = _pending_for_digest(user, now)
        shown = list(pending[:DIGEST_MAX_ITEMS])
        if not shown:
            return 0
        count = pending.count() if len(shown) == DIGEST_MAX_ITEMS else len(shown)
        context: dict[str, Any] = {
            "items": [{"title": item.title, "link": _link(item)} for item in shown],
            "count": count,
            "more": count - len(shown),
            "inbox": absolute_url(reverse("core:notifications")),
            "preferences": _preferences_link(),
        }
        render_and_send([user.email], "digest", context, language=settings.LANGUAGE_CODE)
        pending.update(emailed_at=now)
        user.last_digest_at = now
        user.save(update_fields=["last_digest_at"])
    return count


def _wants_immediate_email(user: User) -> bool:
    return bool(user.is_active and user.email and user.notification_mode == NotificationMode.IMMEDIATE)


def _pending(now: dt.datetime) -> NotificationQuerySet:
    return Notification.objects.filter(read_at__isnull=True, emailed_at__isnull=True, created_at__lte=now)


def _pending_for_digest(user: User, now: dt.datetime) -> NotificationQuerySet:
    pending = _pending(now).filter(recipient=user)
    if user.last_digest_at is not None:
        pending = pending.filter(created_at__gt=user.last_digest_at)
    return pending.order_by("-created_at", "-id")


def _digest_candidates(now: dt.datetime) -> QuerySet[User]:
    """Active users in daily mode with an address and something new since their last digest."""
    pending = _pending(now).filter(recipient=OuterRef("pk"))
    return (
        User.objects.filter(is_active=True, notification_mode=NotificationMode.DAILY)
        .exclude(email="")
        .alias(
            has_new=Exists(pending),
            has_new_since_digest=Exists(pending.filter(created_at__gt=OuterRef("last_digest_at"))),
        )
        .filter(Q(last_digest_at__isnull=True, has_new=True) | Q(has_new_since_digest=True))
    )


def _start_of_local_day(moment: dt.datetime) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(moment), dt.time.min))


def _link(notification: Notification) -> str:
    return absolute_url(notification.url or reverse("core:notifications"))


def _preferences_link() -> str:
    return absolute_url(reverse("core:notification_preferences"))
