"""The programme: defining it, keeping its partners, phases, milestones, participating units and
spending, and the figures its page shows (progress against milestones, budget execution).

The caller has checked the actor's right (`programme_policies`); a refusal is a
`ValidationError` with a Polish message and saves nothing; stale versions raise
`StaleProgramme` / `StaleMilestone`; every change writes one audit event.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, DecimalField, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.community.models import (
    Milestone,
    MilestoneStatus,
    ParticipationStage,
    PartnerRole,
    Phase,
    Programme,
    ProgrammePartner,
    ProgrammeUnit,
    Spending,
)
from kooperacja.core import audit, versioning
from kooperacja.core.models import AuditAction
from kooperacja.core.templatetags.formatting import format_money
from kooperacja.institutions.models import Institution
from kooperacja.teams.dashboard import Bar, bars, share
from kooperacja.territory.models import County, Municipality, Voivodeship

ZERO = Decimal("0.00")


class StaleProgramme(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else saved this programme while you were editing it.")


class StaleMilestone(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else changed this milestone while you were editing it.")


def _audit(action: str, actor: Any, programme: Programme, obj: Any, **details: Any) -> None:
    audit.record(
        action,
        actor=actor,
        obj=obj,
        details={"programme": str(programme.public_id), **{key: str(value) for key, value in details.items()}},
    )


def _not_negative(name: str, amount: Decimal | None) -> None:
    if amount is not None and amount < 0:
        raise ValidationError({name: [_("The amount cannot be negative.")]})


def _dates_in_order(starts_on: dt.date | None, ends_on: dt.date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": [_("The end date cannot be before the start date.")]})


def _within_programme(programme: Programme, name: str, day: dt.date | None) -> None:
    if day is not None and not programme.starts_on <= day <= programme.ends_on:
        raise ValidationError(
            {
                name: [
                    _("The date must fall within the programme, from %(start)s to %(end)s.")
                    % {"start": programme.starts_on.strftime("%d.%m.%Y"), "end": programme.ends_on.strftime("%d.%m.%Y")}
                ]
            }
        )


# --- The programme itself ----------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeData:
    name: str
    funding: str
    description: str
    starts_on: dt.date
    ends_on: dt.date
    total_budget: Decimal


def _checked(data: ProgrammeData) -> ProgrammeData:
    if not data.name.strip():
        raise ValidationError({"name": [_("Give the programme a name.")]})
    _dates_in_order(data.starts_on, data.ends_on)
    _not_negative("total_budget", data.total_budget)
    return data


def create_programme(actor: Any, data: ProgrammeData) -> Programme:
    """Define a programme (administrators); its partners and phases are added afterwards."""
    data = _checked(data)
    with transaction.atomic():
        programme = Programme.objects.create(
            name=data.name.strip()[:300],
            funding=data.funding.strip()[:500],
            description=data.description.strip(),
            starts_on=data.starts_on,
            ends_on=data.ends_on,
            total_budget=data.total_budget,
        )
        _audit(AuditAction.CREATE, actor, programme, programme)
    return programme


def update_programme(actor: Any, programme: Programme, version: int | None, data: ProgrammeData) -> Programme:
    """Change the programme's own description; refused when the phases, milestones or the
    partners' budgets would no longer fit."""
    data = _checked(data)
    with transaction.atomic():
        current = Programme.objects.select_for_update().get(pk=programme.pk)
        versioning.check_version(current, version, StaleProgramme)
        outside = Milestone.objects.filter(phase__programme=current).filter(
            Q(due_on__lt=data.starts_on) | Q(due_on__gt=data.ends_on)
        )
        if outside.exists():
            raise ValidationError({"ends_on": [_("Some milestones fall outside these dates; change them first.")]})
        budgets = _partner_budgets(current)
        if budgets > data.total_budget:
            raise ValidationError(
                {
                    "total_budget": [
                        _("The partners' budgets add up to %(sum)s, more than this total.")
                        % {"sum": format_money(budgets)}
                    ]
                }
            )
        for name in ("name", "funding", "description", "starts_on", "ends_on", "total_budget"):
            value = getattr(data, name)
            setattr(current, name, value.strip() if isinstance(value, str) else value)
        current.save(
            update_fields=[
                "name",
                "funding",
                "description",
                "starts_on",
                "ends_on",
                "total_budget",
                *versioning.bump(current),
            ]
        )
        _audit(AuditAction.UPDATE, actor, current, current)
    return current


# --- Partners ----------------------------------------------------------------------------------


def _partner_budgets(programme: Programme, *, without: int | None = None) -> Decimal:
    partners = ProgrammePartner.objects.filter(programme=programme)
    if without is not None:
        partners = partners.exclude(pk=without)
    return partners.aggregate(total=Sum("budget"))["total"] or ZERO


def add_partner(
    actor: Any,
    programme: Programme,
    *,
    institution: Institution,
    role: str,
    voivodeship: Voivodeship | None,
    budget: Decimal | None,
) -> ProgrammePartner:
    """Add the leader or a partner. A programme has one leader; an institution is a partner
    once; the partners' budgets together stay within the programme's total."""
    _not_negative("budget", budget)
    if role == PartnerRole.LEADER and programme.partners.filter(role=PartnerRole.LEADER).exists():
        raise ValidationError({"role": [_("The programme already has a leader; add this institution as a partner.")]})
    if programme.partners.filter(institution=institution).exists():
        raise ValidationError({"institution": [_("This institution is already a partner of the programme.")]})
    if budget is not None:
        over = _partner_budgets(programme) + budget - programme.total_budget
        if over > 0:
            raise ValidationError(
                {
                    "budget": [
                        _("The partners' budgets would exceed the programme's total budget by %(over)s.")
                        % {"over": format_money(over)}
                    ]
                }
            )
    try:
        with transaction.atomic():
            partner = ProgrammePartner.objects.create(
                programme=programme, institution=institution, role=role, voivodeship=voivodeship, budget=budget
            )
            _audit(AuditAction.CREATE, actor, programme, partner, institution=institution.pk)
    except IntegrityError:
        raise ValidationError(_("Someone else has just added a partner; check the list and try again.")) from None
    return partner


# --- Phases and milestones ---------------------------------------------------------------------


def add_phase(
    actor: Any,
    programme: Programme,
    *,
    name: str,
    description: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Phase:
    """Add the next phase (numbered in order) within the programme's dates."""
    if not name.strip():
        raise ValidationError({"name": [_("Give the phase a name.")]})
    _dates_in_order(starts_on, ends_on)
    _within_programme(programme, "starts_on", starts_on)
    _within_programme(programme, "ends_on", ends_on)
    try:
        with transaction.atomic():
            last = programme.phases.aggregate(last=Max("number"))["last"] or 0
            phase = Phase.objects.create(
                programme=programme,
                number=last + 1,
                name=name.strip()[:300],
                description=description.strip(),
                starts_on=starts_on,
                ends_on=ends_on,
            )
            _audit(AuditAction.CREATE, actor, programme, phase)
    except IntegrityError:
        raise ValidationError(_("Someone else has just added a phase; try again.")) from None
    return phase


def add_milestone(actor: Any, phase: Phase, *, name: str, due_on: dt.date, note: str = "") -> Milestone:
    """Add a planned milestone of a phase, due within the programme."""
    if not name.strip():
        raise ValidationError({"name": [_("Give the milestone a name.")]})
    programme = phase.programme
    _within_programme(programme, "due_on", due_on)
    with transaction.atomic():
        milestone = Milestone.objects.create(phase=phase, name=name.strip()[:300], due_on=due_on, note=note.strip())
        _audit(AuditAction.CREATE, actor, programme, milestone)
    return milestone


def mark_reached(actor: Any, milestone: Milestone, version: int | None, *, reached_on: dt.date, note: str) -> Milestone:
    """Record that a milestone was reached, on a day not in the future and not before the
    programme began; the note says what shows it."""
    programme = milestone.phase.programme
    if reached_on > timezone.localdate():
        raise ValidationError({"reached_on": [_("The date cannot be in the future.")]})
    if reached_on < programme.starts_on:
        raise ValidationError(
            {
                "reached_on": [
                    _("The date cannot be before the programme began (%(start)s).")
                    % {"start": programme.starts_on.strftime("%d.%m.%Y")}
                ]
            }
        )
    with transaction.atomic():
        current = Milestone.objects.select_for_update().get(pk=milestone.pk)
        versioning.check_version(current, version, StaleMilestone)
        current.status = MilestoneStatus.REACHED
        current.reached_on = reached_on
        current.note = note.strip()
        current.save(update_fields=["status", "reached_on", "note", *versioning.bump(current)])
        _audit(AuditAction.UPDATE, actor, programme, current, status=current.status)
    current.phase = milestone.phase
    return current


# --- Participating units -----------------------------------------------------------------------


def add_unit(
    actor: Any,
    programme: Programme,
    *,
    municipality: Municipality | None,
    county: County | None,
    stage: str,
    joined_on: dt.date | None = None,
) -> ProgrammeUnit:
    """A gmina or a powiat (exactly one) joins the programme at a stage, once per stage."""
    if (municipality is None) == (county is None):
        raise ValidationError(_("Choose either a gmina or a powiat."))
    _within_programme(programme, "joined_on", joined_on)
    unit = municipality or county
    units = programme.units.filter(stage=stage)
    taken = units.filter(municipality=municipality) if municipality else units.filter(county=county)
    if taken.exists():
        raise ValidationError(
            _("%(unit)s already takes part at the stage „%(stage)s”.")
            % {"unit": unit.name if unit else "", "stage": ParticipationStage(stage).label}
        )
    try:
        with transaction.atomic():
            added = ProgrammeUnit.objects.create(
                programme=programme, municipality=municipality, county=county, stage=stage, joined_on=joined_on
            )
            _audit(AuditAction.CREATE, actor, programme, added)
    except IntegrityError:
        raise ValidationError(_("Someone else has just added this unit; check the list.")) from None
    return added


# --- Spending ----------------------------------------------------------------------------------


def record_spending(
    actor: Any, programme: Programme, *, partner: ProgrammePartner, year: int, amount: Decimal, note: str = ""
) -> Spending:
    """What a partner spent in a year of the programme: once per partner and year, and never
    more, all years together, than the partner's budget (the refusal says by how much)."""
    if partner.programme_id != programme.pk:
        raise ValidationError({"partner": [_("Choose a partner of this programme.")]})
    _not_negative("amount", amount)
    if not programme.starts_on.year <= year <= programme.ends_on.year:
        raise ValidationError(
            {
                "year": [
                    _("The year must be one of the programme's years, %(first)s–%(last)s.")
                    % {"first": programme.starts_on.year, "last": programme.ends_on.year}
                ]
            }
        )
    with transaction.atomic():
        locked = ProgrammePartner.objects.select_for_update().get(pk=partner.pk)
        if Spending.objects.filter(partner=locked, year=year).exists():
            raise ValidationError(
                {"year": [_("Spending of this partner in %(year)s is already recorded.") % {"year": year}]}
            )
        spent = Spending.objects.filter(partner=locked).aggregate(total=Sum("amount"))["total"] or ZERO
        if locked.budget is not None and spent + amount > locked.budget:
            raise ValidationError(
                {
                    "amount": [
                        _("This would exceed the partner's budget of %(budget)s by %(over)s.")
                        % {"budget": format_money(locked.budget), "over": format_money(spent + amount - locked.budget)}
                    ]
                }
            )
        spending = Spending.objects.create(
            programme=programme, partner=locked, year=year, amount=amount, note=note.strip()[:300]
        )
        _audit(AuditAction.CREATE, actor, programme, spending, year=year)
    return spending


# --- What the pages show -----------------------------------------------------------------------

SHOWN_STATES = ("reached", "planned", "late", "dropped")


def milestone_state(milestone: Milestone, today: dt.date) -> str:
    """A planned milestone past its due date is late, whatever its recorded status says."""
    if milestone.status in (MilestoneStatus.REACHED, MilestoneStatus.DROPPED):
        return str(milestone.status)
    if milestone.status == MilestoneStatus.LATE or milestone.due_on < today:
        return MilestoneStatus.LATE.value
    return MilestoneStatus.PLANNED.value


@dataclass
class Progress:
    reached: int = 0
    planned: int = 0
    late: int = 0
    dropped: int = 0

    def count(self, state: str) -> None:
        setattr(self, state, getattr(self, state) + 1)

    @property
    def counted(self) -> int:
        """Milestones that count towards progress (a dropped one no longer does)."""
        return self.reached + self.planned + self.late

    @property
    def reached_share(self) -> int | None:
        return share(self.reached, self.counted)


@dataclass
class PartnerRow:
    partner: ProgrammePartner
    spent_by_year: list[Decimal]
    spent: Decimal

    @property
    def execution(self) -> int | None:
        budget = self.partner.budget
        return round(100 * self.spent / budget) if budget else None


@dataclass
class Overview:
    programme: Programme
    today: dt.date
    phases: list[tuple[Phase, list[tuple[Milestone, str]]]]
    progress: Progress
    units: list[tuple[str, list[ProgrammeUnit], list[ProgrammeUnit]]]
    partners: list[PartnerRow]
    years: list[int]
    spent_by_year: list[Decimal]
    spent: Decimal
    chart: list[Bar] = field(default_factory=list)

    @property
    def partner_budgets(self) -> Decimal:
        return sum((row.partner.budget or ZERO for row in self.partners), ZERO)

    @property
    def execution(self) -> int | None:
        total = self.programme.total_budget
        return round(100 * self.spent / total) if total else None

    @property
    def chart_height(self) -> int:
        return 24 * len(self.chart)


def _phases(
    programme: Programme, today: dt.date, progress: Progress
) -> list[tuple[Phase, list[tuple[Milestone, str]]]]:
    phases = list(programme.phases.prefetch_related("milestones").order_by("number"))
    shown = []
    for phase in phases:
        milestones = []
        for milestone in phase.milestones.all():
            state = milestone_state(milestone, today)
            progress.count(state)
            milestones.append((milestone, state))
        shown.append((phase, milestones))
    return shown


def _units(programme: Programme) -> list[tuple[str, list[ProgrammeUnit], list[ProgrammeUnit]]]:
    by_stage: dict[str, list[ProgrammeUnit]] = defaultdict(list)
    for unit in programme.units.select_related("municipality", "county").order_by("stage", "id"):
        by_stage[unit.stage].append(unit)
    return [
        (
            str(stage.label),
            [unit for unit in by_stage[stage.value] if unit.municipality_id],
            [unit for unit in by_stage[stage.value] if unit.county_id],
        )
        for stage in ParticipationStage
        if by_stage[stage.value]
    ]


def _partners(programme: Programme, years: list[int]) -> list[PartnerRow]:
    partners = list(
        programme.partners.select_related("institution", "voivodeship")
        .prefetch_related("spending")
        .order_by("role", "id")
    )
    rows = []
    for partner in partners:
        by_year = {spending.year: spending.amount for spending in partner.spending.all()}
        rows.append(PartnerRow(partner, [by_year.get(year, ZERO) for year in years], sum(by_year.values(), ZERO)))
    return rows


def overview(programme: Programme, today: dt.date | None = None) -> Overview:
    """Everything the programme's page shows, in a fixed number of queries."""
    today = today or timezone.localdate()
    progress = Progress()
    phases = _phases(programme, today, progress)
    years = list(range(programme.starts_on.year, programme.ends_on.year + 1))
    partners = _partners(programme, years)
    spent_by_year = [sum((row.spent_by_year[index] for row in partners), ZERO) for index in range(len(years))]
    chart = bars(
        [
            (str(row.partner.institution.short_name or row.partner.institution.name), row.execution or 0)
            for row in partners
            if row.partner.budget
        ]
    )
    return Overview(
        programme=programme,
        today=today,
        phases=phases,
        progress=progress,
        units=_units(programme),
        partners=partners,
        years=years,
        spent_by_year=spent_by_year,
        spent=sum(spent_by_year, ZERO),
        chart=chart,
    )


def for_list(today: dt.date | None = None) -> QuerySet[Programme]:
    """The programmes with their leader, milestone counts and spending, in one query."""
    today = today or timezone.localdate()
    leader = ProgrammePartner.objects.filter(programme=OuterRef("pk"), role=PartnerRole.LEADER)
    spent = (
        Spending.objects.filter(programme=OuterRef("pk"))
        .order_by()
        .values("programme")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    money = DecimalField(max_digits=14, decimal_places=2)
    reached = Q(phases__milestones__status=MilestoneStatus.REACHED)
    dropped = Q(phases__milestones__status=MilestoneStatus.DROPPED)
    late = (
        ~reached
        & ~dropped
        & (Q(phases__milestones__status=MilestoneStatus.LATE) | Q(phases__milestones__due_on__lt=today))
    )
    return Programme.objects.annotate(
        leader_name=Subquery(leader.values("institution__short_name")[:1]),
        milestones=Count("phases__milestones", filter=~dropped),
        milestones_reached=Count("phases__milestones", filter=reached),
        milestones_late=Count("phases__milestones", filter=late),
        spent=Coalesce(Subquery(spent, output_field=money), Value(ZERO), output_field=money),
    ).order_by("-starts_on", "name")


def budget_rows(data: Overview) -> list[list[Any]]:
    """The budget and spending per partner and year, as an export's rows."""
    rows: list[list[Any]] = []
    for row in data.partners:
        partner = row.partner
        base = [
            partner.institution.name,
            partner.get_role_display(),
            partner.voivodeship.name if partner.voivodeship else "",
            partner.budget,
        ]
        rows.append([*base, *row.spent_by_year, row.spent, row.execution])
    return rows
