"""Published figures never reveal a group of fewer than five people, alone or by subtraction."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kooperacja.evaluation import privacy
from kooperacja.evaluation.privacy import Kind


def test_it_hides_counts_of_one_to_four_people():
    assert [privacy.people(n).hidden for n in range(6)] == [False, True, True, True, True, False]
    assert privacy.people(0).value == 0
    assert privacy.people(3).export_value() == "< 5"


def test_it_rounds_other_counts_of_people_to_five():
    assert [privacy.people(n).value for n in (5, 7, 8, 12, 13, 140, 172)] == [5, 5, 10, 10, 15, 140, 170]


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=4))
def test_it_never_lets_two_shown_counts_differ_by_a_small_group(count, small):
    # Two views whose true counts differ by 1–4 people (a half-year and its quarter, a powiat and
    # all but one of its gminas): their shown figures differ by a multiple of 5, or one is hidden.
    bigger, smaller = privacy.people(count + small), privacy.people(count)
    if bigger.value is not None and smaller.value is not None:
        assert (bigger.value - smaller.value) % privacy.ROUNDING_BASE == 0
        assert bigger.value - smaller.value != small


def test_it_shows_a_share_only_when_every_group_behind_it_has_five():
    assert privacy.share(140, 172).value == Decimal(81)
    assert privacy.share(3, 40).hidden  # three people
    assert privacy.share(37, 40).hidden  # the three outside it
    assert privacy.share(2, 4).hidden  # four people in all
    assert privacy.share(0, 40).value == 0
    assert privacy.share(0, 0).value is None and not privacy.share(0, 0).hidden


def test_it_keeps_averages_and_medians_of_fewer_than_five_hidden():
    assert privacy.average(6, 4).hidden
    assert privacy.average(6, 5).value == Decimal("1.2")
    assert privacy.median([1, 2, 3, 4]).hidden
    assert privacy.median([1, 2, 3, 4, 10]).value == Decimal(3)


def test_it_shows_things_and_money_as_they_are():
    assert privacy.things(3).value == 3
    assert privacy.money(Decimal("56000")).value == Decimal("56000.00")
    assert privacy.amount_share(1, 3).kind == Kind.SHARE and privacy.amount_share(1, 3).value == 33


def test_it_shows_no_change_against_a_hidden_figure():
    assert not privacy.change(privacy.people(10), privacy.people(3)).shown
    assert privacy.change(privacy.people(10), privacy.people(5)).value == 5
