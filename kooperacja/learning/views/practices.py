"""Good practices: the public list (search by words, gmina, tag, year), one practice, writing
and editing one (version-checked), and publishing or unpublishing it.

Access follows `learning.practice_policies`: drafts only for those who may write them (404
for others), changes 403 for readers."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kooperacja.core.forms.conflicts import differences, put_refusal, rebound
from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest, landing
from kooperacja.learning import practice_policies as policies
from kooperacja.learning import practices as service
from kooperacja.learning.forms.practices import PracticeFilterForm, PracticeForm
from kooperacja.learning.models import GoodPractice
from kooperacja.learning.practice_policies import PracticeAccess
from kooperacja.learning.views import form_page

PAGE_SIZE = 20


@require_safe
def practice_list(request: HttpRequest) -> HttpResponse:
    found = policies.scope(request.user)
    filters = PracticeFilterForm(
        request.GET,
        gminas=list(service.gminas_with_practices()),
        tags=list(service.tags_in_use()),
        years=service.years_in_use(),
    )
    chosen = filters.filters()
    practices = service.for_list(policies.visible_practices(request.user, found), **chosen)
    page = Paginator(practices, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "practices": page.object_list,
        "writes": found.writes_any,
        "filtered": any(value for value in chosen.values()),
        "query": query.urlencode(),
    }
    return render(request, "learning/practices/list.html", context, status=400 if filters.errors else 200)


def _detail_page(
    request: HttpRequest, practice: GoodPractice, access: PracticeAccess, *, stale: bool = False, status: int = 200
) -> HttpResponse:
    tags = list(practice.tags.order_by("name"))
    context = {"practice": practice, "access": access, "tags": tags, "stale": stale}
    return render(request, "learning/practices/detail.html", context, status=status)


@require_safe
def practice_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    practice, access = policies.get_practice_for_user(request.user, public_id)
    return _detail_page(request, practice, access)


def _data(form: PracticeForm) -> service.PracticeData:
    data = form.cleaned_data
    return service.PracticeData(
        municipality=data["municipality"],
        title=data["title"],
        summary=data["summary"],
        description=data["description"],
        results=data["results"],
        year=data["year"],
        tags=list(data["tags"]),
        new_tags=data["new_tags"],
    )


@require_http_methods(GET_POST)
@login_required
def practice_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    found = policies.scope(request.user)
    if not found.writes_any:
        raise PermissionDenied
    gminas = found.gminas()
    heading, back = _("Describe a good practice"), reverse("learning:practices")
    if request.method != "POST":
        initial: dict[str, Any] = {"year": timezone.localdate().year}
        if gminas.count() == 1:
            initial["municipality"] = gminas.get().code
        return form_page(request, PracticeForm(gminas=gminas, initial=initial), heading, back)
    form = PracticeForm(request.POST, gminas=gminas)
    if form.is_valid():
        try:
            practice = service.create_practice(request.user, _data(form))
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The practice was saved as a draft. Publish it when it is ready."))
            return landing("learning:practice", public_id=practice.public_id)
    return form_page(request, form, heading, back, status=400)


def _slugs(value: Any) -> str:
    return ", ".join(sorted(getattr(tag, "slug", tag) for tag in value or []))


def _code(value: Any) -> str:
    return str(getattr(value, "code", value) or "")


def _names(value: Any) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value or "")


READERS = {"tags": _slugs, "municipality": _code, "new_tags": _names}


@require_http_methods(GET_POST)
@login_required
def practice_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    practice, access = policies.get_practice_for_user(request.user, public_id)
    policies.require_writes(access)
    gminas = policies.scope(request.user).gminas()
    heading = _("Edit the practice „%(title)s”") % {"title": practice.title}
    back = reverse("learning:practice", args=[practice.public_id])
    if request.method != "POST":
        form = PracticeForm(gminas=gminas, initial=PracticeForm.initial_for(practice))
        return form_page(request, form, heading, back)
    form = PracticeForm(request.POST, gminas=gminas)
    if form.is_valid():
        try:
            service.update_practice(request.user, practice, form.cleaned_data["version"], _data(form))
        except service.StalePractice:
            practice.refresh_from_db()
            conflict = differences(form, PracticeForm.initial_for(practice), readers=READERS)
            again = rebound(PracticeForm, request.POST, practice.version, gminas=gminas)
            return form_page(request, again, heading, back, conflict=conflict, status=409)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The changes were saved."))
            return landing("learning:practice", public_id=practice.public_id)
    return form_page(request, form, heading, back, status=400)


@require_POST
@login_required
def practice_publish(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    practice, access = policies.get_practice_for_user(request.user, public_id)
    policies.require_publishes(access)
    publish = request.POST.get("publish")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    if version is None or publish not in ("0", "1"):
        messages.error(request, _("The form was incomplete: nothing was changed. Try again."))
        return _detail_page(request, practice, access, status=400)
    try:
        service.set_published(request.user, practice, version, published=publish == "1")
    except service.StalePractice:
        practice.refresh_from_db()
        return _detail_page(request, practice, access, stale=True, status=409)
    if publish == "1":
        messages.success(request, _("The practice is published: everyone can read it."))
    else:
        messages.success(request, _("The practice is a draft again: only those who may edit it see it."))
    return landing("learning:practice", public_id=practice.public_id)


urls: list[URLPattern] = [
    path("practices/", practice_list, name="practices"),
    path("practices/new/", practice_create, name="practice_create"),
    path("practices/<uuid:public_id>/", practice_detail, name="practice"),
    path("practices/<uuid:public_id>/edit/", practice_edit, name="practice_edit"),
    path("practices/<uuid:public_id>/publish/", practice_publish, name="practice_publish"),
]
