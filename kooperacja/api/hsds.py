"""/api/v1/hsds/: the HSDS 3.0 API of the service directory (the paths of the official openapi.json).

Public reads (no token), of what the public directory lists: services that are active or
temporarily closed, of active institutions (`Service.objects.listed()`); organizations are
the active institutions with such a service; taxonomies and terms are all public. Lists are
paged as HSDS's openapi.json defines — `?page=&per_page=` answering its Page object
(`total_items`, `total_pages`, `page_number`, `size`, `first_page`, `last_page`, `empty`,
`contents`) — not the `{"items", "count"}` of the rest of our API. Errors keep our error
shape. Objects are built by the same serialiser as `export_hsds` (kooperacja.directory.hsds).
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from kooperacja.api.errors import ApiError
from kooperacja.api.paging import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE
from kooperacja.directory.hsds import serialise
from kooperacja.directory.models import (
    Service,
    ServiceAtLocation,
    ServiceQuerySet,
    Taxonomy,
    TaxonomyTerm,
)
from kooperacja.institutions.models import Institution

router = Router(tags=["hsds"])

HSDS_VERSION = "3.0"
M = TypeVar("M", bound=Model)


class ApiInfoOut(Schema):
    version: str = Field(description="HSDS version of this API.")
    openapi_url: str = Field(description="URL of the OpenAPI document which defines this API.")


class PageOut(Schema):
    """HSDS's Page object with the page's `contents`."""

    total_items: int = Field(description="The total number of entities matching the request.")
    total_pages: int = Field(description="Count of total pages.")
    page_number: int = Field(description="The number of the current page, from 1.")
    size: int = Field(description="The number of entities in the current page.")
    first_page: bool
    last_page: bool
    empty: bool = Field(description="Whether this page holds no entity.")
    contents: list[dict[str, Any]]


class Paging(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    per_page: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, 1–{MAX_PAGE_SIZE}.")
    search: str | None = Field(None, max_length=200, description="Words the results must match.")
    format: Literal["json"] = Field("json", description="Only `json`: the `ndjson` stream is not offered.")


class ServiceFilters(Paging):
    taxonomy_term_id: uuid.UUID | None = Field(None, description="Only services with this taxonomy term.")
    taxonomy_id: uuid.UUID | None = Field(None, description="Only services with a term of this taxonomy.")
    organization_id: uuid.UUID | None = Field(None, description="Only services of this organization.")
    modified_after: dt.datetime | None = Field(None, description="Only services changed on or after this time.")
    minimal: bool = Field(False, description="Only each service's `id` and `last_modified`.")
    full: bool = Field(False, description="Fully nested services.")


class OrganizationFilters(Paging):
    full: bool = Field(False, description="Fully nested organizations.")
    full_service: bool = Field(False, description="Fully nested services in each organization (with `full`).")


class ServiceAtLocationFilters(Paging):
    taxonomy_term_id: uuid.UUID | None = None
    taxonomy_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    modified_after: dt.datetime | None = None
    full: bool = Field(False, description="Fully nested service-at-locations.")
    postcode: str | None = Field(None, max_length=20, description="Only locations with this postal code.")


class TaxonomyTermFilters(Paging):
    taxonomy_id: uuid.UUID | None = None
    top_only: bool = Field(False, description="Only terms without a parent.")
    parent_id: uuid.UUID | None = Field(None, description="Only the children of this term.")


# --- Helpers --------------------------------------------------------------------------------


def _clean_text(text: str | None) -> str:
    """Search words without control characters (PostgreSQL refuses NUL in a query)."""
    return "".join(char for char in (text or "") if char.isprintable()).strip()


def _aware(moment: dt.datetime) -> dt.datetime:
    """The moment in UTC: ISO 8601 allows offsets (up to ±23:59) that PostgreSQL refuses."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    try:
        return moment.astimezone(dt.UTC)
    except OverflowError:  # within a day of year 1 or year 9999
        if moment.year == 1:
            return dt.datetime.min.replace(tzinfo=dt.UTC)
        return dt.datetime.max.replace(tzinfo=dt.UTC)


def _public_id(value: str) -> uuid.UUID:
    """The id of a path: an id that is not a UUID names nothing, so 404."""
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ApiError(404) from None


def _one(queryset: QuerySet[M], id: str) -> M:
    """The object a path's id names among those served; 404 (error shape) for any other id."""
    found = queryset.filter(public_id=_public_id(id)).first()
    if found is None:
        raise ApiError(404)
    return found


def _page(queryset: QuerySet[M], paging: Paging, build: Callable[[list[M]], list[dict[str, Any]]]) -> dict[str, Any]:
    total = queryset.count()
    offset = (paging.page - 1) * paging.per_page
    contents = build(list(queryset[offset : offset + paging.per_page])) if offset < total else []
    pages = math.ceil(total / paging.per_page)
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": paging.page,
        "size": len(contents),
        "first_page": paging.page == 1,
        "last_page": paging.page >= pages,
        "empty": not contents,
        "contents": contents,
    }


def listed_services() -> ServiceQuerySet:
    return Service.objects.listed()


def _filter_services(services: ServiceQuerySet, filters: ServiceFilters | ServiceAtLocationFilters) -> ServiceQuerySet:
    if search := _clean_text(filters.search):
        services = services.matching(search)
    if filters.taxonomy_term_id:
        services = services.with_any_term(TaxonomyTerm.objects.filter(public_id=filters.taxonomy_term_id))
    if filters.taxonomy_id:
        services = services.with_any_term(TaxonomyTerm.objects.filter(taxonomy__public_id=filters.taxonomy_id))
    if filters.organization_id:
        services = services.filter(institution__public_id=filters.organization_id)
    if filters.modified_after:
        services = services.filter(updated_at__gte=_aware(filters.modified_after))
    return services


def listed_organizations() -> QuerySet[Institution]:
    return Institution.objects.filter(is_active=True, id__in=listed_services().values("institution_id"))


def _organizations(institutions: Sequence[Institution], *, full_service: bool) -> list[dict[str, Any]]:
    """Fully nested organizations with their listed services (one-to-one fields, or full)."""
    queryset = listed_services().filter(institution__in=institutions).order_by("name", "id")
    if not full_service:
        return serialise.Compiler().organizations(institutions, serialise.service_stand_ins(queryset))
    compiler = serialise.Compiler()
    services: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for service in serialise.services_for_hsds(queryset):
        services[service.institution_id].append(compiler.service(service))
    return compiler.organizations(institutions, services)


def _sal_queryset() -> QuerySet[ServiceAtLocation]:
    return ServiceAtLocation.objects.filter(service__in=listed_services()).select_related(
        "service__institution__municipality",
        "service__institution__county",
        "service__institution__voivodeship",
        "location__institution",
        "location__municipality",
    )


def _full_sal_queryset() -> QuerySet[ServiceAtLocation]:
    return _sal_queryset().prefetch_related(
        *serialise.service_prefetches("service__", with_locations=False),
        *serialise.location_prefetches("location__"),
        *serialise.service_at_location_prefetches(),
    )


def _compiled_sals(sals: Sequence[ServiceAtLocation]) -> list[dict[str, Any]]:
    compiler = serialise.Compiler()
    return [compiler.service_at_location(sal, with_service=True) for sal in sals]


def _term(term: TaxonomyTerm) -> dict[str, Any]:
    return serialise.compiled_term(term)


def _terms() -> QuerySet[TaxonomyTerm]:
    return TaxonomyTerm.objects.select_related("taxonomy", "parent")


# --- Operations ---------------------------------------------------------------------------------


@router.get(
    "/", response=ApiInfoOut, auth=None, summary="About this API and its relation to HSDS", operation_id="hsdsInfo"
)
def api_info(request: HttpRequest) -> dict[str, Any]:
    return {"version": HSDS_VERSION, "openapi_url": request.build_absolute_uri("/api/v1/openapi.json")}


@router.get("/services", response=PageOut, auth=None, summary="Listed services, paged", operation_id="hsdsServices")
def services(request: HttpRequest, filters: Query[ServiceFilters]) -> dict[str, Any]:
    queryset = _filter_services(listed_services(), filters).order_by("name", "id")
    if filters.full:
        compiler = serialise.Compiler()
        return _page(
            serialise.services_for_hsds(queryset),
            filters,
            lambda page: [compiler.service(service) for service in page],
        )
    if filters.minimal:
        return _page(
            queryset,
            filters,
            lambda page: [{"id": str(s.public_id), "last_modified": serialise.timestamp(s.updated_at)} for s in page],
        )
    return _page(
        queryset.select_related("institution"),
        filters,
        lambda page: [serialise.present(serialise.service_row(service)) for service in page],
    )


@router.get(
    "/services/{id}",
    response=dict[str, Any],
    auth=None,
    summary="A fully nested service (HSDS compiled service.json)",
    operation_id="hsdsService",
)
def service(request: HttpRequest, id: str) -> dict[str, Any]:
    return serialise.Compiler().service(_one(serialise.services_for_hsds(listed_services()), id))


@router.get(
    "/organizations",
    response=PageOut,
    auth=None,
    summary="Organizations with listed services, paged",
    operation_id="hsdsOrganizations",
)
def organizations(request: HttpRequest, filters: Query[OrganizationFilters]) -> dict[str, Any]:
    queryset = serialise.institutions_for_hsds(listed_organizations()).order_by("name", "id")
    if search := _clean_text(filters.search):
        queryset = queryset.filter(Q(name__icontains=search) | Q(short_name__icontains=search))
    if filters.full:
        return _page(queryset, filters, lambda page: _organizations(page, full_service=filters.full_service))
    return _page(queryset, filters, lambda page: [serialise.present(serialise.organization_row(item)) for item in page])


@router.get(
    "/organizations/{id}",
    response=dict[str, Any],
    auth=None,
    summary="A fully nested organization (HSDS compiled organization.json)",
    operation_id="hsdsOrganization",
)
def organization(request: HttpRequest, id: str, full_service: bool = False) -> dict[str, Any]:
    found = _one(serialise.institutions_for_hsds(listed_organizations()), id)
    return _organizations([found], full_service=full_service)[0]


@router.get(
    "/service_at_locations",
    response=PageOut,
    auth=None,
    summary="Where listed services are delivered, paged",
    description="HSDS's `proximity` is not offered: a request with it answers 422.",
    operation_id="hsdsServiceAtLocations",
)
def service_at_locations(request: HttpRequest, filters: Query[ServiceAtLocationFilters]) -> dict[str, Any]:
    # HSDS's `proximity` needs postcode centroids we do not hold: refused, not silently ignored.
    if request.GET.get("proximity"):
        raise ApiError(422, errors=[("proximity", _("Searching by distance is not offered; use postcode."))])
    queryset = _full_sal_queryset() if filters.full else _sal_queryset()
    queryset = queryset.filter(service__in=_filter_services(listed_services(), filters)).order_by("pk")
    if postcode := _clean_text(filters.postcode):
        queryset = queryset.filter(location__addresses__postal_code=postcode).distinct()
    if filters.full:
        return _page(queryset, filters, _compiled_sals)
    return _page(
        queryset, filters, lambda page: [serialise.present(serialise.service_at_location_row(sal)) for sal in page]
    )


@router.get(
    "/service_at_locations/{id}",
    response=dict[str, Any],
    auth=None,
    summary="A fully nested service-at-location (HSDS compiled service_at_location.json)",
    operation_id="hsdsServiceAtLocation",
)
def service_at_location(request: HttpRequest, id: str) -> dict[str, Any]:
    return _compiled_sals([_one(_full_sal_queryset(), id)])[0]


@router.get("/taxonomies", response=PageOut, auth=None, summary="Taxonomies, paged", operation_id="hsdsTaxonomies")
def taxonomies(request: HttpRequest, filters: Query[Paging]) -> dict[str, Any]:
    queryset = Taxonomy.objects.order_by("code")
    if search := _clean_text(filters.search):
        queryset = queryset.filter(Q(name__icontains=search) | Q(description__icontains=search))
    return _page(queryset, filters, lambda page: [serialise.present(serialise.taxonomy_row(item)) for item in page])


@router.get("/taxonomies/{id}", response=dict[str, Any], auth=None, summary="A taxonomy", operation_id="hsdsTaxonomy")
def taxonomy(request: HttpRequest, id: str) -> dict[str, Any]:
    return serialise.present(serialise.taxonomy_row(_one(Taxonomy.objects.all(), id)))


@router.get(
    "/taxonomy_terms", response=PageOut, auth=None, summary="Taxonomy terms, paged", operation_id="hsdsTaxonomyTerms"
)
def taxonomy_terms(request: HttpRequest, filters: Query[TaxonomyTermFilters]) -> dict[str, Any]:
    queryset = _terms()
    if search := _clean_text(filters.search):
        queryset = queryset.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if filters.taxonomy_id:
        queryset = queryset.filter(taxonomy__public_id=filters.taxonomy_id)
    if filters.top_only:
        queryset = queryset.filter(parent__isnull=True)
    if filters.parent_id:
        queryset = queryset.filter(parent__public_id=filters.parent_id)
    return _page(queryset, filters, lambda page: [_term(item) for item in page])


@router.get(
    "/taxonomy_terms/{id}",
    response=dict[str, Any],
    auth=None,
    summary="A taxonomy term",
    operation_id="hsdsTaxonomyTerm",
)
def taxonomy_term(request: HttpRequest, id: str) -> dict[str, Any]:
    return _term(_one(_terms(), id))
