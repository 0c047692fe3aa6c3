"""GDPR (RODO) pages of a person: the export of everything about them (JSON, PDF) and the
irreversible anonymisation (`kooperacja/cases/gdpr.py` says what it removes and keeps).

Who may: the export, the social workers and managers of the institution that registered the
person; anonymisation, its managers, after typing the person's full name. Others who see the
person get 403, anyone who does not see them 404. Every export is audited, as is the change.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from kooperacja.cases import gdpr
from kooperacja.cases.models import Person
from kooperacja.cases.policies import get_person_for_user
from kooperacja.core.http import AuthenticatedHttpRequest


def _exportable(request: AuthenticatedHttpRequest, public_id: UUID) -> Person:
    person, _can_edit = get_person_for_user(request.user, public_id)
    if not gdpr.may_export(request.user, person):
        raise PermissionDenied
    return person


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def person_export_json(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    person = _exportable(request, public_id)
    content = gdpr.export_json(request.user, person, request=request)
    return _download(content, "application/json; charset=utf-8", f"osoba-{person.public_id}.json")


@require_safe
@login_required
def person_export_pdf(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    person = _exportable(request, public_id)
    content = gdpr.export_pdf(request.user, person, request=request)
    return _download(content, "application/pdf", f"osoba-{person.public_id}.pdf")


class AnonymiseForm(forms.Form):
    confirmation = forms.CharField(
        label=gettext_lazy("Type the person's first and last name to confirm"),
        max_length=210,
        strip=True,
        error_messages={"required": gettext_lazy("Type the person's first and last name to confirm.")},
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_confirmation(self) -> str:
        typed = " ".join(self.cleaned_data["confirmation"].split())
        if typed.casefold() != " ".join(self.person.full_name.split()).casefold():
            raise ValidationError(_("The name typed is not the person's name: nothing was changed."))
        return typed


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def person_anonymise(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Confirm, then remove the person's identity for good."""
    person, _can_edit = get_person_for_user(request.user, public_id)
    # Once anonymised, the page only says so (to the same managers).
    if not gdpr.manages_registration(request.user, person):
        raise PermissionDenied
    form = AnonymiseForm(request.POST or None, person=person)
    status = 200
    if person.anonymised_at is None and request.method == "POST":
        if form.is_valid():
            try:
                gdpr.anonymise_person(request.user, person, request=request)
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                messages.success(request, _("The person's data were anonymised."))
                return redirect("cases:person", public_id=person.public_id)
        status = 400
    context = {
        "person": person,
        "form": form,
        "open_case": gdpr.has_open_case(person),
        "cases": gdpr.person_cases(person).count(),
    }
    return render(request, "cases/gdpr/anonymise.html", context, status=status)


urls: list[URLPattern] = [
    path("people/<uuid:public_id>/export.json", person_export_json, name="person_export_json"),
    path("people/<uuid:public_id>/export.pdf", person_export_pdf, name="person_export_pdf"),
    path("people/<uuid:public_id>/anonymise/", person_anonymise, name="person_anonymise"),
]
