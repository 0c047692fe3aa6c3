"""The values of an HSDS package: a cell parsed into its field's type, or refused with a reason.

The official table schemas give each field's type, format and enum (`tables.py`); our models
add ranges and length limits (`mapping.model_field`). The attributes carrying our own fields
(`kooperacja-fields`) are checked by `field_value_problem`.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models

from kooperacja.directory.hsds.mapping import model_field
from kooperacja.directory.hsds.serialise import BOOLEAN_FIELDS, GMINA, NUMBER_FIELDS, RESIDENCE
from kooperacja.directory.hsds.tables import TAXONOMY_URN, FieldSpec
from kooperacja.territory.models import County, Municipality, Voivodeship

RANGES: dict[tuple[str, str], tuple[int, int]] = {
    ("location", "latitude"): (-90, 90),
    ("location", "longitude"): (-180, 180),
    ("schedule", "timezone"): (-12, 14),
}
_INTEGER_RANGES: dict[type[models.Field[Any, Any]], tuple[int, int]] = {
    models.PositiveSmallIntegerField: (0, 32767),
    models.PositiveIntegerField: (0, 2147483647),
    models.SmallIntegerField: (-32768, 32767),
    models.IntegerField: (-2147483648, 2147483647),
}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_email = EmailValidator()
_web_address = URLValidator()
TRUE, FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


class Invalid(ValueError):
    """A value that cannot be what its field holds; the message says why."""


def shown(text: str) -> str:
    """A value quoted in a message, cut to 60 characters."""
    return repr(text if len(text) <= 60 else text[:57] + "...")


def parse_value(table: str, spec: FieldSpec, text: str) -> Any:
    """The typed value of a non-empty cell of `table`'s field, or Invalid saying why not:
    type and format of the official schema, its enum, our ranges and length limits."""
    target = model_field(table, spec.name)
    value: Any
    if "\x00" in text:
        raise Invalid("contains a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid("is not valid Unicode text") from None
    if spec.type == "string":
        value = text if spec.format is None else text.strip()
        if spec.format == "uuid":
            try:
                value = str(uuid.UUID(value))
            except ValueError:
                raise Invalid(f"{shown(text)} is not a UUID") from None
        elif spec.format == "email":
            try:
                _email(value)
            except ValidationError:
                raise Invalid(f"{shown(text)} is not an e-mail address") from None
        elif spec.format == "uri":
            value = parse_uri(table, spec.name, value, target)
        if spec.enum and value not in spec.enum:
            raise Invalid(f"{shown(text)} is not one of: {', '.join(spec.enum)}")
        max_length = getattr(target, "max_length", None)
        if max_length and len(value) > max_length:
            raise Invalid(f"longer than {max_length} characters, the most the directory keeps")
        return value
    text = text.strip()
    if spec.type in ("number", "integer"):
        return parse_number(table, spec, text, target)
    if spec.type == "date":
        if not _DATE.fullmatch(text):
            raise Invalid(f"{shown(text)} is not a date (YYYY-MM-DD)")
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise Invalid(f"{shown(text)} is not a date (YYYY-MM-DD)") from None
    if spec.type == "time":
        match = _TIME.fullmatch(text)
        try:
            if match is None:
                raise ValueError
            # Opening hours are local time; an offset, if given, is not kept.
            return dt.time(int(match[1]), int(match[2]), int(match[3] or 0))
        except ValueError:
            raise Invalid(f"{shown(text)} is not a time (HH:MM or HH:MM:SS)") from None
    if spec.type == "datetime":
        try:
            return dt.datetime.fromisoformat(text)
        except ValueError:
            raise Invalid(f"{shown(text)} is not a date and time (ISO 8601)") from None
    if spec.type == "boolean":
        if text.lower() in TRUE | FALSE:
            return text.lower() in TRUE
        raise Invalid(f"{shown(text)} is not true or false")
    return text


def parse_uri(table: str, name: str, value: str, target: models.Field[Any, Any] | None) -> str:
    """A URI; where our model keeps it as a link (URLField), only a web address."""
    if table == "taxonomy" and name == "uri" and value.startswith(TAXONOMY_URN):
        if not _SLUG.fullmatch(value.removeprefix(TAXONOMY_URN)):
            raise Invalid(f"{shown(value)}: the code after {TAXONOMY_URN} must be letters, digits and dashes")
        return value
    if not _URI.fullmatch(value):
        raise Invalid(f"{shown(value)} is not a URI")
    if isinstance(target, models.URLField):
        # Shown as links on the directory's pages: only web addresses, never javascript: and the like.
        try:
            _web_address(value)
        except ValidationError:
            raise Invalid(f"{shown(value)} is not a web address (http:// or https://)") from None
    return value


def parse_number(table: str, spec: FieldSpec, text: str, target: models.Field[Any, Any] | None) -> Any:
    """A number within the field's range, rounded to the places and digits our model keeps."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise Invalid(f"{shown(text)} is not a number") from None
    if not number.is_finite():
        raise Invalid(f"{shown(text)} is not a number")
    limits = RANGES.get((table, spec.name))
    if limits is not None and not limits[0] <= number <= limits[1]:
        raise Invalid(f"{text} is out of range: from {limits[0]} to {limits[1]}")
    if spec.type == "integer" and number != number.to_integral_value():
        raise Invalid(f"{shown(text)} is not a whole number")
    if isinstance(target, models.DecimalField):
        places = Decimal(1).scaleb(-(target.decimal_places or 0))
        rounded = number.quantize(places, rounding=ROUND_HALF_EVEN)
        if rounded.adjusted() >= (target.max_digits or 0) - (target.decimal_places or 0):
            raise Invalid(f"{text} is too large")
        return rounded
    if isinstance(target, models.IntegerField):
        if number != number.to_integral_value():
            raise Invalid(f"{shown(text)} is not a whole number")
        low, high = next(
            (bounds for kind, bounds in _INTEGER_RANGES.items() if isinstance(target, kind)),
            _INTEGER_RANGES[models.IntegerField],
        )
        if not low <= number <= high:
            raise Invalid(f"{text} is out of range: from {low} to {high}")
        return int(number)
    return number


def field_value_problem(
    code: str,
    entity: str,
    value: str,
    gminas: dict[str, Municipality],
    counties: dict[str, County],
    voivodeships: dict[str, Voivodeship],
) -> str | None:
    """Why the value cannot be the value of our field `code`, or None if it can."""
    if code in BOOLEAN_FIELDS:
        return None if value.lower() in TRUE | FALSE else f"{shown(value)}: the field {code!r} is true or false"
    if code in NUMBER_FIELDS:
        limit = 32767 if code == "income_criterion_percent" else 2147483647
        if value.isascii() and value.isdigit() and int(value) <= limit:
            return None
        return f"{shown(value)}: the field {code!r} is a whole number from 0 to {limit}"
    if code == RESIDENCE or (code == GMINA and entity == "location"):
        return None if value in gminas else f"{shown(value)} is not the 7-digit TERYT code of a gmina"
    if code == GMINA:
        if value in gminas or value in counties or value in voivodeships:
            return None
        return f"{shown(value)} is not the TERYT code of a gmina, powiat or voivodeship"
    return None
