"""Access-matrix rows of cases: security — break-glass and "who saw my data" (see tests/access_rows.py).

Break-glass is for platform administrators; the staff who may open the case anyway get 403
(in scope, not allowed), everyone else 404 (no hint the case exists). The report of who saw
a person's data is for those who may see the person by name (`get_person_for_user`).
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import ApiRow, Getter, UrlRow, answers
from tests.personas import ADMIN, COLLEAGUE, GOPS_MIRZEC, LEADER


def _case_ids(persona: Getter) -> dict[str, Any]:
    """A case of GOPS Mirzec led by gops.mirzec (no partner, no family assistant)."""
    from kooperacja.cases.models import CaseKind
    from kooperacja.cases.tests.factories import make_case

    return {"public_id": make_case(lead=persona(GOPS_MIRZEC), kind=CaseKind.PERSON).public_id}


def _person_ids(persona: Getter) -> dict[str, Any]:
    """A person registered by GOPS Mirzec, in no case."""
    from kooperacja.cases.tests.factories import make_person

    return {"public_id": make_person("Adam", "Macierzowy").public_id}


GOPS_MIRZEC_READERS = [GOPS_MIRZEC, COLLEAGUE, LEADER]

URL_ROWS: list[UrlRow] = [
    UrlRow(
        "cases:break_glass",
        answers(404, {ADMIN: 200} | dict.fromkeys(GOPS_MIRZEC_READERS, 403)),
        kwargs=_case_ids,
        wrong_method="PUT",
    ),
    UrlRow("cases:person_access_log", answers(404, dict.fromkeys(GOPS_MIRZEC_READERS, 200)), kwargs=_person_ids),
]
API_ROWS: list[ApiRow] = []
