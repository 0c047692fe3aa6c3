"""Opening hours in words: HSDS schedules described as a resident reads them.

The function is pure (no database). The English cases pin the rules; the Polish cases are the
wording residents see ("pon.–pt. 8:00–16:00") and need the Polish catalogue of the directory.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import translation
from hypothesis import example, given
from hypothesis import strategies as st

from kooperacja.directory.wording import (
    WEEKDAYS,
    describe_ages,
    describe_schedule,
    describe_weekdays,
    safe_web_url,
    tel_href,
)


@dataclass
class Hours:
    freq: str = "WEEKLY"
    byday: str = ""
    bymonthday: str = ""
    opens_at: dt.time | None = None
    closes_at: dt.time | None = None
    interval: int | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    description: str = ""


EIGHT = dt.time(8)
FOUR_PM = dt.time(16)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        (Hours(byday="MO,TU,WE,TH,FR", opens_at=EIGHT, closes_at=FOUR_PM), "Mon–Fri 8:00–16:00"),
        (Hours(byday="MO,WE,FR", opens_at=EIGHT, closes_at=FOUR_PM), "Mon, Wed, Fri 8:00–16:00"),
        (Hours(byday="FR,MO,TU,WE", opens_at=EIGHT, closes_at=FOUR_PM), "Mon–Wed, Fri 8:00–16:00"),
        (Hours(byday="SA,SU", opens_at=dt.time(9, 30), closes_at=dt.time(13)), "Sat, Sun 9:30–13:00"),
        (Hours(byday="MO,TU,WE,TH,FR,SA,SU", opens_at=EIGHT, closes_at=FOUR_PM), "every day 8:00–16:00"),
        (Hours(byday=" mo , tu,xx,WE ", opens_at=dt.time(8)), "Mon–Wed from 8:00"),
        (Hours(byday="TH", closes_at=dt.time(15, 30)), "Thu until 15:30"),
        (Hours(byday="TU", interval=2, opens_at=dt.time(10), closes_at=dt.time(12)), "every 2 weeks: Tue 10:00–12:00"),
        (Hours(opens_at=dt.time(7, 5), closes_at=dt.time(15, 5)), "7:05–15:05"),
        (
            Hours(freq="MONTHLY", byday="1WE", opens_at=dt.time(17), closes_at=dt.time(19)),
            "Wednesday no. 1 of the month 17:00–19:00",
        ),
        (Hours(freq="MONTHLY", byday="-1FR", opens_at=dt.time(10)), "last Friday of the month from 10:00"),
        (Hours(freq="MONTHLY", bymonthday="1,15"), "day 1. and 15. of the month"),
        (Hours(freq="MONTHLY", bymonthday="-1"), "last day of the month"),
        (Hours(freq="MONTHLY", interval=3), "every 3 months: once a month"),
        (
            Hours(
                byday="MO",
                valid_from=dt.date(2026, 9, 1),
                valid_to=dt.date(2027, 6, 30),
                opens_at=EIGHT,
                closes_at=FOUR_PM,
            ),
            "Mon 8:00–16:00 (valid 01/09/2026–30/06/2027)",
        ),
        (Hours(description="Po wcześniejszym umówieniu telefonicznym."), "Po wcześniejszym umówieniu telefonicznym."),
        (Hours(), ""),
    ],
)
def test_it_describes_a_schedule_in_words(schedule, expected):
    assert describe_schedule(schedule) == expected


def _days_named(text: str) -> set[str]:
    """The weekday codes a description names, ranges expanded."""
    short = {
        translation.pgettext("weekday abbreviation", name): code
        for code, name in zip(WEEKDAYS, ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], strict=True)
    }
    if text == "every day":
        return set(WEEKDAYS)
    found: set[str] = set()
    for part in filter(None, text.split(", ")):
        first, _, last = part.partition("–")
        start = WEEKDAYS.index(short[first])
        end = WEEKDAYS.index(short[last or first])
        found.update(WEEKDAYS[start : end + 1])
    return found


@given(st.lists(st.sampled_from([*WEEKDAYS, "XX", "1MO", ""]), max_size=10))
def test_it_names_exactly_the_days_of_the_schedule(codes):
    with translation.override("en"):
        assert _days_named(describe_weekdays(codes)) == set(codes) & set(WEEKDAYS)


@example(Hours(freq="MONTHLY", bymonthday="²"))
@given(
    st.builds(
        Hours,
        freq=st.sampled_from(["", "WEEKLY", "MONTHLY", "DAILY", "weekly"]),
        byday=st.text(max_size=40),
        bymonthday=st.text(max_size=40),
        interval=st.none() | st.integers(min_value=0, max_value=60),
        description=st.text(max_size=40),
    )
)
def test_it_never_fails_on_whatever_an_import_brought(schedule):
    assert isinstance(describe_schedule(schedule), str)


@pytest.mark.parametrize(
    ("minimum", "maximum", "expected"),
    [
        (6, 18, "aged 6 to 18 years"),
        (60, None, "aged 60 years or more"),
        (None, 1, "aged up to 1 year"),
        (None, None, ""),
    ],
)
def test_it_describes_the_ages_served(minimum, maximum, expected):
    assert describe_ages(minimum, maximum) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://gops.mirzec.pl/", "https://gops.mirzec.pl/"),
        ("HTTP://example.pl", "HTTP://example.pl"),
        ("javascript:alert(1)", ""),
        ("data:text/html,<script>", ""),
        ("", ""),
    ],
)
def test_it_links_only_web_pages(url, expected):
    assert safe_web_url(url) == expected


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("41 274 10 00", "tel:412741000"),
        ("+48 41 274-10-00 w. 12", "tel:+48412741000"),
        ("(41) 27 41 000", "tel:412741000"),
        ("brak", ""),
    ],
)
def test_it_makes_phone_links_from_digits(number, expected):
    assert tel_href(number) == expected


# --- Polish (needs the directory's Polish catalogue) -----------------------------------------


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        (Hours(byday="MO,TU,WE,TH,FR", opens_at=EIGHT, closes_at=FOUR_PM), "pon.–pt. 8:00–16:00"),
        (Hours(byday="MO,WE,FR", opens_at=EIGHT, closes_at=FOUR_PM), "pon., śr., pt. 8:00–16:00"),
        (Hours(byday="SA,SU", opens_at=dt.time(9), closes_at=dt.time(13)), "sob., niedz. 9:00–13:00"),
        (Hours(byday="TU", interval=2, opens_at=dt.time(10), closes_at=dt.time(12)), "co 2 tygodnie: wt. 10:00–12:00"),
        (
            Hours(freq="MONTHLY", byday="1WE", opens_at=dt.time(17), closes_at=dt.time(19)),
            "1. środa miesiąca 17:00–19:00",
        ),
        (Hours(freq="MONTHLY", byday="-1FR"), "ostatni piątek miesiąca"),
    ],
)
def test_it_describes_a_schedule_in_polish(schedule, expected):
    with translation.override("pl"):
        assert describe_schedule(schedule) == expected


def test_it_describes_ages_in_polish_grammar():
    with translation.override("pl"):
        assert describe_ages(6, 18) == "w wieku od 6 do 18 lat"
        assert describe_ages(None, 1) == "w wieku do 1 roku"
        assert describe_ages(60, None) == "w wieku od 60 lat"
