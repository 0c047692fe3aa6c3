"""Access-matrix rows of learning: the hub page (see tests/access_rows.py). Every signed-in
user opens it; anonymous users are sent to sign in."""

from __future__ import annotations

from tests.access_rows import SIGNED_IN, ApiRow, UrlRow

URL_ROWS: list[UrlRow] = [UrlRow("learning:hub", SIGNED_IN)]
API_ROWS: list[ApiRow] = []
