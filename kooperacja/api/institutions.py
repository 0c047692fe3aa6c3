"""/api/v1/institutions: the register of institutions taking part in the model, for partner systems.

Any token reads it; what it gives is an institution's public data (name, kind, sector,
territory, address and contact, REGON, KRS, the gminas it serves and how many working days it
takes to answer a referral), never its staff. The list holds active institutions by name,
filtered by `gmina` (located in it or serving it), `sector` and `kind`; a filter value that is
not valid or names no gmina answers 422. One institution is read by its id, an inactive one
too (a referral or plan may still name it); an id no institution has answers 404.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from kooperacja.api.errors import ApiError
from kooperacja.api.lists import UnitRef, check_gmina_code, known_gmina, page_of, unit
from kooperacja.api.paging import PageNumberPaging
from kooperacja.institutions.models import Institution, InstitutionKind, Sector

router = Router(tags=["institutions"])


class InstitutionOut(Schema):
    id: UUID
    name: str
    short_name: str
    description: str
    kind: InstitutionKind
    sector: Sector | None
    voivodeship: UnitRef
    county: UnitRef | None = Field(description="Its powiat; none for a voivodeship's institution (ROPS).")
    gmina: UnitRef | None = Field(description="Its gmina; none for a powiat's or voivodeship's institution.")
    serves: list[str] = Field(description="7-digit TERYT codes of the gminas it serves besides its own.")
    street: str
    postal_code: str
    locality: str
    email: str
    phone: str
    website: str
    regon: str
    krs: str
    is_active: bool
    referral_response_days: int = Field(description="Working days it takes to answer a referral before it expires.")


class InstitutionPage(Schema):
    items: list[InstitutionOut]
    count: int


class InstitutionFilters(Schema):
    gmina: str | None = Field(
        None, pattern=r"^\d{7}$", description="7-digit TERYT code: institutions located in this gmina or serving it."
    )
    sector: Sector | None = Field(None, description="Only institutions of this sector.")
    kind: InstitutionKind | None = Field(None, description="Only institutions of this kind.")

    @field_validator("gmina", mode="before")
    @classmethod
    def _gmina_code(cls, value: Any) -> Any:
        return check_gmina_code(value)


def institution_out(institution: Institution) -> dict[str, Any]:
    """An institution's public data (read with `with_territory()` and `serves` prefetched)."""
    return {
        "id": institution.public_id,
        "name": institution.name,
        "short_name": institution.short_name,
        "description": institution.description,
        "kind": institution.kind,
        "sector": institution.sector or None,
        "voivodeship": unit(institution.voivodeship),
        "county": unit(institution.county),
        "gmina": unit(institution.municipality),
        "serves": sorted(gmina.code for gmina in institution.serves.all()),
        "street": institution.street,
        "postal_code": institution.postal_code,
        "locality": institution.locality,
        "email": institution.email,
        "phone": institution.phone,
        "website": institution.website,
        "regon": institution.regon,
        "krs": institution.krs,
        "is_active": institution.is_active,
        "referral_response_days": institution.referral_response_days,
    }


def _institutions() -> Any:
    return Institution.objects.with_territory().prefetch_related("serves")


@router.get("", response=InstitutionPage, summary="Active institutions, by name")
def list_institutions(
    request: HttpRequest, filters: Query[InstitutionFilters], paging: Query[PageNumberPaging.Input]
) -> dict[str, Any]:
    """Filters combine (all must hold). `gmina` keeps those located in the gmina and those
    serving it (a PCPR serves its powiat's gminas); an unknown code answers 422."""
    found = _institutions().filter(is_active=True).order_by("name", "id")
    gmina = known_gmina(filters.gmina)
    if gmina is not None:
        found = found.filter(Q(municipality=gmina) | Q(pk__in=gmina.served_by.values("pk")))
    if filters.sector:
        found = found.filter(sector=filters.sector)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    page, count = page_of(found, paging)
    return {"items": [institution_out(institution) for institution in page], "count": count}


@router.get("/{id}", response=InstitutionOut, summary="One institution's public data")
def get_institution(request: HttpRequest, id: UUID) -> dict[str, Any]:
    institution = _institutions().filter(public_id=id).first()
    if institution is None:
        raise ApiError(404)
    return institution_out(institution)
