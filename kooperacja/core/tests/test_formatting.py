"""Dates, numbers and money in Polish (and in English for staff who switch): formats and filters."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import formats, translation
from hypothesis import given
from hypothesis import strategies as st

from kooperacja.core.templatetags.formatting import format_money, format_number

NBSP = "\xa0"
AMOUNTS = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False)


def _render(source: str, **context: object) -> str:
    return Template("{% load formatting %}" + source).render(Context(context))


def _parse_polish_money(text: str) -> Decimal:
    assert text.endswith(f"{NBSP}zł")
    number = text.removesuffix(f"{NBSP}zł")
    assert " " not in number, "only non-breaking spaces may group the digits"
    return Decimal(number.replace(NBSP, "").replace(",", "."))


def _parse_english_money(text: str) -> Decimal:
    sign = -1 if text.startswith("-") else 1
    number = text.removeprefix("-")
    assert number.startswith(f"PLN{NBSP}")
    return sign * Decimal(number.removeprefix(f"PLN{NBSP}").replace(",", ""))


def test_it_writes_money_the_polish_way():
    with translation.override("pl"):
        assert format_money(Decimal("12893583.46")) == f"12{NBSP}893{NBSP}583,46{NBSP}zł"
        assert format_money(5) == f"5,00{NBSP}zł"
        assert format_money("-1234.5") == f"-1{NBSP}234,50{NBSP}zł"


def test_it_writes_money_the_english_way():
    with translation.override("en"):
        assert format_money(Decimal("12893583.46")) == f"PLN{NBSP}12,893,583.46"
        assert format_money(-5) == f"-PLN{NBSP}5.00"


def test_it_rounds_money_half_up_to_grosze_and_never_shows_minus_zero():
    with translation.override("pl"):
        assert format_money(Decimal("0.005")) == f"0,01{NBSP}zł"
        assert format_money(Decimal("2.344")) == f"2,34{NBSP}zł"
        assert format_money(Decimal("-0.004")) == f"0,00{NBSP}zł"


@pytest.mark.parametrize("value", [None, "", "abc", "NaN", "Infinity", True])
def test_it_shows_nothing_for_a_missing_or_unreadable_amount(value):
    assert format_money(value) == ""
    assert format_number(value) == ""


@given(AMOUNTS)
def test_it_writes_polish_money_that_reads_back_as_the_same_amount(amount):
    with translation.override("pl"):
        assert _parse_polish_money(format_money(amount)) == amount


@given(AMOUNTS)
def test_it_writes_english_money_that_reads_back_as_the_same_amount(amount):
    with translation.override("en"):
        assert _parse_english_money(format_money(amount)) == amount


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_it_groups_whole_numbers_by_thousands_and_reads_back(value):
    with translation.override("pl"):
        text = format_number(value)
    groups = text.lstrip("-").split(NBSP)
    assert all(len(group) == 3 for group in groups[1:])
    assert 1 <= len(groups[0]) <= 3
    assert int(text.replace(NBSP, "")) == value


def test_it_groups_numbers_and_rounds_to_the_asked_places():
    with translation.override("pl"):
        assert format_number(1234567) == f"1{NBSP}234{NBSP}567"
        assert format_number(Decimal("1234.5")) == f"1{NBSP}234,5"
        assert format_number(1234.5678, 2) == f"1{NBSP}234,57"
        assert format_number(999) == "999"
    with translation.override("en"):
        assert format_number(1234567) == "1,234,567"


def test_it_offers_the_filters_to_templates():
    with translation.override("pl"):
        assert _render("{{ v|money }}", v=Decimal("1500")) == f"1{NBSP}500,00{NBSP}zł"
        assert _render("{{ v|number }}", v=25000) == f"25{NBSP}000"
        assert _render("{{ v|number:1 }}", v=Decimal("2.25")) == "2,3"


def test_it_writes_dates_in_polish_with_the_month_in_the_genitive():
    day = datetime.date(2026, 11, 27)
    moment = datetime.datetime(2026, 3, 1, 9, 5, tzinfo=datetime.UTC)
    with translation.override("pl"):
        assert formats.date_format(day) == "27 listopada 2026"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "27.11.2026"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "1 marca 2026, 09:05"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "01.03.2026 09:05"
        assert formats.get_format("DECIMAL_SEPARATOR") == ","
        assert formats.get_format("THOUSAND_SEPARATOR") == NBSP
        assert formats.get_format("FIRST_DAY_OF_WEEK") == 1


def test_it_writes_dates_in_english_for_staff_who_switch():
    with translation.override("en"):
        assert formats.date_format(datetime.date(2026, 11, 27)) == "27 November 2026"
        assert formats.date_format(datetime.date(2026, 11, 27), "SHORT_DATE_FORMAT") == "27/11/2026"


@pytest.mark.parametrize("typed", ["27.11.2026", "2026-11-27", "27.11.26"])
def test_it_reads_dates_as_people_in_poland_type_them(typed):
    from django import forms

    with translation.override("pl"):
        assert forms.DateField().clean(typed) == datetime.date(2026, 11, 27)
