"""Basket pages: adding an item (a directory service, `?service=<uuid>` from the matching page,
or an action of an institution) to a case's open plan, and an item's page with its steps.

Access as for the plan (`plans.policies`): editors of the case change, readers read.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kooperacja.core.forms.conflicts import put_refusal, rebound
from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest
from kooperacja.directory.models import Service
from kooperacja.plans import services
from kooperacja.plans.forms import BasketGoalForm, BasketItemForm, BasketStepForm
from kooperacja.plans.models import OPEN_PLAN_STATUSES, BasketItem, CooperationPlan
from kooperacja.plans.policies import get_basket_item_for_user, get_case_plan_access
from kooperacja.plans.views.plans import audit_read, case_title


def _service(raw: Any) -> Service | None:
    """The directory service named in the form or the query (public data: no policy needed)."""
    if not raw:
        return None
    try:
        return Service.objects.select_related("institution").get(public_id=raw)
    except (Service.DoesNotExist, ValueError, ValidationError):
        return None


@require_http_methods(GET_POST)
@login_required
def basket_new(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    case, access = get_case_plan_access(request.user, public_id, edit=True)
    plan = (
        CooperationPlan.objects.filter(case=case, status__in=OPEN_PLAN_STATUSES)
        .select_related("case", "case__institution", "case__municipality")
        .first()
    )
    context: dict[str, Any] = {"case": case, "access": access, "title": case_title(case, access), "plan": plan}

    def page(extra: dict[str, Any], status: int = 200) -> HttpResponse:
        # The page names the case: every render is a read of its persons' data.
        audit_read(request, case, case)
        return render(request, "plans/basket/new.html", {**context, **extra}, status=status)

    if plan is None:
        refusal = _("The case has no open plan: start a plan before adding services to its basket.")
        return page({"refusal": refusal}, status=200 if request.method != "POST" else 400)
    raw_service = request.POST.get("service") if request.method == "POST" else request.GET.get("service")
    service = _service(raw_service)
    if request.method != "POST":
        initial = {
            "service": service.public_id if service else None,
            "institution": case.institution.public_id,
            "version": plan.version,
        }
        form = BasketItemForm(plan=plan, initial=initial)
        return page({"form": form, "service": service})
    form = BasketItemForm(request.POST, plan=plan)
    if form.is_valid():
        data = form.cleaned_data
        if data["service"] and service is None:
            form.add_error(None, _("This service is not in the directory."))
        else:
            try:
                item = services.add_basket_item(
                    request.user,
                    plan,
                    service=service,
                    institution=None if service else data["institution"],
                    action=data["action"],
                    goal=data["goal"],
                    version=data["version"],
                )
            except services.StalePlan as stale:
                plan.refresh_from_db()
                again = rebound(BasketItemForm, request.POST, plan.version, plan=plan)
                again.add_error(None, stale)
                return page({"form": again, "service": service}, status=409)
            except ValidationError as refusal:
                put_refusal(form, refusal)
            else:
                messages.success(request, _("The item was added to the basket of services."))
                return redirect("plans:basket_item", public_id=item.public_id)
    return page({"form": form, "service": service}, status=400)


def _item_page(
    request: AuthenticatedHttpRequest,
    item: BasketItem,
    access: Any,
    *,
    step_form: BasketStepForm | None = None,
    goal_form: BasketGoalForm | None = None,
    refusal: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    plan = item.plan
    audit_read(request, plan.case, item)  # every render shows the case: a read of its persons
    editable = access.can_edit and plan.status in OPEN_PLAN_STATUSES
    steps = services.basket_steps_allowed(item) if editable else []
    context = {
        "item": item,
        "plan": plan,
        "case": plan.case,
        "access": access,
        "title": case_title(plan.case, access),
        "steps": [step for step in steps if step != "refer"],
        "refer_url": _refer_url(item) if editable and "refer" in steps else "",
        "step_form": step_form or BasketStepForm(initial={"version": item.version}),
        "goal_form": goal_form or _goal_form(item) if editable else None,
        "refusal": refusal or [],
        "referrals": list(item.referrals.select_related("to_institution").order_by("created_at", "id")),
    }
    return render(request, "plans/basket/item.html", context, status=status)


def _refer_url(item: BasketItem) -> str:
    """The referrals' form for this item."""
    return f"{reverse('plans:referral_new', kwargs={'public_id': item.plan.case.public_id})}?item={item.public_id}"


def _goal_form(item: BasketItem) -> BasketGoalForm:
    goal = item.goal.public_id if item.goal else None
    return BasketGoalForm(plan=item.plan, initial={"goal": goal, "version": item.version})


@require_http_methods(GET_POST)
@login_required
def basket_item(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    editing = request.method == "POST"
    item, access = get_basket_item_for_user(request.user, public_id, edit=editing)
    if not editing:
        return _item_page(request, item, access)
    form = BasketStepForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.move_basket_item(
                request.user, item, data["action"], version=data["version"], reason=data["reason"], on=data["on"]
            )
        except services.StaleBasketItem as stale:
            item.refresh_from_db()
            return _item_page(request, item, access, refusal=stale.messages, status=409)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The status of the item was changed."))
            return redirect("plans:basket_item", public_id=item.public_id)
    return _item_page(request, item, access, step_form=form, status=400)


@require_POST
@login_required
def basket_item_goal(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    item, access = get_basket_item_for_user(request.user, public_id, edit=True)
    form = BasketGoalForm(request.POST, plan=item.plan)
    if form.is_valid():
        try:
            services.link_basket_item(
                request.user, item, goal=form.cleaned_data["goal"], version=form.cleaned_data["version"]
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
            status = 409 if isinstance(refusal, services.StaleBasketItem) else 400
            return _item_page(request, item, access, goal_form=form, status=status)
        messages.success(request, _("The item was linked to the goal."))
        return redirect("plans:basket_item", public_id=item.public_id)
    return _item_page(request, item, access, goal_form=form, status=400)


urls: list[URLPattern] = [
    path("cases/<uuid:public_id>/basket/new/", basket_new, name="basket_new"),
    path("basket/<uuid:public_id>/", basket_item, name="basket_item"),
    path("basket/<uuid:public_id>/goal/", basket_item_goal, name="basket_item_goal"),
]
