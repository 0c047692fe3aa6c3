"""/api/v1/services: the public service directory as JSON (DESIGN.md §4). No token needed.

`GET /api/v1/services?q=&gmina=&category=&group=&access=&free=` searches as the public page
does (the same form and search rule); `GET /api/v1/services/{id}` gives one service with what a
resident needs to get help. Only listed services are public (active or temporarily closed, of
an active institution). The id of a service no longer listed (inactive, defunct, or of an
institution no longer active) answers 410 Gone, as its web page does, so a consumer can drop
its copy; an id no service has answers 404. Both in the error shape.

A retired taxonomy term's code is still accepted as a filter (codes are stable; links and
saved searches keep working), and services keep showing the retired terms they carry. A
`gmina` that is not 7 digits is refused (422) with a message in the client's language.

Paging is `?page=&page_size=` -> `{"items": [...], "count": N, "count_capped": bool}`. The
count never reads every matching row: it stops at COUNT_CAP + 1, so `count` is exact up to
COUNT_CAP and is COUNT_CAP + 1 with `count_capped: true` when more services match ("more than
1000"). Pages past the end are empty.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from kooperacja.api.errors import ApiError
from kooperacja.api.paging import PageNumberPaging
from kooperacja.api.schemas import InstitutionRef
from kooperacja.directory.forms import COUNT_CAP, DirectorySearchForm, FilterChoices
from kooperacja.directory.models import (
    ACCESSIBILITY,
    CATEGORIES,
    TARGET_GROUPS,
    Location,
    Phone,
    Service,
    ServiceStatus,
)
from kooperacja.directory.presentation import PhoneLine, ResultsPage, places_of, service_page, terms_of
from kooperacja.territory.models import Municipality

router = Router(tags=["directory"])

GMINA_CODE = re.compile(r"\d{7}")
GONE = _("This service is no longer offered: its institution ended it or stopped it for a longer time.")


class ServiceFilters(Schema):
    q: str = Field("", max_length=200, description="Words to find (Polish folding and lemmas; every word must match).")
    gmina: str | None = Field(
        None, pattern=r"^\d{7}$", description="7-digit TERYT code of a gmina: services open to its residents."
    )
    category: str | None = Field(
        None,
        max_length=80,
        description=(
            "Code of a term of the kooperacja-categories taxonomy; a top-level category includes those below it."
        ),
    )
    group: str | None = Field(None, max_length=80, description="Code of a target group (kooperacja-groups).")
    access: str | None = Field(
        None, max_length=80, description="Code of an accessibility feature (kooperacja-accessibility)."
    )
    free: bool | None = Field(None, description="true: only services free of charge (false: no filter).")

    @field_validator("gmina", mode="before")
    @classmethod
    def _gmina_code(cls, value: Any) -> Any:
        """pydantic's own pattern message is English; this one is in the client's language."""
        if value is not None and not (isinstance(value, str) and GMINA_CODE.fullmatch(value)):
            raise PydanticCustomError("gmina_code", str(_("Enter the 7-digit TERYT code of the gmina.")))
        return value


class TermOut(Schema):
    code: str
    name: str


class GminaOut(Schema):
    code: str = Field(description="7-digit TERYT code.")
    name: str


class AddressOut(Schema):
    address_1: str
    address_2: str
    postal_code: str
    city: str
    region: str
    state_province: str
    country: str


class LocationItemOut(Schema):
    id: UUID
    name: str
    gmina: GminaOut | None
    addresses: list[AddressOut]


class PhoneOut(Schema):
    number: str
    extension: int | None
    description: str


class ContactOut(Schema):
    name: str
    title: str
    department: str
    email: str
    phones: list[PhoneOut]


class LocationOut(LocationItemOut):
    description: str
    transportation: str
    hours: list[str] = Field(description="Opening hours in words, in the client's language (Polish by default).")
    phones: list[PhoneOut]
    accessibility: list[str]


class CostOut(Schema):
    option: str
    amount: Decimal | None
    currency: str
    amount_description: str


class LanguageOut(Schema):
    code: str
    name: str
    note: str


class ServiceItemOut(Schema):
    id: UUID
    name: str
    alternate_name: str
    description: str
    status: ServiceStatus
    institution: InstitutionRef
    categories: list[TermOut]
    target_groups: list[TermOut]
    accessibility: list[TermOut]
    free_of_charge: bool
    referral_required: bool
    places: int | None
    free_places: int | None
    waiting_list: int | None
    locations: list[LocationItemOut]
    assured_date: dt.date | None = Field(description="When the institution last confirmed the entry.")
    web_page: str = Field(description="The service's page in the public directory.")


class ServiceOut(ServiceItemOut):
    alert: str
    email: str
    website: str
    application_process: str
    eligibility_description: str
    minimum_age: int | None
    maximum_age: int | None
    residence_gminas: list[GminaOut] = Field(description="Only residents of these gminas; empty: any it reaches.")
    income_criterion_percent: int | None = Field(
        description="Income per person at most this % of the statutory income criterion of social assistance."
    )
    disability_certificate_required: bool
    required_documents: list[str]
    fees_description: str
    cost_options: list[CostOut]
    interpretation_services: str
    languages: list[LanguageOut]
    phones: list[PhoneOut]
    contacts: list[ContactOut]
    hours: list[str] = Field(description="Opening hours of the service as a whole, in words.")
    locations: list[LocationOut]  # type: ignore[assignment]


def _terms(service: Service, taxonomy: str) -> list[dict[str, str]]:
    return [{"code": term.code, "name": term.name} for term in terms_of(service, taxonomy)]


def _gmina(gmina: Municipality | None) -> dict[str, str] | None:
    return {"code": gmina.code, "name": gmina.name} if gmina is not None else None


def _location(location: Location) -> dict[str, Any]:
    return {
        "id": location.public_id,
        "name": location.name,
        "gmina": _gmina(location.municipality),
        "addresses": [
            {name: getattr(address, name) for name in AddressOut.model_fields} for address in location.addresses.all()
        ],
    }


def _phone(phone: Phone | PhoneLine) -> dict[str, Any]:
    return {"number": phone.number, "extension": phone.extension, "description": phone.description}


def service_item(service: Service, request: HttpRequest) -> dict[str, Any]:
    """A service as a list item: what a consumer shows in a list of results (read through
    `ServiceQuerySet.for_public_list()` or `for_public_page()`)."""
    return {
        "id": service.public_id,
        "name": service.name,
        "alternate_name": service.alternate_name,
        "description": service.description,
        "status": service.status,
        "institution": {"id": service.institution.public_id, "name": service.institution.name},
        "categories": _terms(service, CATEGORIES),
        "target_groups": _terms(service, TARGET_GROUPS),
        "accessibility": _terms(service, ACCESSIBILITY),
        "free_of_charge": service.free_of_charge,
        "referral_required": service.referral_required,
        "places": service.places,
        "free_places": service.free_places,
        "waiting_list": service.waiting_list,
        "locations": [_location(sal.location) for sal in places_of(service)],
        "assured_date": service.assured_date,
        "web_page": request.build_absolute_uri(reverse("directory:service", kwargs={"public_id": service.public_id})),
    }


def service_detail(service: Service, request: HttpRequest) -> dict[str, Any]:
    """A service with everything its public page shows, arranged as the page arranges it."""
    shown = service_page(service)
    found = service_item(service, request)
    found["locations"] = [
        {
            **_location(place.location),
            "description": place.description,
            "transportation": place.location.transportation,
            "hours": place.hours,
            "phones": [_phone(phone) for phone in place.phones],
            "accessibility": [
                " — ".join(part for part in (item.description, item.details) if part) for item in place.accessibility
            ],
        }
        for place in shown.places
    ]
    found.update(
        {
            "alert": service.alert,
            "email": service.email,
            "website": shown.website,
            "application_process": service.application_process,
            "eligibility_description": service.eligibility_description,
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "residence_gminas": [_gmina(gmina) for gmina in shown.residence],
            "income_criterion_percent": service.income_criterion_percent,
            "disability_certificate_required": service.disability_certificate_required,
            "required_documents": [document.document for document in service.required_documents.all()],
            "fees_description": service.fees_description,
            "cost_options": [
                {
                    "option": option.option,
                    "amount": option.amount,
                    "currency": option.currency,
                    "amount_description": option.amount_description,
                }
                for option in service.cost_options.all()
            ],
            "interpretation_services": service.interpretation_services,
            "languages": [
                {"code": language.code, "name": language.name, "note": language.note}
                for language in service.languages.all()
            ],
            "phones": [_phone(phone) for phone in service.phones.all()],
            "contacts": [
                {
                    "name": contact.name,
                    "title": contact.title,
                    "department": contact.department,
                    "email": contact.email,
                    "phones": [_phone(phone) for phone in phones],
                }
                for contact, phones in shown.contacts
            ],
            "hours": shown.hours,
        }
    )
    return found


class ServicePageOut(Schema):
    items: list[ServiceItemOut]
    count: int = Field(
        description=f"Matching services, exact up to {COUNT_CAP}; {COUNT_CAP + 1} means more than {COUNT_CAP}."
    )
    count_capped: bool = Field(description=f"True when more than {COUNT_CAP} services match.")


@router.get("", response=ServicePageOut, auth=None, summary="Search the public service directory")
def list_services(
    request: HttpRequest, filters: Query[ServiceFilters], paging: Query[PageNumberPaging.Input]
) -> dict[str, Any]:
    """Services matching every word and filter, by name. Unknown codes answer 422 naming the
    field. The count stops at 1001 (`count_capped`); pages past the end are empty."""
    params = {name: value for name, value in filters.dict().items() if value not in (None, "", False)}
    if params.get("free"):
        params["free"] = "1"
    form = DirectorySearchForm(params, choices=FilterChoices.load(gmina_list=False))
    del form.fields["page"]
    if not form.is_valid():
        raise ApiError(422, errors=[(field, str(error)) for field, errors in form.errors.items() for error in errors])
    page = ResultsPage.of(form.filter(Service.objects.listed()), paging.page, paging.page_size)
    return {
        "items": [service_item(service, request) for service in page.items],
        "count": page.count,
        "count_capped": page.count_capped,
    }


@router.get(
    "/{id}",
    response=ServiceOut,
    auth=None,
    summary="One service of the public directory",
    openapi_extra={
        "responses": {
            "410": {
                "description": "The service is no longer listed (inactive, defunct, or of an inactive institution).",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
            }
        }
    },
)
def get_service(request: HttpRequest, id: UUID) -> dict[str, Any]:
    """A listed service with how to get help, contact, places and hours; 410 for a service no
    longer listed, 404 for an unknown id."""
    service = Service.objects.listed().for_public_page().filter(public_id=id).first()
    if service is None:
        raise ApiError(410, GONE) if Service.objects.filter(public_id=id).exists() else ApiError(404)
    return service_detail(service, request)
