"""/api/v1/voivodeships, /counties, /gminas: the TERYT units the platform knows. No token needed.

TERYT codes are public reference data, and a consumer of the public service directory needs the
gminas' codes to use its `gmina` filter, so these reads are public like the directory. Each list
is ordered by code and paged (`?page=&page_size=` -> `{"items": [...], "count": N}`). A parent
code filters the units below it; a code that is not well formed, or that names no unit, answers
422 in the error shape (an unknown code is the caller's mistake, not an empty list).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from kooperacja.api.lists import (
    COUNTY_CODE,
    ENTER_COUNTY,
    ENTER_VOIVODESHIP,
    VOIVODESHIP_CODE,
    checked_code,
    known_county,
    known_voivodeship,
    page_of,
)
from kooperacja.api.paging import PageNumberPaging
from kooperacja.territory.models import County, Municipality, MunicipalityKind, MunicipalityPartKind, Voivodeship

router = Router(tags=["territory"])


class VoivodeshipOut(Schema):
    code: str = Field(description="2-digit TERYT code.")
    name: str


class CountyOut(Schema):
    code: str = Field(description="4-digit TERYT code (voivodeship + powiat).")
    name: str
    voivodeship: str = Field(description="2-digit TERYT code of its voivodeship.")


class MunicipalityPartOut(Schema):
    code: str = Field(description="7-digit TERYT code of the part.")
    name: str
    kind: MunicipalityPartKind = Field(
        description="4 town and 5 rural area of an urban-rural gmina, 8 and 9 districts of a city."
    )


class MunicipalityOut(Schema):
    code: str = Field(description="7-digit TERYT code (WOJ+POW+GMI+RODZ).")
    name: str
    kind: MunicipalityKind = Field(description="1 urban, 2 rural, 3 urban-rural.")
    county: str = Field(description="4-digit TERYT code of its county (powiat).")
    voivodeship: str = Field(description="2-digit TERYT code of its voivodeship.")
    parts: list[MunicipalityPartOut] = Field(description="TERC rows kept as parts of the gmina (kinds 4, 5, 8, 9).")


class VoivodeshipPage(Schema):
    items: list[VoivodeshipOut]
    count: int


class CountyPage(Schema):
    items: list[CountyOut]
    count: int


class MunicipalityPage(Schema):
    items: list[MunicipalityOut]
    count: int


class CountyFilters(Schema):
    voivodeship: str | None = Field(
        None, pattern=r"^\d{2}$", description="2-digit TERYT code: only the counties of this voivodeship."
    )

    @field_validator("voivodeship", mode="before")
    @classmethod
    def _voivodeship_code(cls, value: Any) -> Any:
        return checked_code(value, VOIVODESHIP_CODE, ENTER_VOIVODESHIP)


class MunicipalityFilters(CountyFilters):
    voivodeship: str | None = Field(
        None, pattern=r"^\d{2}$", description="2-digit TERYT code: only the gminas of this voivodeship."
    )
    county: str | None = Field(
        None, pattern=r"^\d{4}$", description="4-digit TERYT code: only the gminas of this county."
    )

    @field_validator("county", mode="before")
    @classmethod
    def _county_code(cls, value: Any) -> Any:
        return checked_code(value, COUNTY_CODE, ENTER_COUNTY)


@router.get("/voivodeships", response=VoivodeshipPage, auth=None, summary="Voivodeships, by TERYT code")
def list_voivodeships(request: HttpRequest, paging: Query[PageNumberPaging.Input]) -> dict[str, Any]:
    found, count = page_of(Voivodeship.objects.order_by("code"), paging)
    return {"items": [{"code": v.code, "name": v.name} for v in found], "count": count}


@router.get("/counties", response=CountyPage, auth=None, summary="Counties (powiats), by TERYT code")
def list_counties(
    request: HttpRequest, filters: Query[CountyFilters], paging: Query[PageNumberPaging.Input]
) -> dict[str, Any]:
    """`voivodeship` keeps the counties of one voivodeship; an unknown code answers 422."""
    counties = County.objects.select_related("voivodeship").order_by("code")
    if filters.voivodeship:
        counties = counties.filter(voivodeship=known_voivodeship(filters.voivodeship))
    found, count = page_of(counties, paging)
    return {
        "items": [{"code": c.code, "name": c.name, "voivodeship": c.voivodeship.code} for c in found],
        "count": count,
    }


@router.get("/gminas", response=MunicipalityPage, auth=None, summary="Gminas, by TERYT code, with their parts")
def list_gminas(
    request: HttpRequest, filters: Query[MunicipalityFilters], paging: Query[PageNumberPaging.Input]
) -> dict[str, Any]:
    """`county` or `voivodeship` keeps the gminas below that unit (both: both must hold); an
    unknown code answers 422."""
    gminas = Municipality.objects.with_parents().prefetch_related("parts").order_by("code")
    if filters.voivodeship:
        gminas = gminas.filter(county__voivodeship=known_voivodeship(filters.voivodeship))
    if filters.county:
        gminas = gminas.filter(county=known_county(filters.county))
    found, count = page_of(gminas, paging)
    return {
        "items": [
            {
                "code": gmina.code,
                "name": gmina.name,
                "kind": gmina.kind,
                "county": gmina.county.code,
                "voivodeship": gmina.county.voivodeship.code,
                "parts": [{"code": part.code, "name": part.name, "kind": part.kind} for part in gmina.parts.all()],
            }
            for gmina in found
        ],
        "count": count,
    }
