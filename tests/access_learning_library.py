"""Access-matrix rows of learning: the materials library (see tests/access_rows.py).

The list is public. A material the viewer may not open is not found (404); anonymous users are
sent to sign in for anything not public. The rows' material is region-only for
świętokrzyskie, uploaded by ROPS Kielce: everyone working in świętokrzyskie opens it (every
persona but rops.rzeszow, whose ROPS is in podkarpackie; administrators open everything).
Administrators and regional analysts upload; administrators and ROPS Kielce keep it (edit,
delete); the others who open it are refused (403).
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import PUBLIC, ApiRow, Getter, UrlRow, answers
from tests.personas import ADMIN, ROPS_KIELCE, ROPS_RZESZOW


def _region_material(persona: Getter) -> dict[str, Any]:
    from kooperacja.learning.tests.library_factories import make_material

    return {"public_id": make_material(persona(ROPS_KIELCE), access_level="region").public_id}


OPENS = answers(200, {ROPS_RZESZOW: 404})
KEEPS = answers(403, {ADMIN: 200, ROPS_KIELCE: 200, ROPS_RZESZOW: 404})

URL_ROWS: list[UrlRow] = [
    UrlRow("learning:materials", PUBLIC),
    UrlRow(
        "learning:material_upload",
        answers(403, dict.fromkeys([ADMIN, ROPS_KIELCE, ROPS_RZESZOW], 200)),
        wrong_method="DELETE",
    ),
    UrlRow("learning:material_file", OPENS, kwargs=_region_material),
    UrlRow("learning:material_edit", KEEPS, kwargs=_region_material, wrong_method="DELETE"),
    UrlRow("learning:material_delete", KEEPS, kwargs=_region_material, wrong_method="PUT"),
]
API_ROWS: list[ApiRow] = []
