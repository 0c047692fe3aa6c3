"""What the section builders share: rows per unit one level down, with links to drill in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kooperacja.evaluation.dashboard import Column, Row, Table
from kooperacja.evaluation.periods import Period
from kooperacja.evaluation.privacy import Figure
from kooperacja.evaluation.scope import Level, Scope


def unit_header(scope: Scope) -> str:
    headers = {Level.POWIAT: _("Gmina"), Level.VOIVODESHIP: _("Powiat"), Level.MACROREGION: _("Voivodeship")}
    return headers.get(scope.level, _("Gmina"))


def dashboard_url(scope: Scope, period: Period) -> str:
    return f"{reverse('evaluation:dashboard', args=[scope.level, scope.code])}?period={period.slug}"


def child_rows(
    scope: Scope,
    period: Period,
    values: Mapping[int | None, Sequence[int]],
    figures: Callable[[Sequence[int]], tuple[Figure, ...]],
    width: int,
) -> tuple[Row, ...]:
    """A row per unit one level down (every unit, those without rows as zeros), each with the
    protected figures of its raw counts, linked to its own dashboard; rows of a powiat's own
    institutions (key None) come last when there are any."""
    rows = []
    for child in scope.children():
        counts = values.get(child.unit_id(), (0,) * width)
        rows.append(Row(child.name, figures(counts), dashboard_url(child, period)))
    if None in values:
        rows.append(Row(_("institutions of the powiat as a whole"), figures(values[None])))
    return tuple(rows)


def unit_table(
    scope: Scope,
    period: Period,
    *,
    key: str,
    title: str,
    columns: tuple[Column, ...],
    values: Mapping[int | None, Sequence[int]],
    figures: Callable[[Sequence[int]], tuple[Figure, ...]],
    note: str = "",
) -> list[Table]:
    """The breakdown table by unit one level down; none for a gmina."""
    if scope.level == Level.GMINA:
        return []
    rows = child_rows(scope, period, values, figures, len(columns))
    return [Table(key, title, unit_header(scope), columns, rows, note=note)]


def datetime_range(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """Aware bounds of a period for datetime columns: from its first day's midnight (inclusive)
    to the midnight after its last day (exclusive), in the local time zone."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end
