"""Access-matrix rows of learning: support (see tests/access_rows.py).

Every signed-in user opens the list and its export (empty for those who read no activity).
An advisory activity of ROPS Kielce for G-PZK Mirzec is read by the administrator, by
rops.kielce (its voivodeship) and by everyone who sees the team (the staff of its member
institutions and its animator); gops.oksa and rops.rzeszow do not find it (404). It is edited by
the administrator and rops.kielce; its other readers are refused (403). Support is recorded by
administrators, regional analysts and animators (pcpr.starachowice as the team's animator).
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import SIGNED_IN, ApiRow, Getter, UrlRow, answers
from tests.personas import ADMIN, GOPS_OKSA, PCPR, ROPS_KIELCE, ROPS_RZESZOW


def _activity_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.learning.tests.support_factories import make_activity

    return {"public_id": make_activity(persona(ROPS_KIELCE)).public_id}


OUTSIDERS = {GOPS_OKSA: 404, ROPS_RZESZOW: 404}
RECORDERS = answers(403, dict.fromkeys([ADMIN, ROPS_KIELCE, ROPS_RZESZOW, PCPR], 200))
READERS = answers(200, OUTSIDERS)
EDITORS = answers(403, OUTSIDERS | dict.fromkeys([ADMIN, ROPS_KIELCE], 200))

URL_ROWS: list[UrlRow] = [
    UrlRow("learning:support", SIGNED_IN),
    UrlRow("learning:support_export", SIGNED_IN),
    UrlRow("learning:support_create", RECORDERS, wrong_method="PUT"),
    UrlRow("learning:support_detail", READERS, kwargs=_activity_ids),
    UrlRow("learning:support_edit", EDITORS, kwargs=_activity_ids, wrong_method="DELETE"),
]
API_ROWS: list[ApiRow] = []
