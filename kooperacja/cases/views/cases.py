"""Case pages: the list, opening a case, the case page (whole or the partner's shared view),
editing and status, the case team, handover (reassignment and transfer) and notes.

Every case is fetched through `policies.get_case_for_user` (404 for strangers); an action the
user's `CaseAccess` does not allow is 403. Each page that shows persons writes one audit event.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kooperacja.cases import services
from kooperacja.cases.case_forms import (
    CaseEditForm,
    CaseFilterForm,
    NoteForm,
    OpenCaseForm,
    ReassignForm,
    TeamAddForm,
    TeamRemoveForm,
    TransferAnswerForm,
    TransferForm,
)
from kooperacja.cases.models import (
    DIAGNOSIS_PREFIX,
    Case,
    CaseKind,
    CaseStatus,
    CaseTeamMember,
    CaseTransfer,
    ConsentCategory,
    Document,
    TimelineKind,
    TransferStatus,
)
from kooperacja.cases.policies import (
    CASE_WORKERS,
    CaseAccess,
    case_person_ids,
    full_view_scope,
    get_case_for_user,
    knows_identity,
    listed_cases,
    persons_shown,
    search_cases,
    visible_cases,
    visible_notes,
    visible_timeline,
    with_seen_as,
)
from kooperacja.core import audit
from kooperacja.core.forms.conflicts import differences, put_refusal, rebound
from kooperacja.core.http import AuthenticatedHttpRequest
from kooperacja.core.models import AuditAction
from kooperacja.core.policies import memberships
from kooperacja.institutions.models import Institution

PAGE_SIZE = 20


def _audit_read(request: AuthenticatedHttpRequest, action: str, persons: list[int], **fields: Any) -> None:
    audit.record(action, request=request, persons=persons, **fields)


# --- Titles: what a partner may see ------------------------------------------------------------


def _shared_label(institution: Institution) -> str:
    return _("Case handled by %(institution)s") % {"institution": institution.short_name or institution.name}


# --- The list ---------------------------------------------------------------------------------


def _may_list(user: Any) -> bool:
    return any(m.role in CASE_WORKERS for m in memberships(user))


def _filtered(user: Any, form: CaseFilterForm) -> Any:
    cases = with_seen_as(user, visible_cases(user).for_list().prefetch_related("reasons"))
    if not form.is_valid():
        return cases
    data = form.cleaned_data
    if data["status"]:
        cases = cases.filter(status=data["status"])
    if data["reason"]:
        # Only among cases seen whole: a partner must not learn reasons by filtering shared ones.
        cases = cases.filter(full_view_scope(user), reasons__reason=data["reason"])
    if data["mine"]:
        in_team = CaseTeamMember.objects.current().filter(case=OuterRef("pk"), user=user)
        cases = cases.filter(Q(lead_worker=user) | Q(Exists(in_team)))
    if data["q"].strip():
        cases = search_cases(user, cases, data["q"].strip())
    return cases


def _list_rows(user: Any, cases: list[Case]) -> tuple[list[dict[str, Any]], list[int]]:
    """One row per case (its title or the shared label) and the persons the page shows."""
    rows, shown = [], []
    for listed in listed_cases(user, cases):
        case = listed.case
        shown.extend(listed.persons)
        rows.append(
            {
                "case": case,
                "whole": listed.whole,
                "title": case.title if listed.named else _shared_label(case.institution),
                # Reasons (addiction, violence…) are in no consent category: whole view only.
                "reasons": [reason.get_reason_display() for reason in case.reasons.all()] if listed.whole else [],
            }
        )
    return rows, shown


@require_safe
@login_required
def case_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not _may_list(user):
        raise PermissionDenied
    form = CaseFilterForm(request.GET or None)
    page = Paginator(_filtered(user, form), PAGE_SIZE).get_page(request.GET.get("page"))
    rows, shown = _list_rows(user, list(page.object_list))
    _audit_read(request, AuditAction.LIST, shown, object_type="cases.case", details={"page": page.number})
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "cases/cases/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": params.urlencode(),
            "may_open": bool(services.opening_institutions(user)),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# --- Opening a case ---------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def case_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not services.opening_institutions(user):
        raise PermissionDenied
    initial = {}
    if request.method != "POST":
        for name in ("person", "household"):
            if request.GET.get(name):
                initial = {name: request.GET[name], "kind": CaseKind.PERSON if name == "person" else CaseKind.HOUSEHOLD}
        form = OpenCaseForm(user=user, initial=initial)
        return render(request, "cases/cases/new.html", {"form": form})
    form = OpenCaseForm(request.POST, user=user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = services.open_case(
                user,
                data["institution"],
                kind=data["kind"],
                person=data["person"],
                household=data["household"],
                group_name=data["group_name"],
                reasons=data["reasons"],
                summary=data["summary"],
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The case was opened. You are its lead worker and coordinator."))
            return redirect("cases:detail", public_id=case.public_id)
    return render(request, "cases/cases/new.html", {"form": form}, status=400)


# --- The case page ----------------------------------------------------------------------------


def _may_write_note(access: CaseAccess) -> bool:
    return access.can_edit or not access.whole


def _visible_documents(case: Case, access: CaseAccess) -> list[Document]:
    """The documents the page lists: all of them in the whole view; in the shared view the
    shareable ones, when every person of the case consented to documents (as `cases:document`)."""
    if access.whole:
        documents = case.documents.all()
    elif access.sees_all(ConsentCategory.DOCUMENTS):
        documents = case.documents.filter(shareable=True)
    else:
        return []
    return list(documents.order_by("-uploaded_at", "-id"))


def _sees_some_diagnosis(access: CaseAccess) -> bool:
    """Is there a diagnosis domain the user may read? Whole view: every one. Shared view: a
    `diagnosis:<domain>` consent of some person of the case (a person's own diagnosis needs only
    their consent; the household's, everyone's - `assessment.policies.sees_domain`)."""
    if access.whole:
        return True
    return any(
        category.startswith(DIAGNOSIS_PREFIX) for categories in access.shared.values() for category in categories
    )


@require_safe
@login_required
def case_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    user = request.user
    case, access = get_case_for_user(user, public_id, session=request.session)
    persons = case.persons()
    named = [p for p in persons if access.sees(ConsentCategory.IDENTITY, p.pk)]
    kind = request.GET.get("kind", "")
    team = list(case.team.current().select_related("user", "institution").order_by("role", "joined_at"))
    timeline = list(visible_timeline(case, access, kind)[:200])
    notes = list(visible_notes(case, access))
    documents = _visible_documents(case, access)
    context: dict[str, Any] = {
        "case": case,
        "access": access,
        "title": case.title if knows_identity(access) else _shared_label(case.institution),
        "persons": named,
        "hidden_persons": len(persons) - len(named),
        "reasons": [reason.get_reason_display() for reason in case.reasons.all()],
        "timeline": timeline,
        "timeline_kinds": TimelineKind.choices,
        "kind": kind if kind in TimelineKind.values else "",
        "notes": notes,
        "documents": documents,
        "sees_diagnosis": _sees_some_diagnosis(access),
        "team": team if access.whole else [],
        "may_note": _may_write_note(access),
        "may_transfer": access.whole and services.may_transfer(user, case) and case.status != CaseStatus.CLOSED,
        "pending_transfer": case.transfers.filter(status=TransferStatus.PENDING)
        .select_related("to_institution")
        .first()
        if access.whole
        else None,
    }
    _audit_read(
        request,
        AuditAction.VIEW,
        persons_shown(access, persons, case_data_shown=bool(timeline or notes or documents)),
        obj=case,
        institution_id=case.institution_id,
        municipality_code=case.municipality.code,
        details={"view": "whole" if access.whole else "shared"},
    )
    return render(request, "cases/cases/detail.html", context)


# --- Editing and status -----------------------------------------------------------------------


def _editable(user: Any, public_id: UUID) -> tuple[Case, CaseAccess]:
    case, access = get_case_for_user(user, public_id)
    if not access.can_edit:
        raise PermissionDenied
    return case, access


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def case_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    case, _access = _editable(request.user, public_id)
    if request.method != "POST":
        form = CaseEditForm(initial=CaseEditForm.initial_for(case))
        return render(request, "cases/cases/edit.html", {"case": case, "form": form})
    form = CaseEditForm(request.POST)
    if not form.is_valid():
        return render(request, "cases/cases/edit.html", {"case": case, "form": form}, status=400)
    data = form.cleaned_data
    try:
        services.update_case(
            request.user,
            case,
            summary=data["summary"],
            reasons=data["reasons"],
            status=data["status"],
            closing_reason=data["closing_reason"],
            version=data["version"],
        )
    except services.StaleVersion:
        case.refresh_from_db()
        conflict = differences(form, CaseEditForm.initial_for(case))
        form = rebound(CaseEditForm, request.POST, case.version)
        context = {"case": case, "form": form, "conflict": conflict}
        return render(request, "cases/cases/edit.html", context, status=409)
    except ValidationError as refusal:
        put_refusal(form, refusal)
        return render(request, "cases/cases/edit.html", {"case": case, "form": form}, status=400)
    messages.success(request, _("The changes were saved."))
    return redirect("cases:detail", public_id=case.public_id)


# --- The case team ----------------------------------------------------------------------------


def _team_page(
    request: AuthenticatedHttpRequest,
    case: Case,
    form: TeamAddForm,
    status: int = 200,
    refusal: list[str] | None = None,
) -> HttpResponse:
    team = list(case.team.current().select_related("user", "institution").order_by("role", "joined_at"))
    context = {"case": case, "form": form, "team": team, "refusal": refusal or []}
    return render(request, "cases/cases/team.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def case_team(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    case, _access = _editable(request.user, public_id)
    if request.method != "POST":
        return _team_page(request, case, TeamAddForm(case=case))
    form = TeamAddForm(request.POST, case=case)
    if form.is_valid():
        try:
            member = services.add_team_member(request.user, case, form.cleaned_data["member"])
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("%(user)s joined the case team.") % {"user": member.user})
            return redirect("cases:team", public_id=case.public_id)
    return _team_page(request, case, form, status=400)


@require_POST
@login_required
def case_team_remove(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    case, _access = _editable(request.user, public_id)
    form = TeamRemoveForm(request.POST)
    member: CaseTeamMember | None = None
    if form.is_valid():
        current = case.team.current().select_related("user", "case")
        member = current.filter(user__public_id=form.cleaned_data["member"]).first()
    add_form = TeamAddForm(case=case)
    if member is None:
        return _team_page(request, case, add_form, status=400, refusal=[_("This person is not in the case team.")])
    try:
        services.remove_team_member(request.user, case, member)
    except ValidationError as refusal:
        return _team_page(request, case, add_form, status=400, refusal=refusal.messages)
    messages.success(request, _("%(user)s left the case team.") % {"user": member.user})
    return redirect("cases:team", public_id=case.public_id)


# --- Handover ---------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def case_reassign(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    case, access = get_case_for_user(request.user, public_id)
    if not access.can_reassign:
        raise PermissionDenied
    form = ReassignForm(request.POST if request.method == "POST" else None, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.reassign(request.user, case, form.cleaned_data["lead_worker"])
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The case has a new lead worker."))
            return redirect("cases:detail", public_id=case.public_id)
    status = 400 if form.is_bound else 200
    return render(request, "cases/cases/reassign.html", {"case": case, "form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def case_transfer(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    case, access = get_case_for_user(request.user, public_id)
    if not (access.whole and services.may_transfer(request.user, case)):
        raise PermissionDenied
    form = TransferForm(request.POST if request.method == "POST" else None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.request_transfer(request.user, case, data["to_institution"], data["reason"])
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The transfer was requested. The case moves when the institution accepts it."))
            return redirect("cases:detail", public_id=case.public_id)
    status = 400 if form.is_bound else 200
    return render(request, "cases/cases/transfer.html", {"case": case, "form": form}, status=status)


def _addressed_to(user: Any) -> Any:
    """Transfers to the user's GOPS/PCPR, answered or not."""
    return CaseTransfer.objects.filter(to_institution__in=services.receiving_institutions(user)).select_related(
        "case__person", "case__household", "from_institution", "to_institution", "requested_by"
    )


def _incoming(user: Any) -> Any:
    return _addressed_to(user).filter(status=TransferStatus.PENDING)


@require_safe
@login_required
def transfer_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Transfers waiting for an answer of the user's GOPS/PCPR."""
    if not services.receiving_institutions(request.user):
        raise PermissionDenied
    transfers = list(
        _incoming(request.user).prefetch_related("case__household__members").order_by("-requested_at")[:100]
    )
    shown = [pid for transfer in transfers for pid in case_person_ids(transfer.case)]
    _audit_read(request, AuditAction.LIST, shown, object_type="cases.casetransfer")
    return render(request, "cases/cases/transfers.html", {"transfers": transfers, "form": TransferAnswerForm()})


def _answer(request: AuthenticatedHttpRequest, public_id: UUID, accept: bool) -> HttpResponse:
    try:
        # Answered ones too: a second answer is refused with a message, not a puzzling 404.
        transfer = _addressed_to(request.user).get(public_id=public_id)
    except (CaseTransfer.DoesNotExist, ValueError):
        raise Http404 from None
    form = TransferAnswerForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if accept:
            services.accept_transfer(request.user, transfer, note)
        else:
            services.decline_transfer(request.user, transfer, note)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect("cases:transfers")
    if accept:
        messages.success(request, _("The case is yours now. You are its lead worker."))
        return redirect("cases:detail", public_id=transfer.case.public_id)
    messages.success(request, _("The transfer was declined; the case stays where it was."))
    return redirect("cases:transfers")


@require_POST
@login_required
def transfer_accept(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    return _answer(request, public_id, accept=True)


@require_POST
@login_required
def transfer_decline(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    return _answer(request, public_id, accept=False)


@require_POST
@login_required
def transfer_cancel(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The sender withdraws a transfer request that still waits for its answer."""
    try:
        transfer = CaseTransfer.objects.select_related("case").get(
            public_id=public_id, case__in=visible_cases(request.user)
        )
    except (CaseTransfer.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    try:
        services.cancel_transfer(request.user, transfer)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("The transfer request was withdrawn; the case stays with your institution."))
    return redirect("cases:detail", public_id=transfer.case.public_id)


# --- Notes ------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def note_new(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    case, access = get_case_for_user(request.user, public_id)
    if not _may_write_note(access):
        raise PermissionDenied
    institution = case.institution if access.whole else access.as_institution
    if institution is None:
        raise PermissionDenied
    form = NoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_note(
                request.user,
                case,
                institution,
                text=form.cleaned_data["text"],
                shareable=form.cleaned_data["shareable"],
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The note was saved."))
            return redirect("cases:detail", public_id=case.public_id)
    status = 400 if form.is_bound else 200
    return render(
        request, "cases/cases/note_form.html", {"case": case, "form": form, "institution": institution}, status=status
    )


urls: list[URLPattern] = [
    path("", case_list, name="list"),
    path("new/", case_new, name="new"),
    path("transfers/", transfer_list, name="transfers"),
    path("transfers/<uuid:public_id>/accept/", transfer_accept, name="transfer_accept"),
    path("transfers/<uuid:public_id>/decline/", transfer_decline, name="transfer_decline"),
    path("transfers/<uuid:public_id>/cancel/", transfer_cancel, name="transfer_cancel"),
    path("<uuid:public_id>/", case_detail, name="detail"),
    path("<uuid:public_id>/edit/", case_edit, name="edit"),
    path("<uuid:public_id>/team/", case_team, name="team"),
    path("<uuid:public_id>/team/remove/", case_team_remove, name="team_remove"),
    path("<uuid:public_id>/reassign/", case_reassign, name="reassign"),
    path("<uuid:public_id>/transfer/", case_transfer, name="transfer"),
    path("<uuid:public_id>/notes/new/", note_new, name="note_new"),
]
