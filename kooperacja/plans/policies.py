"""Who sees and changes a cooperation plan (IPW) and its basket (DESIGN.md §1).

A plan is part of its case: whoever reads the case whole reads its plans, and whoever may edit
the case (`CaseAccess.can_edit`) changes them. A partner institution taking part in the case
reads them (never changes them) when every person of the case consented to share the
category "plan" with it. Anyone else gets "not found" (404); a reader changing gets 403.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kooperacja.cases.models import Case, ConsentCategory
from kooperacja.cases.policies import CaseAccess, case_access, get_case_for_user, visible_cases
from kooperacja.plans.models import BasketItem, CooperationPlan, Goal


def reads_plan(access: CaseAccess) -> bool:
    """The whole view, or consent of every person of the case for the plan."""
    return access.sees_all(ConsentCategory.PLAN)


def get_case_plan_access(user: Any, case_public_id: UUID, *, edit: bool = False) -> tuple[Case, CaseAccess]:
    """(case, access) for the case's plan page; 404 for those who may not read its plans, 403
    for a reader when `edit`."""
    case, access = get_case_for_user(user, case_public_id)
    if not reads_plan(access):
        raise Http404
    if edit and not access.can_edit:
        raise PermissionDenied
    return case, access


def _plan_access(user: Any, case: Case, edit: bool) -> CaseAccess:
    access = case_access(user, case)
    if access is None or not reads_plan(access):
        raise Http404
    if edit and not access.can_edit:
        raise PermissionDenied
    return access


PLAN_RELATED = ("case", "case__institution", "case__municipality", "case__person", "case__household", "institution")


def get_plan_for_user(user: Any, public_id: UUID, *, edit: bool = False) -> tuple[CooperationPlan, CaseAccess]:
    """(plan, access) for a user who may read the plan; 404 for anyone else, 403 for a reader
    when `edit`."""
    try:
        plan = (
            CooperationPlan.objects.select_related(*PLAN_RELATED)
            .filter(case__in=visible_cases(user))
            .get(public_id=public_id)
        )
    except (CooperationPlan.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    return plan, _plan_access(user, plan.case, edit)


def get_goal_for_user(user: Any, public_id: UUID, *, edit: bool = False) -> tuple[Goal, CaseAccess]:
    try:
        goal = (
            Goal.objects.select_related(*(f"plan__{name}" for name in PLAN_RELATED), "plan")
            .filter(plan__case__in=visible_cases(user))
            .get(public_id=public_id)
        )
    except (Goal.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    return goal, _plan_access(user, goal.plan.case, edit)


def get_basket_item_for_user(user: Any, public_id: UUID, *, edit: bool = False) -> tuple[BasketItem, CaseAccess]:
    try:
        item = (
            BasketItem.objects.select_related(
                *(f"plan__{name}" for name in PLAN_RELATED), "plan", "service", "institution", "goal"
            )
            .filter(case__in=visible_cases(user))
            .get(public_id=public_id)
        )
    except (BasketItem.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    return item, _plan_access(user, item.plan.case, edit)
