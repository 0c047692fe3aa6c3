"""Access-matrix rows of evaluation: dashboards, their exports and reports (see tests/access_rows.py).

Each role reads its own territory and what lies in it: the Mirzec staff and partners the gmina
Mirzec; pcpr.starachowice the powiat starachowicki and its gminas; rops.kielce świętokrzyskie
and below; rops.rzeszow, the analyst of the programme's leader, the macroregion and every
voivodeship in it; the administrator everything. Anything else is answered as unknown (404),
as is an unknown unit or a malformed period.
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import SIGNED_IN, ApiRow, Getter, UrlRow, answers
from tests.personas import ADMIN, GOPS_OKSA, PCPR, ROPS_KIELCE, ROPS_RZESZOW

MIRZEC = "2611032"
STARACHOWICKI = "2611"
SWIETOKRZYSKIE = "26"

GMINA_READERS = answers(200, {GOPS_OKSA: 404})
POWIAT_READERS = answers(404, dict.fromkeys([ADMIN, PCPR, ROPS_KIELCE, ROPS_RZESZOW], 200))
REGION_READERS = answers(404, dict.fromkeys([ADMIN, ROPS_KIELCE, ROPS_RZESZOW], 200))


def _unit(level: str, code: str, **more: Any) -> Any:
    def kwargs(persona: Getter) -> dict[str, Any]:
        return {"level": level, "code": code, **more}

    return kwargs


# One row per URL name (the matrix keys rows by name); the other levels and the unknown unit
# are asked in kooperacja/evaluation/tests/test_views.py with the same personas.
URL_ROWS: list[UrlRow] = [
    UrlRow("evaluation:hub", SIGNED_IN),
    UrlRow("evaluation:dashboard", POWIAT_READERS, kwargs=_unit("powiat", STARACHOWICKI)),
    UrlRow(
        "evaluation:table_export",
        REGION_READERS,
        kwargs=_unit("voivodeship", SWIETOKRZYSKIE, key="cases-by-unit", fmt="xlsx"),
    ),
    UrlRow("evaluation:report", GMINA_READERS, kwargs=_unit("gmina", MIRZEC)),
]
API_ROWS: list[ApiRow] = []
