"""Consent (RODO) of a person and documents of a case.

Consents: the person's list, recording one, withdrawing one, the printable form. Who may: the
people who see the person by name (`get_person_for_user`) read and print; its social workers
and family assistants of the registering institution record and withdraw (403 for the other
readers, 404 for everyone else).

Documents: uploading needs `CaseAccess.can_edit`; downloading goes through the case's policy,
and a partner gets a document only when it is shareable and consent covers documents.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kooperacja.cases import consent as services
from kooperacja.cases.consent_forms import ConsentForm, DocumentForm, PrintForm
from kooperacja.cases.models import Case, Consent, ConsentCategory, Document, Person
from kooperacja.cases.policies import get_case_for_user, get_person_for_user, visible_cases, visible_persons
from kooperacja.core import audit
from kooperacja.core.forms.conflicts import put_refusal
from kooperacja.core.http import AuthenticatedHttpRequest, serve_private_file
from kooperacja.core.models import AuditAction

# --- Consents -----------------------------------------------------------------------------------


def _editable_person(request: AuthenticatedHttpRequest, person_id: UUID) -> Person:
    person, can_edit = get_person_for_user(request.user, person_id)
    if not can_edit:
        raise PermissionDenied
    return person


@require_safe
@login_required
def consent_list(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    """The person's consents: in force, ended and withdrawn, with who recorded them."""
    person, can_edit = get_person_for_user(request.user, person_id)
    consents = list(
        person.consents.select_related(
            "institution", "recorded_by", "recorded_by_institution", "withdrawn_by", "signed_scan"
        ).order_by("-recorded_at", "-id")
    )
    rows = [(consent, services.consent_state(consent)) for consent in consents]
    audit.record(
        AuditAction.VIEW,
        request=request,
        obj=person,
        persons=[person.pk],
        institution_id=person.institution_id,
        municipality_code=person.municipality.code,
        details={"page": "consents"},
    )
    labels = dict(services.consent_categories())
    return render(
        request,
        "cases/consent/list.html",
        {
            "person": person,
            "can_edit": can_edit,
            "in_force": [(c, [labels.get(v, v) for v in c.categories]) for c, state in rows if state == "in_force"],
            "future": [(c, [labels.get(v, v) for v in c.categories]) for c, state in rows if state == "future"],
            "ended": [(c, [labels.get(v, v) for v in c.categories]) for c, state in rows if state == "ended"],
            "withdrawn": [(c, [labels.get(v, v) for v in c.categories]) for c, state in rows if state == "withdrawn"],
            "print_form": PrintForm(person=person, auto_id="print_%s"),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def consent_new(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    person = _editable_person(request, person_id)
    if request.method != "POST":
        return _consent_page(request, person, ConsentForm(person=person))
    form = ConsentForm(request.POST, request.FILES, person=person)
    if not form.is_valid():
        return _consent_page(request, person, form, status=400)
    try:
        services.record_consent(request.user, person, form.terms(), scan=form.cleaned_data.get("scan"), request=request)
    except ValidationError as refusal:
        put_refusal(form, refusal)
        return _consent_page(request, person, form, status=400)
    messages.success(request, _("The consent was recorded. It counts from its start date."))
    return redirect("cases:consents", person_id=person.public_id)


def _consent_page(
    request: AuthenticatedHttpRequest, person: Person, form: ConsentForm, *, status: int = 200
) -> HttpResponse:
    return render(request, "cases/consent/form.html", {"person": person, "form": form}, status=status)


@require_POST
@login_required
def consent_withdraw(request: AuthenticatedHttpRequest, consent_id: UUID) -> HttpResponse:
    """Withdraw at once; partners lose what it covered on their next request."""
    try:
        consent = (
            Consent.objects.filter(person__in=visible_persons(request.user))
            .select_related("person")
            .get(public_id=consent_id)
        )
    except (Consent.DoesNotExist, ValueError):
        raise Http404 from None
    person = _editable_person(request, consent.person.public_id)
    if services.withdraw_consent(request.user, consent, request=request):
        messages.success(request, _("The consent was withdrawn. Partners no longer see what it covered."))
    else:
        messages.info(request, _("This consent had already been withdrawn."))
    return redirect("cases:consents", person_id=person.public_id)


@require_safe
@login_required
def consent_form(request: AuthenticatedHttpRequest, person_id: UUID) -> HttpResponse:
    """The printable consent form (PDF): with the chosen recipient and categories ticked, or
    blank ones to fill in by hand."""
    person, _can_edit = get_person_for_user(request.user, person_id)
    form = PrintForm(request.GET or None, person=person, auto_id="print_%s")
    if form.is_bound and not form.is_valid():
        return render(request, "cases/consent/print.html", {"person": person, "form": form}, status=400)
    chosen = form.cleaned_data if form.is_bound else {}
    pdf = services.consent_form_pdf(
        request,
        request.user,
        person,
        institution=chosen.get("institution"),
        sector=chosen.get("sector") or "",
        categories=chosen.get("categories") or [],
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="zgoda.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Documents ----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def document_new(request: AuthenticatedHttpRequest, case_id: UUID) -> HttpResponse:
    case, access = get_case_for_user(request.user, case_id)
    if not access.can_edit:
        raise PermissionDenied
    if request.method != "POST":
        return _document_page(request, case, DocumentForm())
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _document_page(request, case, form, status=400)
    try:
        document = services.upload_document(
            request.user,
            case,
            form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            shareable=form.cleaned_data["shareable"],
            request=request,
        )
    except ValidationError as refusal:
        put_refusal(form, refusal)
        return _document_page(request, case, form, status=400)
    messages.success(request, _("The document „%(title)s” was added to the case.") % {"title": document.title})
    return redirect("cases:document_new", case_id=case.public_id)


def _document_page(
    request: AuthenticatedHttpRequest, case: Case, form: DocumentForm, *, status: int = 200
) -> HttpResponse:
    documents = list(case.documents.select_related("uploaded_by").order_by("-uploaded_at", "-id"))
    if documents:
        # The list names documents of the case's persons: a read of their data.
        audit.record(
            AuditAction.LIST,
            request=request,
            object_type="cases.document",
            persons=[person.pk for person in case.persons()],
            institution_id=case.institution_id,
            municipality_code=case.municipality.code,
            details={"case": str(case.public_id)},
        )
    return render(
        request,
        "cases/consent/document_form.html",
        {"case": case, "form": form, "documents": documents},
        status=status,
    )


@require_safe
@login_required
def document(request: AuthenticatedHttpRequest, document_id: UUID) -> HttpResponseBase:
    """The file, as an attachment, only to someone who may see it in the case: the owning
    institution's readers, and partners when it is shareable and consent covers documents."""
    try:
        found = (
            Document.objects.filter(case__in=visible_cases(request.user))
            .select_related("case")
            .get(public_id=document_id)
        )
    except (Document.DoesNotExist, ValueError):
        raise Http404 from None
    case, access = get_case_for_user(request.user, found.case.public_id)
    if not access.whole and not (found.shareable and access.sees_all(ConsentCategory.DOCUMENTS)):
        raise Http404
    audit.record(
        AuditAction.VIEW,
        request=request,
        obj=found,
        persons=[person.pk for person in case.persons()],
        institution_id=case.institution_id,
        municipality_code=case.municipality.code,
        details={"case": str(case.public_id)},
    )
    return serve_private_file(found.file, filename=found.original_name, content_type=found.content_type)


urls: list[URLPattern] = [
    path("people/<uuid:person_id>/consents/", consent_list, name="consents"),
    path("people/<uuid:person_id>/consents/new/", consent_new, name="consent_new"),
    path("people/<uuid:person_id>/consents/form.pdf", consent_form, name="consent_form"),
    path("consents/<uuid:consent_id>/withdraw/", consent_withdraw, name="consent_withdraw"),
    path("<uuid:case_id>/documents/new/", document_new, name="document_new"),
    path("documents/<uuid:document_id>/", document, name="document"),
]
