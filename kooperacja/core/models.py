"""Users, notifications and the audit log."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NotificationMode(models.TextChoices):
    IMMEDIATE = "immediate", _("immediately, one e-mail per notification")
    DAILY = "daily", _("once a day, a digest")
    OFF = "off", _("no e-mails, only the inbox")


class User(AbstractUser):
    """A person who signs in. Rights come from memberships, never from is_staff."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    notification_mode = models.CharField(
        _("notification e-mails"),
        max_length=16,
        choices=NotificationMode.choices,
        default=NotificationMode.IMMEDIATE,
    )
    last_digest_at = models.DateTimeField(_("last digest sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: User) -> NotificationQuerySet:
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An entry of a user's in-app inbox. It carries no personal data: a title and a link."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class AuditAction(models.TextChoices):
    VIEW = "view", _("viewed")
    LIST = "list", _("listed")
    CREATE = "create", pgettext_lazy("audit action", "created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")
    EXPORT = "export", _("exported")
    PRINT = "print", _("printed")
    LOGIN = "login", _("signed in")
    LOGIN_FAILED = "login_failed", _("failed sign-in")
    LOGOUT = "logout", _("signed out")
    PERMISSION_CHANGE = "permission_change", _("changed permissions")
    TOKEN_USE = "token_use", _("used an API token")
    BREAK_GLASS = "break_glass", _("emergency access")


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_list(self) -> AuditEventQuerySet:
        return self.select_related("actor").order_by("-at", "-id")

    def about_person(self, person_id: int) -> AuditEventQuerySet:
        """Events naming the person (by internal id) among the persons concerned: a person's
        "who saw my data". `persons` is a JSON list of ids: PostgreSQL asks its jsonb
        containment; SQLite has no such lookup in Django, so it looks through it with json_each."""
        if connections[self.db].vendor == "postgresql":
            return self.filter(persons__contains=[person_id])
        found = self.extra(
            where=['EXISTS (SELECT 1 FROM json_each("core_auditevent"."persons") AS p WHERE p.value = %s)'],
            params=[person_id],
        )
        return cast(AuditEventQuerySet, found)


class AuditEvent(models.Model):
    """One append-only record of who did what to which data, when and from where.

    On PostgreSQL the table is partitioned by month and refuses UPDATE and DELETE
    (see the migration); only the retention job drops whole expired partitions.
    Persons are kept as internal ids only, so anonymising a person leaves no identity here.
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # No database constraint and no cascade: deleting a user must never touch the log.
    actor = models.ForeignKey(
        User,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    persons = models.JSONField(_("persons concerned"), default=list, blank=True)
    institution_id = models.BigIntegerField(_("institution"), null=True, blank=True, db_index=True)
    municipality_code = models.CharField(_("gmina"), max_length=7, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("audit events are append-only")
        super().save(*args, **kwargs)

    @property
    def object_type_label(self) -> str:
        """The object type in the reader's words ("członkostwo"), or as recorded when unknown."""
        try:
            return str(apps.get_model(self.object_type)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.object_type


class EvidenceLink(models.Model):
    """Evidence that something was done: a link from a subject (an obligation of an agreement)
    to the object that shows it (a meeting, a document, a training). Any app may be on either
    side; the kinds that may serve as evidence are registered in `core/evidence.py`."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    evidence_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    evidence_id = models.PositiveBigIntegerField()
    evidence = GenericForeignKey("evidence_type", "evidence_id")
    note = models.CharField(_("what it shows"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["added_at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "evidence_type", "evidence_id"], name="core_evidence_once"
            )
        ]

    def __str__(self) -> str:
        return self.note or f"{self.evidence_type_id}:{self.evidence_id}"
