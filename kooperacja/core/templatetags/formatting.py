"""Numbers and money in the active language: {% load formatting %} {{ amount|money }} {{ count|number }}.

Polish: 12 893 583,46 zł and 1 234 (non-breaking spaces, so amounts never wrap);
English: PLN 12,893,583.46 and 1,234.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.translation import get_language

register = template.Library()

NBSP = "\xa0"
_CENT = Decimal("0.01")


def _to_decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _grouped(number: Decimal | int, decimal_pos: int | None) -> str:
    return numberformat.format(
        number,
        decimal_sep=get_format("DECIMAL_SEPARATOR"),
        decimal_pos=decimal_pos,
        grouping=get_format("NUMBER_GROUPING"),
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def format_money(value: Any) -> str:
    """An amount in złoty rounded half up to grosze; "" for an empty or unreadable value."""
    number = _to_decimal(value)
    if number is None:
        return ""
    number = number.quantize(_CENT, rounding=ROUND_HALF_UP)
    if number == 0:
        number = abs(number)  # never "-0,00 zł"
    if (get_language() or "pl").startswith("pl"):
        return f"{_grouped(number, 2)}{NBSP}zł"
    sign = "-" if number < 0 else ""
    return f"{sign}PLN{NBSP}{_grouped(abs(number), 2)}"


def format_number(value: Any, decimal_pos: int | None = None) -> str:
    """A number grouped by thousands; integers without decimals unless decimal_pos asks for them."""
    number = _to_decimal(value)
    if number is None:
        return ""
    if decimal_pos is None:
        if number == number.to_integral_value() and not isinstance(value, Decimal):
            return _grouped(int(number), None)
        return _grouped(number, None)
    # Django's numberformat cuts extra decimals off; people expect them rounded.
    number = number.quantize(Decimal(1).scaleb(-decimal_pos), rounding=ROUND_HALF_UP)
    return _grouped(number, decimal_pos)


@register.filter(is_safe=True)
def money(value: Any) -> str:
    return format_money(value)


@register.filter(is_safe=True)
def number(value: Any, decimal_pos: Any = None) -> str:
    places = None if decimal_pos in (None, "") else int(decimal_pos)
    return format_number(value, places)
