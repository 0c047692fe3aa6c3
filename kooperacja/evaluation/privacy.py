"""Figures fit to publish: no figure reveals a group of fewer than five people (issue #10).

The rules together:

- A count of people from 1 to 4 is shown as „< 5”; a share, an average or a median is shown
  only when it rests on at least five people (and a share also when the people outside it are
  at least five, or „100 %” would reveal a small complement).
- Every other count of people is **rounded to a multiple of 5**. Two views of overlapping data
  (a half-year and its first quarter, a powiat and its gminas) then differ by a multiple of 5
  or by a hidden figure, so no subtraction of shown figures gives back a group of 1–4 people.
- A share of people is computed **from the shown (rounded) counts**, so it tells nothing the
  counts beside it do not: 6 of 11 is shown as 5 of 10 and 50 %, never as the 55 % that only
  6 of 11 fits.
- Rows that stand for people without being people one for one (referrals, goals,
  certificates: one family may have six) are judged by the **distinct people or cases behind
  them** too (`distinct=`): six referrals of one family are hidden like one family.
- A sum over people (hours in training) is hidden under five people and otherwise rounded to
  a multiple of 10, the total as well as its parts, so the total less the shown parts never
  gives back the exact sum of a hidden group.

Counts of things that are not people (meetings, trainings, złoty) are shown as they are.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.utils.translation import gettext

MIN_PEOPLE = 5
ROUNDING_BASE = 5
SUM_ROUNDING_BASE = 10


class Kind(StrEnum):
    PEOPLE = "people"  # a count of people, cases or anything that stands for them
    COUNT = "count"  # a count of things (meetings, trainings, institutions)
    SHARE = "share"  # a percentage, 0–100
    AVERAGE = "average"
    DAYS = "days"
    MONEY = "money"
    SCORE = "score"  # a change on the 1–5 diagnosis scale


@dataclass(frozen=True)
class Figure:
    """One published figure: `value` is what may be shown (already rounded), None when hidden."""

    kind: Kind
    value: Decimal | int | None
    hidden: bool = False

    @property
    def shown(self) -> bool:
        return not self.hidden and self.value is not None

    def export_value(self) -> Decimal | int | str:
        """The figure in a CSV or XLSX cell: a number, or the text shown in its place."""
        if self.hidden:
            # A hidden count reads „< 5”; a hidden share or average must not read as „under 5 %”.
            return f"< {MIN_PEOPLE}" if self.kind in (Kind.PEOPLE, Kind.COUNT) else gettext("hidden")
        if self.value is None:
            return ""
        return self.value


NOTHING = Figure(Kind.COUNT, None)


def round_to_base(count: int, base: int = ROUNDING_BASE) -> int:
    """Half up to the nearest multiple of the base: 7 → 5, 8 → 10, 12 → 10, 13 → 15."""
    return int((Decimal(count) / base).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * base


def _small(count: int | None) -> bool:
    """A group of 1–4 (None: not known separately, nothing to hide by it)."""
    return count is not None and 0 < count < MIN_PEOPLE


def people(count: int, *, distinct: int | None = None) -> Figure:
    """A count of people: 0 as it is, 1–4 hidden, the rest rounded to a multiple of 5.

    `distinct` is the number of people (or cases) behind the count when the counted rows only
    stand for people (a family's referrals, a plan's goals): the count is hidden too when they
    are 1–4, however many rows they have."""
    if count <= 0:
        return Figure(Kind.PEOPLE, 0)
    if count < MIN_PEOPLE or _small(distinct):
        return Figure(Kind.PEOPLE, None, hidden=True)
    return Figure(Kind.PEOPLE, round_to_base(count))


def things(count: int) -> Figure:
    """A count of things that are not people."""
    return Figure(Kind.COUNT, count)


def money(amount: Decimal | int | None) -> Figure:
    return Figure(Kind.MONEY, Decimal(amount or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _percent(part: Decimal | int, whole: Decimal | int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def share(part: int, whole: int, *, part_distinct: int | None = None, rest_distinct: int | None = None) -> Figure:
    """Part of whole in whole percent; hidden when the whole, the part or the rest is a group of
    1–4 people (judged on the exact counts, and on the distinct people or cases behind the part
    and the rest when given, as for `people`); nothing (—) when the whole is 0.

    The percent is taken of the counts as `people` shows them (rounded to 5), not of the exact
    ones, so that a share beside its counts adds nothing to them."""
    if whole <= 0:
        return Figure(Kind.SHARE, None)
    hidden = (
        whole < MIN_PEOPLE
        or _small(part)
        or _small(whole - part)
        or (part > 0 and _small(part_distinct))
        or (whole > part and _small(rest_distinct))
    )
    if hidden:
        return Figure(Kind.SHARE, None, hidden=True)
    return Figure(Kind.SHARE, _percent(round_to_base(max(part, 0)), round_to_base(whole)))


def amount_share(part: Decimal | int, whole: Decimal | int) -> Figure:
    """A share of money or of things (not people): never hidden; nothing when the whole is 0."""
    if not whole:
        return Figure(Kind.SHARE, None)
    return Figure(Kind.SHARE, _percent(part, whole))


def sum_over_people(
    total: Decimal | float | int | None,
    count: int,
    *,
    distinct: int | None = None,
    base: int = SUM_ROUNDING_BASE,
    kind: Kind = Kind.COUNT,
) -> Figure:
    """A sum of what `count` people did (hours in training): hidden when they are 1–4 (or the
    `distinct` people behind them are), otherwise rounded half up to a multiple of `base`.

    Every shown sum is then a multiple of the base, so a total less its shown parts is a
    multiple of it too, never the exact sum of a hidden part."""
    if count <= 0:
        return Figure(kind, 0)
    if count < MIN_PEOPLE or _small(distinct):
        return Figure(kind, None, hidden=True)
    exact = Decimal(str(total or 0)).to_integral_value(rounding=ROUND_HALF_UP)
    return Figure(kind, round_to_base(int(exact), base))


def _one_decimal(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def average(total: float | Decimal, count: int, *, kind: Kind = Kind.AVERAGE) -> Figure:
    """An average over `count` people, to one decimal; hidden under five people."""
    if count <= 0:
        return Figure(kind, None)
    if count < MIN_PEOPLE:
        return Figure(kind, None, hidden=True)
    return Figure(kind, _one_decimal(Decimal(str(total)) / count))


def median_of(
    value: float | Decimal | None, count: int, *, distinct: int | None = None, kind: Kind = Kind.DAYS
) -> Figure:
    """A median the database took over `count` values that each stand for a person or a
    referral, to one decimal: nothing without values, hidden under five values or when the
    `distinct` people or cases behind them are 1–4."""
    if count <= 0 or value is None:
        return Figure(kind, None)
    if count < MIN_PEOPLE or _small(distinct):
        return Figure(kind, None, hidden=True)
    return Figure(kind, _one_decimal(value))


def median(values: Sequence[float | int], *, distinct: int | None = None, kind: Kind = Kind.DAYS) -> Figure:
    """The median of values that each stand for one person or referral, by `median_of`'s rules."""
    if not values:
        return Figure(kind, None)
    return median_of(statistics.median(values), len(values), distinct=distinct, kind=kind)


def change(now: Figure, before: Figure) -> Figure:
    """The difference of two shown figures of the same kind (itself safe: both are already
    protected); nothing when either is hidden or missing."""
    if now.hidden or before.hidden or now.value is None or before.value is None:
        return Figure(now.kind, None)
    return Figure(now.kind, now.value - before.value)
