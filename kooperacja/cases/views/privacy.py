""" "Who saw my data": every recorded look at, change, export or print of one person's data,
from the audit log (DESIGN.md §3), for the people who may see the person by name.

Who may: whoever `get_person_for_user` lets see the person (their institution's social
workers and managers, the family assistant of one of their cases); 404 for anyone else.
Reading the report is itself recorded.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from kooperacja.cases.policies import get_person_for_user
from kooperacja.core import audit
from kooperacja.core.http import AuthenticatedHttpRequest
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.institutions.models import Institution

PAGE_SIZE = 50


@require_safe
@login_required
def person_access_log(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Who saw the person's data: when, who, from which institution, what they did, and why."""
    person, _can_edit = get_person_for_user(request.user, public_id)
    audit.record(
        AuditAction.VIEW,
        request=request,
        obj=person,
        persons=[person.pk],
        institution_id=person.institution_id,
        municipality_code=person.municipality.code,
        details={"page": "access_log"},
    )
    page = Paginator(AuditEvent.objects.about_person(person.pk).for_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    institution_ids = {event.institution_id for event in page.object_list if event.institution_id}
    institutions = Institution.objects.only("name").in_bulk(institution_ids)
    rows = [(event, institutions.get(event.institution_id) if event.institution_id else None) for event in page]
    return render(request, "cases/privacy/access_log.html", {"person": person, "page": page, "rows": rows})


urls: list[URLPattern] = [
    path("people/<uuid:public_id>/access-log/", person_access_log, name="person_access_log"),
]
