"""The materials library: the list (public: everyone sees what they may open), downloading a
material, uploading one, changing what is said about it and deleting it.

Access follows `learning.library_policies`: a material the viewer may not open is 404 (anonymous
users are sent to sign in), keeping one is for administrators and the analysts of its region."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kooperacja.core.forms.conflicts import differences, put_refusal, rebound
from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest, landing, serve_private_file
from kooperacja.learning import library as service
from kooperacja.learning import library_policies as policies
from kooperacja.learning.forms.library import MaterialFilterForm, MaterialForm, UploadForm
from kooperacja.learning.models import Material

FORM_TEMPLATE = "teams/team/form.html"
PAGE_SIZE = 50


@require_safe
def material_list(request: HttpRequest) -> HttpResponse:
    filters = MaterialFilterForm(request.GET)
    chosen = filters.filters()
    materials = service.for_list(
        policies.visible_materials(request.user),
        query=chosen.get("q", ""),
        topic=chosen.get("topic", ""),
        kind=chosen.get("kind", ""),
    )
    page = Paginator(materials, PAGE_SIZE).get_page(request.GET.get("page"))
    keeper = policies.keeper(request.user)
    rows = [(material, keeper.keeps(material)) for material in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "rows": rows,
        "uploads": keeper.uploads,
        "filtered": any(chosen.values()),
        "query": query.urlencode(),
    }
    return render(request, "learning/library/list.html", context, status=400 if filters.errors else 200)


@require_safe
def material_file(request: HttpRequest, public_id: UUID) -> HttpResponseBase:
    try:
        material, _keeps = policies.get_material_for_user(request.user, public_id)
    except policies.SignInFirst:
        return redirect_to_login(request.get_full_path())
    return serve_private_file(material.file, filename=material.filename, content_type=material.content_type)


def _data(request: AuthenticatedHttpRequest, form: MaterialForm) -> service.MaterialData:
    data = form.cleaned_data
    return service.MaterialData(
        title=data["title"],
        description=data["description"],
        kind=data["kind"],
        topic=data["topic"],
        access_level=data["access_level"],
        voivodeship=data["voivodeship"] or policies.home_voivodeship(request.user),
    )


def _form_page(
    request: HttpRequest,
    form: MaterialForm,
    heading: str,
    *,
    intro: str = "",
    conflict: Any = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "heading": heading,
        "intro": intro,
        "conflict": conflict,
        "back": reverse("learning:materials"),
        "submit": _("Save"),
        "multipart": isinstance(form, UploadForm),
    }
    return render(request, FORM_TEMPLATE, context, status=status)


@require_http_methods(GET_POST)
@login_required
def material_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policies.may_upload(request.user):
        raise PermissionDenied
    voivodeships = policies.upload_voivodeships(request.user)
    heading = _("Add a material")
    intro = _("The file is checked by its content: a PDF, a JPEG or PNG image, or a DOCX or ODT document.")
    if request.method != "POST":
        home = policies.home_voivodeship(request.user)
        initial = {"voivodeship": home.code} if home else {}
        return _form_page(request, UploadForm(voivodeships=voivodeships, initial=initial), heading, intro=intro)
    form = UploadForm(request.POST, request.FILES, voivodeships=voivodeships)
    if form.is_valid():
        try:
            service.upload_material(request.user, _data(request, form), form.cleaned_data["file"], allowed=voivodeships)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The material was added to the library."))
            return landing("learning:materials")
    return _form_page(request, form, heading, intro=intro, status=400)


def _voivodeship_code(value: Any) -> str:
    return str(getattr(value, "code", value) or "")


def _kept(request: AuthenticatedHttpRequest, public_id: UUID) -> Material:
    try:
        material, keeps = policies.get_material_for_user(request.user, public_id)
    except policies.SignInFirst:  # login_required came first: not reached
        raise PermissionDenied from None
    policies.require_keeps(keeps)
    return material


@require_http_methods(GET_POST)
@login_required
def material_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    material = _kept(request, public_id)
    voivodeships = policies.upload_voivodeships(request.user)
    heading = _("Edit the material „%(title)s”") % {"title": material.title}
    if request.method != "POST":
        form = MaterialForm(voivodeships=voivodeships, initial=MaterialForm.initial_for(material))
        return _form_page(request, form, heading)
    form = MaterialForm(request.POST, voivodeships=voivodeships)
    if form.is_valid():
        try:
            service.update_material(
                request.user, material, form.cleaned_data["version"], _data(request, form), allowed=voivodeships
            )
        except service.StaleMaterial:
            material.refresh_from_db()
            conflict = differences(form, MaterialForm.initial_for(material), readers={"voivodeship": _voivodeship_code})
            again = rebound(MaterialForm, request.POST, material.version, voivodeships=voivodeships)
            return _form_page(request, again, heading, conflict=conflict, status=409)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The changes were saved."))
            return landing("learning:materials")
    return _form_page(request, form, heading, status=400)


@require_http_methods(GET_POST)
@login_required
def material_delete(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    material = _kept(request, public_id)
    if request.method == "POST":
        service.delete_material(request.user, material)
        messages.success(request, _("The material „%(title)s” was deleted.") % {"title": material.title})
        return landing("learning:materials")
    context: dict[str, Any] = {"material": material}
    return render(request, "learning/library/delete.html", context)


urls: list[URLPattern] = [
    path("materials/", material_list, name="materials"),
    path("materials/new/", material_upload, name="material_upload"),
    path("materials/<uuid:public_id>/file/", material_file, name="material_file"),
    path("materials/<uuid:public_id>/edit/", material_edit, name="material_edit"),
    path("materials/<uuid:public_id>/delete/", material_delete, name="material_delete"),
]
