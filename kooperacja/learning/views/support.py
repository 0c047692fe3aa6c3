"""Support for teams: the list with its filters and totals, the CSV export, one activity with
its findings and participants, recording and editing one.

Reading and recording follow `learning.support_policies`: an activity the user does not read
is "not found" (404), a change they may not make "forbidden" (403)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kooperacja.core import audit
from kooperacja.core.exports import csv_response
from kooperacja.core.forms.conflicts import differences, put_refusal, rebound
from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest, landing
from kooperacja.core.models import AuditAction
from kooperacja.learning import support as service
from kooperacja.learning import support_policies as policies
from kooperacja.learning.forms.support import READERS, FilterForm, SupportForm
from kooperacja.learning.models import SupportActivity
from kooperacja.learning.views import form_page


def _filtered(request: AuthenticatedHttpRequest) -> tuple[FilterForm, service.Filters, QuerySet[SupportActivity]]:
    """The filter form as asked and the activities the user reads that pass it; a filter value
    that is not one of the choices is left out, never an error."""
    visible = policies.visible_activities(request.user)
    teams = policies.filter_teams(request.user).select_related("municipality").order_by("name")
    form = FilterForm(request.GET or None, teams=teams, years=service.years(visible))
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    filters = service.Filters(kind=data.get("kind") or "", team=data.get("team"), year=data.get("year"))
    return form, filters, service.filtered(visible, filters)


@require_safe
@login_required
def support_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters, activities = _filtered(request)
    context = {
        "form": form,
        "filters": filters,
        "activities": service.for_list(activities),
        "totals": service.totals(activities),
        "may_record": policies.may_record(request.user),
        "query": request.GET.urlencode(),
    }
    return render(request, "learning/support/list.html", context)


@require_safe
@login_required
def support_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    _form, _filters, activities = _filtered(request)
    rows = service.export_rows(activities)
    audit.record(AuditAction.EXPORT, request=request, object_type="learning.supportactivity", details={
        "filters": request.GET.urlencode(), "rows": len(rows)
    })  # fmt: skip
    return csv_response("wsparcie-zespolow.csv", [str(title) for title in service.EXPORT_HEADER], rows)


@require_safe
@login_required
def support_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    activity, may_edit = policies.get_activity_for_user(request.user, public_id)
    participants = activity.participants.select_related("municipality", "county").order_by("name")
    context = {"activity": activity, "may_edit": may_edit, "participants": participants}
    return render(request, "learning/support/detail.html", context)


def _data(form: SupportForm) -> service.SupportData:
    data = form.cleaned_data
    return service.SupportData(
        kind=data["kind"],
        subject=data["subject"],
        provided_by=data["provided_by"],
        team=data["team"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        place=data["place"],
        hours=data["hours"],
        participant_count=data["participant_count"],
        participants=list(data["participants"]),
        findings=data["findings"],
    )


@require_http_methods(GET_POST)
@login_required
def support_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policies.require_records(request.user)
    heading, back = _("Record support for a team"), reverse("learning:support")
    if request.method != "POST":
        initial = {"team": request.GET.get("team")} if request.GET.get("team") else None
        return form_page(request, SupportForm(user=request.user, initial=initial), heading, back)
    form = SupportForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            activity = service.record_support(request.user, _data(form))
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The support activity was recorded."))
            return landing("learning:support_detail", "main", public_id=activity.public_id)
    return form_page(request, form, heading, back, status=400)


@require_http_methods(GET_POST)
@login_required
def support_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    activity, may_edit = policies.get_activity_for_user(request.user, public_id)
    policies.require_edits(may_edit)
    heading, back = _("Edit the support activity"), reverse("learning:support_detail", args=[activity.public_id])
    if request.method != "POST":
        form = SupportForm(user=request.user, initial=SupportForm.initial_for(activity))
        return form_page(request, form, heading, back)
    form = SupportForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            service.update_support(request.user, activity, form.cleaned_data["version"], _data(form))
        except service.StaleSupport:
            activity.refresh_from_db()
            conflict = differences(form, SupportForm.initial_for(activity), readers=READERS)
            again = rebound(SupportForm, request.POST, activity.version, user=request.user)
            return form_page(request, again, heading, back, status=409, conflict=conflict)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The changes were saved."))
            return landing("learning:support_detail", "main", public_id=activity.public_id)
    return form_page(request, form, heading, back, status=400)


urls: list[URLPattern] = [
    path("support/", support_list, name="support"),
    path("support/export.csv", support_export, name="support_export"),
    path("support/new/", support_create, name="support_create"),
    path("support/<uuid:public_id>/", support_detail, name="support_detail"),
    path("support/<uuid:public_id>/edit/", support_edit, name="support_edit"),
]
