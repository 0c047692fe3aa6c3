"""Periods of a dashboard: whole calendar years, halves, quarters and months.

Only whole units may be asked for (never any two dates): together with the rounding of
`privacy`, a fixed lattice of periods keeps one day's or one week's cases out of reach of
subtraction. A period is written in URLs as `2026`, `2026-H1`, `2026-Q3` or `2026-05`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

FIRST_YEAR = 2018  # the programme „Liderzy kooperacji” started the model in 2018

ROMAN = ("I", "II", "III", "IV")
_PATTERN = re.compile(r"^(?P<year>[0-9]{4})(?:-(?:(?P<half>H[12])|(?P<quarter>Q[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


class Unit(StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"


MONTHS_IN = {Unit.YEAR: 12, Unit.HALF: 6, Unit.QUARTER: 3, Unit.MONTH: 1}


@dataclass(frozen=True, order=True)
class Period:
    year: int
    unit: Unit
    index: int  # 1 for a year; 1–2 halves; 1–4 quarters; 1–12 months

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, (self.index - 1) * MONTHS_IN[self.unit] + 1, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period (inclusive)."""
        last_month = self.index * MONTHS_IN[self.unit]
        if last_month == 12:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, last_month + 1, 1) - dt.timedelta(days=1)

    @property
    def slug(self) -> str:
        if self.unit == Unit.YEAR:
            return str(self.year)
        if self.unit == Unit.HALF:
            return f"{self.year}-H{self.index}"
        if self.unit == Unit.QUARTER:
            return f"{self.year}-Q{self.index}"
        return f"{self.year}-{self.index:02d}"

    @property
    def label(self) -> str:
        if self.unit == Unit.YEAR:
            return _("year %(year)s") % {"year": self.year}
        if self.unit == Unit.HALF:
            return _("%(roman)s half of %(year)s") % {"roman": ROMAN[self.index - 1], "year": self.year}
        if self.unit == Unit.QUARTER:
            return _("%(roman)s quarter of %(year)s") % {"roman": ROMAN[self.index - 1], "year": self.year}
        label = formats.date_format(self.start, "F Y")
        # Polish writes a month in the middle of a sentence in lower case („czerwiec 2020”).
        return label.lower() if (translation.get_language() or "").startswith("pl") else label

    def previous(self) -> Period:
        """The period of the same length just before."""
        if self.index > 1:
            return Period(self.year, self.unit, self.index - 1)
        return Period(self.year - 1, self.unit, 12 // MONTHS_IN[self.unit])

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def is_running(self, today: dt.date) -> bool:
        return self.contains(today)

    def __str__(self) -> str:
        return self.slug


def parse(text: str, today: dt.date | None = None) -> Period:
    """A period from its slug; ValueError for anything else, a year before the platform's
    first or a period that has not begun."""
    match = _PATTERN.match(text.strip())
    if not match:
        raise ValueError(text)
    year = int(match["year"])
    if match["half"]:
        period = Period(year, Unit.HALF, int(match["half"][1]))
    elif match["quarter"]:
        period = Period(year, Unit.QUARTER, int(match["quarter"][1]))
    elif match["month"]:
        period = Period(year, Unit.MONTH, int(match["month"]))
    else:
        period = Period(year, Unit.YEAR, 1)
    if year < FIRST_YEAR or period.start > (today or timezone.localdate()):
        raise ValueError(text)
    return period


def default(today: dt.date) -> Period:
    """The running year."""
    return Period(today.year, Unit.YEAR, 1)


def choices(today: dt.date) -> list[tuple[str, list[Period]]]:
    """Periods offered in the filter, newest first, grouped by year: the year, its halves and
    quarters that have begun, and its months that have begun."""
    groups = []
    for year in range(today.year, FIRST_YEAR - 1, -1):
        offered = [Period(year, Unit.YEAR, 1)]
        for unit in (Unit.HALF, Unit.QUARTER, Unit.MONTH):
            offered += [
                period
                for index in range(1, 12 // MONTHS_IN[unit] + 1)
                if (period := Period(year, unit, index)).start <= today
            ]
        groups.append((str(year), offered))
    return groups
