"""Pages of the Księga Rekomendacji: the published versions with their PDFs, publishing a new
version and previewing it.

Every signed-in user reads; publishing and previewing follow `learning.book_policies` (403
otherwise)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kooperacja.community.models import Programme
from kooperacja.core.forms.conflicts import put_refusal
from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest, landing, serve_private_file
from kooperacja.learning import book as service
from kooperacja.learning import book_policies as policies
from kooperacja.learning.forms.book import PublishForm
from kooperacja.learning.models import Recommendation, RecommendationBook, RecommendationStatus


@require_safe
@login_required
def book_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    groups = service.versions(policies.programmes_published_by(request.user))
    return render(request, "learning/book/list.html", {"groups": groups})


@require_safe
@login_required
def book_download(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponseBase:
    book = policies.get_book_for_user(request.user, public_id)
    return serve_private_file(book.file, filename=service.download_name(book), content_type="application/pdf")


def _publish_page(
    request: AuthenticatedHttpRequest, programme: Programme, form: PublishForm, *, status: int = 200
) -> HttpResponse:
    statuses = dict.fromkeys(RecommendationStatus.values, 0)
    for value in Recommendation.objects.filter(programme=programme).values_list("status", flat=True):
        statuses[value] += 1
    latest = RecommendationBook.objects.filter(programme=programme).order_by("-number").first()
    context = {
        "programme": programme,
        "form": form,
        "adopted": sum(statuses[value] for value in service.ADOPTED),
        "rejected": statuses[RecommendationStatus.REJECTED],
        "proposed": statuses[RecommendationStatus.PROPOSED],
        "latest": latest,
        "next_number": latest.number + 1 if latest else 1,
    }
    return render(request, "learning/book/publish.html", context, status=status)


@require_http_methods(GET_POST)
@login_required
def book_publish(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    programme = policies.get_programme_to_publish(request.user, public_id)
    if request.method != "POST":
        return _publish_page(request, programme, PublishForm())
    form = PublishForm(request.POST)
    if form.is_valid():
        try:
            book = service.publish(
                request.user,
                programme,
                form.cleaned_data["note"],
                publisher_institution=policies.publisher_institution(request.user, programme),
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(
                request, _("Version %(number)d of the Księga Rekomendacji was published.") % {"number": book.number}
            )
            return landing("learning:books", f"book-{book.public_id}")
    return _publish_page(request, programme, form, status=400)


@require_safe
@login_required
def book_preview(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    programme = policies.get_programme_to_publish(request.user, public_id)
    response = HttpResponse(service.preview(programme), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="ksiega-rekomendacji-podglad.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


urls: list[URLPattern] = [
    path("book/", book_list, name="books"),
    path("book/versions/<uuid:public_id>/pdf/", book_download, name="book_download"),
    path("book/<uuid:public_id>/publish/", book_publish, name="book_publish"),
    path("book/<uuid:public_id>/preview.pdf", book_preview, name="book_preview"),
]
