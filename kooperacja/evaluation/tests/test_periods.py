"""Dashboard periods: whole years, halves, quarters and months, written as in URLs."""

from __future__ import annotations

import datetime as dt

import pytest

from kooperacja.evaluation import periods
from kooperacja.evaluation.periods import Period, Unit


@pytest.mark.parametrize(
    ("slug", "start", "end"),
    [
        ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("2024-H2", dt.date(2024, 7, 1), dt.date(2024, 12, 31)),
        ("2024-Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
    ],
)
def test_it_reads_a_period_and_its_days(slug, start, end):
    period = periods.parse(slug)
    assert (period.start, period.end, period.slug) == (start, end, slug)


@pytest.mark.parametrize("slug", ["", "24", "2024-Q5", "2024-13", "2024-H3", "2024-01-01", "1999", "2024 Q1"])
def test_it_refuses_anything_but_a_whole_unit(slug):
    with pytest.raises(ValueError):
        periods.parse(slug)


def test_it_compares_with_the_period_just_before():
    assert periods.parse("2024-Q1").previous() == Period(2023, Unit.QUARTER, 4)
    assert periods.parse("2024-H2").previous() == Period(2024, Unit.HALF, 1)
    assert periods.parse("2024-01").previous().slug == "2023-12"
    assert periods.parse("2024").previous().slug == "2023"


def test_it_offers_only_periods_that_have_begun():
    offered = periods.choices(dt.date(2026, 2, 10))
    this_year = dict(offered)["2026"]
    assert [period.slug for period in this_year] == ["2026", "2026-H1", "2026-Q1", "2026-01", "2026-02"]
    assert offered[-1][0] == str(periods.FIRST_YEAR)
