"""Spreadsheet exports (CSV and XLSX) that cannot run anything on the reader's machine.

A cell whose text begins with `=`, `+`, `-` or `@` (or with a tab or a carriage return that
hides one) is read by Excel and LibreOffice as a formula: a service name typed as
`=HYPERLINK(…)` would become a live link in the analyst's spreadsheet (CSV injection, OWASP).
Every text cell of every export therefore goes through `safe_cell`, which puts an
apostrophe in front of such text; numbers and dates stay what they are. CSV files are UTF-8
with a BOM and `;` between cells, which is what spreadsheets set to Polish expect.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

# What a spreadsheet may take for the start of a formula (or a DDE call): the four formula
# signs, and the tab, carriage return and line feed a cell may begin with before one of them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's limits on a sheet's name: 31 characters, none of []:*?/\ .
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_NUMBERS = (int, float, Decimal)

Cell = Any


def safe_cell(value: Cell) -> Cell:
    """The value as an export cell: numbers, dates and booleans as they are, empty for None,
    any other value as text, with a leading apostrophe when the text (or the text after its
    leading spaces) begins with a formula sign."""
    if value is None:
        return ""
    if isinstance(value, (*_NUMBERS, bool, dt.date, dt.time)):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) or text.lstrip().startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def csv_response(filename: str, header: Sequence[Cell], rows: Iterable[Sequence[Cell]]) -> HttpResponse:
    """A CSV download: UTF-8 with a BOM (spreadsheets read Polish letters only with it), `;`
    between cells, the header first, every cell through `safe_cell`."""
    response = HttpResponse(content_type=CSV_CONTENT_TYPE)
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_csv_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])
    return _attachment(response, filename)


def _csv_cell(value: Cell) -> Cell:
    # A spreadsheet set to Polish, which reads `;` between cells, reads "2.5" as a date or text:
    # fractions are written with a decimal comma.
    cell = safe_cell(value)
    if isinstance(cell, Decimal):
        return format(cell, "f").replace(".", ",")
    if isinstance(cell, float):
        return repr(cell).replace(".", ",")
    return cell


def sheet_title(title: str) -> str:
    """A name Excel accepts for a sheet: forbidden signs replaced, at most 31 characters."""
    cleaned = _SHEET_NAME_FORBIDDEN.sub("-", ILLEGAL_CHARACTERS_RE.sub("", title)).strip().strip("'")
    return cleaned[:31] or "Arkusz1"


def _xlsx_value(value: Cell) -> Cell:
    value = safe_cell(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # Excel has no time zones: the local time, as people read it.
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, str):
        # Control characters other than tab and line breaks make the file unreadable. They are
        # removed before the formula check, or "\x00=1" would become the formula "=1".
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def xlsx_response(
    filename: str, sheet_title_text: str, header: Sequence[Cell], rows: Iterable[Sequence[Cell]]
) -> HttpResponse:
    """An XLSX download with one sheet: a bold header row kept in view while scrolling, every
    cell through `safe_cell`, so no text becomes a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(sheet_title_text))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    widths = []
    for value in header:
        cell = WriteOnlyCell(sheet, value=_xlsx_value(value))
        cell.font = bold
        header_cells.append(cell)
        widths.append(min(max(len(str(value or "")), 8), 40) + 2)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _attachment(HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE), filename)
