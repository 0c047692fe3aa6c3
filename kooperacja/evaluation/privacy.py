"""Figures fit to publish: no figure reveals a group of fewer than five people (issue #10).

Two rules together:

- A count of people from 1 to 4 is shown as „< 5”; a share, an average or a median is shown
  only when it rests on at least five people (and a share also when the people outside it are
  at least five, or „100 %” would reveal a small complement).
- Every other count of people is **rounded to a multiple of 5**. Two views of overlapping data
  (a half-year and its first quarter, a powiat and its gminas) then differ by a multiple of 5
  or by a hidden figure, so no subtraction of shown figures gives back a group of 1–4 people.

Counts of things that are not people (meetings, trainings, złoty) are shown as they are.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

MIN_PEOPLE = 5
ROUNDING_BASE = 5


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
            return f"< {MIN_PEOPLE}"
        if self.value is None:
            return ""
        return self.value


NOTHING = Figure(Kind.COUNT, None)


def round_to_base(count: int) -> int:
    """Half up to the nearest multiple of the base: 7 → 5, 8 → 10, 12 → 10, 13 → 15."""
    return int((Decimal(count) / ROUNDING_BASE).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * ROUNDING_BASE


def people(count: int) -> Figure:
    """A count of people: 0 as it is, 1–4 hidden, the rest rounded to a multiple of 5."""
    if count <= 0:
        return Figure(Kind.PEOPLE, 0)
    if count < MIN_PEOPLE:
        return Figure(Kind.PEOPLE, None, hidden=True)
    return Figure(Kind.PEOPLE, round_to_base(count))


def things(count: int) -> Figure:
    """A count of things that are not people."""
    return Figure(Kind.COUNT, count)


def money(amount: Decimal | int | None) -> Figure:
    return Figure(Kind.MONEY, Decimal(amount or 0).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _small(count: int) -> bool:
    return 0 < count < MIN_PEOPLE


def share(part: int, whole: int) -> Figure:
    """Part of whole in whole percent, from the exact counts; hidden when the whole, the part or
    the rest is a group of 1–4 people; nothing (—) when the whole is 0."""
    if whole <= 0:
        return Figure(Kind.SHARE, None)
    if whole < MIN_PEOPLE or _small(part) or _small(whole - part):
        return Figure(Kind.SHARE, None, hidden=True)
    percent = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return Figure(Kind.SHARE, percent)


def amount_share(part: Decimal | int, whole: Decimal | int) -> Figure:
    """A share of money or of things (not people): never hidden; nothing when the whole is 0."""
    if not whole:
        return Figure(Kind.SHARE, None)
    return Figure(Kind.SHARE, (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _one_decimal(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def average(total: float | Decimal, count: int, *, kind: Kind = Kind.AVERAGE) -> Figure:
    """An average over `count` people, to one decimal; hidden under five people."""
    if count <= 0:
        return Figure(kind, None)
    if count < MIN_PEOPLE:
        return Figure(kind, None, hidden=True)
    return Figure(kind, _one_decimal(Decimal(str(total)) / count))


def median(values: Sequence[float | int], *, kind: Kind = Kind.DAYS) -> Figure:
    """The median of values that each stand for one person or referral; hidden under five."""
    if not values:
        return Figure(kind, None)
    if len(values) < MIN_PEOPLE:
        return Figure(kind, None, hidden=True)
    return Figure(kind, _one_decimal(statistics.median(values)))


def change(now: Figure, before: Figure) -> Figure:
    """The difference of two shown figures of the same kind (itself safe: both are already
    protected); nothing when either is hidden or missing."""
    if now.hidden or before.hidden or now.value is None or before.value is None:
        return Figure(now.kind, None)
    return Figure(now.kind, now.value - before.value)
