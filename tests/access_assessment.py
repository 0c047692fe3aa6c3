"""Access-matrix rows of the diagnosis (see tests/access_rows.py).

The case of every row belongs to GOPS Mirzec: gops.mirzec leads it, asystent.mirzec is in its
team, and PSP Mirzec (szkola.mirzec) takes part with consent for identity and, for the rows of
one diagnosis, the income domain. Its colleague and manager read it (403 on recording), the
school reads the shared view (403 on recording), everyone else gets 404 (DESIGN.md §1).
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import ApiRow, Getter, UrlRow, answers
from tests.personas import ASSISTANT, COLLEAGUE, GOPS_MIRZEC, LEADER, SCHOOL


def _case(persona: Getter, categories: tuple[str, ...] = ("identity",)) -> Any:
    from kooperacja.cases.models import CaseKind
    from kooperacja.cases.tests.factories import consent, make_case, make_person, take_part
    from kooperacja.institutions.models import Institution

    lead = persona(GOPS_MIRZEC)
    person = make_person("Jan", "Diagnozowany")
    case = make_case(lead=lead, person=person, team=(persona(ASSISTANT),), kind=CaseKind.PERSON)
    school = Institution.objects.get(memberships__user=persona(SCHOOL))
    take_part(case, school)
    consent(person, school, categories, recorded_by=lead)
    return case


def _case_ids(persona: Getter) -> dict[str, Any]:
    return {"public_id": _case(persona).public_id}


def _assessment_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.assessment.tests.helpers import assess

    case = _case(persona, ("identity", "diagnosis:income"))
    return {"public_id": assess(persona(GOPS_MIRZEC), case, case.person).public_id}


READERS = answers(404, dict.fromkeys([GOPS_MIRZEC, COLLEAGUE, ASSISTANT, LEADER, SCHOOL], 200))


def _editors(allowed: int) -> dict[str, int]:
    return answers(
        404, dict.fromkeys([GOPS_MIRZEC, ASSISTANT], allowed) | dict.fromkeys([COLLEAGUE, LEADER, SCHOOL], 403)
    )


URL_ROWS: list[UrlRow] = [
    UrlRow("assessment:case", READERS, kwargs=_case_ids),
    UrlRow("assessment:new", _editors(200), kwargs=_case_ids, wrong_method="DELETE"),
    UrlRow("assessment:detail", READERS, kwargs=_assessment_ids),
    UrlRow("assessment:edit", _editors(200), kwargs=_assessment_ids, wrong_method="DELETE"),
]
API_ROWS: list[ApiRow] = []
