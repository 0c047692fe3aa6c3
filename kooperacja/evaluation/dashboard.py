"""A dashboard: sections of headline figures (compared with the previous period) and tables.

Each area of the platform contributes a section builder (`evaluation/sections/*.py`), listed
in `sections.register_all`; the page, the CSV and XLSX exports, the PDF report and the API all
render what `build` returns, so a figure is computed once and protected once (`privacy`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from django.utils.translation import gettext as _

from kooperacja.evaluation.periods import Period
from kooperacja.evaluation.privacy import Figure, Kind, change
from kooperacja.evaluation.scope import Scope


class Chart(StrEnum):
    BARS = "bars"  # one horizontal bar per row, from `chart_column`


@dataclass(frozen=True)
class Column:
    label: str
    kind: Kind


@dataclass(frozen=True)
class Row:
    label: str
    figures: tuple[Figure, ...]
    href: str = ""  # a drill-down link (a gmina of a powiat…), never to a person


@dataclass(frozen=True)
class Table:
    """One table; `key` is unique on the dashboard (it names the export file)."""

    key: str
    title: str
    label_header: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    note: str = ""
    chart: Chart | None = None
    chart_column: int = 0
    total: Row | None = None

    def header(self) -> list[str]:
        return [self.label_header, *(column.label for column in self.columns)]

    def export_rows(self) -> list[list[object]]:
        rows = [*self.rows, *([self.total] if self.total else [])]
        return [[row.label, *(figure.export_value() for figure in row.figures)] for row in rows]


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    figure: Figure
    help: str = ""


@dataclass(frozen=True)
class Comparison:
    """A headline now, the same in the previous period, and the change between them."""

    now: Headline
    before: Figure
    change: Figure


class SectionBuilder(Protocol):
    key: str
    title: str

    def headlines(self, scope: Scope, period: Period) -> list[Headline]: ...

    def tables(self, scope: Scope, period: Period) -> list[Table]: ...


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    comparisons: tuple[Comparison, ...]
    tables: tuple[Table, ...]


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    period: Period
    previous: Period
    sections: tuple[Section, ...] = field(default=())

    def table(self, key: str) -> Table:
        """The table of that key; LookupError when the dashboard has none."""
        for section in self.sections:
            for table in section.tables:
                if table.key == key:
                    return table
        raise LookupError(key)


_BUILDERS: list[SectionBuilder] = []


def register(builder: SectionBuilder) -> None:
    """Add a section (once; the order of registration is the order on the page)."""
    if all(existing.key != builder.key for existing in _BUILDERS):
        _BUILDERS.append(builder)


def builders() -> list[SectionBuilder]:
    return list(_BUILDERS)


def compare(now: Sequence[Headline], before: Sequence[Headline]) -> tuple[Comparison, ...]:
    earlier = {headline.key: headline.figure for headline in before}
    found = []
    for headline in now:
        previous = earlier.get(headline.key, Figure(headline.figure.kind, None))
        found.append(Comparison(headline, previous, change(headline.figure, previous)))
    return tuple(found)


T = TypeVar("T")
_MEMO: ContextVar[dict[Hashable, Any] | None] = ContextVar("evaluation_memo", default=None)


@contextmanager
def _building() -> Iterator[None]:
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def remember(key: Hashable, compute: Callable[[], T]) -> T:
    """What `compute` gives, computed once per dashboard build: a section whose headlines and
    tables rest on the same work (a network, a gap matrix) asks for it under one key."""
    memo = _MEMO.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def build(scope: Scope, period: Period, *, only: Callable[[SectionBuilder], bool] | None = None) -> Dashboard:
    """Every section of the dashboard of a territory and period (or those `only` keeps)."""
    previous = period.previous()
    sections = []
    with _building():
        for builder in _BUILDERS:
            if only is not None and not only(builder):
                continue
            sections.append(
                Section(
                    builder.key,
                    builder.title,
                    compare(builder.headlines(scope, period), builder.headlines(scope, previous)),
                    tuple(builder.tables(scope, period)),
                )
            )
    return Dashboard(scope, period, previous, tuple(sections))


HEADLINES = "headlines"


def table(scope: Scope, period: Period, key: str) -> Table:
    """One table, building only the section it belongs to (its key starts with the section's):
    `<section>-headlines` is its key figures against the previous period; LookupError when no
    section has it."""
    with _building():
        for builder in _BUILDERS:
            if key == f"{builder.key}-{HEADLINES}":
                previous = period.previous()
                comparisons = compare(builder.headlines(scope, period), builder.headlines(scope, previous))
                return headline_table(builder, period, previous, comparisons)
            if key.startswith(f"{builder.key}-"):
                for found in builder.tables(scope, period):
                    if found.key == key:
                        return found
    raise LookupError(key)


def headline_table(
    builder: SectionBuilder | Section, period: Period, previous: Period, comparisons: Sequence[Comparison]
) -> Table:
    """A section's key figures as a table: now, before, change."""
    rows = tuple(Row(str(item.now.label), (item.now.figure, item.before, item.change)) for item in comparisons)
    kind = rows[0].figures[0].kind if rows else Kind.COUNT
    columns = (Column(period.label, kind), Column(previous.label, kind), Column(_("change"), kind))
    return Table(f"{builder.key}-{HEADLINES}", str(builder.title), _("Figure"), columns, rows)
