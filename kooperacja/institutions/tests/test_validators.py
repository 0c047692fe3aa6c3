"""REGON, KRS and postal code: what GUS, the courts and Poczta Polska issue, and typos refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from kooperacja.institutions.validators import (
    REGON9_WEIGHTS,
    REGON14_WEIGHTS,
    is_valid_regon,
    regon_check_digit,
    validate_krs,
    validate_postal_code,
    validate_regon,
)

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


def weighted_rest(number: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(number, weights, strict=False)) % 11


@st.composite
def regons(draw: st.DrawFn) -> str:
    """A valid REGON: 9 digits, or 14 starting with a valid 9-digit one."""
    body = draw(st.text(alphabet="0123456789", min_size=8, max_size=8))
    regon = body + str(regon_check_digit(body))
    if draw(st.booleans()):
        local = regon + draw(st.text(alphabet="0123456789", min_size=4, max_size=4))
        regon = local + str(regon_check_digit(local))
    return regon


@given(regons())
def test_it_accepts_every_regon_whose_check_digit_is_computed_right(regon):
    assert is_valid_regon(regon)
    validate_regon(regon)


@given(regons(), st.data())
def test_it_refuses_a_regon_with_any_single_digit_changed(regon, data):
    # Mod 11 with "10 counts as 0" cannot tell a rest of 10 from a rest of 0: a number whose
    # weighted sum leaves 0 or 10 has a twin one digit away. The property holds for the others.
    assume(weighted_rest(regon[:8], REGON9_WEIGHTS) not in (0, 10))
    assume(len(regon) == 9 or weighted_rest(regon[:13], REGON14_WEIGHTS) not in (0, 10))
    position = data.draw(st.integers(0, len(regon) - 1))
    new_digit = data.draw(digits.filter(lambda d: d != regon[position]))
    mistyped = regon[:position] + new_digit + regon[position + 1 :]

    assert not is_valid_regon(mistyped)
    with pytest.raises(ValidationError):
        validate_regon(mistyped)


@pytest.mark.parametrize("regon", ["123456785", "000331501", "12345678512347"])
def test_it_accepts_known_valid_regons(regon):
    assert is_valid_regon(regon)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("12345678", "regon_format"),
        ("1234567890", "regon_format"),
        ("12345678A", "regon_format"),
        ("123456786", "regon_checksum"),
        ("12345678512348", "regon_checksum"),
        # The local part's check is right, but the entity's REGON inside it is not.
        ("12345678612347", "regon_checksum"),
    ],
)
def test_it_refuses_malformed_regons_with_a_reason(value, code):
    with pytest.raises(ValidationError) as error:
        validate_regon(value)

    assert error.value.code == code


def test_it_refuses_a_check_digit_from_the_wrong_number_of_digits():
    with pytest.raises(ValueError):
        regon_check_digit("1234567")


@pytest.mark.parametrize("krs", ["0000012345", "0000975323"])
def test_it_accepts_ten_digit_krs_numbers(krs):
    validate_krs(krs)


@pytest.mark.parametrize("krs", ["12345", "00000123456", "000001234X", ""])
def test_it_refuses_krs_numbers_without_ten_digits(krs):
    with pytest.raises(ValidationError):
        validate_krs(krs)


@pytest.mark.parametrize("postal", ["27-220", "00-950"])
def test_it_accepts_postal_codes_written_nn_nnn(postal):
    validate_postal_code(postal)


@pytest.mark.parametrize("postal", ["27220", "27 220", "2-7220", "27-2200", "AB-CDE"])
def test_it_refuses_other_postal_codes(postal):
    with pytest.raises(ValidationError):
        validate_postal_code(postal)
