"""Pages of the consultations of the model: the list, one consultation with its participants and
its remarks by topic, recording and editing them; the recommendations of each region with
their filter and CSV export, one recommendation with its remarks and decision, and the summary
for the project leader.

Every signed-in user reads; changes follow `learning.consultation_policies` (403 otherwise)."""

from __future__ import annotations

from functools import partial
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kooperacja.core import audit
from kooperacja.core.exports import csv_response
from kooperacja.core.forms.conflicts import differences, put_refusal, rebound
from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest, landing
from kooperacja.core.models import AuditAction
from kooperacja.learning import consultation_policies as policies
from kooperacja.learning import consultations as service
from kooperacja.learning.consultation_policies import Access
from kooperacja.learning.forms.consultations import (
    ConsultationForm,
    DecisionForm,
    ParticipantForm,
    RecommendationFilterForm,
    RecommendationForm,
    RemarkForm,
)
from kooperacja.learning.models import Consultation, Recommendation
from kooperacja.learning.views import form_page

FORM_TEMPLATE = "learning/consultations/form.html"


_form_page = partial(form_page, template=FORM_TEMPLATE)


def _by_name(value: Any) -> str:
    return str(getattr(value, "name", "") or "")


def _remark_list(value: Any) -> str:
    return "; ".join(sorted(remark.text[:60] for remark in value or []))


# --- Consultations -----------------------------------------------------------------------------


@require_safe
@login_required
def consultation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {"consultations": service.consultations_for_list(), "may_create": policies.may_create(request.user)}
    return render(request, "learning/consultations/list.html", context)


def _consultation_data(form: ConsultationForm) -> service.ConsultationData:
    data = form.cleaned_data
    return service.ConsultationData(
        title=data["title"],
        held_on=data["held_on"],
        place=data["place"],
        organiser=data["organiser"],
        programme=data["programme"],
        summary=data["summary"],
    )


@require_http_methods(GET_POST)
@login_required
def consultation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policies.may_create(request.user):
        raise PermissionDenied
    organisers = policies.own_regions(request.user)
    heading, back = _("Record a consultation"), reverse("learning:consultations")
    if request.method != "POST":
        return _form_page(request, ConsultationForm(organisers=organisers), heading, back)
    form = ConsultationForm(request.POST, organisers=organisers)
    if form.is_valid():
        try:
            consultation = service.create_consultation(request.user, _consultation_data(form))
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The consultation was recorded. Add who took part and the remarks raised."))
            return landing("learning:consultation", "main", public_id=consultation.public_id)
    return _form_page(request, form, heading, back, status=400)


@require_http_methods(GET_POST)
@login_required
def consultation_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    consultation, access = policies.get_consultation_for_user(request.user, public_id)
    policies.require_keeps(access)
    organisers = policies.own_regions(request.user)
    heading, back = _("Edit the consultation"), reverse("learning:consultation", args=[consultation.public_id])
    initial = ConsultationForm.initial_for(consultation)
    if request.method != "POST":
        return _form_page(request, ConsultationForm(initial=initial, organisers=organisers), heading, back)
    form = ConsultationForm(request.POST, organisers=organisers)
    if form.is_valid():
        try:
            service.update_consultation(
                request.user, consultation, form.cleaned_data["version"], _consultation_data(form)
            )
        except service.StaleConsultation:
            consultation.refresh_from_db()
            conflict = differences(
                form,
                ConsultationForm.initial_for(consultation),
                readers={"organiser": _by_name, "programme": _by_name},
            )
            again = rebound(ConsultationForm, request.POST, consultation.version, organisers=organisers)
            return _form_page(request, again, heading, back, status=409, conflict=conflict)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The changes were saved."))
            return landing("learning:consultation", "main", public_id=consultation.public_id)
    return _form_page(request, form, heading, back, status=400)


def _consultation_page(
    request: AuthenticatedHttpRequest,
    consultation: Consultation,
    access: Access,
    *,
    status: int = 200,
    refusal: list[str] | None = None,
    **bound: forms.Form,
) -> HttpResponse:
    context: dict[str, Any] = {
        "consultation": consultation,
        "access": access,
        "data": service.consultation_page(consultation),
    }
    if access.keeps:
        context |= {
            "participant_form": bound.get("participant_form") or ParticipantForm(),
            "remark_form": bound.get("remark_form") or RemarkForm(),
            "refusal": refusal,
        }
    return render(request, "learning/consultations/detail.html", context, status=status)


@require_safe
@login_required
def consultation_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    consultation, access = policies.get_consultation_for_user(request.user, public_id)
    return _consultation_page(request, consultation, access)


def _kept(request: AuthenticatedHttpRequest, public_id: UUID) -> tuple[Consultation, Access]:
    consultation, access = policies.get_consultation_for_user(request.user, public_id)
    policies.require_keeps(access)
    return consultation, access


@require_POST
@login_required
def participant_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    consultation, access = _kept(request, public_id)
    form = ParticipantForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service.add_participant(
                request.user,
                consultation,
                institution=data["institution"],
                description=data["description"],
                people=data["people"],
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The participant was added."))
            return landing("learning:consultation", "participants", public_id=consultation.public_id)
    return _consultation_page(request, consultation, access, participant_form=form, status=400)


class _RemovalForm(forms.Form):
    participant = forms.IntegerField(min_value=1)


@require_POST
@login_required
def participant_remove(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    consultation, access = _kept(request, public_id)
    form = _RemovalForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose the participant to remove."))
        service.remove_participant(request.user, consultation, form.cleaned_data["participant"])
    except ValidationError as refusal:
        return _consultation_page(request, consultation, access, refusal=refusal.messages, status=400)
    messages.success(request, _("The participant was removed."))
    return landing("learning:consultation", "participants", public_id=consultation.public_id)


@require_POST
@login_required
def remark_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    consultation, access = _kept(request, public_id)
    form = RemarkForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            remark = service.add_remark(
                request.user, consultation, topic=data["topic"], text=data["text"], raised_by=data["raised_by"]
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The remark was added."))
            return landing("learning:consultation", f"remark-{remark.public_id}", public_id=consultation.public_id)
    return _consultation_page(request, consultation, access, remark_form=form, status=400)


@require_POST
@login_required
def remark_delete(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    remark, access = policies.get_remark_for_user(request.user, public_id)
    policies.require_keeps(access)
    consultation = remark.consultation
    try:
        service.delete_remark(request.user, remark)
    except ValidationError as refusal:
        return _consultation_page(request, consultation, access, refusal=refusal.messages, status=400)
    messages.success(request, _("The remark was deleted."))
    return landing("learning:consultation", "remarks", public_id=consultation.public_id)


# --- Recommendations ---------------------------------------------------------------------------


def _filtered(request: AuthenticatedHttpRequest) -> tuple[RecommendationFilterForm, Any]:
    chosen = RecommendationFilterForm(request.GET or None, regions=policies.regions())
    if chosen.is_valid():
        data = chosen.cleaned_data
        found = service.recommendations_for_list(
            service.RecommendationFilter(
                region=data["region"], kind=data["kind"], status=data["status"], variant=data["variant"]
            )
        )
    elif chosen.is_bound:
        found = Recommendation.objects.none()  # the form says what to correct
    else:
        found = service.recommendations_for_list()
    return chosen, found


@require_safe
@login_required
def recommendation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    chosen, found = _filtered(request)
    recommendations = list(found)
    for recommendation in recommendations:
        recommendation.variant_labels = service.variant_labels(recommendation)
    context = {
        "recommendations": recommendations,
        "filter": chosen,
        "query": request.GET.urlencode(),
        "may_create": policies.may_create(request.user),
    }
    return render(request, "learning/consultations/recommendations.html", context, status=400 if chosen.errors else 200)


@require_safe
@login_required
def recommendation_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    _chosen, found = _filtered(request)
    header = [
        _("Title"),
        _("Region"),
        _("Kind"),
        _("Status"),
        _("Applies to"),
        _("Remarks"),
        _("Reason for the decision"),
        _("Decided on"),
        _("Programme"),
        _("Recommendation"),
    ]
    audit.record(AuditAction.EXPORT, request=request, object_type="learning.recommendation", details={"format": "csv"})
    return csv_response(f"rekomendacje-{timezone.localdate():%Y-%m-%d}.csv", header, service.export_rows(found))


@require_safe
@login_required
def recommendation_summary(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "learning/consultations/summary.html", {"data": service.summary()})


def _recommendation_data(form: RecommendationForm) -> service.RecommendationData:
    data = form.cleaned_data
    return service.RecommendationData(
        title=data["title"],
        text=data["text"],
        kind=data["kind"],
        programme=data["programme"],
        variants=frozenset(data["variants"]),
        remarks=tuple(data["remarks"]),
    )


@require_http_methods(GET_POST)
@login_required
def recommendation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policies.may_create(request.user):
        raise PermissionDenied
    regions = policies.own_regions(request.user)
    heading, back = _("Record a recommendation"), reverse("learning:recommendations")
    if request.method != "POST":
        return _form_page(request, RecommendationForm(regions=regions), heading, back)
    form = RecommendationForm(request.POST, regions=regions)
    if form.is_valid():
        try:
            recommendation = service.create_recommendation(
                request.user, form.cleaned_data["region"], _recommendation_data(form)
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The recommendation was recorded as proposed."))
            return landing("learning:recommendation", "main", public_id=recommendation.public_id)
    return _form_page(request, form, heading, back, status=400)


@require_http_methods(GET_POST)
@login_required
def recommendation_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    recommendation, access = policies.get_recommendation_for_user(request.user, public_id)
    policies.require_keeps(access)
    heading, back = _("Edit the recommendation"), reverse("learning:recommendation", args=[recommendation.public_id])
    if request.method != "POST":
        form = RecommendationForm(initial=RecommendationForm.initial_for(recommendation))
        return _form_page(request, form, heading, back)
    form = RecommendationForm(request.POST)
    if form.is_valid():
        try:
            service.update_recommendation(
                request.user, recommendation, form.cleaned_data["version"], _recommendation_data(form)
            )
        except service.StaleRecommendation:
            recommendation.refresh_from_db()
            conflict = differences(
                form,
                RecommendationForm.initial_for(recommendation),
                readers={"programme": _by_name, "remarks": _remark_list},
            )
            again = rebound(RecommendationForm, request.POST, recommendation.version)
            return _form_page(request, again, heading, back, status=409, conflict=conflict)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The changes were saved."))
            return landing("learning:recommendation", "main", public_id=recommendation.public_id)
    return _form_page(request, form, heading, back, status=400)


def _recommendation_page(
    request: AuthenticatedHttpRequest,
    recommendation: Recommendation,
    access: Access,
    *,
    form: DecisionForm | None = None,
    conflict: Any = None,
    status: int = 200,
) -> HttpResponse:
    if access.keeps:
        form = form or DecisionForm(initial=DecisionForm.start_for(recommendation))
    remarks = recommendation.remarks.select_related("consultation").order_by("consultation__held_on", "id")
    context = {
        "recommendation": recommendation,
        "variants": service.variant_labels(recommendation),
        "remarks": list(remarks),
        "access": access,
        "form": form,
        "conflict": conflict,
    }
    return render(request, "learning/consultations/recommendation.html", context, status=status)


@require_safe
@login_required
def recommendation_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    recommendation, access = policies.get_recommendation_for_user(request.user, public_id)
    return _recommendation_page(request, recommendation, access)


@require_POST
@login_required
def recommendation_decide(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    recommendation, access = policies.get_recommendation_for_user(request.user, public_id)
    policies.require_keeps(access)
    form = DecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service.decide(request.user, recommendation, data["version"], status=data["status"], reason=data["reason"])
        except service.StaleRecommendation:
            recommendation.refresh_from_db()
            conflict = differences(form, DecisionForm.initial_for(recommendation))
            again = rebound(DecisionForm, request.POST, recommendation.version)
            return _recommendation_page(request, recommendation, access, form=again, conflict=conflict, status=409)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The decision was saved."))
            return landing("learning:recommendation", "main", public_id=recommendation.public_id)
    return _recommendation_page(request, recommendation, access, form=form, status=400)


urls: list[URLPattern] = [
    path("consultations/", consultation_list, name="consultations"),
    path("consultations/new/", consultation_create, name="consultation_create"),
    path("consultations/<uuid:public_id>/", consultation_detail, name="consultation"),
    path("consultations/<uuid:public_id>/edit/", consultation_edit, name="consultation_edit"),
    path("consultations/<uuid:public_id>/participants/", participant_add, name="consultation_participant_add"),
    path(
        "consultations/<uuid:public_id>/participants/remove/",
        participant_remove,
        name="consultation_participant_remove",
    ),
    path("consultations/<uuid:public_id>/remarks/", remark_add, name="consultation_remark_add"),
    path("remarks/<uuid:public_id>/delete/", remark_delete, name="remark_delete"),
    path("recommendations/", recommendation_list, name="recommendations"),
    path("recommendations/new/", recommendation_create, name="recommendation_create"),
    path("recommendations/summary/", recommendation_summary, name="recommendations_summary"),
    path("recommendations/export.csv", recommendation_export, name="recommendations_export"),
    path("recommendations/<uuid:public_id>/", recommendation_detail, name="recommendation"),
    path("recommendations/<uuid:public_id>/edit/", recommendation_edit, name="recommendation_edit"),
    path("recommendations/<uuid:public_id>/decision/", recommendation_decide, name="recommendation_decide"),
]
