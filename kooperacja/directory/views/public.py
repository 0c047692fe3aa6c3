"""The public service directory (DESIGN.md §4): search, a service's page, the printable Informator.

Anyone may use these pages without signing in. They show services, never people, so nothing
here is audited. Only listed services are public (active or temporarily closed, of an active
institution). The page of a service that is no longer listed (inactive, defunct, or of an
institution no longer active) answers 410 Gone: a short page saying the service is no longer
offered, with its institution and a search for similar services, since residents keep old
links and printouts. An id no service has is 404. Its institution's staff still see the entry
on their own pages. What the pages show is arranged in `directory.presentation`; the
Informator's PDF is made in `directory.informator`.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from kooperacja.directory.forms import COUNT_CAP, GMINA_CODE, MAX_PAGE, DirectorySearchForm, FilterChoices
from kooperacja.directory.informator import informator_pdf
from kooperacja.directory.models import CATEGORIES, LINK_TYPES, Service, ServiceStatus
from kooperacja.directory.presentation import Result, ResultsPage, found_text, service_page
from kooperacja.territory.models import Municipality


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """GET /directory/?q=&gmina=&category=&group=&access=&free=1&page=N.

    An unknown code or a bad page number answers 400 with the form and a message naming the
    field (the same rule as the staff lists), never an error page."""
    form = DirectorySearchForm(request.GET, choices=FilterChoices.load())
    if not form.is_valid():
        invalid: dict[str, Any] = {
            "form": form,
            "page": None,
            "results": [],
            "more_filters_open": form.more_filters_open,
        }
        return render(request, "directory/public/search.html", invalid, status=400)
    page = ResultsPage.of(form.filter(Service.objects.listed()), form.page_number)
    return render(
        request,
        "directory/public/search.html",
        {
            "form": form,
            "page": page,
            "results": [Result.of(service) for service in page.items],
            "found": found_text(page),
            "query": form.query_without_page(),
            "gmina": form.cleaned_data.get("gmina"),
            "searched": form.has_filters,
            "more_filters_open": form.more_filters_open,
            "next_allowed": page.has_next and page.number < MAX_PAGE,
            "count_cap": COUNT_CAP,
        },
    )


@require_safe
def service_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """GET /directory/services/<uuid>/: how to get help, contact, hours, accessibility, cost;
    410 for a service no longer listed, 404 for an unknown id."""
    service = Service.objects.listed().for_public_page().filter(public_id=public_id).first()
    if service is None:
        return _gone(request, public_id)
    return render(
        request,
        "directory/public/service.html",
        {
            "shown": service_page(service),
            "service": service,
            "closed": service.status == ServiceStatus.TEMPORARILY_CLOSED,
        },
    )


def _gone(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The 410 page of a service no longer listed: its name, its institution and a search for
    similar services (its first category in use, in the gmina of its first place)."""
    service = Service.objects.select_related("institution").filter(public_id=public_id).first()
    if service is None:
        raise Http404
    params: list[tuple[str, str]] = []
    gmina = (
        service.service_at_locations.filter(location__municipality__isnull=False)
        .order_by("id")
        .values_list("location__municipality__code", flat=True)
        .first()
    )
    if gmina:
        params.append(("gmina", gmina))
    category = (
        service.attributes.filter(
            link_type=LINK_TYPES[CATEGORIES], taxonomy_term__taxonomy__code=CATEGORIES, taxonomy_term__is_active=True
        )
        .order_by("taxonomy_term__position", "id")
        .values_list("taxonomy_term__code", flat=True)
        .first()
    )
    if category:
        params.append(("category", category))
    search_url = reverse("directory:search") + (f"?{urlencode(params)}" if params else "")
    return render(
        request,
        "directory/public/gone.html",
        {"service": service, "institution": service.institution, "search_url": search_url},
        status=410,
    )


@require_safe
def informator(request: HttpRequest, teryt: str) -> HttpResponse:
    """GET /directory/gminas/<teryt>/informator.pdf: the Informator of a gmina; 404 for a code
    that is not a known gmina."""
    if not GMINA_CODE.fullmatch(teryt):
        raise Http404
    gmina = get_object_or_404(Municipality.objects.with_parents(), code=teryt)
    response = HttpResponse(informator_pdf(request, gmina), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="informator-{gmina.code}.pdf"'
    return response
