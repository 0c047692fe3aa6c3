"""Persons and households: the list of people, a person's page, the person and household
forms, household members and the merge of duplicates.

Who may: the people `visible_persons` gives (the institution's social workers and managers,
family assistants for their cases); editing for the registering institution's social workers
and family assistants; merging for its managers. A person outside the user's scope is 404, a
reader who may not edit gets 403. Every read of a person's data is audited.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kooperacja.cases import gdpr, people
from kooperacja.cases.models import Household, Person
from kooperacja.cases.people_forms import (
    HouseholdForm,
    MemberForm,
    MergeForm,
    PersonForm,
    PersonSearchForm,
)
from kooperacja.cases.policies import (
    CASE_WORKERS,
    get_household_for_user,
    get_person_for_user,
    visible_cases,
    visible_persons,
)
from kooperacja.core.audit import record
from kooperacja.core.forms.conflicts import differences, put_refusal, rebound
from kooperacja.core.http import AuthenticatedHttpRequest
from kooperacja.core.models import AuditAction
from kooperacja.core.policies import has_role
from kooperacja.institutions.models import Institution

PAGE_SIZE = 20


def _may_use_people(user: Any) -> None:
    """The people pages are for case workers; analysts and administrators get 403."""
    if not has_role(user, *CASE_WORKERS):
        raise PermissionDenied


def _registering_institution(user: Any) -> Institution:
    """The institution a new person or household is registered by: the first where the user
    is a social worker or family assistant; 403 for anyone else."""
    institutions = people.may_register(user)
    if not institutions:
        raise PermissionDenied
    return institutions[0]


# --- People ------------------------------------------------------------------------------------


@require_safe
@login_required
def person_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _may_use_people(user)
    search = PersonSearchForm(request.GET or None)
    persons = search.filter(visible_persons(user).for_list()) if search.is_bound else visible_persons(user).for_list()
    page = Paginator(persons, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    if shown:
        record(
            AuditAction.LIST,
            request=request,
            object_type="cases.person",
            persons=[person.pk for person in shown],
            details={
                "query": "pesel" if search.is_bound and search.data.get("q", "").replace(" ", "").isdigit() else ""
            },
        )
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "cases/people/list.html",
        {
            "search": search,
            "page": page,
            "persons": shown,
            "query": params.urlencode(),
            "may_register": bool(people.may_register(user)),
        },
    )


@require_safe
@login_required
def person_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    person, can_edit = get_person_for_user(request.user, public_id)
    members: list[Person] = []
    if person.household is not None:
        members = list(person.household.members.filter(merged_into__isnull=True).order_by("last_name", "first_name"))
    about = Q(person=person)
    if person.household_id is not None:
        about |= Q(household_id=person.household_id)
    cases = list(visible_cases(request.user).filter(about).for_list())
    # The household members listed are read too: the event names each of them.
    record(
        AuditAction.VIEW,
        request=request,
        obj=person,
        persons=[person.pk, *(member.pk for member in members if member.pk != person.pk)],
        institution_id=person.institution_id,
    )
    return render(
        request,
        "cases/people/detail.html",
        {
            "person": person,
            "members": members,
            "needs": list(person.accessibility_needs.order_by("name")),
            "cases": cases,
            "can_edit": can_edit,
            "can_merge": people.may_merge(request.user, person),
            "can_export": gdpr.may_export(request.user, person),
            "can_anonymise": gdpr.may_anonymise(request.user, person),
        },
    )


def _person_page(
    request: AuthenticatedHttpRequest,
    form: PersonForm,
    *,
    person: Person | None = None,
    status: int = 200,
    conflict: list[Any] | None = None,
) -> HttpResponse:
    return render(
        request,
        "cases/people/form.html",
        {"form": form, "person": person, "duplicates": form.duplicates, "conflict": conflict},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def person_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    institution = _registering_institution(request.user)
    if request.method != "POST":
        return _person_page(request, PersonForm(institution=institution))
    form = PersonForm(request.POST, institution=institution)
    if not form.is_valid():
        return _person_page(request, form, status=400)
    try:
        person = people.create_person(
            request.user,
            institution,
            form.person_fields(),
            pesel=form.cleaned_data["pesel"],
            needs=form.cleaned_data["accessibility_needs"],
        )
    except ValidationError as refusal:
        put_refusal(form, refusal)
        return _person_page(request, form, status=400)
    messages.success(request, _("The person was registered."))
    return redirect("cases:person", public_id=person.public_id)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def person_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    person, can_edit = get_person_for_user(request.user, public_id)
    if not can_edit:
        raise PermissionDenied
    institution = person.institution
    if request.method != "POST":
        record(AuditAction.VIEW, request=request, obj=person, persons=[person.pk], institution_id=institution.pk)
        return _person_page(request, PersonForm(institution=institution, person=person), person=person)
    form = PersonForm(request.POST, institution=institution, person=person)
    if not form.is_valid():
        return _person_page(request, form, person=person, status=400)
    try:
        people.update_person(
            request.user,
            person,
            form.person_fields(),
            version=form.cleaned_data["version"] or 0,
            pesel=form.cleaned_data["pesel"],
            needs=form.cleaned_data["accessibility_needs"],
        )
    except people.StaleVersion:
        stored = Person.objects.get(pk=person.pk)
        conflict = differences(form, PersonForm.initial_from(stored))
        again = rebound(PersonForm, request.POST, stored.version, institution=institution, person=stored)
        return _person_page(request, again, person=stored, status=409, conflict=conflict)
    except ValidationError as refusal:
        put_refusal(form, refusal)
        return _person_page(request, form, person=person, status=400)
    messages.success(request, _("The changes were saved."))
    return redirect("cases:person", public_id=person.public_id)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def person_merge(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    kept, _can_edit = get_person_for_user(request.user, public_id)
    if not people.may_merge(request.user, kept):
        raise PermissionDenied
    candidates = visible_persons(request.user).filter(institution_id=kept.institution_id).exclude(pk=kept.pk).for_list()
    form = MergeForm(request.POST or None, candidates=candidates)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                people.merge_persons(request.user, kept, form.cleaned_data["duplicate"])
            except ValidationError as refusal:
                form.add_error(None, refusal)
            else:
                messages.success(request, _("The records were merged."))
                return redirect("cases:person", public_id=kept.public_id)
        status = 400
    likely = people.possible_duplicates(kept.institution, kept.first_name, kept.last_name, kept.birth_date, kept)
    return render(request, "cases/people/merge.html", {"person": kept, "form": form, "likely": likely}, status=status)


# --- Households --------------------------------------------------------------------------------


@require_safe
@login_required
def household_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    household, can_edit = get_household_for_user(request.user, public_id)
    members = list(household.members.filter(merged_into__isnull=True).order_by("last_name", "first_name"))
    record(
        AuditAction.VIEW,
        request=request,
        obj=household,
        persons=[member.pk for member in members],
        institution_id=household.institution_id,
    )
    return render(
        request,
        "cases/people/household.html",
        {
            "household": household,
            "members": members,
            "can_edit": can_edit,
            "member_form": MemberForm(candidates=_member_candidates(request.user, household)) if can_edit else None,
            "cases": list(visible_cases(request.user).filter(household=household).for_list()),
        },
    )


def _member_candidates(user: Any, household: Household) -> Any:
    return visible_persons(user).filter(institution_id=household.institution_id).for_list()


def _household_page(
    request: AuthenticatedHttpRequest,
    form: HouseholdForm,
    *,
    household: Household | None = None,
    status: int = 200,
    conflict: list[Any] | None = None,
) -> HttpResponse:
    return render(
        request,
        "cases/people/household_form.html",
        {"form": form, "household": household, "conflict": conflict},
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def household_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    institution = _registering_institution(request.user)
    if request.method != "POST":
        return _household_page(request, HouseholdForm(institution=institution))
    form = HouseholdForm(request.POST, institution=institution)
    if not form.is_valid():
        return _household_page(request, form, status=400)
    household = people.create_household(request.user, institution, form.household_fields())
    messages.success(request, _("The household was registered. Add its members below."))
    return redirect("cases:household", public_id=household.public_id)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def household_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    household, can_edit = get_household_for_user(request.user, public_id)
    if not can_edit:
        raise PermissionDenied
    institution = household.institution
    if request.method != "POST":
        return _household_page(
            request, HouseholdForm(institution=institution, household=household), household=household
        )
    form = HouseholdForm(request.POST, institution=institution, household=household)
    if not form.is_valid():
        return _household_page(request, form, household=household, status=400)
    try:
        people.update_household(
            request.user, household, form.household_fields(), version=form.cleaned_data["version"] or 0
        )
    except people.StaleVersion:
        stored = Household.objects.get(pk=household.pk)
        conflict = differences(form, HouseholdForm.initial_from(stored))
        again = rebound(HouseholdForm, request.POST, stored.version, institution=institution, household=stored)
        return _household_page(request, again, household=stored, status=409, conflict=conflict)
    messages.success(request, _("The changes were saved."))
    return redirect("cases:household", public_id=household.public_id)


@require_POST
@login_required
def household_member_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    household, can_edit = get_household_for_user(request.user, public_id)
    if not can_edit:
        raise PermissionDenied
    form = MemberForm(request.POST, candidates=_member_candidates(request.user, household))
    if not form.is_valid():
        members = list(household.members.filter(merged_into__isnull=True).order_by("last_name", "first_name"))
        return render(
            request,
            "cases/people/household.html",
            {"household": household, "members": members, "can_edit": True, "member_form": form, "cases": []},
            status=400,
        )
    people.add_to_household(request.user, household, form.cleaned_data["person"], form.cleaned_data["relationship"])
    messages.success(request, _("The person was added to the household."))
    return redirect("cases:household", public_id=household.public_id)


@require_POST
@login_required
def household_member_remove(request: AuthenticatedHttpRequest, public_id: UUID, person_id: UUID) -> HttpResponse:
    household, can_edit = get_household_for_user(request.user, public_id)
    if not can_edit:
        raise PermissionDenied
    person, _can_edit = get_person_for_user(request.user, person_id)
    try:
        people.remove_from_household(request.user, household, person)
    except ValidationError:
        messages.error(request, _("This person is not a member of the household."))
    else:
        messages.success(request, _("The person was removed from the household."))
    return redirect("cases:household", public_id=household.public_id)


urls: list[URLPattern] = [
    path("people/", person_list, name="people"),
    path("people/new/", person_new, name="person_new"),
    path("people/<uuid:public_id>/", person_detail, name="person"),
    path("people/<uuid:public_id>/edit/", person_edit, name="person_edit"),
    path("people/<uuid:public_id>/merge/", person_merge, name="person_merge"),
    path("households/new/", household_new, name="household_new"),
    path("households/<uuid:public_id>/", household_detail, name="household"),
    path("households/<uuid:public_id>/edit/", household_edit, name="household_edit"),
    path("households/<uuid:public_id>/members/", household_member_add, name="household_member_add"),
    path(
        "households/<uuid:public_id>/members/<uuid:person_id>/remove/",
        household_member_remove,
        name="household_member_remove",
    ),
]
