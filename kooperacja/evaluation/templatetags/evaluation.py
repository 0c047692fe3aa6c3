"""How a dashboard figure reads: „< 5” for a hidden one, „—” for none, Polish numbers."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

from kooperacja.core.templatetags.formatting import NBSP, format_money, format_number
from kooperacja.evaluation.dashboard import Table
from kooperacja.evaluation.privacy import MIN_PEOPLE, Figure, Kind

register = template.Library()

COUNTS = (Kind.PEOPLE, Kind.COUNT)


@register.filter
def figure(value: Figure) -> str:
    if value.hidden:
        # A hidden count reads „< 5”; a hidden share or average must not read as „below 5 %”.
        return f"<{NBSP}{MIN_PEOPLE}" if value.kind in COUNTS else _("hidden")
    if value.value is None:
        return "—"
    if value.kind == Kind.MONEY:
        return format_money(value.value)
    if value.kind == Kind.SHARE:
        return f"{format_number(value.value)}{NBSP}%"
    if value.kind in (Kind.AVERAGE, Kind.SCORE, Kind.DAYS):
        return format_number(value.value, 1)
    return format_number(value.value)


@register.filter
def signed(value: Figure) -> str:
    """A change: „+5”, „−1,5”, „0”; „—” when it cannot be shown."""
    if value.hidden or value.value is None:
        return "—"
    if value.kind == Kind.SHARE:
        # A change of a percentage is in percentage points, not per cent.
        text = _("%(points)s pp") % {"points": format_number(abs(Decimal(value.value)))}
    else:
        text = figure(Figure(value.kind, abs(Decimal(value.value))))
    if value.value > 0:
        return f"+{text}"
    if value.value < 0:
        return f"−{text}"
    return text


@register.simple_tag
def chart_bars(table: Table, width: int = 200) -> list[dict[str, object]]:
    """Bars of a table's chart column, the longest `width` units; a hidden figure draws none."""
    values = [_number(row.figures[table.chart_column]) for row in table.rows]
    top = max((value for value in values if value is not None), default=0) or 1
    bars = []
    for index, (row, value) in enumerate(zip(table.rows, values, strict=True)):
        shown = row.figures[table.chart_column]
        bars.append(
            {
                "y": index * 40,
                "label": row.label,
                "width": round(width * value / top) if value else 0,
                "text": figure(shown),
            }
        )
    return bars


def _number(value: Figure) -> float | None:
    return float(value.value) if value.shown and value.value is not None else None


@register.filter
def has_shown(table: Table) -> bool:
    """Whether the chart column holds any figure to draw."""
    return any(_number(row.figures[table.chart_column]) for row in table.rows)


@register.filter
def chart_height(table: Table) -> int:
    return max(len(table.rows), 1) * 40


@register.simple_tag
def hidden_note() -> str:
    return _("„< 5” marks a figure about fewer than five people; counts of people are rounded to 5.")
