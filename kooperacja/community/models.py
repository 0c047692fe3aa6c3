"""Community: the diagnosis of a gmina's social problems as yearly indicators, and the
programme that spread the model ("Liderzy kooperacji") with its partners, phases, milestones,
participating units and budget. Social projects (issue #9 part 2) come here too.

Nothing here is about a person: indicators are official figures per gmina and year, and the
platform's own aggregates shown beside them are computed with small cells suppressed
(`indicators.platform_figures`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Protocol

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kooperacja.cases.models import Case
from kooperacja.institutions.models import Institution
from kooperacja.territory.models import County, Municipality, Voivodeship


def _public_id() -> models.UUIDField:
    return models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)


# --- Community diagnosis -------------------------------------------------------------------


class IndicatorGroup(models.TextChoices):
    POPULATION = "population", _("population")
    SOCIAL_ASSISTANCE = "social_assistance", _("social assistance")
    ASSISTANCE_REASON = "assistance_reason", _("social assistance by reason")
    LABOUR = "labour", _("labour market")
    FAMILY = "family", _("family and children")
    SAFETY = "safety", _("safety")


class IndicatorDefinition(models.Model):
    """What an indicator measures. Shipped as data (`data/indicators.json`, synchronised after
    every migrate); administrators may add more."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    group = models.CharField(_("group"), max_length=30, choices=IndicatorGroup.choices)
    unit = models.CharField(_("unit"), max_length=40, default="", blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class CommunityIndicator(models.Model):
    """One official figure of a gmina in a year (diagnoza środowiskowa)."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("gmina")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.ForeignKey(
        IndicatorDefinition, on_delete=models.PROTECT, related_name="values", verbose_name=_("indicator")
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("community indicator")
        verbose_name_plural = _("community indicators")
        ordering = ["municipality", "year", "indicator__position"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year", "indicator"], name="community_indicator_once"),
            models.CheckConstraint(condition=Q(year__gte=1990, year__lte=2100), name="community_indicator_year"),
            models.CheckConstraint(condition=Q(value__gte=0), name="community_indicator_not_negative"),
        ]
        indexes = [models.Index(fields=["indicator", "year"])]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.year} {self.indicator_id}"


# --- The programme -------------------------------------------------------------------------


class Programme(models.Model):
    """A programme that brings the model to gminas: „Liderzy kooperacji” (PO WER, Działanie
    2.5) is the first; another is defined the same way."""

    public_id = _public_id()
    name = models.CharField(_("name"), max_length=300)
    funding = models.CharField(_("funding"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    total_budget = models.DecimalField(_("total budget (zł)"), max_digits=14, decimal_places=2, default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="community_programme_dates")
        ]

    def __str__(self) -> str:
        return self.name


class PartnerRole(models.TextChoices):
    LEADER = "leader", pgettext_lazy("programme partner", "leader")
    PARTNER = "partner", pgettext_lazy("programme partner", "partner")


class ProgrammePartner(models.Model):
    """An institution carrying out the programme (the leader and its partners), with the part
    of the budget it runs and the voivodeship it answers for."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="partners")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    role = models.CharField(_("role"), max_length=20, choices=PartnerRole.choices, default=PartnerRole.PARTNER)
    voivodeship = models.ForeignKey(
        Voivodeship, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("voivodeship")
    )
    budget = models.DecimalField(_("budget (zł)"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("programme partner")
        verbose_name_plural = _("programme partners")
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "institution"], name="community_partner_once"),
            models.UniqueConstraint(
                fields=["programme"], condition=Q(role="leader"), name="community_one_programme_leader"
            ),
        ]

    def __str__(self) -> str:
        return str(self.institution)


class Phase(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["programme", "number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="community_phase_number_once")]

    def __str__(self) -> str:
        return self.name


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("milestone", "planned")
    REACHED = "reached", pgettext_lazy("milestone", "reached")
    LATE = "late", pgettext_lazy("milestone", "late")
    DROPPED = "dropped", pgettext_lazy("milestone", "dropped")


class Milestone(models.Model):
    public_id = _public_id()
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("name"), max_length=300)
    due_on = models.DateField(_("due on"))
    reached_on = models.DateField(_("reached on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED
    )
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.name


class ParticipationStage(models.TextChoices):
    MILESTONE_1 = "milestone_1", _("developing the model (first milestone)")
    PILOT = "pilot", _("pilot")
    DISSEMINATION = "dissemination", _("dissemination")


class ProgrammeUnit(models.Model):
    """A gmina or a powiat taking part in the programme, at one of its stages."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="units")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("gmina")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("powiat")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=ParticipationStage.choices)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)

    class Meta:
        verbose_name = _("participating unit")
        verbose_name_plural = _("participating units")
        ordering = ["stage", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=False, county__isnull=True)
                | Q(municipality__isnull=True, county__isnull=False),
                name="community_unit_is_gmina_or_powiat",
            ),
            models.UniqueConstraint(
                fields=["programme", "municipality", "stage"],
                condition=Q(municipality__isnull=False),
                name="community_gmina_once_per_stage",
            ),
            models.UniqueConstraint(
                fields=["programme", "county", "stage"],
                condition=Q(county__isnull=False),
                name="community_powiat_once_per_stage",
            ),
        ]

    def __str__(self) -> str:
        return str(self.municipality or self.county)


class Spending(models.Model):
    """Money the programme spent: per partner and year (what the budget view adds up)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="spending")
    partner = models.ForeignKey(ProgrammePartner, on_delete=models.CASCADE, related_name="spending")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount (zł)"), max_digits=14, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("spending")
        verbose_name_plural = _("spending")
        ordering = ["year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "year"], name="community_spending_once_per_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="community_spending_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.year}"


# --- Social projects -----------------------------------------------------------------------


def _private_storage() -> Any:
    return storages["documents"]


def _expense_path(expense: Expense, filename: str) -> str:
    return f"projects/{expense.project_id}/{uuid.uuid4().hex}"


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("project", "planned")
    RUNNING = "running", pgettext_lazy("project", "running")
    COMPLETED = "completed", pgettext_lazy("project", "completed")
    CANCELLED = "cancelled", pgettext_lazy("project", "cancelled")


_MONEY = models.DecimalField(max_digits=14, decimal_places=2)


class Days(Protocol):
    """A span of days, both ends included (the evaluation's periods are such spans)."""

    @property
    def start(self) -> dt.date: ...

    @property
    def end(self) -> dt.date: ...


class SocialProjectQuerySet(models.QuerySet["SocialProject"]):
    def with_totals(self, period: Days | None = None) -> SocialProjectQuerySet:
        """Each project with `planned_total` (its budget lines) and `spent_total` (its
        expenses), 0 when none, as subqueries in the one query of a list, whatever its length.
        With a `period`, `spent_total` holds the expenses dated up to its end and
        `spent_in_period` those dated in it (the evaluation's budget execution)."""
        spent = Expense.objects.filter(project=OuterRef("pk"))
        totals = {"planned_total": _sum(BudgetLine.objects.filter(project=OuterRef("pk")), "planned")}
        if period is None:
            return self.annotate(**totals, spent_total=_sum(spent, "amount"))
        return self.annotate(
            **totals,
            spent_total=_sum(spent.filter(spent_on__lte=period.end), "amount"),
            spent_in_period=_sum(spent.filter(spent_on__range=(period.start, period.end)), "amount"),
        )


def _sum(rows: models.QuerySet[Any], field: str) -> Coalesce:
    """A subquery summing `field` over `rows` (filtered by the outer project), 0 when none."""
    summed = rows.order_by().values("project").annotate(total=Sum(field)).values("total")
    return Coalesce(Subquery(summed, output_field=_MONEY), Value(Decimal(0)), output_field=_MONEY)


class SocialProject(models.Model):
    """Projekt socjalny of a gmina (the pilot's social package of 56 000 zł): goal, target
    group, the team and needs it answers, a budget by category, expenses, activities and
    indicators with targets."""

    public_id = _public_id()
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="social_projects", verbose_name=_("gmina")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("carried out by")
    )
    team = models.ForeignKey(
        "teams.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("programme"),
    )
    title = models.CharField(_("title"), max_length=300)
    goal = models.TextField(_("goal"))
    target_group = models.TextField(_("target group"), blank=True)
    needs = models.ManyToManyField("plans.Need", blank=True, related_name="+", verbose_name=_("needs answered"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED)
    allow_overspending = models.BooleanField(_("an expense may exceed its budget line, with a reason"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = SocialProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("social project")
        verbose_name_plural = _("social projects")
        ordering = ["-starts_on", "title"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="community_project_dates")]

    def __str__(self) -> str:
        return self.title


class BudgetCategory(models.TextChoices):
    COUNSELLING = "counselling", _("counselling")
    DIAGNOSTICS = "diagnostics", _("diagnostics")
    THERAPY = "therapy", _("therapy")
    REHABILITATION = "rehabilitation", _("rehabilitation")
    WORKSHOPS = "workshops", _("workshops")
    CLUB = "club", _("club")
    VOLUNTEERING = "volunteering", _("volunteering centre")
    COMMUNITY_EDUCATION = "community_education", _("community education")
    STAFF_TRAINING = "staff_training", _("staff training")
    OTHER = "other", pgettext_lazy("budget category", "other")


class BudgetLine(models.Model):
    project = models.ForeignKey(SocialProject, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(_("category"), max_length=30, choices=BudgetCategory.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    planned = models.DecimalField(_("planned (zł)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["category", "id"]
        constraints = [models.CheckConstraint(condition=Q(planned__gte=0), name="community_budget_not_negative")]

    def __str__(self) -> str:
        return self.name or self.get_category_display()


class Expense(models.Model):
    public_id = _public_id()
    project = models.ForeignKey(SocialProject, on_delete=models.CASCADE, related_name="expenses")
    line = models.ForeignKey(
        BudgetLine, on_delete=models.PROTECT, related_name="expenses", verbose_name=_("budget line")
    )
    spent_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (zł)"), max_digits=12, decimal_places=2)
    description = models.CharField(_("what for"), max_length=300)
    over_budget_reason = models.TextField(_("why over the budget line"), blank=True)
    document = models.FileField(upload_to=_expense_path, storage=_private_storage, max_length=300, blank=True)
    document_name = models.CharField(_("document"), max_length=255, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        ordering = ["spent_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="community_expense_positive")]

    def __str__(self) -> str:
        return self.description


class Activity(models.Model):
    """Something the project did, with how many took part by group (counts, not names); cases
    may be linked, seen only within the cases app's access rules."""

    public_id = _public_id()
    project = models.ForeignKey(SocialProject, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("activity"), max_length=300)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    adults = models.PositiveIntegerField(_("adults"), default=0)
    children = models.PositiveIntegerField(_("children"), default=0)
    seniors = models.PositiveIntegerField(_("people 65+"), default=0)
    disabled = models.PositiveIntegerField(_("people with disabilities"), default=0)
    cases = models.ManyToManyField(Case, blank=True, related_name="+", verbose_name=_("cases"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("project activity")
        verbose_name_plural = _("project activities")
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")), name="community_activity_dates"
            )
        ]

    def __str__(self) -> str:
        return self.title


class IndicatorKind(models.TextChoices):
    OUTPUT = "output", _("output")
    RESULT = "result", _("result")


class ProjectIndicator(models.Model):
    project = models.ForeignKey(SocialProject, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(_("kind"), max_length=10, choices=IndicatorKind.choices)
    name = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    achieved = models.DecimalField(_("achieved"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("project indicator")
        verbose_name_plural = _("project indicators")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.name
