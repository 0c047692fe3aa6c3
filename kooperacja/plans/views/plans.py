"""Plan pages: a case's plans (and starting one), the plan page with goals, reviews and the
basket grouped by goal, its status steps, goals and their progress, reviews, and the PDF.

Plans are fetched through `plans.policies` (404 for strangers, 403 for readers changing);
each page showing the plan writes one audit event naming the persons of the case.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kooperacja.cases.models import DIAGNOSIS_PREFIX, Case
from kooperacja.cases.policies import CaseAccess, knows_identity
from kooperacja.cases.services import audit_case
from kooperacja.core.forms.conflicts import differences, put_refusal, rebound
from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest
from kooperacja.core.models import AuditAction
from kooperacja.core.pdf import REPORT_CSS, render_pdf
from kooperacja.plans import services
from kooperacja.plans.forms import (
    AgreementForm,
    CompleteForm,
    EndForm,
    GoalForm,
    PlanForm,
    ProgressForm,
    ReviewForm,
    ScheduleReviewForm,
    StepForm,
    domain_names,
)
from kooperacja.plans.models import OPEN_PLAN_STATUSES, BasketItem, CooperationPlan, GoalProgress
from kooperacja.plans.policies import get_case_plan_access, get_goal_for_user, get_plan_for_user


def case_title(case: Case, access: CaseAccess) -> str:
    """The case's title when the user may know who it is about, else the shared label."""
    if knows_identity(access):
        return case.title
    return _("Case handled by %(institution)s") % {"institution": case.institution.short_name or case.institution.name}


def audit_read(request: AuthenticatedHttpRequest, case: Case, obj: Any, action: str = AuditAction.VIEW) -> None:
    """A plan concerns every person of its case: one event naming them all."""
    audit_case(action, case, obj=obj, request=request)


# --- A case's plans ---------------------------------------------------------------------------


@require_http_methods(GET_POST)
@login_required
def case_plan(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    editing = request.method == "POST"
    case, access = get_case_plan_access(request.user, public_id, edit=editing)
    plans = list(case.plans.order_by("-starts_on", "-id"))
    open_plan = next((plan for plan in plans if plan.status in OPEN_PLAN_STATUSES), None)
    form = PlanForm(request.POST if editing else None, initial={"starts_on": timezone.localdate()})
    status = 200
    if editing:
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan = services.create_plan(
                    request.user,
                    case,
                    title=data["title"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    review_every_weeks=data["review_every_weeks"],
                    summary=data["summary"],
                )
            except ValidationError as refusal:
                put_refusal(form, refusal)
            else:
                messages.success(request, _("The plan was started as a draft. Add its goals."))
                return redirect("plans:plan", public_id=plan.public_id)
        status = 400
    audit_read(request, case, case, AuditAction.LIST)
    context = {
        "case": case,
        "access": access,
        "title": case_title(case, access),
        "open_plan": open_plan,
        "earlier": [plan for plan in plans if plan is not open_plan],
        "form": form if access.can_edit and open_plan is None else None,
    }
    return render(request, "plans/plan/case.html", context, status=status)


# --- The plan page ----------------------------------------------------------------------------


def plan_details(plan: CooperationPlan, access: CaseAccess) -> dict[str, Any]:
    """Goals (with progress), reviews and the basket grouped by goal, in a fixed number of queries.
    A goal's diagnosis domain is diagnosis data: shown only to those who may see that domain."""
    goals = list(
        plan.goals.select_related("responsible_institution", "responsible_user").prefetch_related(
            Prefetch(
                "progress", queryset=GoalProgress.objects.select_related("recorded_by").order_by("-recorded_on", "-id")
            )
        )
    )
    items = list(
        BasketItem.objects.filter(plan=plan)
        .select_related("service", "institution", "goal")
        .order_by("proposed_on", "id")
    )
    by_goal: dict[int | None, list[BasketItem]] = {}
    for item in items:
        by_goal.setdefault(item.goal_id, []).append(item)
    names = domain_names()

    def domain(code: str) -> str:
        if not code or not (access.whole or access.sees_all(DIAGNOSIS_PREFIX + code)):
            return ""
        return names.get(code, code)

    return {
        "goals": [
            {"goal": goal, "domain": domain(goal.domain_code), "items": by_goal.get(goal.pk, [])} for goal in goals
        ],
        "unlinked_items": by_goal.get(None, []),
        "items": items,
        "reviews": list(plan.reviews.select_related("recorded_by").order_by("due_on", "id")),
    }


@require_safe
@login_required
def plan_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    plan, access = get_plan_for_user(request.user, public_id)
    case = plan.case
    context = {
        "plan": plan,
        "case": case,
        "access": access,
        "title": case_title(case, access),
        "steps": services.plan_steps_allowed(plan) if access.can_edit else [],
        "is_open": plan.status in OPEN_PLAN_STATUSES,
        "step_form": StepForm(initial={"version": plan.version}),
        **plan_details(plan, access),
    }
    audit_read(request, case, plan)
    return render(request, "plans/plan/detail.html", context)


def _form_page(
    request: AuthenticatedHttpRequest,
    plan: CooperationPlan,
    form: forms.Form,
    heading: str,
    *,
    status: int = 200,
    conflict: Any = None,
    submit: str = "",
    intro: str = "",
) -> HttpResponse:
    context = {
        "plan": plan,
        "form": form,
        "heading": heading,
        "conflict": conflict,
        "submit": submit or _("Save"),
        "intro": intro,
        "back": plan,
    }
    return render(request, "plans/plan/form.html", context, status=status)


def _finished(request: AuthenticatedHttpRequest, plan: CooperationPlan) -> HttpResponse | None:
    """A form page of a finished plan is not offered: back to the plan, saying why."""
    if plan.status in OPEN_PLAN_STATUSES:
        return None
    messages.info(request, _("The plan is finished: it cannot be changed any more."))
    return redirect("plans:plan", public_id=plan.public_id)


def _stale_page(
    request: AuthenticatedHttpRequest,
    plan: CooperationPlan,
    form_class: type[forms.Form],
    heading: str,
    initial: dict[str, Any],
    **kwargs: Any,
) -> HttpResponse:
    """The 409 answer: nothing saved; what is saved now beside what the editor typed."""
    plan.refresh_from_db()
    typed = form_class(request.POST, **kwargs)
    typed.is_valid()
    conflict = differences(typed, initial)
    form = rebound(form_class, request.POST, plan.version, **kwargs)
    return _form_page(request, plan, form, heading, status=409, conflict=conflict)


@require_http_methods(GET_POST)
@login_required
def plan_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    plan, _access = get_plan_for_user(request.user, public_id, edit=True)
    heading = _("Edit the plan")
    if request.method != "POST":
        if finished := _finished(request, plan):
            return finished
        return _form_page(request, plan, PlanForm(initial=PlanForm.initial_for(plan)), heading)
    form = PlanForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_plan(
                request.user,
                plan,
                version=data["version"],
                title=data["title"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                review_every_weeks=data["review_every_weeks"],
                summary=data["summary"],
            )
        except services.StalePlan:
            plan.refresh_from_db()
            return _stale_page(request, plan, PlanForm, heading, PlanForm.initial_for(plan))
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("plans:plan", public_id=plan.public_id)
    return _form_page(request, plan, form, heading, status=400)


def _step_view(
    request: AuthenticatedHttpRequest,
    public_id: UUID,
    form_class: type[forms.Form],
    heading: str,
    act: Callable[[CooperationPlan, dict[str, Any]], Any],
    done: str,
    initial: dict[str, Any] | None = None,
    intro: str = "",
) -> HttpResponse:
    plan, _access = get_plan_for_user(request.user, public_id, edit=True)
    if request.method != "POST":
        if finished := _finished(request, plan):
            return finished
        form = form_class(initial={"version": plan.version, **(initial or {})})
        return _form_page(request, plan, form, heading, intro=intro)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(plan, form.cleaned_data)
        except services.StalePlan as stale:
            plan.refresh_from_db()
            form = rebound(form_class, request.POST, plan.version)
            form.add_error(None, stale)
            return _form_page(request, plan, form, heading, status=409, intro=intro)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, done)
            return redirect("plans:plan", public_id=plan.public_id)
    return _form_page(request, plan, form, heading, status=400, intro=intro)


@require_http_methods(GET_POST)
@login_required
def plan_agree(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    def act(plan: CooperationPlan, data: dict[str, Any]) -> Any:
        return services.agree_plan(
            request.user,
            plan,
            version=data["version"],
            agreed_on=data["agreed_on"],
            method=data["agreement_method"],
            note=data["agreement_note"],
        )

    return _step_view(
        request,
        public_id,
        AgreementForm,
        _("Record the person's agreement"),
        act,
        _("The person's agreement was recorded."),
        {"agreed_on": timezone.localdate()},
    )


@require_POST
@login_required
def plan_start(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    def act(plan: CooperationPlan, data: dict[str, Any]) -> Any:
        return services.start_plan(request.user, plan, version=data["version"])

    return _step_view(
        request, public_id, StepForm, _("Start carrying out the plan"), act, _("The plan is in progress.")
    )


@require_http_methods(GET_POST)
@login_required
def plan_complete(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    def act(plan: CooperationPlan, data: dict[str, Any]) -> Any:
        return services.complete_plan(
            request.user, plan, version=data["version"], ended_on=data["ended_on"], summary=data["summary"]
        )

    return _step_view(
        request,
        public_id,
        CompleteForm,
        _("Complete the plan"),
        act,
        _("The plan was completed."),
        {"ended_on": timezone.localdate()},
        intro=_(
            "Every goal needs its result (achieved, partly achieved or not achieved) first. Items of the "
            "basket not yet delivered will be marked not delivered, with the reason “Plan completed”."
        ),
    )


@require_http_methods(GET_POST)
@login_required
def plan_end(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    def act(plan: CooperationPlan, data: dict[str, Any]) -> Any:
        return services.end_plan(
            request.user, plan, version=data["version"], ended_on=data["ended_on"], reason=data["reason"]
        )

    return _step_view(
        request,
        public_id,
        EndForm,
        _("End the plan without completion"),
        act,
        _("The plan was ended without completion."),
        {"ended_on": timezone.localdate()},
        intro=_(
            "Goals without a result will be marked not achieved, and items of the basket not yet "
            "delivered will be marked not delivered, with the reason you give here."
        ),
    )


# --- Reviews ----------------------------------------------------------------------------------


@require_http_methods(GET_POST)
@login_required
def plan_review(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    def act(plan: CooperationPlan, data: dict[str, Any]) -> Any:
        return services.record_review(
            request.user, plan, version=data["version"], held_on=data["held_on"], summary=data["summary"]
        )

    return _step_view(
        request,
        public_id,
        ReviewForm,
        _("Record a review of the plan"),
        act,
        _("The review was recorded and the next one scheduled."),
        {"held_on": timezone.localdate()},
    )


@require_http_methods(GET_POST)
@login_required
def plan_review_schedule(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    plan, _access = get_plan_for_user(request.user, public_id, edit=True)
    heading = _("Schedule the next review")
    if request.method != "POST" and (finished := _finished(request, plan)):
        return finished
    initial = {"due_on": plan.next_review_on}
    form = ScheduleReviewForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.schedule_review(request.user, plan, due_on=form.cleaned_data["due_on"])
            except ValidationError as refusal:
                put_refusal(form, refusal)
            else:
                messages.success(request, _("The next review was scheduled."))
                return redirect("plans:plan", public_id=plan.public_id)
        return _form_page(request, plan, form, heading, status=400)
    return _form_page(request, plan, form, heading)


# --- Goals ------------------------------------------------------------------------------------


@require_http_methods(GET_POST)
@login_required
def goal_new(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    plan, _access = get_plan_for_user(request.user, public_id, edit=True)
    heading = _("Add a goal")
    if request.method != "POST":
        if finished := _finished(request, plan):
            return finished
        initial = {"responsible_institution": plan.case.institution.public_id, "version": plan.version}
        return _form_page(request, plan, GoalForm(case=plan.case, initial=initial), heading)
    form = GoalForm(request.POST, case=plan.case)
    if form.is_valid():
        try:
            services.add_goal(request.user, plan, form.goal_data(), version=form.cleaned_data["version"])
        except services.StalePlan as stale:
            plan.refresh_from_db()
            again = rebound(GoalForm, request.POST, plan.version, case=plan.case)
            again.add_error(None, stale)
            return _form_page(request, plan, again, heading, status=409)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The goal was added."))
            return redirect("plans:plan", public_id=plan.public_id)
    return _form_page(request, plan, form, heading, status=400)


@require_http_methods(GET_POST)
@login_required
def goal_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    goal, _access = get_goal_for_user(request.user, public_id, edit=True)
    plan = goal.plan
    heading = _("Edit the goal")
    if request.method != "POST":
        if finished := _finished(request, plan):
            return finished
        form = GoalForm(case=plan.case, editing=True, initial=GoalForm.initial_for(goal))
        return _form_page(request, plan, form, heading)
    form = GoalForm(request.POST, case=plan.case, editing=True)
    if form.is_valid():
        try:
            services.update_goal(
                request.user,
                goal,
                form.goal_data(),
                version=form.cleaned_data["version"],
                status=form.cleaned_data["status"] or None,
            )
        except services.StaleGoal:
            goal.refresh_from_db()
            typed = form
            conflict = differences(typed, GoalForm.initial_for(goal))
            again = rebound(GoalForm, request.POST, goal.version, case=plan.case, editing=True)
            return _form_page(request, plan, again, heading, status=409, conflict=conflict)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("plans:plan", public_id=plan.public_id)
    return _form_page(request, plan, form, heading, status=400)


@require_http_methods(GET_POST)
@login_required
def goal_progress(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    goal, _access = get_goal_for_user(request.user, public_id, edit=True)
    plan = goal.plan
    heading = _("Progress on the goal: %(goal)s") % {"goal": goal.title}
    if request.method != "POST" and (finished := _finished(request, plan)):
        return finished
    initial = {"recorded_on": timezone.localdate(), "version": goal.version}
    form = ProgressForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_progress(
                    request.user,
                    goal,
                    institution=plan.case.institution,  # editors work for the owning institution
                    value=data["value"],
                    note=data["note"],
                    recorded_on=data["recorded_on"],
                    status=data["status"],
                    version=data["version"],
                )
            except services.StaleGoal as stale:
                goal.refresh_from_db()
                again = rebound(ProgressForm, request.POST, goal.version)
                again.add_error(None, stale)
                return _form_page(request, plan, again, heading, status=409)
            except ValidationError as refusal:
                put_refusal(form, refusal)
            else:
                messages.success(request, _("The progress was recorded."))
                return redirect("plans:plan", public_id=plan.public_id)
        return _form_page(request, plan, form, heading, status=400)
    return _form_page(request, plan, form, heading)


# --- The PDF ----------------------------------------------------------------------------------


@require_safe
@login_required
def plan_pdf(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    plan, access = get_plan_for_user(request.user, public_id)
    case = plan.case
    html = render_to_string(
        "plans/plan/pdf.html",
        {
            "plan": plan,
            "case": case,
            "title": case_title(case, access),
            "today": timezone.localdate(),
            **plan_details(plan, access),
        },
        request,
    )
    pdf = render_pdf(html, css=REPORT_CSS)
    audit_read(request, case, plan, AuditAction.PRINT)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="plan-ipw.pdf"'
    return response


urls: list[URLPattern] = [
    path("cases/<uuid:public_id>/plan/", case_plan, name="case_plan"),
    path("<uuid:public_id>/", plan_detail, name="plan"),
    path("<uuid:public_id>/edit/", plan_edit, name="plan_edit"),
    path("<uuid:public_id>/agree/", plan_agree, name="plan_agree"),
    path("<uuid:public_id>/start/", plan_start, name="plan_start"),
    path("<uuid:public_id>/complete/", plan_complete, name="plan_complete"),
    path("<uuid:public_id>/end/", plan_end, name="plan_end"),
    path("<uuid:public_id>/review/", plan_review, name="plan_review"),
    path("<uuid:public_id>/review/schedule/", plan_review_schedule, name="plan_review_schedule"),
    path("<uuid:public_id>/goals/new/", goal_new, name="goal_new"),
    path("goals/<uuid:public_id>/edit/", goal_edit, name="goal_edit"),
    path("goals/<uuid:public_id>/progress/", goal_progress, name="goal_progress"),
    path("<uuid:public_id>/plan.pdf", plan_pdf, name="plan_pdf"),
]
