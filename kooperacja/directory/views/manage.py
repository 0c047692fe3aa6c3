"""Staff keep their institution's directory entries: the list, the service form, its places,
its history and the "the entry is up to date" confirmation.

Who may: an institution's managers and partner staff, for its services; administrators for
every service (kooperacja.directory.policies). Other roles get 403 on the list; a service or
institution outside the user's own is 404, one of their own institution they may not edit 403.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kooperacja.core.forms.conflicts import Difference, differences, put_refusal, rebound
from kooperacja.core.http import AuthenticatedHttpRequest
from kooperacja.core.policies import is_platform_admin
from kooperacja.directory import upkeep
from kooperacja.directory.manage_forms import (
    CONFLICT_READERS,
    InstitutionSearchForm,
    LocationForm,
    ManageFilterForm,
    ServiceForm,
    fields_changed,
)
from kooperacja.directory.models import LISTED_STATUSES, Service, ServiceAtLocation, ServiceChange
from kooperacja.directory.policies import (
    can_keep_services,
    get_institution_for_service_add,
    get_place_for_edit,
    get_service_for_edit,
    kept_institutions,
    services_for_manage_list,
)
from kooperacja.institutions.models import Institution

PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 50


def _posted_version(request: AuthenticatedHttpRequest) -> int | None:
    """The entry's version a confirm or remove button was shown with (None when not sent)."""
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


@require_safe
@login_required
def service_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The entries the user keeps, narrowed by the filters; with a way to add one."""
    user = request.user
    if not can_keep_services(user):
        raise PermissionDenied
    form = ManageFilterForm(request.GET or None)
    services = form.filter(services_for_manage_list(user))
    page = Paginator(services, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(service, upkeep.is_due_for_verification(service)) for service in page.object_list]
    params = request.GET.copy()
    params.pop("page", None)
    own = kept_institutions(user)
    search = InstitutionSearchForm(request.GET or None) if is_platform_admin(user) else None
    return render(
        request,
        "directory/manage/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": params.urlencode(),
            "own_institutions": own,
            "show_institution": is_platform_admin(user) or len(own) > 1,
            "search": search,
            "found": search.institutions() if search is not None else [],
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# --- Adding and editing a service --------------------------------------------------------------


def _refused(form: forms.BaseForm, refusal: ValidationError) -> int:
    """Put the services' refusal on the form; the status code to answer with."""
    put_refusal(form, refusal)
    return _refusal_status(refusal)


def _refusal_status(refusal: ValidationError) -> int:
    """409 when someone saved the entry since it was shown, 400 for anything else refused."""
    return 409 if isinstance(refusal, upkeep.StaleVersion) else 400


def _split_refusal(service_form: ServiceForm, place_form: LocationForm, refusal: ValidationError) -> int:
    """A refusal of create_service names fields of either form."""
    if not hasattr(refusal, "error_dict"):
        return _refused(service_form, refusal)
    for field, errors in refusal.error_dict.items():
        if field in place_form.fields or field.startswith("hours_"):
            place_form.add_error(field if field in place_form.fields else None, errors)
        else:
            service_form.add_error(field if field in service_form.fields else None, errors)
    return 400


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def service_add(request: AuthenticatedHttpRequest, institution_id: UUID) -> HttpResponse:
    institution = get_institution_for_service_add(request.user, institution_id)
    if request.method != "POST":
        form = ServiceForm(institution=institution)
        place = LocationForm(institution=institution, prefix="place")
        return _add_page(request, institution, form, place)
    form = ServiceForm(request.POST, institution=institution)
    place = LocationForm(request.POST, institution=institution, prefix="place")
    # `&`, not `and`: both forms are checked, so the page shows every error at once.
    if not (form.is_valid() & place.is_valid()):
        return _add_page(request, institution, form, place, status=400)
    try:
        service = upkeep.create_service(request.user, institution, form.service_fields(), place.location_fields())
    except ValidationError as refusal:
        return _add_page(request, institution, form, place, status=_split_refusal(form, place, refusal))
    messages.success(request, _("The service was added. Check the entry below; it is in the public directory now."))
    return redirect("directory:service_edit", public_id=service.public_id)


def _add_page(
    request: AuthenticatedHttpRequest,
    institution: Institution,
    form: ServiceForm,
    place: LocationForm,
    *,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "directory/manage/service_form.html",
        # One error summary lists the errors of both forms (the service's and its first place's).
        {"institution": institution, "form": form, "place": place, "summary_forms": [form, place]},
        status=status,
    )


def _edit_page(
    request: AuthenticatedHttpRequest,
    service: Service,
    form: ServiceForm,
    *,
    status: int = 200,
    refusal: ValidationError | None = None,
    conflict: list[Difference] | None = None,
    conflict_by: list[ServiceChange] | None = None,
) -> HttpResponse:
    places = [
        (sal, upkeep.location_title(sal.location))
        for sal in service.service_at_locations.select_related("location__municipality").order_by("id")
    ]
    return render(
        request,
        "directory/manage/service_form.html",
        {
            "institution": service.institution,
            "service": service,
            "form": form,
            "places": places,
            "due": upkeep.is_due_for_verification(service),
            "listed": service.status in LISTED_STATUSES and service.institution.is_active,
            "refusal": refusal,
            "conflict": conflict,
            # The last of the saves since the editor opened the form: who and when.
            "conflict_last": conflict_by[-1] if conflict_by else None,
            "assurer": upkeep.assurer_name(service),
            "summary_forms": [form],
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def service_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    service = get_service_for_edit(request.user, public_id)
    if request.method != "POST":
        return _edit_page(request, service, ServiceForm(instance=service, institution=service.institution))
    form = ServiceForm(request.POST, instance=service, institution=service.institution)
    if not form.is_valid():
        return _edit_page(request, service, form, status=400)
    try:
        upkeep.update_service(request.user, service, form.service_fields(), version=form.cleaned_data["version"] or 0)
    except upkeep.StaleVersion:
        return _conflict_page(request, service, form)
    except ValidationError as refusal:
        return _edit_page(request, service, form, status=_refused(form, refusal))
    messages.success(request, _("The changes were saved."))
    return redirect("directory:service_edit", public_id=service.public_id)


def _conflict_page(request: AuthenticatedHttpRequest, service: Service, typed: ServiceForm) -> HttpResponse:
    """Someone saved the entry after the editor opened it (409): the page says so first and
    lists the fields the others changed since the version the editor opened (the history says
    which) whose saved values now differ from the ones the editor typed: "saved now" against
    "your version". The form holds the editor's values and the version saved now: saving it
    again, after reading the difference, is the editor's confirmation and keeps the editor's
    version (unless yet another save came between). Nothing is lost: the other save is in the
    history."""
    opened = typed.cleaned_data.get("version") or 0
    service.refresh_from_db()
    since = list(service.changes.filter(version__gt=opened).select_related("actor").order_by("version", "id"))
    saved = ServiceForm(instance=service, institution=service.institution)
    saved_values = {name: saved[name].initial for name in saved.fields}
    changed = differences(
        typed, saved_values, only=fields_changed(change.changes for change in since), readers=CONFLICT_READERS
    )
    again = rebound(ServiceForm, request.POST, service.version, instance=service, institution=service.institution)
    return _edit_page(request, service, again, status=409, conflict=changed, conflict_by=since[-1:])


@require_POST
@login_required
def service_verify(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """ "The entry is up to date": the button on the edit page. The version it was shown with
    guards against confirming an entry someone changed meanwhile."""
    service = get_service_for_edit(request.user, public_id)
    try:
        upkeep.verify_service(request.user, service, version=_posted_version(request))
    except upkeep.StaleVersion as refusal:
        form = ServiceForm(instance=service, institution=service.institution)
        return _edit_page(request, service, form, status=409, refusal=refusal)
    messages.success(request, _("Thank you: the entry is marked up to date today."))
    return redirect("directory:service_edit", public_id=service.public_id)


@require_safe
@login_required
def service_history(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    service = get_service_for_edit(request.user, public_id)
    changes = service.changes.select_related("actor").order_by("-at", "-id")
    page = Paginator(changes, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = [upkeep.history_entry(change) for change in page.object_list]
    return render(
        request,
        "directory/manage/history.html",
        {"service": service, "page": page, "entries": entries, "query": ""},
    )


# --- Places ------------------------------------------------------------------------------------


def _place_page(
    request: AuthenticatedHttpRequest,
    service: Service,
    form: LocationForm,
    *,
    sal: ServiceAtLocation | None = None,
    status: int = 200,
    conflict: bool = False,
) -> HttpResponse:
    shared = 0
    if sal is not None:
        shared = ServiceAtLocation.objects.filter(location=sal.location).exclude(service=service).count()
    return render(
        request,
        "directory/manage/location_form.html",
        {
            "service": service,
            "institution": service.institution,
            "form": form,
            "sal": sal,
            "title": upkeep.location_title(sal.location) if sal else "",
            "shared": shared,
            "conflict": conflict,
        },
        status=status,
    )


def _with_current_version(
    request: AuthenticatedHttpRequest, service: Service, form: LocationForm, *, current: Any = None
) -> LocationForm:
    """The place form as the editor filled it, carrying the entry's version saved now: after a
    refusal because someone else saved the entry, saving it again keeps the editor's place."""
    service.refresh_from_db()
    return rebound(LocationForm, request.POST, service.version, institution=service.institution, current=current)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def location_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    service = get_service_for_edit(request.user, public_id)
    if request.method != "POST":
        form = LocationForm(institution=service.institution, initial={"version": service.version})
        return _place_page(request, service, form)
    form = LocationForm(request.POST, institution=service.institution)
    if not form.is_valid():
        return _place_page(request, service, form, status=400)
    try:
        upkeep.add_location(request.user, service, form.location_fields(), version=form.cleaned_data["version"] or 0)
    except upkeep.StaleVersion:
        return _place_page(request, service, _with_current_version(request, service, form), status=409, conflict=True)
    except ValidationError as refusal:
        return _place_page(request, service, form, status=_refused(form, refusal))
    messages.success(request, _("The place was added."))
    return redirect("directory:service_edit", public_id=service.public_id)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def location_edit(request: AuthenticatedHttpRequest, public_id: UUID, location_id: UUID) -> HttpResponse:
    service, sal = get_place_for_edit(request.user, public_id, location_id)
    current = sal.location.municipality
    if request.method != "POST":
        initial = LocationForm.initial_from(upkeep.location_values(service, sal), service.version)
        form = LocationForm(institution=service.institution, current=current, initial=initial)
        return _place_page(request, service, form, sal=sal)
    form = LocationForm(request.POST, institution=service.institution, current=current)
    if not form.is_valid():
        return _place_page(request, service, form, sal=sal, status=400)
    try:
        upkeep.update_location(
            request.user, service, sal, form.location_fields(), version=form.cleaned_data["version"] or 0
        )
    except upkeep.StaleVersion:
        again = _with_current_version(request, service, form, current=current)
        return _place_page(request, service, again, sal=sal, status=409, conflict=True)
    except ValidationError as refusal:
        return _place_page(request, service, form, sal=sal, status=_refused(form, refusal))
    messages.success(request, _("The changes were saved."))
    return redirect("directory:service_edit", public_id=service.public_id)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def location_remove(request: AuthenticatedHttpRequest, public_id: UUID, location_id: UUID) -> HttpResponse:
    """Ask, then stop listing the service at the place (its last place stays: see upkeep)."""
    service, sal = get_place_for_edit(request.user, public_id, location_id)
    context: dict[str, Any] = {"service": service, "sal": sal, "title": upkeep.location_title(sal.location)}
    if request.method != "POST":
        return render(request, "directory/manage/location_remove.html", context)
    try:
        # Without the version it was shown with, a removal cannot be checked against changes since.
        upkeep.remove_location(request.user, service, sal, version=_posted_version(request) or 0)
    except ValidationError as refusal:
        return render(
            request,
            "directory/manage/location_remove.html",
            {**context, "refusal": refusal},
            status=_refusal_status(refusal),
        )
    messages.success(request, _("The service is no longer listed at this place."))
    return redirect("directory:service_edit", public_id=service.public_id)
