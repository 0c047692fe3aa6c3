"""What the list endpoints of teams, community, learning and aggregates share: a page of a
queryset, references to territorial units, and the check of a gmina's TERYT code in a filter.

A list answers `{"items": [...], "count": N}` (DESIGN.md §4); its filters are a `Schema` read
with `Query[...]` beside `Query[PageNumberPaging.Input]`, and a value that is not valid answers
422 in the error shape naming the field.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic_core import PydanticCustomError

from kooperacja.api.errors import ApiError
from kooperacja.api.paging import PageNumberPaging
from kooperacja.territory.models import Municipality

M = TypeVar("M", bound=Model)

GMINA_CODE = re.compile(r"\d{7}")


class UnitRef(Schema):
    """A gmina or a powiat by its TERYT code."""

    code: str = Field(description="TERYT code.")
    name: str


def unit(found: Any) -> dict[str, str] | None:
    return {"code": found.code, "name": found.name} if found is not None else None


def page_of(queryset: QuerySet[M], paging: PageNumberPaging.Input) -> tuple[list[M], int]:
    """The rows of one page and the count of all rows: two queries whatever the size."""
    offset = (paging.page - 1) * paging.page_size
    return list(queryset[offset : offset + paging.page_size]), queryset.count()


def check_gmina_code(value: Any) -> Any:
    """For a `field_validator(mode="before")`: pydantic's own pattern message is English; this
    one is in the client's language."""
    if value is not None and not (isinstance(value, str) and GMINA_CODE.fullmatch(value)):
        raise PydanticCustomError("gmina_code", str(_("Enter the 7-digit TERYT code of the gmina.")))
    return value


def known_gmina(code: str | None, field: str = "gmina") -> Municipality | None:
    """The gmina of a well-formed code; 422 naming the field when no gmina has it."""
    if code is None:
        return None
    gmina = Municipality.objects.filter(code=code).first()
    if gmina is None:
        raise ApiError(422, errors=[(field, str(_("No gmina has this TERYT code.")))])
    return gmina
