"""What the list endpoints of the API share: a page of rows, references to territorial units,
and the checks of TERYT codes in filters. Every router reads these from here, so a page, a
unit and a code mean the same everywhere.

A list answers `{"items": [...], "count": N}` (DESIGN.md §4); its filters are a `Schema` read
with `Query[...]` beside `Query[PageNumberPaging.Input]`, and a value that is not valid answers
422 in the error shape naming the field: a code of the wrong form in the client's language
(`checked_code` in a `field_validator(mode="before")`), a well-formed code no unit has from
the `known_*` lookups (an unknown code is the caller's mistake, not an empty list).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypeVar, overload

from django.db.models import Model, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic_core import PydanticCustomError

from kooperacja.api.errors import ApiError
from kooperacja.api.paging import PageNumberPaging
from kooperacja.territory.models import County, Municipality, Voivodeship

M = TypeVar("M", bound=Model)
T = TypeVar("T")

VOIVODESHIP_CODE = re.compile(r"\d{2}")
COUNTY_CODE = re.compile(r"\d{4}")
GMINA_CODE = re.compile(r"\d{7}")

ENTER_VOIVODESHIP = _("Enter the 2-digit TERYT code of the voivodeship.")
ENTER_COUNTY = _("Enter the 4-digit TERYT code of the county (powiat).")
ENTER_GMINA = _("Enter the 7-digit TERYT code of the gmina.")
UNKNOWN_VOIVODESHIP = _("No voivodeship has this TERYT code.")
UNKNOWN_COUNTY = _("No county (powiat) has this TERYT code.")
UNKNOWN_GMINA = _("No gmina has this TERYT code.")


# --- Pages --------------------------------------------------------------------------------------


@overload
def page_of(rows: QuerySet[M], paging: PageNumberPaging.Input) -> tuple[list[M], int]: ...


@overload
def page_of(rows: Sequence[T], paging: PageNumberPaging.Input) -> tuple[list[T], int]: ...


def page_of(rows: Any, paging: PageNumberPaging.Input) -> tuple[list[Any], int]:
    """The rows of one page and the count of all rows. A queryset costs two queries whatever
    its size; a list already read (rows an access rule kept) is cut in memory."""
    offset = (paging.page - 1) * paging.page_size
    page = list(rows[offset : offset + paging.page_size])
    return page, rows.count() if isinstance(rows, QuerySet) else len(rows)


# --- Territorial units --------------------------------------------------------------------------


class UnitRef(Schema):
    """A territorial unit (gmina, powiat or voivodeship) by its TERYT code."""

    code: str = Field(description="TERYT code.")
    name: str


def unit(found: Any) -> dict[str, str] | None:
    """A unit (gmina, powiat, voivodeship) as `UnitRef`; None for none."""
    return {"code": found.code, "name": found.name} if found is not None else None


def checked_code(value: Any, pattern: re.Pattern[str] = GMINA_CODE, message: Promise = ENTER_GMINA) -> Any:
    """For a `field_validator(mode="before")`: a TERYT code of the expected length (a gmina's by
    default), or a validation error in the client's language (pydantic's own pattern message is
    English)."""
    if value is not None and not (isinstance(value, str) and pattern.fullmatch(value)):
        raise PydanticCustomError("teryt_code", str(message))
    return value


def check_gmina_code(value: Any) -> Any:
    """`checked_code` for a gmina's 7-digit code."""
    return checked_code(value, GMINA_CODE, ENTER_GMINA)


def _known(model: type[M], code: str | None, field: str, message: Promise) -> M | None:
    if code is None:
        return None
    found = model._default_manager.filter(code=code).first()
    if found is None:
        raise ApiError(422, errors=[(field, str(message))])
    return found


def known_gmina(code: str | None, field: str = "gmina") -> Municipality | None:
    """The gmina of a well-formed code (None for none); 422 naming the field when no gmina has it."""
    return _known(Municipality, code, field, UNKNOWN_GMINA)


def known_county(code: str | None, field: str = "county") -> County | None:
    """The powiat of a well-formed code (None for none); 422 naming the field when none has it."""
    return _known(County, code, field, UNKNOWN_COUNTY)


def known_voivodeship(code: str | None, field: str = "voivodeship") -> Voivodeship | None:
    """The voivodeship of a well-formed code (None for none); 422 naming the field when none has it."""
    return _known(Voivodeship, code, field, UNKNOWN_VOIVODESHIP)
