"""Spreadsheet exports (kooperacja.core.exports): no cell of a CSV or XLSX file can start a
formula, whatever text people typed; numbers stay numbers; Polish letters survive."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl import load_workbook

from kooperacja.core.exports import FORMULA_STARTS, csv_response, safe_cell, sheet_title, xlsx_response

# Text that people type, biased towards what spreadsheets would run.
dangerous_text = st.one_of(
    st.text(),
    st.builds(
        lambda sign, rest: sign + rest, st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\n", " =", "  @"]), st.text()
    ),
)
cells = st.one_of(dangerous_text, st.integers(), st.none(), st.decimals(allow_nan=False, allow_infinity=False))


def _csv_cells(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline=""), delimiter=";"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ('=HYPERLINK("http://example.com","kliknij")', '\'=HYPERLINK("http://example.com","kliknij")'),
        ("+48 41 000 10 01", "'+48 41 000 10 01"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("  =1+1", "'  =1+1"),
        ("Gminny Ośrodek Pomocy Społecznej", "Gminny Ośrodek Pomocy Społecznej"),
        ("e-mail: a@b.pl", "e-mail: a@b.pl"),
        (None, ""),
        (-5, -5),
        (Decimal("-1.50"), Decimal("-1.50")),
        (dt.date(2026, 5, 1), dt.date(2026, 5, 1)),
    ],
)
def test_it_puts_an_apostrophe_before_text_a_spreadsheet_would_run(value, expected):
    assert safe_cell(value) == expected


@given(st.lists(st.lists(cells, min_size=1, max_size=5), max_size=5), st.lists(dangerous_text, min_size=1, max_size=4))
def test_it_never_writes_a_csv_cell_that_starts_a_formula(rows, header):
    response = csv_response("test.csv", header, rows)

    written = _csv_cells(response.content)
    for line in written:
        for cell in line:
            assert not cell.startswith(("=", "+", "@", "\t", "\r", "\n")), cell
            # A minus starts a cell only as a plain negative number.
            assert not cell.startswith("-") or _is_number(cell), cell
    # Every text comes back as written, only with the apostrophe where one was needed.
    assert written[0] == [str(safe_cell(value)) for value in header]


def _is_number(text: str) -> bool:
    try:
        Decimal(text.replace(",", "."))  # fractions are written with a decimal comma
    except ArithmeticError:
        return False
    return True


@given(st.lists(st.lists(cells, min_size=1, max_size=4), max_size=4), st.lists(dangerous_text, min_size=1, max_size=3))
@example(rows=[], header=["\x00=1+1"])  # a control character hiding the formula sign
def test_it_never_writes_an_xlsx_cell_that_is_or_starts_a_formula(rows, header):
    response = xlsx_response("test.xlsx", "Arkusz", header, rows)

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(FORMULA_STARTS), cell.value


def test_it_writes_a_csv_file_spreadsheets_set_to_polish_read():
    rows = [["Łoniów", 3, Decimal("2.5")], ["=1+1", -2, 0.25]]
    response = csv_response("usługi.csv", ["Gmina", "Liczba", "Godziny"], rows)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''us%C5%82ugi.csv"
    assert _csv_cells(response.content) == [
        ["Gmina", "Liczba", "Godziny"],
        ["Łoniów", "3", "2,5"],
        ["'=1+1", "-2", "0,25"],
    ]


def test_it_writes_an_xlsx_file_with_numbers_as_numbers_and_a_bold_header():
    response = xlsx_response(
        "gaps.xlsx", "Luki: powiat [test]/2026", ["Gmina", "Liczba"], [["Łoniów", 3], ["@cmd", Decimal("2.5")]]
    )

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="gaps.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert sheet is not None
    assert sheet.title == "Luki- powiat -test--2026"
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Gmina", "Liczba"],
        ["Łoniów", 3],
        ["'@cmd", 2.5],
    ]
    assert sheet["A1"].font.bold


def test_it_drops_control_characters_an_xlsx_file_cannot_hold():
    response = xlsx_response("x.xlsx", "x", ["a"], [["przed\x00\x07po"]])

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet["A2"].value == "przedpo"


def test_it_writes_aware_times_as_local_times_in_xlsx():
    at = dt.datetime(2026, 1, 15, 11, 30, tzinfo=dt.UTC)

    response = xlsx_response("x.xlsx", "x", ["kiedy"], [[at]])

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet["A2"].value == dt.datetime(2026, 1, 15, 12, 30)  # noqa: DTZ001 - Excel holds naive local times (Warsaw, winter)


@pytest.mark.parametrize(
    ("title", "expected"), [("", "Arkusz1"), ("a" * 40, "a" * 31), ("Luki?*", "Luki--"), ("'x'", "x")]
)
def test_it_gives_sheets_names_excel_accepts(title, expected):
    assert sheet_title(title) == expected
