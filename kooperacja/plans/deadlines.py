"""Working days for referral deadlines: Monday to Friday, except Polish public holidays
(`holidays.Poland`, which knows the moving feasts and the days added by statute)."""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays


@cache
def _polish_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("PL", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    """A weekday that is not a public holiday in Poland."""
    return day.weekday() < 5 and day not in _polish_holidays(day.year)


def working_days_after(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (the day itself does not count): a referral sent on
    `day` with n days to answer must be answered on that day at the latest."""
    if n < 0:
        raise ValueError("n must not be negative")
    current = day
    counted = 0
    while counted < n:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            counted += 1
    return current


def previous_working_day(day: dt.date) -> dt.date:
    """The last working day before `day`."""
    current = day - dt.timedelta(days=1)
    while not is_working_day(current):
        current -= dt.timedelta(days=1)
    return current
