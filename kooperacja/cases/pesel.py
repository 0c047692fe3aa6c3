"""PESEL, the Polish personal identification number: 11 digits that hold the birth date, a
serial number whose last digit gives the sex (even female, odd male) and a check digit.

The month carries the century: 1900-1999 as is, 2000-2099 +20, 2100-2199 +40, 2200-2299
+60, 1800-1899 +80.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext_noop

WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
CENTURY_BY_MONTH_OFFSET = {0: 1900, 20: 2000, 40: 2100, 60: 2200, 80: 1800}
# ASCII digits only: `\d` would also take other scripts' digits, which int() reads as well.
_DIGITS = re.compile(r"[0-9]{11}")


class InvalidPesel(ValueError):
    """Why the number is not a PESEL; the message is an English msgid, translated where shown."""


def check_digit(first_ten: str) -> int:
    return (10 - sum(int(digit) * weight for digit, weight in zip(first_ten, WEIGHTS, strict=True)) % 10) % 10


def birth_date(pesel: str) -> dt.date:
    """The birth date a PESEL holds; InvalidPesel when there is no such date."""
    year, month, day = int(pesel[0:2]), int(pesel[2:4]), int(pesel[4:6])
    offset = month - month % 20 if month > 12 else 0
    if offset not in CENTURY_BY_MONTH_OFFSET:
        raise InvalidPesel(gettext_noop("The PESEL does not hold a valid birth date."))
    try:
        return dt.date(CENTURY_BY_MONTH_OFFSET[offset] + year, month - offset, day)
    except ValueError:
        raise InvalidPesel(gettext_noop("The PESEL does not hold a valid birth date.")) from None


def sex(pesel: str) -> str:
    """ "F" or "M", from the tenth digit."""
    return "M" if int(pesel[9]) % 2 else "F"


def validate(pesel: str) -> str:
    """The PESEL with spaces removed, checked: 11 digits, the check digit, a real date."""
    cleaned = pesel.replace(" ", "")
    if not _DIGITS.fullmatch(cleaned):
        raise InvalidPesel(gettext_noop("A PESEL has 11 digits."))
    if check_digit(cleaned[:10]) != int(cleaned[10]):
        raise InvalidPesel(gettext_noop("The PESEL's check digit does not match: check the number."))
    birth_date(cleaned)
    return cleaned


def make(born: dt.date, serial: int, sex_code: str) -> str:
    """A valid PESEL for a birth date, a serial (0-9999) and a sex: for demo and test data."""
    offset = next(offset for offset, century in CENTURY_BY_MONTH_OFFSET.items() if century <= born.year < century + 100)
    last = serial % 10
    if (last % 2 == 1) != (sex_code == "M"):
        last = (last + 1) % 10
    first_ten = f"{born.year % 100:02d}{born.month + offset:02d}{born.day:02d}{serial // 10 % 1000:03d}{last}"
    return first_ten + str(check_digit(first_ten))
