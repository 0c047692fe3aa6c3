"""/api/v1/cases/{id}/plan and /cases/{id}/basket: a case's cooperation plan (IPW) with its
goals, and its basket of services.

Access is the plan pages' (`plans.policies.get_case_plan_access`): whoever reads the case
whole, and a partner institution taking part in it when every person of the case consented to
share the plan with it; anyone else gets 404. A goal's diagnosis domain is diagnosis data:
named only for those who may read that domain. Reads only: plans are changed on the site by
those who work on the case. Each read writes one audit event naming every person of the case,
as the plan pages do.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from kooperacja.api.errors import ApiError
from kooperacja.api.lists import page_of
from kooperacja.api.paging import PageNumberPaging
from kooperacja.api.referrals import ServiceRef
from kooperacja.api.schemas import InstitutionRef
from kooperacja.cases.models import DIAGNOSIS_PREFIX, Case
from kooperacja.cases.policies import CaseAccess
from kooperacja.cases.services import audit_case
from kooperacja.core.models import AuditAction
from kooperacja.plans.forms import domain_names
from kooperacja.plans.models import (
    OPEN_PLAN_STATUSES,
    AgreementMethod,
    BasketItem,
    BasketItemStatus,
    CooperationPlan,
    GoalProgress,
    GoalStatus,
    PlanStatus,
)
from kooperacja.plans.policies import get_case_plan_access

router = Router(tags=["plans"])

NO_PLAN = _("This case has no cooperation plan yet.")


class GoalDomainOut(Schema):
    code: str
    name: str


class GoalProgressOut(Schema):
    recorded_on: date
    value: str = Field(description="The indicator's value on that day.")
    note: str
    institution: InstitutionRef
    recorded_by: str


class GoalOut(Schema):
    id: UUID
    position: int
    title: str
    indicator: str
    baseline: str
    target: str
    due_on: date
    status: GoalStatus
    responsible_institution: InstitutionRef
    responsible_person: str | None
    domain: GoalDomainOut | None = Field(
        description="The diagnosis domain the goal answers, when the view may read that domain."
    )
    progress: list[GoalProgressOut] = Field(description="Progress updates, newest first.")


class PlanReviewOut(Schema):
    due_on: date
    held_on: date | None
    summary: str


class PlanOut(Schema):
    id: UUID
    title: str
    status: PlanStatus
    starts_on: date
    ends_on: date | None
    review_every_weeks: int
    next_review_on: date | None
    agreed_on: date | None
    agreement_method: AgreementMethod | None
    agreement_note: str
    ended_on: date | None
    end_reason: str
    summary: str
    institution: InstitutionRef
    version: int
    goals: list[GoalOut]
    reviews: list[PlanReviewOut]
    earlier_plans: list[UUID] = Field(description="The case's other plans (completed or ended), newest first.")


class BasketItemOut(Schema):
    id: UUID
    plan: UUID
    goal: UUID | None
    service: ServiceRef | None
    institution: InstitutionRef
    action: str = Field(description="What the institution does, when the item is not a directory service.")
    status: BasketItemStatus
    not_delivered_reason: str
    proposed_on: date
    agreed_on: date | None
    starts_on: date | None
    ends_on: date | None
    version: int


class BasketPage(Schema):
    items: list[BasketItemOut]
    count: int


class BasketFilters(Schema):
    status: BasketItemStatus | None = Field(None, description="Only items in this state.")


def _institution(institution: Any) -> InstitutionRef:
    return InstitutionRef(id=institution.public_id, name=institution.name)


def _current_plan(case: Case) -> tuple[CooperationPlan, list[CooperationPlan]]:
    """The plan a partner works to: the open one, else the latest; and the others."""
    plans = list(case.plans.select_related("institution").order_by("-starts_on", "-id"))
    if not plans:
        raise ApiError(404, NO_PLAN)
    current = next((plan for plan in plans if plan.status in OPEN_PLAN_STATUSES), plans[0])
    return current, [plan for plan in plans if plan is not current]


def _goals(plan: CooperationPlan, access: CaseAccess) -> list[dict[str, Any]]:
    goals = plan.goals.select_related("responsible_institution", "responsible_user").prefetch_related(
        Prefetch(
            "progress",
            queryset=GoalProgress.objects.select_related("recorded_by", "institution").order_by("-recorded_on", "-id"),
        )
    )
    names = domain_names()

    def domain(code: str) -> dict[str, str] | None:
        if not code or not (access.whole or access.sees_all(DIAGNOSIS_PREFIX + code)):
            return None
        return {"code": code, "name": names.get(code, code)}

    return [
        {
            "id": goal.public_id,
            "position": goal.position,
            "title": goal.title,
            "indicator": goal.indicator,
            "baseline": goal.baseline,
            "target": goal.target,
            "due_on": goal.due_on,
            "status": goal.status,
            "responsible_institution": _institution(goal.responsible_institution),
            "responsible_person": str(goal.responsible_user) if goal.responsible_user else None,
            "domain": domain(goal.domain_code),
            "progress": [
                {
                    "recorded_on": progress.recorded_on,
                    "value": progress.value,
                    "note": progress.note,
                    "institution": _institution(progress.institution),
                    "recorded_by": str(progress.recorded_by),
                }
                for progress in goal.progress.all()
            ],
        }
        for goal in goals
    ]


@router.get(
    "/{id}/plan",
    response=PlanOut,
    summary="The case's cooperation plan (IPW) with its goals: the open one, else the latest",
)
def case_plan(request: HttpRequest, id: UUID) -> dict[str, Any]:
    """404 when the case is outside the view's scope, its plan is not shared with the partner
    institution, or it has no plan yet."""
    case, access = get_case_plan_access(request.user, id)
    plan, earlier = _current_plan(case)
    answer = {
        "id": plan.public_id,
        "title": plan.title,
        "status": plan.status,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "review_every_weeks": plan.review_every_weeks,
        "next_review_on": plan.next_review_on,
        "agreed_on": plan.agreed_on,
        "agreement_method": plan.agreement_method or None,
        "agreement_note": plan.agreement_note,
        "ended_on": plan.ended_on,
        "end_reason": plan.end_reason,
        "summary": plan.summary,
        "institution": _institution(plan.institution),
        "version": plan.version,
        "goals": _goals(plan, access),
        "reviews": [
            {"due_on": review.due_on, "held_on": review.held_on, "summary": review.summary}
            for review in plan.reviews.order_by("due_on", "id")
        ],
        "earlier_plans": [other.public_id for other in earlier],
    }
    audit_case(AuditAction.VIEW, case, obj=plan, request=request, via="api")
    return answer


@router.get("/{id}/basket", response=BasketPage, summary="The case's basket of services, of all its plans")
def case_basket(
    request: HttpRequest, id: UUID, filters: Query[BasketFilters], paging: Query[PageNumberPaging.Input]
) -> dict[str, Any]:
    """Items in the order they were proposed; `status` filters by state."""
    case, _access = get_case_plan_access(request.user, id)
    items = (
        BasketItem.objects.filter(case=case)
        .select_related("plan", "goal", "service", "institution")
        .order_by("proposed_on", "id")
    )
    if filters.status:
        items = items.filter(status=filters.status)
    page, count = page_of(items, paging)
    audit_case(AuditAction.LIST, case, request=request, list="basket", via="api")
    return {
        "items": [
            {
                "id": item.public_id,
                "plan": item.plan.public_id,
                "goal": item.goal.public_id if item.goal else None,
                "service": ServiceRef(id=item.service.public_id, name=item.service.name) if item.service else None,
                "institution": _institution(item.institution),
                "action": item.action,
                "status": item.status,
                "not_delivered_reason": item.not_delivered_reason,
                "proposed_on": item.proposed_on,
                "agreed_on": item.agreed_on,
                "starts_on": item.starts_on,
                "ends_on": item.ends_on,
                "version": item.version,
            }
            for item in page
        ],
        "count": count,
    }
