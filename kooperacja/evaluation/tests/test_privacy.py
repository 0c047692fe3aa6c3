"""Published figures never reveal a group of fewer than five people, alone or by subtraction."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

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
    assert privacy.share(140, 172).value == Decimal(82)  # 140 of 170, as the counts are shown
    assert privacy.share(3, 40).hidden  # three people
    assert privacy.share(37, 40).hidden  # the three outside it
    assert privacy.share(2, 4).hidden  # four people in all
    assert privacy.share(0, 40).value == 0
    assert privacy.share(0, 0).value is None and not privacy.share(0, 0).hidden


def test_it_takes_a_share_of_the_counts_as_shown():
    # 6 of 11: shown as 5 and 10, so 50 % — the exact 55 % would fit 6 of 11 only.
    assert (privacy.people(6).value, privacy.people(11).value, privacy.share(6, 11).value) == (5, 10, Decimal(50))


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_it_never_shows_a_share_the_shown_counts_do_not_give(part, rest):
    whole = part + rest
    shown = privacy.share(part, whole)
    if shown.shown:
        part_shown, whole_shown = privacy.people(part).value, privacy.people(whole).value
        assert part_shown is not None and whole_shown
        expected = (Decimal(100 * part_shown) / whole_shown).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        assert shown.value == expected


@given(st.integers(min_value=5, max_value=10_000), st.integers(min_value=5, max_value=10_000))
def test_it_shows_the_same_triple_for_more_than_one_exact_pair(part, rest):
    # Whatever (count, count, share) is shown, another exact pair beside this one shows it too:
    # the part and the whole each one more, as many or one less (a rounding to 5 always has room).
    whole = part + rest

    def triple(part: int, whole: int) -> tuple[object, ...]:
        return privacy.people(part).value, privacy.people(whole).value, privacy.share(part, whole).value

    steps = (-1, 0, 1)
    neighbours = [(part + a, whole + b) for a in steps for b in steps if (a, b) != (0, 0)]
    assert any(triple(*pair) == triple(part, whole) for pair in neighbours)


def test_it_judges_rows_that_stand_for_people_by_the_people_behind_them():
    # Six referrals of one family; eight goals of three families; seven of five families.
    assert privacy.people(6, distinct=1).hidden
    assert privacy.people(8, distinct=3).hidden
    assert privacy.people(7, distinct=5).value == 5
    assert privacy.people(0, distinct=0).value == 0
    assert privacy.share(6, 12, part_distinct=1, rest_distinct=6).hidden
    assert privacy.share(6, 12, part_distinct=6, rest_distinct=2).hidden
    assert privacy.share(12, 12, part_distinct=6, rest_distinct=0).value == 100
    assert privacy.median_of(7.0, 6, distinct=1).hidden
    assert privacy.median_of(7.0, 6, distinct=5).value == Decimal("7.0")


def test_it_hides_a_sum_over_fewer_than_five_people_and_rounds_the_rest_to_ten():
    assert privacy.sum_over_people(9, 3).hidden
    assert [privacy.sum_over_people(hours, 6).value for hours in (0, 14, 15, 24, 48)] == [0, 10, 20, 20, 50]
    assert privacy.sum_over_people(Decimal("14.6"), 6).value == 20  # 15 hours, half up
    assert privacy.sum_over_people(0, 0).value == 0


@given(
    st.lists(
        # At least an hour each, so a hidden part has a neighbour on both sides; a total on a
        # rounding boundary then still matches one of them.
        st.tuples(st.integers(min_value=1, max_value=500), st.integers(min_value=1, max_value=30)),
        min_size=1,
        max_size=6,
    ),
    st.data(),
)
def test_it_gives_no_hidden_sum_back_by_subtraction_from_the_total(parts, data):
    # Parts (hours, people) and their total, as a table of topics and its headline: for a hidden
    # part, hours one more or one less show the very same figures, so they cannot be told apart.
    hidden = [index for index, (_hours, count) in enumerate(parts) if count < privacy.MIN_PEOPLE]
    if not hidden:
        return
    index = data.draw(st.sampled_from(hidden))

    def shown(parts: list[tuple[int, int]]) -> list[object]:
        total = privacy.sum_over_people(sum(hours for hours, _count in parts), sum(count for _hours, count in parts))
        return [total.value, *(privacy.sum_over_people(hours, count).value for hours, count in parts)]

    hours, count = parts[index]
    others = [[*parts[:index], (hours + step, count), *parts[index + 1 :]] for step in (-1, 1)]
    assert any(shown(other) == shown(parts) for other in others)


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
