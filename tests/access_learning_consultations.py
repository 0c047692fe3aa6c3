"""Access-matrix rows of learning: consultations and recommendations (see tests/access_rows.py).

Every signed-in user reads consultations, remarks, recommendations, the summary and the CSV
export (nothing here is personal data). Recording a consultation or a recommendation is for
administrators and regional analysts (rops.kielce, rops.rzeszow). The consultation and the
recommendation of these rows belong to ROPS Kielce: administrators and rops.kielce keep them;
everyone else, rops.rzeszow included, is refused (403).
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import SIGNED_IN, ApiRow, Getter, UrlRow, answers
from tests.personas import ADMIN, ROPS_KIELCE, ROPS_RZESZOW


def _consultation_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.learning.tests.consultation_factories import make_consultation

    return {"public_id": make_consultation(persona(ADMIN)).public_id}


def _linked_remark_ids(persona: Getter) -> dict[str, Any]:
    """A remark that feeds a recommendation: its keepers' delete is refused (400), so it stays."""
    from kooperacja.learning.tests.consultation_factories import make_recommendation, make_remark

    remark = make_remark(actor=persona(ADMIN))
    make_recommendation(persona(ADMIN), remarks=(remark,))
    return {"public_id": remark.public_id}


def _recommendation_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.learning.tests.consultation_factories import make_recommendation

    return {"public_id": make_recommendation(persona(ADMIN)).public_id}


CREATORS = answers(403, dict.fromkeys([ADMIN, ROPS_KIELCE, ROPS_RZESZOW], 200))
KIELCE_KEEPERS = answers(403, dict.fromkeys([ADMIN, ROPS_KIELCE], 200))
# An empty (or refused) POST: keepers are answered as bad input (400), everyone else 403.
KIELCE_KEEPERS_POST = answers(403, dict.fromkeys([ADMIN, ROPS_KIELCE], 400))


def _keep(name: str, kwargs: Any) -> UrlRow:
    return UrlRow(name, KIELCE_KEEPERS_POST, method="POST", kwargs=kwargs, wrong_method="GET")


URL_ROWS: list[UrlRow] = [
    UrlRow("learning:consultations", SIGNED_IN),
    UrlRow("learning:consultation_create", CREATORS, wrong_method="DELETE"),
    UrlRow("learning:consultation", SIGNED_IN, kwargs=_consultation_ids),
    UrlRow("learning:consultation_edit", KIELCE_KEEPERS, kwargs=_consultation_ids, wrong_method="DELETE"),
    _keep("learning:consultation_participant_add", _consultation_ids),
    _keep("learning:consultation_participant_remove", _consultation_ids),
    _keep("learning:consultation_remark_add", _consultation_ids),
    _keep("learning:remark_delete", _linked_remark_ids),
    UrlRow("learning:recommendations", SIGNED_IN),
    UrlRow("learning:recommendation_create", CREATORS, wrong_method="DELETE"),
    UrlRow("learning:recommendations_summary", SIGNED_IN),
    UrlRow("learning:recommendations_export", SIGNED_IN),
    UrlRow("learning:recommendation", SIGNED_IN, kwargs=_recommendation_ids),
    UrlRow("learning:recommendation_edit", KIELCE_KEEPERS, kwargs=_recommendation_ids, wrong_method="DELETE"),
    _keep("learning:recommendation_decide", _recommendation_ids),
]
API_ROWS: list[ApiRow] = []
