"""Property tests of PESEL validation: what `make` builds always validates and gives back its
date and sex; one wrong digit never passes; only 11 ASCII digits are a PESEL."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from kooperacja.cases import pesel

birth_dates = st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2299, 12, 31))
serials = st.integers(min_value=0, max_value=9999)
sexes = st.sampled_from(["F", "M"])


@given(birth_dates, serials, sexes)
@example(dt.date(2000, 2, 29), 0, "F")
@example(dt.date(1899, 12, 31), 9999, "M")
def test_it_validates_every_pesel_it_makes_and_reads_back_date_and_sex(born, serial, sex):
    number = pesel.make(born, serial, sex)
    assert len(number) == 11
    assert pesel.validate(number) == number
    assert pesel.birth_date(number) == born
    assert pesel.sex(number) == sex


@given(birth_dates, serials, sexes, st.integers(min_value=0, max_value=10), st.integers(min_value=1, max_value=9))
def test_it_refuses_any_single_changed_digit(born, serial, sex, position, shift):
    number = pesel.make(born, serial, sex)
    changed = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1 :]
    with pytest.raises(pesel.InvalidPesel):
        pesel.validate(changed)


@given(birth_dates, serials, sexes)
def test_it_accepts_spaces_between_digits(born, serial, sex):
    number = pesel.make(born, serial, sex)
    assert pesel.validate(f"{number[:6]} {number[6:]}") == number


@given(st.text(max_size=14))
def test_it_takes_only_eleven_ascii_digits(text):
    cleaned = text.replace(" ", "")
    if len(cleaned) == 11 and cleaned.isascii() and cleaned.isdigit():
        return  # a PESEL-shaped string: the other tests check it
    with pytest.raises(pesel.InvalidPesel):
        pesel.validate(text)


@pytest.mark.parametrize("text", ["", "1234567890", "123456789012", "8005171234a", "٨٠٠٥١٧١٢٣٤٥"])
def test_it_refuses_what_is_not_eleven_digits(text):
    with pytest.raises(pesel.InvalidPesel, match="11 digits"):
        pesel.validate(text)


def test_it_refuses_a_valid_checksum_without_a_real_date():
    first_ten = "8013321234"  # month 13
    with pytest.raises(pesel.InvalidPesel, match="birth date"):
        pesel.validate(first_ten + str(pesel.check_digit(first_ten)))
