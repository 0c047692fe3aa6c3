"""Access-matrix rows of learning: book (see tests/access_rows.py).

Every signed-in user reads the published versions of the Księga Rekomendacji and downloads
their PDFs; publishing and previewing a programme's book is for administrators and the
regional analysts of the programme's leader (rops.rzeszow for the programme of these rows;
rops.kielce, a partner, is refused like everyone else: 403).
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import SIGNED_IN, ApiRow, Getter, UrlRow, answers
from tests.personas import ADMIN, ROPS_RZESZOW


def _programme_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.learning.tests.book_factories import make_programme

    return {"public_id": make_programme().public_id}


def _book_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.learning.tests.book_factories import make_programme, make_stored_book

    return {"public_id": make_stored_book(make_programme(), persona(ROPS_RZESZOW)).public_id}


PUBLISHERS = answers(403, dict.fromkeys([ADMIN, ROPS_RZESZOW], 200))

URL_ROWS: list[UrlRow] = [
    UrlRow("learning:books", SIGNED_IN),
    UrlRow("learning:book_download", SIGNED_IN, kwargs=_book_ids),
    UrlRow("learning:book_publish", PUBLISHERS, kwargs=_programme_ids, wrong_method="DELETE"),
    UrlRow("learning:book_preview", PUBLISHERS, kwargs=_programme_ids),
]
API_ROWS: list[ApiRow] = []
