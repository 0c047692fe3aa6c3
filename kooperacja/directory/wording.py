"""Service data in the words a resident reads: opening hours from HSDS schedules
("pon.–pt. 8:00–16:00"), ages, validity, and the phone and web links a page may offer.

Pure functions of the active language, shared by the public pages, the Informator and the
services API.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Protocol
from urllib.parse import urlsplit

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_MONTHLY_DAY = re.compile(r"^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$")


def _weekday_short(code: str) -> str:
    return {
        "MO": pgettext("weekday abbreviation", "Mon"),
        "TU": pgettext("weekday abbreviation", "Tue"),
        "WE": pgettext("weekday abbreviation", "Wed"),
        "TH": pgettext("weekday abbreviation", "Thu"),
        "FR": pgettext("weekday abbreviation", "Fri"),
        "SA": pgettext("weekday abbreviation", "Sat"),
        "SU": pgettext("weekday abbreviation", "Sun"),
    }[code]


def _weekday_name(code: str) -> str:
    return {
        "MO": pgettext("weekday, lowercase in Polish", "Monday"),
        "TU": pgettext("weekday, lowercase in Polish", "Tuesday"),
        "WE": pgettext("weekday, lowercase in Polish", "Wednesday"),
        "TH": pgettext("weekday, lowercase in Polish", "Thursday"),
        "FR": pgettext("weekday, lowercase in Polish", "Friday"),
        "SA": pgettext("weekday, lowercase in Polish", "Saturday"),
        "SU": pgettext("weekday, lowercase in Polish", "Sunday"),
    }[code]


def _last_weekday_of_month(code: str) -> str:
    # One message a day: in Polish "last" agrees with the weekday's gender.
    return {
        "MO": _("last Monday of the month"),
        "TU": _("last Tuesday of the month"),
        "WE": _("last Wednesday of the month"),
        "TH": _("last Thursday of the month"),
        "FR": _("last Friday of the month"),
        "SA": _("last Saturday of the month"),
        "SU": _("last Sunday of the month"),
    }[code]


class ScheduleLike(Protocol):
    """What describing a schedule reads: a `Schedule`, or any object with its fields."""

    freq: str
    interval: int | None
    byday: str
    bymonthday: str
    opens_at: dt.time | None
    closes_at: dt.time | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    description: str


def format_time(value: dt.time) -> str:
    """8:00, 16:30 — hours without a leading zero, as Polish notices write them."""
    return f"{value.hour}:{value.minute:02d}"


def _codes(text: str) -> list[str]:
    return [part.strip().upper() for part in (text or "").split(",") if part.strip()]


def describe_weekdays(codes: Iterable[str]) -> str:
    """MO,TU,WE,TH,FR -> "pon.–pt."; MO,WE,FR -> "pon., śr., pt."; three days or more in a row
    become a range, two stay a list; unknown codes are left out."""
    days = sorted({code for code in codes if code in WEEKDAYS}, key=WEEKDAYS.index)
    if len(days) == len(WEEKDAYS):
        return _("every day")
    runs: list[list[str]] = []
    for day in days:
        if runs and WEEKDAYS.index(day) == WEEKDAYS.index(runs[-1][-1]) + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{_weekday_short(run[0])}–{_weekday_short(run[-1])}")
        else:
            parts += [_weekday_short(day) for day in run]
    return ", ".join(parts)


def _join(items: Sequence[str]) -> str:
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _monthly_days(schedule: ScheduleLike) -> str:
    parts: list[str] = []
    for code in _codes(schedule.byday):
        match = _MONTHLY_DAY.match(code)
        if not match:
            continue
        number = int(match[1] or 0)
        if number == -1:
            parts.append(_last_weekday_of_month(match[2]))
        elif number > 0:
            parts.append(
                _("%(weekday)s no. %(number)s of the month") % {"weekday": _weekday_name(match[2]), "number": number}
            )
    month_days: list[str] = []
    last_day = False
    for value in _codes(schedule.bymonthday):
        # ASCII digits only: "²" is a digit to str.isdigit but not to int().
        if value.lstrip("+").isascii() and value.lstrip("+").isdigit() and 1 <= int(value) <= 31:
            month_days.append(pgettext("ordinal day of the month", "%(number)s.") % {"number": int(value)})
        elif value == "-1":
            last_day = True
    if month_days:
        parts.append(_("day %(days)s of the month") % {"days": _join(month_days)})
    if last_day:
        parts.append(_("last day of the month"))
    return ", ".join(parts)


def describe_hours(opens_at: dt.time | None, closes_at: dt.time | None) -> str:
    """ "8:00–16:00", "od 8:00", "do 16:00", or "" when neither time is known."""
    if opens_at and closes_at:
        return f"{format_time(opens_at)}–{format_time(closes_at)}"
    if opens_at:
        return _("from %(time)s") % {"time": format_time(opens_at)}
    if closes_at:
        return _("until %(time)s") % {"time": format_time(closes_at)}
    return ""


def describe_schedule(schedule: ScheduleLike) -> str:
    """One HSDS schedule in words of the active language: "pon.–pt. 8:00–16:00",
    "co 2 tygodnie: wt. 10:00–12:00", "1. środa miesiąca 17:00–19:00". A schedule without
    days or hours is described by its own description."""
    interval = schedule.interval or 1
    freq = (schedule.freq or "").upper()
    if freq == "MONTHLY":
        days = _monthly_days(schedule) or _("once a month")
        if interval > 1:
            every = ngettext("every %(count)s month", "every %(count)s months", interval) % {"count": interval}
            days = f"{every}: {days}"
    else:
        days = describe_weekdays(_codes(schedule.byday))
        if interval > 1 and freq == "WEEKLY":
            every = ngettext("every %(count)s week", "every %(count)s weeks", interval) % {"count": interval}
            days = f"{every}: {days}" if days else every
    text = " ".join(part for part in (days, describe_hours(schedule.opens_at, schedule.closes_at)) if part)
    if not text:
        return schedule.description.strip()
    validity = describe_validity(schedule.valid_from, schedule.valid_to)
    return f"{text} ({validity})" if validity else text


def describe_validity(valid_from: dt.date | None, valid_to: dt.date | None) -> str:
    """When a schedule applies, in short dates of the active language; "" when always."""

    def short(value: dt.date) -> str:
        return formats.date_format(value, "SHORT_DATE_FORMAT")

    if valid_from and valid_to:
        return _("valid %(start)s–%(end)s") % {"start": short(valid_from), "end": short(valid_to)}
    if valid_from:
        return _("valid from %(date)s") % {"date": short(valid_from)}
    if valid_to:
        return _("valid until %(date)s") % {"date": short(valid_to)}
    return ""


def describe_ages(minimum: int | None, maximum: int | None) -> str:
    """ "w wieku od 6 do 18 lat", "w wieku od 60 lat", "w wieku do 1 roku"."""
    if minimum is not None and maximum is not None:
        return ngettext("aged %(min)s to %(max)s year", "aged %(min)s to %(max)s years", maximum) % {
            "min": minimum,
            "max": maximum,
        }
    if minimum is not None:
        return ngettext("aged %(min)s year or more", "aged %(min)s years or more", minimum) % {"min": minimum}
    if maximum is not None:
        return ngettext("aged up to %(max)s year", "aged up to %(max)s years", maximum) % {"max": maximum}
    return ""


def safe_web_url(url: str) -> str:
    """The address if it is a web page (http or https), else "": an imported javascript: or
    data: address must never become a link."""
    return url if urlsplit(url or "").scheme.lower() in {"http", "https"} else ""


def tel_href(number: str) -> str:
    """A tel: link target: the digits (and a leading +) of the number before any words, so
    "41 274 10 00 w. 12" calls 412741000."""
    match = re.match(r"[\d\s+()./-]*", number or "")
    digits = re.sub(r"[^\d+]", "", match[0] if match else "")
    digits = digits[:1] + digits[1:].replace("+", "")
    return f"tel:{digits}" if re.search(r"\d", digits) else ""
