"""Official identifiers of institutions: REGON (GUS), KRS (National Court Register), postal code, phone."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

REGON9_WEIGHTS = (8, 9, 2, 3, 4, 5, 6, 7)
REGON14_WEIGHTS = (2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8)
_POSTAL_CODE = re.compile(r"[0-9]{2}-[0-9]{3}")
# Digits with the usual separators, a leading + for the country code: "41 274 10 00",
# "+48 (41) 274-10-00". Anything else (letters, markup) is not a phone number.
_PHONE = re.compile(r"\+?[0-9 ()-]+")
PHONE_MIN_LENGTH = 7
PHONE_MAX_LENGTH = 20
PHONE_MIN_DIGITS = 7


def regon_check_digit(digits: str) -> int:
    """The check digit of the first 8 (or 13) digits of a REGON: weighted sum mod 11, 10 counts as 0."""
    weights = REGON9_WEIGHTS if len(digits) == 8 else REGON14_WEIGHTS
    if len(digits) != len(weights) or not (digits.isascii() and digits.isdigit()):
        raise ValueError("a REGON check digit is computed from 8 or 13 digits")
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10


def is_valid_regon(value: str) -> bool:
    """9 digits, or 14 for a local unit; a 14-digit REGON starts with the valid REGON of its entity."""
    if len(value) not in (9, 14) or not (value.isascii() and value.isdigit()):
        return False
    if regon_check_digit(value[:8]) != int(value[8]):
        return False
    return len(value) == 9 or regon_check_digit(value[:13]) == int(value[13])


def validate_regon(value: str) -> None:
    if len(value) not in (9, 14) or not (value.isascii() and value.isdigit()):
        raise ValidationError(_("A REGON number has 9 or 14 digits."), code="regon_format")
    if not is_valid_regon(value):
        raise ValidationError(
            _("This REGON number has a wrong check digit: check for a mistyped digit."), code="regon_checksum"
        )


def validate_krs(value: str) -> None:
    if len(value) != 10 or not (value.isascii() and value.isdigit()):
        raise ValidationError(_("A KRS number has 10 digits (with leading zeros)."), code="krs_format")


def validate_postal_code(value: str) -> None:
    if not _POSTAL_CODE.fullmatch(value):
        raise ValidationError(_("Write the postal code as NN-NNN, for example 27-220."), code="postal_code")


def validate_phone(value: str) -> None:
    digits = sum(char.isdigit() for char in value)
    if (
        not _PHONE.fullmatch(value)
        or not PHONE_MIN_LENGTH <= len(value) <= PHONE_MAX_LENGTH
        or digits < PHONE_MIN_DIGITS
    ):
        raise ValidationError(
            _(
                "Write the phone number with digits; spaces, +, - and brackets are allowed (7 to 20 characters), "
                "for example 41 274 10 00."
            ),
            code="phone",
        )
