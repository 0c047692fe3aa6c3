"""Every change to a cooperation plan (IPW), its goals, progress, reviews and its basket of
services (koszyk usług).

Each function takes the acting user first; who may call it is decided by `policies.py` before
the call (editing = `CaseAccess.can_edit` on the plan's case). A refused change raises
`ValidationError` with a Polish message and saves nothing; a change made on a stale version
raises the model's `Stale…` error. Every plan event goes on the case timeline (kind plan,
category "plan": partners with consent for the plan read it) and writes one audit event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kooperacja.cases.models import Case, CaseStatus, ConsentCategory, Participation, ParticipationKind, TimelineKind
from kooperacja.cases.services import audit_case, record_timeline
from kooperacja.core import versioning
from kooperacja.core.models import AuditAction
from kooperacja.directory.models import Service, ServiceStatus
from kooperacja.institutions.models import Institution, Membership
from kooperacja.plans.models import (
    OPEN_PLAN_STATUSES,
    BasketItem,
    BasketItemStatus,
    CooperationPlan,
    Goal,
    GoalProgress,
    GoalStatus,
    PlanReview,
    PlanStatus,
    Referral,
    ReferralOutcome,
)

BASKET_SOURCE = "plans.basketitem"
FINISHED_ITEM_STATUSES = (BasketItemStatus.DELIVERED, BasketItemStatus.NOT_DELIVERED)
OPEN_GOAL_STATUSES = (GoalStatus.PLANNED, GoalStatus.IN_PROGRESS)
# Why the unfinished items of a completed plan were not delivered.
PLAN_COMPLETED_REASON = gettext_lazy("Plan completed")


class StalePlan(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else saved this plan while you were editing it.")


class StaleGoal(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else saved this goal while you were editing it.")


class StaleBasketItem(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else changed this basket item meanwhile.")


PLAN_CHANGED_SINCE_OPENED = gettext_lazy(
    "The plan has changed since you opened this form (perhaps the form was already sent): nothing was "
    "saved. Check the plan, then send the form again if it is still needed."
)
GOAL_CHANGED_SINCE_OPENED = gettext_lazy(
    "The goal has changed since you opened this form (perhaps the form was already sent): nothing was "
    "saved. Check the plan, then send the form again if it is still needed."
)


def _unchanged_since_opened(saved: Any, version: int | None, refusal: versioning.StaleVersion) -> None:
    """A form adding to a plan (or a goal) carries the version it was opened at: a second press
    of the same form, or one sent after anyone else's change, adds nothing. `None`: the caller
    (the demo, a job) opened no form."""
    if version is not None and saved.version != version:
        raise refusal


# --- The transition tables --------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """A change of status: from which states, to which one."""

    sources: tuple[str, ...]
    target: str


PLAN_STEPS: dict[str, Step] = {
    "agree": Step((PlanStatus.DRAFT,), PlanStatus.AGREED),
    "start": Step((PlanStatus.AGREED,), PlanStatus.IN_PROGRESS),
    "complete": Step((PlanStatus.IN_PROGRESS,), PlanStatus.COMPLETED),
    "end": Step(OPEN_PLAN_STATUSES, PlanStatus.ENDED),
}

BASKET_STEPS: dict[str, Step] = {
    "agree": Step((BasketItemStatus.PROPOSED,), BasketItemStatus.AGREED),
    "refer": Step((BasketItemStatus.PROPOSED, BasketItemStatus.AGREED), BasketItemStatus.REFERRED),
    # An action of an institution starts without a referral; a service after one.
    "start": Step((BasketItemStatus.AGREED, BasketItemStatus.REFERRED), BasketItemStatus.IN_PROGRESS),
    "deliver": Step((BasketItemStatus.IN_PROGRESS,), BasketItemStatus.DELIVERED),
    "not_deliver": Step(
        (BasketItemStatus.PROPOSED, BasketItemStatus.AGREED, BasketItemStatus.REFERRED, BasketItemStatus.IN_PROGRESS),
        BasketItemStatus.NOT_DELIVERED,
    ),
}


def plan_steps_allowed(plan: CooperationPlan) -> list[str]:
    return [name for name, step in PLAN_STEPS.items() if plan.status in step.sources]


def basket_steps_allowed(item: BasketItem) -> list[str]:
    return [name for name, step in BASKET_STEPS.items() if item.status in step.sources]


def _step(steps: dict[str, Step], action: str, status: str, labels: Any) -> str:
    step = steps.get(action)
    if step is None or status not in step.sources:
        raise ValidationError(
            _("This step is not allowed now: the status is “%(status)s”.") % {"status": labels(status).label},
            code="step_not_allowed",
        )
    return step.target


# --- Helpers ------------------------------------------------------------------------------------


def _audit(actor: Any, case: Case, obj: Any, action: str = AuditAction.UPDATE, **details: Any) -> None:
    audit_case(action, case, obj=obj, actor=actor, **details)


def _timeline(plan: CooperationPlan, title: str, actor: Any, source: Any = None) -> None:
    record_timeline(
        plan.case,
        TimelineKind.PLAN,
        title,
        actor=actor,
        institution=plan.institution,
        category=ConsentCategory.PLAN,
        source=source if source is not None else plan,
    )


def _lock_plan(plan: CooperationPlan) -> CooperationPlan:
    """The plan as saved now, its row locked until the change is saved."""
    return CooperationPlan.objects.select_for_update().select_related("case", "case__municipality").get(pk=plan.pk)


def _refresh(plan: CooperationPlan, saved: CooperationPlan) -> None:
    for field in saved._meta.concrete_fields:
        setattr(plan, field.attname, getattr(saved, field.attname))


def _require_open(plan: CooperationPlan) -> None:
    if plan.status not in OPEN_PLAN_STATUSES:
        raise ValidationError(_("The plan is finished: it cannot be changed any more."), code="plan_finished")


def _require_goals(plan: CooperationPlan) -> None:
    if not plan.goals.exists():
        raise ValidationError(
            _("Add at least one goal to the plan first: a plan without goals cannot be agreed, started or completed."),
            code="no_goals",
        )


def _dates(starts_on: dt.date, ends_on: dt.date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The planned end cannot be before the start of the plan.")})


def responsible_institutions(case: Case) -> list[Institution]:
    """Who may be responsible for a goal or deliver an item: the owning institution and every
    institution taking part in the case now."""
    taking_part = Participation.objects.active().filter(case=case).values("institution_id")
    found = Institution.objects.filter(pk=case.institution_id) | Institution.objects.filter(pk__in=taking_part)
    return list(found.distinct().order_by("name"))


# --- The plan -------------------------------------------------------------------------------------


@transaction.atomic
def create_plan(
    actor: Any,
    case: Case,
    *,
    starts_on: dt.date,
    title: str = "",
    ends_on: dt.date | None = None,
    review_every_weeks: int = 12,
    summary: str = "",
) -> CooperationPlan:
    """Start an IPW for the case, in draft. A case has one open plan at a time; a closed case
    gets none. The first review is scheduled `review_every_weeks` after the start."""
    Case.objects.select_for_update(of=("self",)).filter(pk=case.pk).values_list("pk").get()
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("The case is closed: a plan cannot be started."), code="case_closed")
    if CooperationPlan.objects.filter(case=case, status__in=OPEN_PLAN_STATUSES).exists():
        raise ValidationError(_("The case already has an open plan."), code="plan_open")
    _dates(starts_on, ends_on)
    if review_every_weeks < 1:
        raise ValidationError({"review_every_weeks": _("Reviews must be at least one week apart.")})
    first_review = starts_on + dt.timedelta(weeks=review_every_weeks)
    plan = CooperationPlan.objects.create(
        case=case,
        municipality_id=case.municipality_id,
        institution_id=case.institution_id,
        title=title,
        starts_on=starts_on,
        ends_on=ends_on,
        review_every_weeks=review_every_weeks,
        next_review_on=first_review,
        summary=summary,
        created_by=actor,
    )
    PlanReview.objects.create(plan=plan, municipality_id=plan.municipality_id, due_on=first_review)
    _timeline(plan, _("Cooperation plan (IPW) created"), actor)
    _audit(actor, case, plan, AuditAction.CREATE)
    return plan


@transaction.atomic
def update_plan(
    actor: Any,
    plan: CooperationPlan,
    *,
    version: int,
    starts_on: dt.date,
    title: str = "",
    ends_on: dt.date | None = None,
    review_every_weeks: int = 12,
    summary: str = "",
) -> CooperationPlan:
    """Change an open plan's dates and text. No goal may fall due before the (new) start."""
    saved = _lock_plan(plan)
    versioning.check_version(saved, version, StalePlan)
    _require_open(saved)
    _dates(starts_on, ends_on)
    if review_every_weeks < 1:
        raise ValidationError({"review_every_weeks": _("Reviews must be at least one week apart.")})
    if saved.goals.filter(due_on__lt=starts_on).exists():
        raise ValidationError({"starts_on": _("A goal of the plan falls due before this date.")})
    saved.title, saved.starts_on, saved.ends_on, saved.summary = title, starts_on, ends_on, summary
    if review_every_weeks != saved.review_every_weeks:
        saved.review_every_weeks = review_every_weeks
        _reschedule(saved, (saved.agreed_on or saved.starts_on) + dt.timedelta(weeks=review_every_weeks))
    fields = ["title", "starts_on", "ends_on", "summary", "review_every_weeks", "next_review_on"]
    saved.save(update_fields=[*fields, *versioning.bump(saved)])
    _refresh(plan, saved)
    _audit(actor, saved.case, saved)
    return plan


def _reschedule(plan: CooperationPlan, due_on: dt.date) -> None:
    """Move the pending review to `due_on` (or schedule one there)."""
    plan.next_review_on = due_on
    pending = plan.reviews.filter(held_on__isnull=True).order_by("due_on", "id")
    first = pending.first()
    if first is None:
        PlanReview.objects.create(plan=plan, municipality_id=plan.municipality_id, due_on=due_on)
    else:
        pending.exclude(pk=first.pk).delete()
        first.due_on, first.reminded_at = due_on, None
        first.save(update_fields=["due_on", "reminded_at"])


@transaction.atomic
def agree_plan(
    actor: Any, plan: CooperationPlan, *, version: int, agreed_on: dt.date, method: str, note: str = ""
) -> CooperationPlan:
    """Record the person's agreement to the plan (date and how): the plan becomes agreed."""
    saved = _lock_plan(plan)
    versioning.check_version(saved, version, StalePlan)
    target = _step(PLAN_STEPS, "agree", saved.status, PlanStatus)
    _require_goals(saved)
    if not method:
        raise ValidationError({"agreement_method": _("Say how the person agreed to the plan.")})
    if agreed_on > timezone.localdate():
        raise ValidationError({"agreed_on": _("The agreement cannot be dated in the future.")})
    saved.status, saved.agreed_on, saved.agreement_method, saved.agreement_note = target, agreed_on, method, note
    saved.save(update_fields=["status", "agreed_on", "agreement_method", "agreement_note", *versioning.bump(saved)])
    _refresh(plan, saved)
    _timeline(saved, _("The person agreed to the cooperation plan"), actor)
    _audit(actor, saved.case, saved, step="agree")
    return plan


@transaction.atomic
def start_plan(actor: Any, plan: CooperationPlan, *, version: int) -> CooperationPlan:
    """The agreed plan is carried out from now on."""
    saved = _lock_plan(plan)
    versioning.check_version(saved, version, StalePlan)
    saved.status = _step(PLAN_STEPS, "start", saved.status, PlanStatus)
    _require_goals(saved)
    saved.save(update_fields=["status", *versioning.bump(saved)])
    _refresh(plan, saved)
    _timeline(saved, _("The cooperation plan is being carried out"), actor)
    _audit(actor, saved.case, saved, step="start")
    return plan


@transaction.atomic
def complete_plan(
    actor: Any, plan: CooperationPlan, *, version: int, ended_on: dt.date | None = None, summary: str = ""
) -> CooperationPlan:
    """The plan was carried out to its end (completed IPW): every goal has its result (achieved,
    partly, not achieved). Unfinished basket items become not delivered ("Plan completed")."""
    return _finish(actor, plan, "complete", version=version, ended_on=ended_on, summary=summary)


@transaction.atomic
def end_plan(
    actor: Any, plan: CooperationPlan, *, version: int, reason: str, ended_on: dt.date | None = None
) -> CooperationPlan:
    """The plan ends without completion; the reason is required. Goals still open become not
    achieved, unfinished basket items not delivered with the plan's end reason."""
    return _finish(actor, plan, "end", version=version, ended_on=ended_on, reason=reason)


def _finish(
    actor: Any,
    plan: CooperationPlan,
    action: str,
    *,
    version: int,
    ended_on: dt.date | None,
    reason: str = "",
    summary: str = "",
) -> CooperationPlan:
    saved = _lock_plan(plan)
    versioning.check_version(saved, version, StalePlan)
    target = _step(PLAN_STEPS, action, saved.status, PlanStatus)
    ended_on = ended_on or timezone.localdate()
    if action == "end" and not reason.strip():
        raise ValidationError({"reason": _("Say why the plan ends without completion.")})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": _("The plan cannot end on a future day.")})
    if ended_on < saved.starts_on:
        raise ValidationError({"ended_on": _("The plan cannot end before it starts.")})
    open_goals = saved.goals.filter(status__in=OPEN_GOAL_STATUSES)
    if action == "complete":
        _require_goals(saved)
        unfinished = open_goals.count()
        if unfinished:
            raise ValidationError(
                ngettext(
                    "Record the result of every goal first: %(count)d goal has no result yet.",
                    "Record the result of every goal first: %(count)d goals have no result yet.",
                    unfinished,
                )
                % {"count": unfinished},
                code="goals_open",
            )
    else:
        for goal in open_goals:
            goal.status = GoalStatus.NOT_ACHIEVED
            goal.save(update_fields=["status", *versioning.bump(goal)])
    item_reason = reason.strip() if action == "end" else str(PLAN_COMPLETED_REASON)
    for item in saved.basket.exclude(status__in=FINISHED_ITEM_STATUSES).select_related("plan", "case"):
        _apply_step(item, BasketItemStatus.NOT_DELIVERED, max(ended_on, _last_date(item)), item_reason)
        item.save()
    saved.status, saved.ended_on = target, ended_on
    saved.end_reason = reason.strip()
    if summary.strip():
        saved.summary = summary.strip()
    saved.next_review_on = None
    saved.save(update_fields=["status", "ended_on", "end_reason", "summary", "next_review_on", *versioning.bump(saved)])
    saved.reviews.filter(held_on__isnull=True).delete()
    _refresh(plan, saved)
    # The basket's institutions stop taking part in the case through this plan.
    for institution_id in set(saved.basket.values_list("institution_id", flat=True)):
        _end_participation(saved.case, institution_id)
    title = _("Cooperation plan completed") if action == "complete" else _("Cooperation plan ended without completion")
    _timeline(saved, title, actor)
    _audit(actor, saved.case, saved, step=action)
    return plan


# --- Reviews -------------------------------------------------------------------------------------


@transaction.atomic
def schedule_review(actor: Any, plan: CooperationPlan, *, due_on: dt.date) -> PlanReview:
    """Set the date of the next review of the plan (moving the pending one)."""
    saved = _lock_plan(plan)
    _require_open(saved)
    if due_on < saved.starts_on:
        raise ValidationError({"due_on": _("A review cannot be before the plan starts.")})
    _reschedule(saved, due_on)
    saved.save(update_fields=["next_review_on", *versioning.bump(saved)])
    _refresh(plan, saved)
    _audit(actor, saved.case, saved, review_due=due_on)
    return saved.reviews.filter(held_on__isnull=True).order_by("due_on").get()


@transaction.atomic
def record_review(
    actor: Any, plan: CooperationPlan, *, held_on: dt.date, summary: str, version: int | None = None
) -> PlanReview:
    """Record a review held: it takes the place of the pending one, and the next is scheduled
    `review_every_weeks` after it. With the plan's `version` the form was opened at: a second
    press would mark the review just scheduled as held, so a stale version is refused."""
    saved = _lock_plan(plan)
    _unchanged_since_opened(saved, version, StalePlan(PLAN_CHANGED_SINCE_OPENED))
    _require_open(saved)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A review cannot be recorded before it is held.")})
    if held_on < saved.starts_on:
        raise ValidationError({"held_on": _("A review cannot be before the plan starts.")})
    if not summary.strip():
        raise ValidationError({"summary": _("Write the conclusions of the review.")})
    review = saved.reviews.filter(held_on__isnull=True).order_by("due_on", "id").first()
    if review is None:
        review = PlanReview(plan=saved, municipality_id=saved.municipality_id, due_on=held_on)
    review.held_on, review.summary, review.recorded_by = held_on, summary.strip(), actor
    review.save()
    _reschedule(saved, held_on + dt.timedelta(weeks=saved.review_every_weeks))
    saved.save(update_fields=["next_review_on", *versioning.bump(saved)])
    _refresh(plan, saved)
    _timeline(saved, _("Review of the cooperation plan held"), actor)
    _audit(actor, saved.case, saved, review_held=held_on)
    return review


# --- Goals ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalData:
    """What a goal says (SMART): what, indicator, baseline, target, by when, who, which domain."""

    title: str
    indicator: str
    target: str
    due_on: dt.date
    responsible_institution: Institution
    baseline: str = ""
    responsible_user: Any = None
    domain_code: str = ""


def _check_goal(plan: CooperationPlan, data: GoalData) -> None:
    errors: dict[str, str] = {}
    if data.due_on < plan.starts_on:
        errors["due_on"] = _("The goal cannot fall due before the plan starts (%(date)s).") % {
            "date": plan.starts_on.strftime("%d.%m.%Y")
        }
    elif plan.ends_on is not None and data.due_on > plan.ends_on:
        errors["due_on"] = _("The goal cannot fall due after the planned end of the plan (%(date)s).") % {
            "date": plan.ends_on.strftime("%d.%m.%Y")
        }
    allowed = {institution.pk for institution in responsible_institutions(plan.case)}
    if data.responsible_institution.pk not in allowed:
        errors["responsible_institution"] = _("This institution does not take part in the case.")
    elif data.responsible_user is not None:
        works_there = Membership.objects.active().filter(
            user=data.responsible_user, institution=data.responsible_institution
        )
        if not works_there.exists():
            errors["responsible_user"] = _("This person does not work at the responsible institution.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_goal(actor: Any, plan: CooperationPlan, data: GoalData, *, version: int | None = None) -> Goal:
    """Add a SMART goal to an open plan (refused when the plan moved on from `version`)."""
    saved = _lock_plan(plan)
    _unchanged_since_opened(saved, version, StalePlan(PLAN_CHANGED_SINCE_OPENED))
    _require_open(saved)
    _check_goal(saved, data)
    position = saved.goals.count() + 1
    goal = Goal.objects.create(
        plan=saved, municipality_id=saved.municipality_id, position=position, **_goal_fields(data)
    )
    saved.save(update_fields=versioning.bump(saved))
    _refresh(plan, saved)
    _timeline(saved, _("Goal added to the plan: %(goal)s") % {"goal": goal.title}, actor, goal)
    _audit(actor, saved.case, goal, AuditAction.CREATE)
    return goal


def _goal_fields(data: GoalData) -> dict[str, Any]:
    return {
        "title": data.title,
        "indicator": data.indicator,
        "baseline": data.baseline,
        "target": data.target,
        "due_on": data.due_on,
        "responsible_institution": data.responsible_institution,
        "responsible_user": data.responsible_user,
        "domain_code": data.domain_code,
    }


def _lock_goal(goal: Goal) -> Goal:
    return Goal.objects.select_for_update().get(pk=goal.pk)


@transaction.atomic
def update_goal(actor: Any, goal: Goal, data: GoalData, *, version: int, status: str | None = None) -> Goal:
    """Change a goal (and its status) of an open plan."""
    plan = _lock_plan(goal.plan)
    saved = _lock_goal(goal)
    versioning.check_version(saved, version, StaleGoal)
    _require_open(plan)
    _check_goal(plan, data)
    for name, value in _goal_fields(data).items():
        setattr(saved, name, value)
    achieved = status == GoalStatus.ACHIEVED and saved.status != GoalStatus.ACHIEVED
    if status:
        saved.status = status
    saved.save(update_fields=[*_goal_fields(data), "status", *versioning.bump(saved)])
    goal.__dict__.update({f.attname: getattr(saved, f.attname) for f in saved._meta.concrete_fields})
    if achieved:
        _timeline(plan, _("Goal achieved: %(goal)s") % {"goal": saved.title}, actor, saved)
    _audit(actor, plan.case, saved)
    return goal


@transaction.atomic
def record_progress(
    actor: Any,
    goal: Goal,
    *,
    institution: Institution,
    value: str,
    note: str = "",
    recorded_on: dt.date | None = None,
    status: str = "",
    version: int | None = None,
) -> GoalProgress:
    """A progress update on a goal (the indicator's value on a day), optionally with the goal's
    new status; a goal reaching "achieved" goes on the timeline. Every update moves the goal's
    version on, so the same form sent twice (`version` of the goal) records it once."""
    plan = _lock_plan(goal.plan)
    saved = _lock_goal(goal)
    _unchanged_since_opened(saved, version, StaleGoal(GOAL_CHANGED_SINCE_OPENED))
    _require_open(plan)
    recorded_on = recorded_on or timezone.localdate()
    if recorded_on > timezone.localdate():
        raise ValidationError({"recorded_on": _("Progress cannot be recorded for a future day.")})
    if recorded_on < plan.starts_on:
        raise ValidationError({"recorded_on": _("Progress cannot be recorded before the plan starts.")})
    if not value.strip():
        raise ValidationError({"value": _("Give the indicator's value.")})
    if status and status not in GoalStatus.values:
        raise ValidationError({"status": _("Choose a status from the list.")})
    progress = GoalProgress.objects.create(
        goal=saved,
        municipality_id=saved.municipality_id,
        recorded_on=recorded_on,
        value=value.strip(),
        note=note.strip(),
        recorded_by=actor,
        institution=institution,
    )
    achieved = status == GoalStatus.ACHIEVED and saved.status != GoalStatus.ACHIEVED
    if status:
        saved.status = status
    elif saved.status == GoalStatus.PLANNED:
        saved.status = GoalStatus.IN_PROGRESS
    saved.save(update_fields=["status", *versioning.bump(saved)])
    goal.status, goal.version = saved.status, saved.version
    if achieved:
        _timeline(plan, _("Goal achieved: %(goal)s") % {"goal": saved.title}, actor, saved)
    _audit(actor, plan.case, saved, progress=progress.value)
    return progress


# --- The basket of services ------------------------------------------------------------------------


def _start_participation(case: Case, institution_id: int, item: BasketItem) -> None:
    """The item's institution takes part in the case, unless it does already through the basket
    (or is the owning institution)."""
    if institution_id == case.institution_id:
        return
    active = Participation.objects.active().filter(
        case=case, institution_id=institution_id, kind=ParticipationKind.BASKET_ITEM
    )
    if active.exists():
        return
    Participation.objects.create(
        case=case,
        institution_id=institution_id,
        municipality_id=case.municipality_id,
        kind=ParticipationKind.BASKET_ITEM,
        source_type=BASKET_SOURCE,
        source_id=str(item.public_id),
    )


def _end_participation(case: Case, institution_id: int) -> None:
    """When no unfinished item of the institution is left, its basket participation ends."""
    unfinished = BasketItem.objects.filter(case=case, institution_id=institution_id).exclude(
        status__in=FINISHED_ITEM_STATUSES
    )
    plan_open = CooperationPlan.objects.filter(case=case, status__in=OPEN_PLAN_STATUSES)
    if unfinished.filter(plan__in=plan_open).exists():
        return
    Participation.objects.active().filter(
        case=case, institution_id=institution_id, kind=ParticipationKind.BASKET_ITEM
    ).update(ended_at=timezone.now())


@transaction.atomic
def add_basket_item(
    actor: Any,
    plan: CooperationPlan,
    *,
    service: Service | None = None,
    institution: Institution | None = None,
    action: str = "",
    goal: Goal | None = None,
    version: int | None = None,
    proposed_on: dt.date | None = None,
) -> BasketItem:
    """Put a directory service, or an action of an institution, in the plan's basket. An
    institution other than the owning one takes part in the case from now on
    (`Participation`, kind basket item) — what it sees still follows consent. The plan's
    version moves on, so the same form (opened at `version`) sent twice adds one item."""
    saved = _lock_plan(plan)
    _unchanged_since_opened(saved, version, StalePlan(PLAN_CHANGED_SINCE_OPENED))
    _require_open(saved)
    if service is None and not action.strip():
        raise ValidationError({"action": _("Choose a service or describe the action of an institution.")})
    if service is not None:
        if service.status != ServiceStatus.ACTIVE or not service.institution.is_active:
            raise ValidationError({"service": _("This service is not offered now.")})
        institution = service.institution
    if institution is None:
        raise ValidationError({"institution": _("Choose the institution that delivers it.")})
    if not institution.is_active:
        raise ValidationError({"institution": _("This institution is not active.")})
    if goal is not None and goal.plan_id != saved.pk:
        raise ValidationError({"goal": _("This goal is not of this plan.")})
    proposed_on = proposed_on or timezone.localdate()
    if proposed_on > timezone.localdate():
        raise ValidationError({"proposed_on": _("The date cannot be in the future.")})
    item = BasketItem.objects.create(
        proposed_on=proposed_on,
        plan=saved,
        case_id=saved.case_id,
        municipality_id=saved.municipality_id,
        goal=goal,
        service=service,
        institution=institution,
        action=action.strip(),
        created_by=actor,
    )
    saved.save(update_fields=versioning.bump(saved))
    _refresh(plan, saved)
    _start_participation(saved.case, institution.pk, item)
    _timeline(saved, _("Added to the basket of services: %(item)s") % {"item": str(item)}, actor, item)
    _audit(actor, saved.case, item, AuditAction.CREATE)
    return item


def _lock_item(item: BasketItem) -> BasketItem:
    return BasketItem.objects.select_for_update().select_related("plan", "case", "case__municipality").get(pk=item.pk)


@transaction.atomic
def move_basket_item(
    actor: Any,
    item: BasketItem,
    action: str,
    *,
    version: int,
    reason: str = "",
    on: dt.date | None = None,
    goal: Goal | None = None,
) -> BasketItem:
    """One step of an item (BASKET_STEPS): agree, refer, start, deliver, not deliver (reason
    required). Finishing the institution's last item ends its participation in the case."""
    saved = _lock_item(item)
    versioning.check_version(saved, version, StaleBasketItem)
    _require_open(saved.plan)
    target = _step(BASKET_STEPS, action, saved.status, BasketItemStatus)
    on = on or timezone.localdate()
    errors: dict[str, str] = {}
    last = _last_date(saved)
    if on > timezone.localdate():
        errors["on"] = _("The date cannot be in the future.")
    elif on < last:
        errors["on"] = _("The date cannot be before the item's previous step (%(date)s).") % {
            "date": last.strftime("%d.%m.%Y")
        }
    if action == "not_deliver" and not reason.strip():
        errors["reason"] = _("Say why it was not delivered.")
    if errors:
        raise ValidationError(errors)
    _apply_step(saved, target, on, reason.strip())
    saved.save()
    _after_step(actor, saved)
    item.__dict__.update({f.attname: getattr(saved, f.attname) for f in saved._meta.concrete_fields})
    return item


def _last_date(item: BasketItem) -> dt.date:
    """The day of the item's latest step so far: a next step cannot be dated before it."""
    return max(day for day in (item.proposed_on, item.agreed_on, item.starts_on) if day is not None)


def _apply_step(item: BasketItem, target: str, on: dt.date, reason: str = "") -> None:
    item.status = target
    if target == BasketItemStatus.AGREED:
        item.agreed_on = on
    elif target == BasketItemStatus.IN_PROGRESS:
        item.starts_on = on
    elif target in FINISHED_ITEM_STATUSES:
        item.ends_on = on
        item.not_delivered_reason = reason
    versioning.bump(item)


def _after_step(actor: Any, item: BasketItem) -> None:
    if item.status in FINISHED_ITEM_STATUSES:
        _end_participation(item.case, item.institution_id)
    if item.status == BasketItemStatus.DELIVERED:
        _timeline(item.plan, _("Service delivered: %(item)s") % {"item": str(item)}, actor, item)
    elif item.status == BasketItemStatus.NOT_DELIVERED:
        _timeline(item.plan, _("Service not delivered: %(item)s") % {"item": str(item)}, actor, item)
    _audit(actor, item.case, item, status=item.status)


@transaction.atomic
def link_basket_item(actor: Any, item: BasketItem, *, goal: Goal | None, version: int) -> BasketItem:
    """Link an item to a goal of its plan (or to none)."""
    saved = _lock_item(item)
    versioning.check_version(saved, version, StaleBasketItem)
    _require_open(saved.plan)
    if goal is not None and goal.plan_id != saved.plan_id:
        raise ValidationError({"goal": _("This goal is not of this plan.")})
    saved.goal = goal
    saved.save(update_fields=["goal", *versioning.bump(saved)])
    item.goal, item.version = goal, saved.version
    _audit(actor, saved.case, saved, goal=goal.public_id if goal else "")
    return item


@transaction.atomic
def mark_basket_referred(item: BasketItem, actor: Any = None) -> BasketItem:
    """Called when a referral made from the item is sent: a proposed or agreed item becomes
    referred. Idempotent: an item already further on is left as it is."""
    saved = _lock_item(item)
    if saved.status not in BASKET_STEPS["refer"].sources:
        return item
    _apply_step(saved, BasketItemStatus.REFERRED, timezone.localdate())
    saved.save()
    _after_step(actor, saved)
    item.status, item.version = saved.status, saved.version
    return item


@transaction.atomic
def basket_item_referral_closed(item: BasketItem, referral: Referral, actor: Any = None) -> BasketItem:
    """Called when a referral made from the item is completed: the outcome finishes the item
    (got help, or part of it: delivered; no help: not delivered, the outcome note as the
    reason). An item finished by hand already is left as it is."""
    saved = _lock_item(item)
    if saved.status in FINISHED_ITEM_STATUSES or saved.plan.status not in OPEN_PLAN_STATUSES:
        return item
    today = timezone.localdate()
    if referral.outcome == ReferralOutcome.NO_HELP:
        reason = referral.outcome_note or str(ReferralOutcome.NO_HELP.label)
        _apply_step(saved, BasketItemStatus.NOT_DELIVERED, today, reason)
    else:
        if saved.starts_on is None:
            saved.starts_on = today
        _apply_step(saved, BasketItemStatus.DELIVERED, today)
    saved.save()
    _after_step(actor, saved)
    item.status, item.version = saved.status, saved.version
    return item


@transaction.atomic
def basket_item_referral_withdrawn(item: BasketItem, referral: Referral, actor: Any = None) -> BasketItem:
    """Called when a referral made from the item ends without help being arranged: cancelled,
    declined (not forwarded) or expired. A referred item goes back to agreed, so it can be
    referred again, and the timeline says so. An item in any other status (started, finished,
    or already back) and an item of a finished plan are left as they are."""
    saved = _lock_item(item)
    if saved.status != BasketItemStatus.REFERRED or saved.plan.status not in OPEN_PLAN_STATUSES:
        return item
    saved.status = BasketItemStatus.AGREED
    versioning.bump(saved)
    saved.save()
    _timeline(
        saved.plan,
        _("The referral ended without help; the item can be referred again: %(item)s") % {"item": str(saved)},
        actor,
        saved,
    )
    _audit(actor, saved.case, saved, status=saved.status, referral=referral.public_id)
    item.status, item.agreed_on, item.version = saved.status, saved.agreed_on, saved.version
    return item
