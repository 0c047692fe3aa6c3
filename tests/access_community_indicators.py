"""Access-matrix rows of community: indicators (see tests/access_rows.py).

Indicators are public statistics: every signed-in persona reads them (all have a role).
Figures of Mirzec are entered by the social workers and the manager of GOPS Mirzec, by the
regional analyst of świętokrzyskie and by the administrator; the others get 403. The import
page is open to anyone who enters the figures of some gmina (GOPS Oksa's worker and the
analyst of podkarpackie too). Posting is tested in community/tests/test_indicators_views.py.
Indicator definitions are kept by the administrator alone.
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import ADMIN_ONLY, SIGNED_IN, ApiRow, Getter, UrlRow, answers
from tests.personas import ADMIN, COLLEAGUE, GOPS_MIRZEC, GOPS_OKSA, LEADER, ROPS_KIELCE, ROPS_RZESZOW

MIRZEC = "2611032"


def _mirzec(persona: Getter) -> dict[str, Any]:
    return {"code": MIRZEC}


def _population(persona: Getter) -> dict[str, Any]:
    return {"code": "population"}


def _mirzec_year(persona: Getter) -> dict[str, Any]:
    return {"code": MIRZEC, "year": 2024}


MIRZEC_ENTERERS = [ADMIN, GOPS_MIRZEC, COLLEAGUE, LEADER, ROPS_KIELCE]
ANY_ENTERERS = [*MIRZEC_ENTERERS, GOPS_OKSA, ROPS_RZESZOW]


def _only(allowed: list[str], code: int) -> dict[str, int]:
    return answers(403, dict.fromkeys(allowed, code))


URL_ROWS: list[UrlRow] = [
    UrlRow("community:indicators", SIGNED_IN),
    UrlRow("community:indicator_compare", SIGNED_IN),
    # Without a choice of gminas and years the export is refused as bad input.
    UrlRow("community:indicator_compare_csv", answers(400)),
    UrlRow("community:indicator_gmina", SIGNED_IN, kwargs=_mirzec),
    UrlRow("community:indicator_report", SIGNED_IN, kwargs=_mirzec_year),
    UrlRow("community:indicator_year", _only(MIRZEC_ENTERERS, 200), kwargs=_mirzec_year, wrong_method="DELETE"),
    UrlRow("community:indicator_import", _only(ANY_ENTERERS, 200), wrong_method="DELETE"),
    # Definitions are kept by administrators (community/tests/test_indicator_definitions.py).
    UrlRow("community:indicator_definitions", ADMIN_ONLY),
    UrlRow("community:indicator_definition_add", ADMIN_ONLY, wrong_method="DELETE"),
    UrlRow("community:indicator_definition_edit", ADMIN_ONLY, kwargs=_population, wrong_method="DELETE"),
    UrlRow("community:indicator_definition_delete", ADMIN_ONLY, kwargs=_population, wrong_method="DELETE"),
]
API_ROWS: list[ApiRow] = []
