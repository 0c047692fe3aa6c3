"""Matching pages (issue #7 point 3): a case's needs with the services suggested for each, the
hand-added needs form, and "why not" for one service.

Only users who read the whole case (`CaseAccess.whole`) see matching: a partner gets 404, as
for a case it does not know. Adding or resolving a need needs `can_edit` (403 otherwise). A
page that shows a person's data (their needs and what follows from them) writes one audit
event naming the case's persons.
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from kooperacja.cases.models import Case, Person
from kooperacja.cases.policies import CaseAccess, get_case_for_user
from kooperacja.cases.services import audit_case
from kooperacja.core.forms.conflicts import put_refusal
from kooperacja.core.http import AuthenticatedHttpRequest
from kooperacja.core.models import AuditAction
from kooperacja.directory.models import Service
from kooperacja.plans import candidates, matching, needs
from kooperacja.plans.models import OPEN_PLAN_STATUSES, CaseNeed, CooperationPlan, Need

# Suggestions shown per need, and after "show more".
SHOWN = 5
SHOWN_MORE = 30
# Services offered by the "why not" search box.
SEARCH_LIMIT = 20


class NeedForm(forms.Form):
    need = forms.ModelChoiceField(
        label=gettext_lazy("Need"),
        queryset=Need.objects.filter(is_active=True).order_by("position", "id"),
        to_field_name="code",
        empty_label=gettext_lazy("— choose —"),
        error_messages={"required": gettext_lazy("Choose a need."), "invalid_choice": gettext_lazy("Choose a need.")},
    )
    person = forms.ChoiceField(label=gettext_lazy("Whose need"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, persons: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.persons = {str(person.public_id): person for person in persons}
        choices = [("", _("The household as a whole"))] if len(persons) != 1 else []
        choices += [(key, person.full_name) for key, person in self.persons.items()]
        cast(forms.ChoiceField, self.fields["person"]).choices = choices

    def chosen_person(self) -> Person | None:
        return self.persons.get(self.cleaned_data.get("person") or "")


def _whole_case(request: AuthenticatedHttpRequest, public_id: UUID) -> tuple[Case, CaseAccess]:
    case, access = get_case_for_user(request.user, public_id, session=request.session)
    if not access.whole:
        raise Http404
    return case, access


def _audit_read(request: AuthenticatedHttpRequest, case: Case, view: str, **details: str) -> None:
    audit_case(AuditAction.VIEW, case, request=request, view=view, **details)


def _open_plan(case: Case) -> CooperationPlan | None:
    return CooperationPlan.objects.filter(case=case, status__in=OPEN_PLAN_STATUSES).first()


def _page(
    request: AuthenticatedHttpRequest, case: Case, access: CaseAccess, form: NeedForm, status: int = 200
) -> HttpResponse:
    items = needs.case_needs(case)
    more = request.GET.get("more", "")
    rows: list[dict[str, Any]] = []
    for found in candidates.suggestions_for_case(case, items):
        limit = SHOWN_MORE if found.item.key == more else SHOWN
        rows.append(
            {
                "item": found.item,
                "profile": found.profile,
                "suggestions": found.suggestions[:limit],
                "hidden": max(0, len(found.suggestions) - limit),
                "total": len(found.suggestions),
            }
        )
    context = {
        "case": case,
        "access": access,
        "rows": rows,
        "plan": _open_plan(case),
        "form": form,
    }
    _audit_read(request, case, "matching")
    return render(request, "plans/matching/case.html", context, status=status)


@require_safe
@login_required
def matching_page(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    case, access = _whole_case(request, public_id)
    return _page(request, case, access, NeedForm(persons=case.persons()))


@require_POST
@login_required
def need_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    case, access = _whole_case(request, public_id)
    if not access.can_edit:
        raise PermissionDenied
    form = NeedForm(request.POST, persons=case.persons())
    if form.is_valid():
        try:
            needs.add_case_need(
                request.user,
                case,
                form.cleaned_data["need"],
                person=form.chosen_person(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The need was added."))
            return redirect("plans:matching", public_id=case.public_id)
    return _page(request, case, access, form, status=400)


@require_POST
@login_required
def need_resolve(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    case, access = _whole_case(request, public_id)
    if not access.can_edit:
        raise PermissionDenied
    person_key = request.POST.get("person", "")
    open_rows = CaseNeed.objects.filter(
        case=case, need__code=request.POST.get("need", ""), resolved_at__isnull=True
    ).select_related("case", "need", "person")
    row = next((row for row in open_rows if str(row.person.public_id if row.person else "") == person_key), None)
    if row is None:
        messages.error(request, _("This need is not open in the case: nothing was changed."))
        return redirect("plans:matching", public_id=case.public_id)
    needs.resolve_case_need(request.user, row)
    messages.success(request, _("The need was marked as resolved."))
    return redirect("plans:matching", public_id=case.public_id)


def _service(raw: str) -> Service | None:
    try:
        return Service.objects.select_related("institution").get(public_id=UUID(raw))
    except (ValueError, Service.DoesNotExist):
        return None


@require_safe
@login_required
def why_not(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Each rule of the engine for one service against each need of the case (or, without
    needs, against the service's own categories), for the person each need is about."""
    case, access = _whole_case(request, public_id)
    raw = request.GET.get("service", "").strip()
    query = request.GET.get("q", "").strip()
    service = _service(raw) if raw else None
    found: list[Service] = []
    if query:
        found = list(Service.objects.listed().matching(query).select_related("institution")[:SEARCH_LIMIT])
    explanations = []
    if service is not None:
        items = needs.case_needs(case)
        weights = candidates.need_weights([item.need.pk for item in items])
        profiles: dict[int | None, matching.PersonProfile] = {}
        subjects: list[needs.NeedOfCase | None] = [*items] or [None]
        for item in subjects:
            profile = candidates.need_profile(case, item.person if item else None, profiles)
            facts = candidates.service_facts(service, profile)
            need_weights = weights[item.need.pk] if item else dict.fromkeys(facts.categories, 3)
            verdict = matching.assess(facts, profile, need_weights)
            explanations.append(
                {"item": item, "verdict": verdict, "checks": matching.explain(facts, profile, need_weights)}
            )
    context = {
        "case": case,
        "access": access,
        "service": service,
        "unknown_service": bool(raw) and service is None,
        "query": query,
        "found": found,
        "explanations": explanations,
        "plan": _open_plan(case) if service is not None else None,
    }
    details = {"service": str(service.public_id)} if service is not None else {}
    _audit_read(request, case, "matching why not", **details)
    return render(request, "plans/matching/why_not.html", context, status=400 if context["unknown_service"] else 200)


urls: list[URLPattern] = [
    path("cases/<uuid:public_id>/matching/", matching_page, name="matching"),
    path("cases/<uuid:public_id>/matching/needs/add/", need_add, name="matching_need_add"),
    path("cases/<uuid:public_id>/matching/needs/resolve/", need_resolve, name="matching_need_resolve"),
    path("cases/<uuid:public_id>/matching/why-not/", why_not, name="matching_why_not"),
]
