"""Working days for referral deadlines: weekends and Polish public holidays do not count."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kooperacja.plans.deadlines import is_working_day, previous_working_day, working_days_after
from kooperacja.plans.models import ReferralStatus
from kooperacja.plans.tests.factories import make_referral, school


def test_it_counts_five_working_days_across_christmas_and_new_year() -> None:
    # Wed 23 Dec 2026: 24, 25, 26 Dec and 1 Jan are holidays, the weekends do not count.
    assert working_days_after(dt.date(2026, 12, 23), 5) == dt.date(2027, 1, 4)


def test_it_skips_epiphany_and_easter_monday() -> None:
    assert working_days_after(dt.date(2027, 1, 5), 1) == dt.date(2027, 1, 7)  # 6 Jan: Trzech Króli
    assert working_days_after(dt.date(2026, 4, 3), 1) == dt.date(2026, 4, 7)  # Easter Monday 6 Apr


def test_it_counts_an_ordinary_week() -> None:
    assert working_days_after(dt.date(2026, 11, 2), 5) == dt.date(2026, 11, 9)  # Mon -> next Mon
    assert working_days_after(dt.date(2026, 11, 6), 1) == dt.date(2026, 11, 9)  # Fri -> Mon


def test_it_finds_the_working_day_before() -> None:
    assert previous_working_day(dt.date(2027, 1, 4)) == dt.date(2026, 12, 31)


@given(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2030, 12, 31)), st.integers(1, 30))
def test_it_always_lands_on_a_working_day_later_than_the_start(day: dt.date, n: int) -> None:
    due = working_days_after(day, n)
    assert due > day and is_working_day(due)
    assert working_days_after(day, n + 1) > due


@pytest.mark.django_db
def test_it_sets_the_answer_due_from_the_receivers_response_days(time_machine: object = None) -> None:
    institution = school()
    institution.referral_response_days = 10
    institution.save(update_fields=["referral_response_days"])
    referral = make_referral(status=ReferralStatus.SENT)
    assert referral.sent_at is not None
    assert referral.answer_due == working_days_after(referral.sent_at.date(), 10)
