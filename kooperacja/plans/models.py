"""Plans: the family's cooperation programme (IPW) with its goals, the basket of services,
the needs the matching engine works from, and referrals with their message threads.

Like every table with personal data, each carries its gmina (`municipality`) and an owning
institution from the start (DESIGN.md §3); who sees what is decided in `policies.py`.

The basket is not a table of its own: it is the set of a plan's `BasketItem`s.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kooperacja.cases.models import Case, Person
from kooperacja.directory.models import Service, TaxonomyTerm
from kooperacja.institutions.models import Institution
from kooperacja.territory.models import Municipality


def _public_id() -> models.UUIDField:
    return models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)


def _gmina() -> models.ForeignKey[Municipality, Municipality]:
    return models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("gmina"))


# --- The cooperation plan (IPW) -------------------------------------------------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("plan", "draft")
    AGREED = "agreed", pgettext_lazy("plan", "agreed")
    IN_PROGRESS = "in_progress", pgettext_lazy("plan", "in progress")
    COMPLETED = "completed", pgettext_lazy("plan", "completed")
    ENDED = "ended", _("ended without completion")


# A case has at most one plan in these states; completed and ended plans stay as history.
OPEN_PLAN_STATUSES = (PlanStatus.DRAFT, PlanStatus.AGREED, PlanStatus.IN_PROGRESS)


class AgreementMethod(models.TextChoices):
    SIGNED = "signed", _("signed on paper")
    ORAL = "oral", _("agreed orally, in the presence of a worker")
    ELECTRONIC = "electronic", _("confirmed electronically")


class CooperationPlan(models.Model):
    """Indywidualny Program Współpracy (IPW): the family's agreed programme of goals."""

    public_id = _public_id()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans", verbose_name=_("case"))
    municipality = _gmina()
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    title = models.CharField(_("title"), max_length=200, default="", blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("planned end"), null=True, blank=True)
    review_every_weeks = models.PositiveSmallIntegerField(_("review every (weeks)"), default=12)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    agreed_on = models.DateField(_("agreed with the person on"), null=True, blank=True)
    agreement_method = models.CharField(
        _("how the person agreed"), max_length=20, choices=AgreementMethod.choices, blank=True
    )
    agreement_note = models.TextField(_("agreement note"), blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.TextField(_("why it ended without completion"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("cooperation plan")
        verbose_name_plural = _("cooperation plans")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["municipality", "status"]),
            models.Index(fields=["institution", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["draft", "agreed", "in_progress"]),
                name="plans_one_open_plan_per_case",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="plans_plan_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(_("Cooperation plan"))


class PlanReview(models.Model):
    """A review of the plan: when it is due, when it was held and what was concluded."""

    plan = models.ForeignKey(CooperationPlan, on_delete=models.CASCADE, related_name="reviews")
    municipality = _gmina()
    due_on = models.DateField(_("due on"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    summary = models.TextField(_("conclusions"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["held_on", "due_on"])]

    def __str__(self) -> str:
        return str(self.due_on)


class GoalStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("goal", "planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("goal", "in progress")
    ACHIEVED = "achieved", pgettext_lazy("goal", "achieved")
    PARTLY = "partly", pgettext_lazy("goal", "partly achieved")
    NOT_ACHIEVED = "not_achieved", pgettext_lazy("goal", "not achieved")


class Goal(models.Model):
    """A goal of the plan, SMART: what, measured by which indicator from which baseline to which
    target, by when, who is responsible, and the diagnosis domain it answers."""

    public_id = _public_id()
    plan = models.ForeignKey(CooperationPlan, on_delete=models.CASCADE, related_name="goals")
    municipality = _gmina()
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("goal"), max_length=300)
    indicator = models.CharField(_("indicator"), max_length=300)
    baseline = models.CharField(_("baseline"), max_length=200, blank=True)
    target = models.CharField(_("target"), max_length=200)
    due_on = models.DateField(_("due on"))
    responsible_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible institution")
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible person"),
    )
    # The instrument's domain code (stable across instrument versions), or empty.
    domain_code = models.SlugField(_("diagnosis domain"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.PLANNED)
    due_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.title


class GoalProgress(models.Model):
    """A progress update on a goal: the indicator's value on a day, and a word on it."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="progress")
    municipality = _gmina()
    recorded_on = models.DateField(_("on"), default=timezone.localdate)
    value = models.CharField(_("indicator value"), max_length=200)
    note = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-recorded_on", "-id"]

    def __str__(self) -> str:
        return self.value


# --- The basket of services -----------------------------------------------------------------


class BasketItemStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("basket", "proposed")
    AGREED = "agreed", pgettext_lazy("basket", "agreed")
    REFERRED = "referred", pgettext_lazy("basket", "referred")
    IN_PROGRESS = "in_progress", pgettext_lazy("basket", "in progress")
    DELIVERED = "delivered", pgettext_lazy("basket", "delivered")
    NOT_DELIVERED = "not_delivered", pgettext_lazy("basket", "not delivered")


class BasketItem(models.Model):
    """An item of the basket of services (koszyk usług): a directory service, or an action an
    institution takes on, towards a goal of the plan. Its institution takes part in the case
    (`cases.Participation`, kind basket_item) while the item is not finished."""

    public_id = _public_id()
    plan = models.ForeignKey(CooperationPlan, on_delete=models.CASCADE, related_name="basket")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    municipality = _gmina()
    goal = models.ForeignKey(
        Goal, on_delete=models.SET_NULL, null=True, blank=True, related_name="basket", verbose_name=_("goal")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("service")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    action = models.CharField(
        _("action"), max_length=300, blank=True, help_text=_("What the institution does, when it is not a service.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=BasketItemStatus.choices, default=BasketItemStatus.PROPOSED
    )
    not_delivered_reason = models.TextField(_("why it was not delivered"), blank=True)
    proposed_on = models.DateField(_("proposed on"), default=timezone.localdate)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("basket item")
        verbose_name_plural = _("basket items")
        ordering = ["proposed_on", "id"]
        indexes = [models.Index(fields=["institution", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False) | ~Q(action=""), name="plans_basket_item_service_or_action"
            ),
        ]

    def __str__(self) -> str:
        return self.service.name if self.service_id and self.service else self.action


# --- Needs and the matching engine's data ---------------------------------------------------


class Need(models.Model):
    """A kind of need the matching engine knows: usually a diagnosis domain (same code), or one
    staff add by hand. Kept as data (`data/needs.json`), like the instrument."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    domain_code = models.SlugField(_("diagnosis domain"), max_length=60, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class NeedCategory(models.Model):
    """How well a directory category answers a need: weight 1 (may help) to 3 (made for it)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="categories")
    term = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE, related_name="+")
    weight = models.PositiveSmallIntegerField(_("weight"), default=2)

    class Meta:
        verbose_name = _("category answering a need")
        verbose_name_plural = _("categories answering needs")
        constraints = [
            models.UniqueConstraint(fields=["need", "term"], name="plans_need_category_unique"),
            models.CheckConstraint(condition=Q(weight__gte=1, weight__lte=3), name="plans_need_weight_range"),
        ]

    def __str__(self) -> str:
        return f"{self.need} → {self.term}"


class CaseNeed(models.Model):
    """A need of a case added by hand (needs from the diagnosis are read from it directly)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    municipality = _gmina()
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="+", verbose_name=_("need"))
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("person")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("need of a case")
        verbose_name_plural = _("needs of cases")
        constraints = [
            # One open row per need for a person, and one for the household as a whole.
            models.UniqueConstraint(
                fields=["case", "need", "person"],
                condition=Q(resolved_at__isnull=True, person__isnull=False),
                name="plans_case_need_open_unique",
            ),
            models.UniqueConstraint(
                fields=["case", "need"],
                condition=Q(resolved_at__isnull=True, person__isnull=True),
                name="plans_case_need_open_household_unique",
            ),
        ]

    def __str__(self) -> str:
        return str(self.need)


# --- Referrals ------------------------------------------------------------------------------


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("referral", "draft")
    SENT = "sent", pgettext_lazy("referral", "sent")
    ACCEPTED = "accepted", pgettext_lazy("referral", "accepted")
    DECLINED = "declined", pgettext_lazy("referral", "declined")
    IN_PROGRESS = "in_progress", pgettext_lazy("referral", "in progress")
    COMPLETED = "completed", pgettext_lazy("referral", "completed")
    CANCELLED = "cancelled", pgettext_lazy("referral", "cancelled")
    EXPIRED = "expired", pgettext_lazy("referral", "expired")


# A referral in these states waits for someone; the others are closed.
OPEN_REFERRAL_STATUSES = (
    ReferralStatus.DRAFT,
    ReferralStatus.SENT,
    ReferralStatus.ACCEPTED,
    ReferralStatus.IN_PROGRESS,
)


class ReferralOutcome(models.TextChoices):
    GOT_HELP = "got_help", _("got help")
    PARTLY = "partly", _("got part of the help")
    NO_HELP = "no_help", _("did not get help")


class ReferralQuerySet(models.QuerySet["Referral"]):
    def open(self) -> ReferralQuerySet:
        return self.filter(status__in=OPEN_REFERRAL_STATUSES)

    def for_list(self) -> ReferralQuerySet:
        """What an inbox, an outbox or a case page shows of each referral, newest first."""
        return self.select_related(
            "case__person",
            "case__household",
            "case__municipality",
            "person",
            "municipality",
            "from_institution",
            "to_institution",
            "service",
        ).order_by("-created_at", "-id")

    def for_detail(self) -> ReferralQuerySet:
        return self.select_related(
            "case__person",
            "case__household",
            "case__institution",
            "case__municipality",
            "case__lead_worker",
            "person",
            "municipality",
            "from_institution",
            "to_institution",
            "service",
            "previous__to_institution",
            "basket_item",
            "created_by",
        )

    def received_by(self, institution_ids: Iterable[int]) -> ReferralQuerySet:
        """Referrals sent to these institutions (a draft is the sender's own until it is sent)."""
        return self.filter(to_institution_id__in=list(institution_ids)).exclude(status=ReferralStatus.DRAFT)

    def with_status(self, status: str | None) -> ReferralQuerySet:
        return self.filter(status=status) if status else self


class Referral(models.Model):
    """Skierowanie: a request from one institution to another (or to one of its services) for
    a person of a case, followed until someone records its outcome. A forwarded referral keeps
    the chain through `previous`."""

    public_id = _public_id()
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("case"))
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("person")
    )
    municipality = _gmina()
    from_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="referrals_sent", verbose_name=_("from")
    )
    to_institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="referrals_received", verbose_name=_("to")
    )
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("service")
    )
    basket_item = models.ForeignKey(
        BasketItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="forwarded_as",
        verbose_name=_("forwarded from"),
    )
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT)
    # What the receiving institution may see, each a consent category (cases.ConsentCategory
    # or `diagnosis:<code>`); identity and contact are always among them.
    shared_categories = models.JSONField(_("shared"), default=list)
    reason = models.TextField(_("why the person is referred"))
    eligibility_override = models.TextField(_("why it is sent although the criteria do not match"), blank=True)
    decline_reason = models.TextField(_("why it was declined"), blank=True)
    cancel_reason = models.TextField(_("why it was cancelled"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReferralOutcome.choices, blank=True)
    outcome_note = models.TextField(_("about the outcome"), blank=True)
    answer_due = models.DateField(_("answer due"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    due_reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A key the sending form carries, so a second press of "send" finds the first referral.
    submit_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["to_institution", "status", "-created_at"], name="plans_referral_inbox"),
            # The inbox tabs that show several states read the institution's referrals newest
            # first and filter states on the way (bench/referral_inbox.py).
            models.Index(fields=["to_institution", "-created_at", "-id"], name="plans_referral_inbox_order"),
            models.Index(fields=["from_institution", "status", "-created_at"], name="plans_referral_outbox"),
            models.Index(fields=["status", "answer_due"], name="plans_referral_due"),
            models.Index(fields=["case", "-created_at"], name="plans_referral_case"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_institution=models.F("to_institution")), name="plans_referral_not_to_self"
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | ~Q(outcome=""), name="plans_referral_completed_has_outcome"
            ),
        ]

    def __str__(self) -> str:
        return str(self.service or self.to_institution)


class ReferralEvent(models.Model):
    """A step of a referral: who moved it from which state to which, and when. Both sides see
    every step."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    municipality = _gmina()
    from_status = models.CharField(max_length=20, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=ReferralStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("referral step")
        verbose_name_plural = _("referral steps")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Message(models.Model):
    """A message of a referral's thread between the sending and the receiving institution."""

    public_id = _public_id()
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="messages")
    municipality = _gmina()
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("message"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    # The form's one-time key: the same key again (a double press) is the same message.
    submit_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["referral", "created_at"])]

    def __str__(self) -> str:
        return self.text[:60]


def _attachment_storage() -> Any:
    """Attachments share the private store of case documents, outside the web root."""
    return storages["documents"]


def _attachment_path(attachment: MessageAttachment, filename: str) -> str:
    # The stored name says nothing about the person or the original file name.
    return f"{attachment.municipality_id}/messages/{uuid.uuid4().hex}"


class MessageAttachment(models.Model):
    """A file attached to a message; served only to the two institutions of the referral."""

    public_id = _public_id()
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    municipality = _gmina()
    file = models.FileField(upload_to=_attachment_path, storage=_attachment_storage, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class ThreadRead(models.Model):
    """When a user last read a referral's thread, for the unread marks of the inbox."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["referral", "user"], name="plans_thread_read_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.read_at:%Y-%m-%d %H:%M}"
