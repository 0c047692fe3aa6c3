"""Programme pages: the list, one programme with its progress and budget, defining and editing
it, adding partners, phases, milestones, units and spending, marking a milestone reached, and
the budget export.

Every signed-in user reads; changes follow `community.programme_policies` (403 otherwise)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kooperacja.community import programme as service
from kooperacja.community import programme_policies as policies
from kooperacja.community.forms.programme import (
    MilestoneForm,
    PartnerForm,
    PhaseForm,
    ProgrammeForm,
    ReachedForm,
    SpendingForm,
    UnitForm,
)
from kooperacja.community.models import Milestone, Programme
from kooperacja.community.programme_policies import ProgrammeAccess
from kooperacja.core import audit
from kooperacja.core.exports import csv_response, xlsx_response
from kooperacja.core.forms.conflicts import differences, put_refusal, rebound
from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest, landing
from kooperacja.core.models import AuditAction

FORM_TEMPLATE = "teams/team/form.html"


# --- The list and defining a programme ---------------------------------------------------------


@require_safe
@login_required
def programme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {"programmes": service.for_list(), "may_define": policies.may_define(request.user)}
    return render(request, "community/programme/list.html", context)


def _form_page(
    request: AuthenticatedHttpRequest,
    form: forms.Form,
    heading: str,
    back: str,
    *,
    status: int = 200,
    conflict: Any = None,
) -> HttpResponse:
    context = {"form": form, "heading": heading, "back": back, "conflict": conflict, "submit": _("Save")}
    return render(request, FORM_TEMPLATE, context, status=status)


def _programme_data(form: ProgrammeForm) -> service.ProgrammeData:
    data = form.cleaned_data
    return service.ProgrammeData(
        name=data["name"],
        funding=data["funding"],
        description=data["description"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        total_budget=data["total_budget"],
    )


@require_http_methods(GET_POST)
@login_required
def programme_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policies.may_define(request.user):
        raise PermissionDenied
    heading, back = _("Define a programme"), reverse("community:programmes")
    if request.method != "POST":
        return _form_page(request, ProgrammeForm(), heading, back)
    form = ProgrammeForm(request.POST)
    if form.is_valid():
        try:
            programme = service.create_programme(request.user, _programme_data(form))
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The programme was defined. Add its partners, phases and milestones."))
            return landing("community:programme", "main", public_id=programme.public_id)
    return _form_page(request, form, heading, back, status=400)


@require_http_methods(GET_POST)
@login_required
def programme_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    programme, access = policies.get_programme_for_user(request.user, public_id)
    policies.require_defines(access)
    heading, back = _("Edit the programme"), reverse("community:programme", args=[programme.public_id])
    if request.method != "POST":
        return _form_page(request, ProgrammeForm(initial=ProgrammeForm.initial_for(programme)), heading, back)
    form = ProgrammeForm(request.POST)
    if form.is_valid():
        try:
            service.update_programme(request.user, programme, form.cleaned_data["version"], _programme_data(form))
        except service.StaleProgramme:
            programme.refresh_from_db()
            conflict = differences(form, ProgrammeForm.initial_for(programme))
            again = rebound(ProgrammeForm, request.POST, programme.version)
            return _form_page(request, again, heading, back, status=409, conflict=conflict)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The changes were saved."))
            return landing("community:programme", "main", public_id=programme.public_id)
    return _form_page(request, form, heading, back, status=400)


# --- One programme -----------------------------------------------------------------------------


def _programme_page(
    request: AuthenticatedHttpRequest,
    programme: Programme,
    access: ProgrammeAccess,
    *,
    status: int = 200,
    **bound: forms.Form,
) -> HttpResponse:
    context: dict[str, Any] = {"programme": programme, "access": access, "data": service.overview(programme)}
    if access.keeps:
        context |= {
            "partner_form": bound.get("partner_form") or PartnerForm(),
            "phase_form": bound.get("phase_form") or PhaseForm(),
            "milestone_form": bound.get("milestone_form") or MilestoneForm(programme=programme),
            "unit_form": bound.get("unit_form") or UnitForm(),
            "spending_form": bound.get("spending_form") or SpendingForm(programme=programme),
        }
    return render(request, "community/programme/detail.html", context, status=status)


@require_safe
@login_required
def programme_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    programme, access = policies.get_programme_for_user(request.user, public_id)
    return _programme_page(request, programme, access)


def _kept(request: AuthenticatedHttpRequest, public_id: UUID) -> tuple[Programme, ProgrammeAccess]:
    programme, access = policies.get_programme_for_user(request.user, public_id)
    policies.require_keeps(access)
    return programme, access


@require_POST
@login_required
def partner_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    programme, access = _kept(request, public_id)
    form = PartnerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service.add_partner(
                request.user,
                programme,
                institution=data["institution"],
                role=data["role"],
                voivodeship=data["voivodeship"],
                budget=data["budget"],
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The partner was added."))
            return landing("community:programme", "partners", public_id=programme.public_id)
    return _programme_page(request, programme, access, partner_form=form, status=400)


@require_POST
@login_required
def phase_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    programme, access = _kept(request, public_id)
    form = PhaseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service.add_phase(
                request.user,
                programme,
                name=data["name"],
                description=data["description"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The phase was added."))
            return landing("community:programme", "phases", public_id=programme.public_id)
    return _programme_page(request, programme, access, phase_form=form, status=400)


@require_POST
@login_required
def milestone_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    programme, access = _kept(request, public_id)
    form = MilestoneForm(request.POST, programme=programme)
    if form.is_valid():
        data = form.cleaned_data
        try:
            milestone = service.add_milestone(
                request.user, data["phase"], name=data["name"], due_on=data["due_on"], note=data["note"]
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The milestone was added."))
            return landing("community:programme", f"milestone-{milestone.public_id}", public_id=programme.public_id)
    return _programme_page(request, programme, access, milestone_form=form, status=400)


@require_POST
@login_required
def unit_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    programme, access = _kept(request, public_id)
    form = UnitForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service.add_unit(
                request.user,
                programme,
                municipality=data["municipality"],
                county=data["county"],
                stage=data["stage"],
                joined_on=data["joined_on"],
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The unit was added."))
            return landing("community:programme", "units", public_id=programme.public_id)
    return _programme_page(request, programme, access, unit_form=form, status=400)


@require_POST
@login_required
def spending_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    programme, access = _kept(request, public_id)
    form = SpendingForm(request.POST, programme=programme)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service.record_spending(
                request.user,
                programme,
                partner=data["partner"],
                year=data["year"],
                amount=data["amount"],
                note=data["note"],
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The spending was recorded."))
            return landing("community:programme", "budget", public_id=programme.public_id)
    return _programme_page(request, programme, access, spending_form=form, status=400)


# --- The budget export -------------------------------------------------------------------------


@require_safe
@login_required
def budget_export(request: AuthenticatedHttpRequest, public_id: UUID, fmt: str) -> HttpResponse:
    programme, _access = policies.get_programme_for_user(request.user, public_id)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    data = service.overview(programme)
    header = [
        _("Institution"),
        _("Role in the programme"),
        _("Voivodeship"),
        _("Budget (zł)"),
        *[_("Spent in %(year)s (zł)") % {"year": year} for year in data.years],
        _("Spent in total (zł)"),
        _("Execution (%)"),
    ]
    rows = service.budget_rows(data)
    audit.record(AuditAction.EXPORT, request=request, obj=programme, details={"format": fmt})
    filename = f"budzet-programu-{programme.starts_on:%Y}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, header, rows)
    return xlsx_response(filename, _("Budget"), header, rows)


# --- One milestone -----------------------------------------------------------------------------


def _milestone_page(
    request: AuthenticatedHttpRequest,
    milestone: Milestone,
    access: ProgrammeAccess,
    *,
    form: ReachedForm | None = None,
    conflict: Any = None,
    status: int = 200,
) -> HttpResponse:
    if access.keeps:
        form = form or ReachedForm(initial=ReachedForm.initial_for(milestone))
    context = {
        "milestone": milestone,
        "phase": milestone.phase,
        "programme": milestone.phase.programme,
        "state": service.milestone_state(milestone, timezone.localdate()),
        "access": access,
        "form": form,
        "conflict": conflict,
    }
    return render(request, "community/programme/milestone.html", context, status=status)


@require_safe
@login_required
def milestone_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    milestone, access = policies.get_milestone_for_user(request.user, public_id)
    return _milestone_page(request, milestone, access)


@require_POST
@login_required
def milestone_reached(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    milestone, access = policies.get_milestone_for_user(request.user, public_id)
    policies.require_keeps(access)
    form = ReachedForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service.mark_reached(
                request.user, milestone, data["version"], reached_on=data["reached_on"], note=data["note"]
            )
        except service.StaleMilestone:
            milestone.refresh_from_db()
            conflict = differences(form, ReachedForm.initial_for(milestone))
            again = rebound(ReachedForm, request.POST, milestone.version)
            return _milestone_page(request, milestone, access, form=again, conflict=conflict, status=409)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The milestone was marked as reached."))
            return landing("community:milestone", "main", public_id=milestone.public_id)
    return _milestone_page(request, milestone, access, form=form, status=400)


urls: list[URLPattern] = [
    path("programmes/", programme_list, name="programmes"),
    path("programmes/new/", programme_create, name="programme_create"),
    path("programmes/<uuid:public_id>/", programme_detail, name="programme"),
    path("programmes/<uuid:public_id>/edit/", programme_edit, name="programme_edit"),
    path("programmes/<uuid:public_id>/partners/", partner_add, name="programme_partner_add"),
    path("programmes/<uuid:public_id>/phases/", phase_add, name="programme_phase_add"),
    path("programmes/<uuid:public_id>/milestones/", milestone_add, name="programme_milestone_add"),
    path("programmes/<uuid:public_id>/units/", unit_add, name="programme_unit_add"),
    path("programmes/<uuid:public_id>/spending/", spending_add, name="programme_spending_add"),
    path("programmes/<uuid:public_id>/budget.<str:fmt>", budget_export, name="programme_budget_export"),
    path("milestones/<uuid:public_id>/", milestone_detail, name="milestone"),
    path("milestones/<uuid:public_id>/reached/", milestone_reached, name="milestone_reached"),
]
