"""Access-matrix rows of plans_matching (see tests/access_rows.py).

The case of every row belongs to GOPS Mirzec: gops.mirzec leads it, asystent.mirzec is in its
team, and PSP Mirzec (szkola.mirzec) takes part with consent for identity. Matching is for
those who read the whole case: its colleague and manager read it (403 on changing needs), the
school, although it takes part, gets 404 like everyone else (DESIGN.md §1).
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import ApiRow, Getter, UrlRow, answers
from tests.personas import ASSISTANT, COLLEAGUE, GOPS_MIRZEC, LEADER, SCHOOL


def _case_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.cases.models import CaseKind
    from kooperacja.cases.tests.factories import consent, make_case, make_person, take_part
    from kooperacja.institutions.models import Institution

    lead = persona(GOPS_MIRZEC)
    person = make_person("Jan", "Dopasowywany")
    case = make_case(lead=lead, person=person, team=(persona(ASSISTANT),), kind=CaseKind.PERSON)
    school = Institution.objects.get(memberships__user=persona(SCHOOL))
    take_part(case, school)
    consent(person, school, ("identity",), recorded_by=lead)
    return {"public_id": case.public_id}


READERS = answers(404, dict.fromkeys([GOPS_MIRZEC, COLLEAGUE, ASSISTANT, LEADER], 200))
EDITORS = answers(404, dict.fromkeys([GOPS_MIRZEC, ASSISTANT], 302) | dict.fromkeys([COLLEAGUE, LEADER], 403))
# Every persona posts to the same case: gops.mirzec adds the need, so the assistant, who may
# add it too, is refused the same need a second time (400, nothing saved).
ADDERS = EDITORS | {ASSISTANT: 400}

URL_ROWS: list[UrlRow] = [
    UrlRow("plans:matching", READERS, kwargs=_case_ids),
    UrlRow("plans:matching_why_not", READERS, kwargs=_case_ids),
    UrlRow(
        "plans:matching_need_add",
        ADDERS,
        method="POST",
        kwargs=_case_ids,
        data={"need": "food", "note": ""},
        wrong_method="GET",
    ),
    UrlRow(
        "plans:matching_need_resolve",
        EDITORS,
        method="POST",
        kwargs=_case_ids,
        data={"need": "food", "person": ""},
        wrong_method="GET",
    ),
]
API_ROWS: list[ApiRow] = []
