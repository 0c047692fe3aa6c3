"""Access-matrix rows of community: programme (see tests/access_rows.py).

Every signed-in user reads a programme (it holds no personal data); only administrators define
or edit one; administrators and the regional analysts of its partners (rops.kielce and
rops.rzeszow for the programme of these rows) keep its partners, phases, milestones, units and
spending. Everyone else is refused (403).
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import SIGNED_IN, ApiRow, Getter, UrlRow, answers
from tests.personas import ADMIN, ROPS_KIELCE, ROPS_RZESZOW


def _programme(persona: Getter) -> Any:
    from kooperacja.community.tests.programme_factories import make_full_programme

    return make_full_programme(persona(ADMIN))


def _programme_ids(persona: Getter) -> dict[str, Any]:
    return {"public_id": _programme(persona).public_id}


def _export_ids(persona: Getter) -> dict[str, Any]:
    return {"public_id": _programme(persona).public_id, "fmt": "xlsx"}


def _milestone_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.community.tests.programme_factories import make_milestone

    return {"public_id": make_milestone(_programme(persona), persona(ADMIN)).public_id}


ADMIN_ONLY = answers(403, {ADMIN: 200})
# An empty POST: keepers are refused as bad input (400), everyone else as not allowed (403).
KEEPERS = answers(403, dict.fromkeys([ADMIN, ROPS_KIELCE, ROPS_RZESZOW], 400))


def _keep(name: str, kwargs: Any) -> UrlRow:
    return UrlRow(name, KEEPERS, method="POST", kwargs=kwargs, wrong_method="GET")


URL_ROWS: list[UrlRow] = [
    UrlRow("community:programmes", SIGNED_IN),
    UrlRow("community:programme_create", ADMIN_ONLY, wrong_method="DELETE"),
    UrlRow("community:programme", SIGNED_IN, kwargs=_programme_ids),
    UrlRow("community:programme_edit", ADMIN_ONLY, kwargs=_programme_ids, wrong_method="DELETE"),
    _keep("community:programme_partner_add", _programme_ids),
    _keep("community:programme_phase_add", _programme_ids),
    _keep("community:programme_milestone_add", _programme_ids),
    _keep("community:programme_unit_add", _programme_ids),
    _keep("community:programme_spending_add", _programme_ids),
    UrlRow("community:programme_budget_export", SIGNED_IN, kwargs=_export_ids),
    UrlRow("community:milestone", SIGNED_IN, kwargs=_milestone_ids),
    _keep("community:milestone_reached", _milestone_ids),
]
API_ROWS: list[ApiRow] = []
