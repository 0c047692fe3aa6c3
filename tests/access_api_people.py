"""Access-matrix rows (see tests/access_rows.py): filled by the module's author."""

from __future__ import annotations

from tests.access_rows import ApiRow, UrlRow

URL_ROWS: list[UrlRow] = []
API_ROWS: list[ApiRow] = []
