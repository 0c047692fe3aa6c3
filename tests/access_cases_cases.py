"""Access-matrix rows of cases: the case pages (see tests/access_rows.py).

The case of every row belongs to GOPS Mirzec: gops.mirzec leads it, asystent.mirzec is in its
team, and PSP Mirzec (szkola.mirzec) takes part with consent for identity. Its colleague and
manager read it (403 on editing), the school sees the shared view (403 on editing), everyone
else gets 404 (DESIGN.md §1). A transfer of such a case waits for GOPS Oksa.
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import ApiRow, Getter, UrlRow, answers
from tests.personas import ASSISTANT, COLLEAGUE, GOPS_MIRZEC, GOPS_OKSA, LEADER, PCPR, POLICE, SCHOOL


def _case(persona: Getter) -> Any:
    from kooperacja.cases.models import CaseKind
    from kooperacja.cases.tests.factories import consent, make_case, make_person, take_part
    from kooperacja.institutions.models import Institution

    lead = persona(GOPS_MIRZEC)
    person = make_person("Jan", "Macierzowy")
    case = make_case(lead=lead, person=person, team=(persona(ASSISTANT),), kind=CaseKind.PERSON)
    school = Institution.objects.get(memberships__user=persona(SCHOOL))
    take_part(case, school)
    consent(person, school, recorded_by=lead)
    return case


def _case_ids(persona: Getter) -> dict[str, Any]:
    return {"public_id": _case(persona).public_id}


def _transfer_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.cases.services import request_transfer
    from kooperacja.cases.tests.factories import gops

    transfer = request_transfer(persona(GOPS_MIRZEC), _case(persona), gops("Oksa"), "Rodzina przeprowadziła się.")
    return {"public_id": transfer.public_id}


LISTERS = answers(403, dict.fromkeys([GOPS_MIRZEC, COLLEAGUE, ASSISTANT, LEADER, PCPR, SCHOOL, POLICE, GOPS_OKSA], 200))
OPENERS = answers(403, dict.fromkeys([GOPS_MIRZEC, COLLEAGUE, PCPR, GOPS_OKSA], 200))
READERS = answers(404, dict.fromkeys([GOPS_MIRZEC, COLLEAGUE, ASSISTANT, LEADER, SCHOOL], 200))


def _editors(allowed: int) -> dict[str, int]:
    return answers(
        404, dict.fromkeys([GOPS_MIRZEC, ASSISTANT], allowed) | dict.fromkeys([COLLEAGUE, LEADER, SCHOOL], 403)
    )


URL_ROWS: list[UrlRow] = [
    UrlRow("cases:list", LISTERS),
    UrlRow("cases:new", OPENERS, wrong_method="DELETE"),
    UrlRow("cases:detail", READERS, kwargs=_case_ids),
    UrlRow("cases:edit", _editors(200), kwargs=_case_ids, wrong_method="DELETE"),
    UrlRow("cases:team", _editors(200), kwargs=_case_ids, wrong_method="DELETE"),
    # Posting without a member: the editors get 400 and nothing changes.
    UrlRow("cases:team_remove", _editors(400), method="POST", kwargs=_case_ids, wrong_method="GET"),
    UrlRow(
        "cases:reassign",
        answers(404, {LEADER: 200} | dict.fromkeys([GOPS_MIRZEC, COLLEAGUE, ASSISTANT, SCHOOL], 403)),
        kwargs=_case_ids,
        wrong_method="DELETE",
    ),
    UrlRow(
        "cases:transfer",
        answers(404, dict.fromkeys([GOPS_MIRZEC, LEADER], 200) | dict.fromkeys([COLLEAGUE, ASSISTANT, SCHOOL], 403)),
        kwargs=_case_ids,
        wrong_method="DELETE",
    ),
    UrlRow("cases:transfers", answers(403, dict.fromkeys([GOPS_MIRZEC, COLLEAGUE, LEADER, PCPR, GOPS_OKSA], 200))),
    # Only the receiving institution answers; it is sent back to the case or the list.
    UrlRow(
        "cases:transfer_accept",
        answers(404, {GOPS_OKSA: 302}),
        method="POST",
        kwargs=_transfer_ids,
        wrong_method="GET",
    ),
    UrlRow(
        "cases:transfer_decline",
        answers(404, {GOPS_OKSA: 302}),
        method="POST",
        kwargs=_transfer_ids,
        wrong_method="GET",
    ),
    UrlRow(
        "cases:transfer_cancel",
        # The lead worker and the manager withdraw; others who see the case may not (403).
        answers(404, dict.fromkeys([GOPS_MIRZEC, LEADER], 302) | dict.fromkeys([COLLEAGUE, ASSISTANT, SCHOOL], 403)),
        method="POST",
        kwargs=_transfer_ids,
        wrong_method="GET",
    ),
    UrlRow(
        "cases:note_new",
        answers(404, dict.fromkeys([GOPS_MIRZEC, ASSISTANT, SCHOOL], 200) | dict.fromkeys([COLLEAGUE, LEADER], 403)),
        kwargs=_case_ids,
        wrong_method="DELETE",
    ),
]
API_ROWS: list[ApiRow] = []
