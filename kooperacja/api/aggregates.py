"""/api/v1/aggregates: the evaluation dashboards (issue #10) as JSON, for reporting tools.

`GET /aggregates/{level}/{code}?period=` gives the dashboard of a gmina, powiat, voivodeship
(TERYT code) or macroregion (a programme's id) for a period (`2026`, `2026-H1`, `2026-Q3`,
`2026-05`; the running year when left out): each section's headline figures now, in the
previous period and the change, and its tables. `…/tables/{key}` gives one table, as its CSV
export does, and like the export writes an audit event (an export of figures). Who reads
which territory is `evaluation.policies` (each role its own territory; 404 for any other, as
for an unknown one). The figures are those of the page, the exports and the PDF report,
already protected by `evaluation.privacy`: a figure of fewer than five people comes as
`{"value": null, "hidden": true}` and counts of people are rounded to 5.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from kooperacja.api.errors import ApiError
from kooperacja.core import audit
from kooperacja.core.models import AuditAction
from kooperacja.evaluation import dashboard, periods
from kooperacja.evaluation.dashboard import Comparison, Table
from kooperacja.evaluation.periods import Period
from kooperacja.evaluation.policies import get_scope_for_user
from kooperacja.evaluation.privacy import Figure, Kind
from kooperacja.evaluation.scope import Level, Scope

router = Router(tags=["aggregates"])

PERIOD_PATTERN = r"^\d{4}(-(H[12]|Q[1-4]|0[1-9]|1[0-2]))?$"


class FigureOut(Schema):
    value: float | None = Field(description="The published value; null when hidden or when there is nothing to show.")
    hidden: bool = Field(description="True when the figure rests on fewer than five people (shown as „< 5”).")
    kind: Kind


class HeadlineOut(Schema):
    key: str
    label: str
    help: str
    now: FigureOut
    before: FigureOut = Field(description="The same figure in the previous period.")
    change: FigureOut = Field(description="now − before; null when either is hidden or missing.")


class ColumnOut(Schema):
    label: str
    kind: Kind


class RowOut(Schema):
    label: str
    figures: list[FigureOut]


class TableOut(Schema):
    key: str
    title: str
    label_header: str = Field(description="The header of the rows' label column.")
    columns: list[ColumnOut]
    rows: list[RowOut]
    total: RowOut | None
    note: str


class SectionOut(Schema):
    key: str
    title: str
    headlines: list[HeadlineOut]
    tables: list[TableOut]


class ScopeOut(Schema):
    level: Level
    code: str
    name: str
    title: str


class PeriodOut(Schema):
    slug: str
    label: str
    start: dt.date
    end: dt.date = Field(description="The last day of the period.")


class DashboardOut(Schema):
    scope: ScopeOut
    period: PeriodOut
    previous: PeriodOut
    sections: list[SectionOut]


class PeriodFilter(Schema):
    period: str | None = Field(
        None,
        pattern=PERIOD_PATTERN,
        description="A year (2026), half (2026-H1), quarter (2026-Q3) or month (2026-05) that has begun; "
        "the running year by default.",
    )


def _figure(figure: Figure) -> dict[str, Any]:
    value = None if figure.hidden or figure.value is None else float(figure.value)
    return {"value": value, "hidden": figure.hidden, "kind": figure.kind}


def _row(label: str, figures: tuple[Figure, ...]) -> dict[str, Any]:
    return {"label": label, "figures": [_figure(figure) for figure in figures]}


def _table(table: Table) -> dict[str, Any]:
    return {
        "key": table.key,
        "title": str(table.title),
        "label_header": str(table.label_header),
        "columns": [{"label": str(column.label), "kind": column.kind} for column in table.columns],
        "rows": [_row(row.label, row.figures) for row in table.rows],
        "total": _row(table.total.label, table.total.figures) if table.total else None,
        "note": str(table.note),
    }


def _headline(comparison: Comparison) -> dict[str, Any]:
    return {
        "key": comparison.now.key,
        "label": str(comparison.now.label),
        "help": str(comparison.now.help),
        "now": _figure(comparison.now.figure),
        "before": _figure(comparison.before),
        "change": _figure(comparison.change),
    }


def _period(period: Period) -> dict[str, Any]:
    return {"slug": period.slug, "label": period.label, "start": period.start, "end": period.end}


def _scope(scope: Scope) -> dict[str, Any]:
    return {"level": scope.level, "code": scope.code, "name": scope.name, "title": scope.title}


def _scope_and_period(request: HttpRequest, level: Level, code: str, chosen: PeriodFilter) -> tuple[Scope, Period]:
    """The territory and period asked for: 404 for a territory outside the holder's reach, 422
    for a period the platform has no data for (before 2018, or not begun yet)."""
    scope = get_scope_for_user(request.user, level, code)
    if chosen.period is None:
        return scope, periods.default(timezone.localdate())
    try:
        return scope, periods.parse(chosen.period)
    except ValueError:
        raise ApiError(
            422,
            errors=[
                (
                    "period",
                    str(_("Choose a year, half, quarter or month that has begun, from %(first)s on."))
                    % {"first": periods.FIRST_YEAR},
                )
            ],
        ) from None


@router.get("/{level}/{code}", response=DashboardOut, summary="The dashboard of a territory for a period")
def territory(request: HttpRequest, level: Level, code: str, chosen: Query[PeriodFilter]) -> dict[str, Any]:
    board = dashboard.build(*_scope_and_period(request, level, code, chosen))
    return {
        "scope": _scope(board.scope),
        "period": _period(board.period),
        "previous": _period(board.previous),
        "sections": [
            {
                "key": section.key,
                "title": str(section.title),
                "headlines": [_headline(comparison) for comparison in section.comparisons],
                "tables": [_table(table) for table in section.tables],
            }
            for section in board.sections
        ],
    }


@router.get("/{level}/{code}/tables/{key}", response=TableOut, summary="One table of a territory's dashboard")
def table(request: HttpRequest, level: Level, code: str, key: str, chosen: Query[PeriodFilter]) -> dict[str, Any]:
    """The table `key` of the dashboard, as its CSV export gives it (building only its section);
    404 for a key no section has. Like the export, it is recorded in the audit log."""
    scope, period = _scope_and_period(request, level, code, chosen)
    try:
        found = dashboard.table(scope, period, key)
    except LookupError:
        raise ApiError(404) from None
    audit.record(
        AuditAction.EXPORT,
        request=request,
        object_type="evaluation.table",
        object_id=f"{scope.key()}/{period.slug}/{key}",
        details={"via": "api"},
    )
    return _table(found)
