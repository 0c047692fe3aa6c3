"""Access-matrix rows of the cooperation network (see tests/access_rows.py).

The network page follows the reach of the dashboards (kooperacja/evaluation/policies.py): the
powiat starachowicki is read by pcpr.starachowice (staff of a powiat institution), by the
analysts of świętokrzyskie (rops.kielce) and of the programme's leader (rops.rzeszow), and by
the administrator; the staff and partners of a gmina read only their gmina, so for them the
powiat is unknown (404). The gmina level and other territories are asked in
kooperacja/evaluation/tests/test_network_views.py with the same personas.
"""

from __future__ import annotations

from typing import Any

from tests.access_evaluation_dashboards import POWIAT_READERS, STARACHOWICKI
from tests.access_rows import ApiRow, Getter, UrlRow


def _starachowicki(persona: Getter) -> dict[str, Any]:
    return {"level": "powiat", "code": STARACHOWICKI}


URL_ROWS: list[UrlRow] = [
    UrlRow("evaluation:network", POWIAT_READERS, kwargs=_starachowicki),
]
API_ROWS: list[ApiRow] = []
