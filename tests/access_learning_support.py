"""Access-matrix rows of learning: support (see tests/access_rows.py)."""

from __future__ import annotations

from tests.access_rows import ApiRow, UrlRow

URL_ROWS: list[UrlRow] = []
API_ROWS: list[ApiRow] = []
