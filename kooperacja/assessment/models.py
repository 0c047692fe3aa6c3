"""The diagnosis: instruments defined as versioned data, and assessments of a case made with them.

An `Instrument` version is immutable once published: a new version is published beside it and
becomes current, and every `Assessment` keeps the version it was made with (issue #6 point 7).
Assessments hold personal data, so they carry the case's gmina and owning institution
(DESIGN.md §3, territory keys) and are read only through `policies.py`.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kooperacja.cases.models import Case, Person
from kooperacja.institutions.models import Institution
from kooperacja.territory.models import Municipality


class Level(models.IntegerChoices):
    """The five levels of every domain, from crisis to independence."""

    CRISIS = 1, _("crisis")
    AT_RISK = 2, _("at risk")
    STABLE = 3, _("stabilisation")
    BUILDING = 4, _("building independence")
    INDEPENDENT = 5, _("independence")


class Priority(models.TextChoices):
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


class InstrumentQuerySet(models.QuerySet["Instrument"]):
    def current(self) -> InstrumentQuerySet:
        return self.filter(is_current=True)


class Instrument(models.Model):
    """One version of a diagnosis instrument (narzędzie diagnozy); `code` names the instrument
    across its versions."""

    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveIntegerField(_("version"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    is_current = models.BooleanField(_("current"), default=False)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("diagnosis instrument")
        verbose_name_plural = _("diagnosis instruments")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="assessment_instrument_version_unique"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_current=True), name="assessment_instrument_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Domain(models.Model):
    """A domain (obszar) of an instrument version, rated 1–5."""

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="domains", verbose_name=_("instrument")
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "code"], name="assessment_domain_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def consent_category(self) -> str:
        """The consent category that lets a partner see this domain (cases.DIAGNOSIS_PREFIX)."""
        from kooperacja.cases.models import DIAGNOSIS_PREFIX

        return f"{DIAGNOSIS_PREFIX}{self.code}"


class LevelDescription(models.Model):
    """What a level means in one domain, in Polish (data of the instrument, not a msgid)."""

    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="levels", verbose_name=_("domain"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    text = models.TextField(_("description"))

    class Meta:
        verbose_name = _("level description")
        verbose_name_plural = _("level descriptions")
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "level"], name="assessment_level_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="assessment_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.domain} {self.level}"


class AssessmentQuerySet(models.QuerySet["Assessment"]):
    def for_case_page(self) -> AssessmentQuerySet:
        """Everything the diagnosis page of a case shows, in a fixed number of queries."""
        return (
            self.select_related("person", "assessed_by", "instrument")
            .prefetch_related(models.Prefetch("scores", queryset=DomainScore.objects.select_related("domain")))
            .order_by("assessed_on", "id")
        )


class Assessment(models.Model):
    """Diagnoza: one assessment of a person of a case, or of its household as a whole (no person)."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("case"))
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("person"),
        help_text=_("Empty: the household as a whole."),
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("gmina"))
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("instrument")
    )
    assessed_on = models.DateField(_("assessed on"), default=dt.date.today)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("assessed by")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [
            models.Index(fields=["case", "assessed_on"]),
            models.Index(fields=["institution", "assessed_on"]),
            models.Index(fields=["municipality", "assessed_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.name} {self.assessed_on:%d.%m.%Y}"


class DomainScore(models.Model):
    """The level of one domain in one assessment, with the strengths found and a priority."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assessment")
    )
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+", verbose_name=_("domain"))
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    strengths = models.TextField(_("strengths and resources"), blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)

    class Meta:
        verbose_name = _("domain score")
        verbose_name_plural = _("domain scores")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="assessment_one_score_per_domain"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5), name="assessment_score_level_range"),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.level}"
