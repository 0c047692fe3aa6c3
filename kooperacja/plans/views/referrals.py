"""Referral pages (skierowania): a new referral of a case, the receiving institution's inbox,
what the user's institution sent, the referrals of a case, one referral with its steps, actions
and message thread, and the thread's attachments.

Every referral is fetched through `referral_policies.get_referral_for_user` (404 for anyone on
neither side, with its audit event); every change goes through `plans.referrals`, whose
refusals the pages show on the form they came from, changing nothing.
"""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kooperacja.cases.consent import consent_categories
from kooperacja.cases.models import Case, ConsentCategory, Person
from kooperacja.cases.policies import CASE_WORKERS, get_case_for_user, knows_identity
from kooperacja.core import audit
from kooperacja.core.forms.conflicts import put_refusal, rebound
from kooperacja.core.http import AuthenticatedHttpRequest, serve_private_file
from kooperacja.core.models import AuditAction
from kooperacja.core.policies import memberships
from kooperacja.plans import referrals as engine
from kooperacja.plans.candidates import eligibility_problems
from kooperacja.plans.models import Referral, ReferralStatus
from kooperacja.plans.referral_forms import (
    IDENTITY,
    ActionForm,
    MessageForm,
    ReferralForm,
    TargetForm,
    covered_categories,
    persons_without_identity,
)
from kooperacja.plans.referral_policies import (
    RECEIVER,
    ReferralAccess,
    case_referrals,
    get_attachment_for_user,
    get_referral_for_user,
    inbox,
    named_ids,
    outbox,
    receiving_institution_ids,
    record_list,
    referral_person_ids,
    visible_events,
)

PAGE_SIZE = 20

# The inbox's tabs: what waits for the receiving institution, what it works on, what is closed.
TABS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "waiting": (gettext_lazy("Waiting for an answer"), (ReferralStatus.SENT,)),
    "active": (gettext_lazy("Accepted and in progress"), (ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS)),
    "closed": (
        gettext_lazy("Closed"),
        (ReferralStatus.DECLINED, ReferralStatus.COMPLETED, ReferralStatus.CANCELLED, ReferralStatus.EXPIRED),
    ),
}

# What each action's button says (the names of `plans.referrals.TRANSITIONS`).
ACTION_LABELS: dict[str, Any] = {
    "send": gettext_lazy("Send the referral"),
    "accept": gettext_lazy("Accept"),
    "decline": gettext_lazy("Decline"),
    "start": gettext_lazy("Help has started"),
    "complete": gettext_lazy("Record the outcome"),
    "cancel": gettext_lazy("Cancel the referral"),
    "forward": gettext_lazy("Forward to another institution"),
}
DONE_MESSAGES: dict[str, Any] = {
    "send": gettext_lazy("The referral was sent."),
    "accept": gettext_lazy("The referral was accepted."),
    "decline": gettext_lazy("The referral was declined."),
    "start": gettext_lazy("The referral is in progress."),
    "complete": gettext_lazy("The outcome was recorded; the referral is closed."),
    "cancel": gettext_lazy("The referral was cancelled."),
    "forward": gettext_lazy("The referral was forwarded; this is the new referral."),
}


# --- What a list may name --------------------------------------------------------------------


def _subject(referral: Referral, named: bool) -> str:
    """Whom a row is about: the person's name, the household's, or (not named) who handles it."""
    if named and referral.person is not None:
        return referral.person.full_name
    if named and referral.case.household is not None:
        return referral.case.household.name
    return _("A person of a case handled by %(institution)s") % {
        "institution": referral.from_institution.short_name or referral.from_institution.name
    }


def _rows(user: Any, referrals: list[Referral]) -> list[dict[str, Any]]:
    named = named_ids(user, referrals)
    unread = engine.unread_counts(user, referrals)
    today = timezone.localdate()
    return [
        {
            "referral": referral,
            "subject": _subject(referral, referral.pk in named),
            "unread": unread.get(referral.pk, 0),
            "overdue": referral.status == ReferralStatus.SENT
            and referral.answer_due is not None
            and referral.answer_due < today,
        }
        for referral in referrals
    ]


# --- Inbox and outbox -------------------------------------------------------------------------


def _list_page(
    request: AuthenticatedHttpRequest, referrals: Any, *, template: str, what: str, **context: Any
) -> HttpResponse:
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    record_list(request.user, shown, request=request, what=what)
    params = request.GET.copy()
    params.pop("page", None)
    context |= {"page": page, "rows": _rows(request.user, shown), "query": params.urlencode()}
    return render(request, template, context)


@require_safe
@login_required
def inbox_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The receiving institution's inbox, one tab at a time, newest first."""
    if not receiving_institution_ids(request.user):
        raise PermissionDenied
    tab = request.GET.get("tab", "waiting")
    if tab not in TABS:
        tab = "waiting"
    referrals = inbox(request.user).filter(status__in=TABS[tab][1])
    tabs = [(key, label) for key, (label, _statuses) in TABS.items()]
    return _list_page(request, referrals, template="plans/referrals/inbox.html", what="inbox", tab=tab, tabs=tabs)


@require_safe
@login_required
def outbox_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What the user's institutions sent, in every state, with the filter of one state. For
    everyone who works on cases (a family assistant sends referrals of the cases it edits)."""
    if not any(m.role in CASE_WORKERS for m in memberships(request.user)):
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status not in ReferralStatus.values:
        status = ""
    referrals = outbox(request.user, status=status or None)
    return _list_page(
        request,
        referrals,
        template="plans/referrals/outbox.html",
        what="outbox",
        status=status,
        statuses=ReferralStatus.choices,
    )


@require_safe
@login_required
def case_referrals_page(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """The referrals of a case, each with the chain it belongs to (forwarded from, forwarded as)."""
    case, access = get_case_for_user(request.user, public_id)
    referrals = list(
        case_referrals(request.user, case, access)
        .select_related("previous__to_institution")
        .prefetch_related("forwarded_as__to_institution")
    )
    record_list(request.user, referrals, request=request, what="case")
    return render(
        request,
        "plans/referrals/case.html",
        {
            "case": case,
            "access": access,
            "title": case.title if knows_identity(access) else _("Referrals of the case"),
            # Where a referral was forwarded from and to: for whom the case's plan is open.
            "sees_chain": access.sees_all(ConsentCategory.PLAN),
            "rows": _rows(request.user, referrals),
        },
    )


# --- A new referral ---------------------------------------------------------------------------


def _target_data(request: AuthenticatedHttpRequest) -> Any:
    """The first step's choices (or a prefill: `?service=`, `?item=`), None for a fresh form."""
    keys = ("institution", "service", "person", "item")
    return request.GET if "chosen" in request.GET or any(request.GET.get(key) for key in keys) else None


def _referral_form(
    case: Case, persons: list[Person], target: dict[str, Any], data: Any = None, **kwargs: Any
) -> ReferralForm:
    institution, service, person = target["institution"], target.get("service"), target.get("person")
    covered = covered_categories(case, institution, person)
    problems = eligibility_problems(service, person, case) if service is not None else []
    return ReferralForm(data, case=case, persons=persons, covered=covered, problems=problems, **kwargs)


def _new_page(
    request: AuthenticatedHttpRequest, case: Case, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    chosen = context.get("chosen")
    if chosen is not None:
        # Without consent for identity nothing can be sent: say so, and where to record it.
        context["no_consent"] = persons_without_identity(case, chosen["institution"], chosen.get("person"))
    return render(request, "plans/referrals/new.html", {"case": case, **context}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def referral_new(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """A new referral in two steps: whom (the institution or a service, and the person), then
    why and what to share, where only the categories the consent covers can be ticked."""
    case, access = get_case_for_user(request.user, public_id)
    if not access.can_edit:
        raise PermissionDenied
    persons = case.persons()
    if request.method != "POST":
        # Both steps name the persons of the case (with birth dates): one read event.
        audit.record(
            AuditAction.VIEW,
            request=request,
            obj=case,
            persons=[person.pk for person in persons],
            institution_id=case.institution_id,
            municipality_code=case.municipality.code,
            details={"page": "new referral"},
        )
    source = request.POST if request.method == "POST" else _target_data(request)
    target = TargetForm(source, case=case, persons=persons)
    if source is None or not target.is_valid():
        # The first step; a prefill that is not complete yet (`?service=`) shows no errors.
        show_errors = request.method == "POST" or "chosen" in request.GET
        if not show_errors and source is not None:
            target = TargetForm(initial=source.dict(), case=case, persons=persons)
        return _new_page(request, case, {"target": target}, status=400 if show_errors else 200)
    chosen = target.cleaned_data
    if request.method != "POST":
        initial = {
            "institution": chosen["institution"].public_id,
            "service": chosen["service"].public_id if chosen.get("service") else None,
            "person": chosen["person"].public_id if chosen.get("person") else None,
            "item": chosen["item"].public_id if chosen.get("item") else None,
            "submit_key": uuid.uuid4(),
            "shared_categories": [IDENTITY],
        }
        form = _referral_form(case, persons, chosen, initial=initial)
        return _new_page(request, case, {"form": form, "chosen": chosen})
    form = _referral_form(case, persons, chosen, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            referral = engine.create_referral(
                request.user,
                case,
                to_institution=chosen["institution"],
                service=chosen.get("service"),
                person=chosen.get("person"),
                basket_item=chosen.get("item"),
                reason=data["reason"],
                shared_categories=data["shared_categories"],
                eligibility_override=data["eligibility_override"],
                send="draft" not in request.POST,
                submit_key=data["submit_key"],
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
            duplicate = engine.duplicate_of(refusal)
            if duplicate is not None:
                return _new_page(request, case, {"form": form, "chosen": chosen, "open_referral": duplicate}, 400)
        else:
            if referral.status == ReferralStatus.DRAFT:
                messages.success(request, _("The referral was saved as a draft; send it when it is ready."))
            else:
                messages.success(request, _("The referral was sent. You will see every step here."))
            return redirect("plans:referral", public_id=referral.public_id)
    return _new_page(request, case, {"form": form, "chosen": chosen}, status=400)


# --- One referral -----------------------------------------------------------------------------


def _shared_data(referral: Referral, access: ReferralAccess) -> dict[str, Any]:
    """What the page shows of the person(s): named only with identity; every shared category
    with whether the user may still see it (consent may have been withdrawn meanwhile)."""
    persons = [referral.person] if referral.person is not None else referral.case.persons()
    labels = dict(consent_categories())
    categories = [
        {"label": labels.get(category, category), "seen": access.sees(category)}
        for category in referral.shared_categories or []
    ]
    return {
        "persons": persons if access.sees(IDENTITY) else [],
        "hidden_persons": 0 if access.sees(IDENTITY) else len(persons),
        "categories": categories,
    }


def _action_forms(referral: Referral, access: ReferralAccess, bound: ActionForm | None = None) -> list[dict[str, Any]]:
    if not access.can_act:
        return []
    forms = []
    for action in access.allowed_actions:
        if action not in ACTION_LABELS:
            continue
        form = (
            bound
            if bound is not None and bound.action == action
            else ActionForm(action=action, referral=referral, initial={"version": referral.version})
        )
        forms.append({"action": action, "label": ACTION_LABELS[action], "form": form})
    return forms


def _detail(
    request: AuthenticatedHttpRequest,
    referral: Referral,
    access: ReferralAccess,
    *,
    action_form: ActionForm | None = None,
    message_form: MessageForm | None = None,
    conflict: bool = False,
    status: int = 200,
    consent_needed: bool = False,
) -> HttpResponse:
    events = visible_events(referral, access)
    thread = list(
        referral.messages.select_related("author", "institution")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    actions = _action_forms(referral, access, action_form)
    # A refused action no longer offered (accept after a cancellation): its answer goes on top.
    refusal = []
    if action_form is not None and action_form.errors and action_form not in [item["form"] for item in actions]:
        refusal = [str(error) for errors in action_form.errors.values() for error in errors]
    context = {
        "referral": referral,
        "access": access,
        "refusal": refusal,
        "receiver": access.side == RECEIVER,
        "events": events,
        "thread": thread,
        "previous": referral.previous if access.sees_chain else None,
        "forwarded_as": list(referral.forwarded_as.select_related("to_institution")) if access.sees_chain else [],
        "sees_attachments": access.sees_attachments,
        "actions": actions,
        "message_form": message_form or (MessageForm(initial={"submit_key": uuid.uuid4()}) if access.can_act else None),
        "conflict": conflict,
        # A forward refused for want of consent: where the sender records it.
        "consent_persons": (
            ([referral.person] if referral.person is not None else referral.case.persons()) if consent_needed else []
        ),
        "overdue": referral.status == ReferralStatus.SENT
        and referral.answer_due is not None
        and referral.answer_due < timezone.localdate(),
        **_shared_data(referral, access),
    }
    return render(request, "plans/referrals/detail.html", context, status=status)


@require_safe
@login_required
def referral_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    referral, access = get_referral_for_user(request.user, public_id, request=request)
    engine.mark_thread_read(request.user, referral)
    return _detail(request, referral, access)


@require_POST
@login_required
def referral_action(request: AuthenticatedHttpRequest, public_id: UUID, action: str) -> HttpResponse:
    """One action (accept, decline, start, complete, cancel, forward, send) with the version the
    user saw: a referral changed meanwhile gets the conflict answer (409), nothing done."""
    if action not in engine.TRANSITIONS or action not in ACTION_LABELS:
        raise Http404
    referral, access = get_referral_for_user(request.user, public_id, request=request, record=False)
    if not access.can_act:
        raise PermissionDenied
    form = ActionForm(request.POST, action=action, referral=referral)
    if not form.is_valid():
        return _detail(request, referral, access, action_form=form, status=400)
    data = form.cleaned_data
    try:
        result = engine.act(
            request.user,
            referral,
            action,
            version=data["version"],
            reason=data.get("reason", ""),
            outcome=data.get("outcome", ""),
            note=data.get("note", ""),
            to_institution=data.get("to_institution"),
        )
    except engine.StaleReferral:
        referral, access = get_referral_for_user(request.user, public_id, request=request, record=False)
        form = rebound(ActionForm, request.POST, referral.version, action=action, referral=referral)
        return _detail(request, referral, access, action_form=form, conflict=True, status=409)
    except ValidationError as refusal:
        put_refusal(form, refusal)
        referral.refresh_from_db()
        consent_needed = any(
            error.code == "no_consent" for error in getattr(refusal, "error_dict", {}).get("to_institution", [])
        )
        return _detail(request, referral, access, action_form=form, status=400, consent_needed=consent_needed)
    messages.success(request, str(DONE_MESSAGES[action]))
    return redirect("plans:referral", public_id=result.public_id)


@require_POST
@login_required
def referral_message(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """A message of the thread, with an optional file, from either institution."""
    referral, access = get_referral_for_user(request.user, public_id, request=request, record=False)
    if not access.can_act:
        raise PermissionDenied
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["attachment"]
        try:
            engine.post_message(
                request.user,
                referral,
                text=form.cleaned_data["text"],
                files=[upload] if upload else [],
                submit_key=form.cleaned_data["submit_key"],
            )
        except ValidationError as refusal:
            # The service names the files "files"; the form has one, "attachment".
            if hasattr(refusal, "error_dict") and "files" in refusal.error_dict:
                refusal.error_dict["attachment"] = refusal.error_dict.pop("files")
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The message was sent."))
            return redirect(reverse("plans:referral", kwargs={"public_id": referral.public_id}) + "#thread")
    return _detail(request, referral, access, message_form=form, status=400)


@require_safe
@login_required
def referral_attachment(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponseBase:
    """An attachment of the thread, as a download: to the sending side, and to the receiving
    side while documents are shared and consented (`get_attachment_for_user`, else 404)."""
    attachment, referral, access = get_attachment_for_user(request.user, public_id)
    audit.record(
        AuditAction.VIEW,
        request=request,
        obj=attachment,
        persons=referral_person_ids(referral),
        institution_id=access.institution.pk,
        municipality_code=referral.municipality.code,
        details={"referral": str(referral.public_id)},
    )
    return serve_private_file(attachment.file, filename=attachment.original_name, content_type=attachment.content_type)


urls: list[URLPattern] = [
    path("cases/<uuid:public_id>/referrals/", case_referrals_page, name="case_referrals"),
    path("cases/<uuid:public_id>/referrals/new/", referral_new, name="referral_new"),
    path("referrals/inbox/", inbox_page, name="inbox"),
    path("referrals/sent/", outbox_page, name="outbox"),
    path("referrals/attachments/<uuid:public_id>/", referral_attachment, name="referral_attachment"),
    path("referrals/<uuid:public_id>/", referral_detail, name="referral"),
    path("referrals/<uuid:public_id>/messages/", referral_message, name="referral_message"),
    path("referrals/<uuid:public_id>/<slug:action>/", referral_action, name="referral_action"),
]
