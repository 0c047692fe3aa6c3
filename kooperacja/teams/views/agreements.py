"""Agreement pages: a team's agreements, recording and editing one (with its signed scan), its
parties and their obligations, an obligation's status and the evidence that it was met.

Everything is fetched through `teams.policies` (404 outside the user's teams); changes need
`TeamAccess.runs` (403 for the others who see the team)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kooperacja.core import audit, evidence
from kooperacja.core.forms.conflicts import differences, put_refusal, rebound
from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest, landing, serve_private_file
from kooperacja.core.models import AuditAction
from kooperacja.teams import agreements as service
from kooperacja.teams import policies
from kooperacja.teams.forms.agreements import (
    AgreementForm,
    EvidenceForm,
    ObligationForm,
    ObligationStatusForm,
    PartyForm,
)
from kooperacja.teams.models import OPEN_OBLIGATION_STATUSES, Agreement, AgreementParty, Obligation, Team
from kooperacja.teams.policies import TeamAccess
from kooperacja.teams.views.teams import team_page

PARTY_RELATIONS = ("voivodeship", "county", "municipality", "institution")


# --- A team's agreements -----------------------------------------------------------------------


@require_safe
@login_required
def agreement_list(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    team, access = policies.get_team_for_user(request.user, public_id)
    today = timezone.localdate()
    open_filter = Q(obligations__status__in=OPEN_OBLIGATION_STATUSES)
    agreements = (
        Agreement.objects.filter(team=team)
        .annotate(
            party_count=Count("parties", distinct=True),
            obligation_count=Count("obligations", distinct=True),
            open_count=Count("obligations", filter=open_filter, distinct=True),
            overdue_count=Count("obligations", filter=open_filter & Q(obligations__due_on__lt=today), distinct=True),
        )
        .order_by("-signed_on", "-id")
    )
    return render(request, "teams/agreement/list.html", team_page(team, access, agreements=agreements))


def _form_page(
    request: AuthenticatedHttpRequest,
    team: Team,
    form: forms.Form,
    heading: str,
    back: str,
    *,
    status: int = 200,
    conflict: Any = None,
) -> HttpResponse:
    context = {
        "team": team,
        "form": form,
        "heading": heading,
        "back": back,
        "conflict": conflict,
        "submit": _("Save"),
        "multipart": True,
    }
    return render(request, "teams/team/form.html", context, status=status)


@require_http_methods(GET_POST)
@login_required
def agreement_create(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    team, access = policies.get_team_for_user(request.user, public_id)
    policies.require_runs(access)
    heading, back = _("Record an agreement"), reverse("teams:agreements", args=[team.public_id])
    if request.method != "POST":
        return _form_page(request, team, AgreementForm(), heading, back)
    form = AgreementForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            agreement = service.create_agreement(
                request.user,
                team,
                title=data["title"],
                subject=data["subject"],
                signed_on=data["signed_on"],
                place=data["place"],
                scan=data["scan"],
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The agreement was recorded. Add its parties and their obligations."))
            return redirect("teams:agreement", public_id=agreement.public_id)
    return _form_page(request, team, form, heading, back, status=400)


# --- One agreement -----------------------------------------------------------------------------


def _agreement_page(
    request: AuthenticatedHttpRequest,
    agreement: Agreement,
    access: TeamAccess,
    *,
    party_form: PartyForm | None = None,
    obligation_form: ObligationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    team = agreement.team
    obligations = Obligation.objects.order_by("number", "id")
    parties = list(
        AgreementParty.objects.filter(agreement=agreement)
        .select_related(*PARTY_RELATIONS)
        .prefetch_related(Prefetch("obligations", queryset=obligations))
    )
    all_obligations = [obligation for party in parties for obligation in party.obligations.all()]
    links = evidence.links_of_many(all_obligations)  # type: ignore[arg-type]
    if access.runs:
        party_form = party_form or PartyForm(team=team)
        obligation_form = obligation_form or ObligationForm(agreement=agreement)
    context = team_page(
        team,
        access,
        agreement=agreement,
        parties=[
            {
                "party": party,
                "name": service.party_name(party),
                "obligations": [(o, len(links.get(o.pk, []))) for o in party.obligations.all()],
            }
            for party in parties
        ],
        today=timezone.localdate(),
        party_form=party_form,
        obligation_form=obligation_form if parties else None,
    )
    return render(request, "teams/agreement/detail.html", context, status=status)


@require_safe
@login_required
def agreement_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    agreement, access = policies.get_agreement_for_user(request.user, public_id)
    return _agreement_page(request, agreement, access)


@require_http_methods(GET_POST)
@login_required
def agreement_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    agreement, access = policies.get_agreement_for_user(request.user, public_id)
    policies.require_runs(access)
    team = agreement.team
    heading, back = _("Edit the agreement"), reverse("teams:agreement", args=[agreement.public_id])
    if request.method != "POST":
        return _form_page(request, team, AgreementForm(initial=AgreementForm.initial_for(agreement)), heading, back)
    form = AgreementForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service.update_agreement(
                request.user,
                agreement,
                data["version"],
                title=data["title"],
                subject=data["subject"],
                signed_on=data["signed_on"],
                place=data["place"],
                scan=data["scan"],
            )
        except service.StaleAgreement:
            agreement.refresh_from_db()
            conflict = differences(form, AgreementForm.initial_for(agreement))
            again = rebound(AgreementForm, request.POST, agreement.version)
            return _form_page(request, team, again, heading, back, status=409, conflict=conflict)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("teams:agreement", public_id=agreement.public_id)
    return _form_page(request, team, form, heading, back, status=400)


@require_safe
@login_required
def agreement_scan(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponseBase:
    agreement, _access = policies.get_agreement_for_user(request.user, public_id)
    if not agreement.scan:
        raise Http404
    audit.record(AuditAction.VIEW, request=request, obj=agreement, municipality_code=agreement.team.municipality.code)
    return serve_private_file(
        agreement.scan, filename=agreement.scan_name or "porozumienie", content_type=agreement.scan_type
    )


@require_POST
@login_required
def party_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    agreement, access = policies.get_agreement_for_user(request.user, public_id)
    policies.require_runs(access)
    form = PartyForm(request.POST, team=agreement.team)
    if form.is_valid():
        try:
            party = service.add_party(request.user, agreement, form.choice())
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The party was added."))
            return landing("teams:agreement", f"party-{party.pk}", public_id=agreement.public_id)
    return _agreement_page(request, agreement, access, party_form=form, status=400)


@require_POST
@login_required
def obligation_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    agreement, access = policies.get_agreement_for_user(request.user, public_id)
    policies.require_runs(access)
    form = ObligationForm(request.POST, agreement=agreement)
    if form.is_valid():
        data = form.cleaned_data
        try:
            obligation = service.add_obligation(
                request.user, agreement, party=data["party"], text=data["text"], due_on=data["due_on"]
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The obligation was added."))
            return landing("teams:agreement", f"obligation-{obligation.public_id}", public_id=agreement.public_id)
    return _agreement_page(request, agreement, access, obligation_form=form, status=400)


# --- One obligation ----------------------------------------------------------------------------


def _obligation_page(
    request: AuthenticatedHttpRequest,
    obligation: Obligation,
    access: TeamAccess,
    *,
    status_form: ObligationStatusForm | None = None,
    evidence_form: EvidenceForm | None = None,
    conflict: Any = None,
    status: int = 200,
) -> HttpResponse:
    team = obligation.agreement.team
    if access.runs:
        status_form = status_form or ObligationStatusForm(initial=ObligationStatusForm.initial_for(obligation))
        evidence_form = evidence_form or EvidenceForm(team=team)
    context = team_page(
        team,
        access,
        obligation=obligation,
        agreement=obligation.agreement,
        party=obligation.party,
        party_name=service.party_name(obligation.party),
        links=evidence.links_of(obligation),
        status_form=status_form,
        evidence_form=evidence_form,
        conflict=conflict,
        today=timezone.localdate(),
    )
    return render(request, "teams/agreement/obligation.html", context, status=status)


@require_http_methods(GET_POST)
@login_required
def obligation_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    obligation, access = policies.get_obligation_for_user(request.user, public_id)
    if request.method != "POST":
        return _obligation_page(request, obligation, access)
    policies.require_runs(access)
    form = ObligationStatusForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service.set_obligation_status(request.user, obligation, data["status"], data["note"], data["version"])
        except service.StaleObligation:
            obligation.refresh_from_db()
            conflict = differences(form, ObligationStatusForm.initial_for(obligation))
            again = rebound(ObligationStatusForm, request.POST, obligation.version)
            return _obligation_page(request, obligation, access, status_form=again, conflict=conflict, status=409)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The status of the obligation was saved."))
            return landing("teams:obligation", public_id=obligation.public_id)
    return _obligation_page(request, obligation, access, status_form=form, status=400)


@require_POST
@login_required
def evidence_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    obligation, access = policies.get_obligation_for_user(request.user, public_id)
    policies.require_runs(access)
    team = obligation.agreement.team
    form = EvidenceForm(request.POST, team=team)
    if form.is_valid():
        found = service.find_evidence(team, form.cleaned_data["evidence"])
        try:
            service.add_evidence(request.user, obligation, found, form.cleaned_data["note"])
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The evidence was linked to the obligation."))
            return landing("teams:obligation", "evidence", public_id=obligation.public_id)
    return _obligation_page(request, obligation, access, evidence_form=form, status=400)


@require_POST
@login_required
def evidence_remove(request: AuthenticatedHttpRequest, public_id: UUID, link_id: UUID) -> HttpResponse:
    obligation, access = policies.get_obligation_for_user(request.user, public_id)
    policies.require_runs(access)
    try:
        service.remove_evidence(request.user, obligation, link_id)
    except ValidationError:
        raise Http404 from None
    messages.success(request, _("The evidence was removed from the obligation; the meeting or document stays."))
    return redirect("teams:obligation", public_id=obligation.public_id)


urls: list[URLPattern] = [
    path("<uuid:public_id>/agreements/", agreement_list, name="agreements"),
    path("<uuid:public_id>/agreements/new/", agreement_create, name="agreement_create"),
    path("agreements/<uuid:public_id>/", agreement_detail, name="agreement"),
    path("agreements/<uuid:public_id>/edit/", agreement_edit, name="agreement_edit"),
    path("agreements/<uuid:public_id>/scan/", agreement_scan, name="agreement_scan"),
    path("agreements/<uuid:public_id>/parties/", party_add, name="party_add"),
    path("agreements/<uuid:public_id>/obligations/", obligation_add, name="obligation_add"),
    path("obligations/<uuid:public_id>/", obligation_detail, name="obligation"),
    path("obligations/<uuid:public_id>/evidence/", evidence_add, name="evidence_add"),
    path("obligations/<uuid:public_id>/evidence/<uuid:link_id>/remove/", evidence_remove, name="evidence_remove"),
]
