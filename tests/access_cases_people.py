"""Access-matrix rows of cases: people and households (see tests/access_rows.py).

The people pages are for case workers (analysts and the administrator get 403). A person or
household of GOPS Mirzec is seen by its social workers and manager (not by the family
assistant, who sees only the people of its cases); everyone else gets 404. Its social workers
edit it; the manager reads it (403 on edit) and alone merges duplicates.
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import ApiRow, Getter, UrlRow, answers
from tests.personas import (
    ADMIN,
    ASSISTANT,
    COLLEAGUE,
    GOPS_MIRZEC,
    GOPS_OKSA,
    LEADER,
    PCPR,
    ROPS_KIELCE,
    ROPS_RZESZOW,
)


def _person(persona: Getter) -> dict[str, Any]:
    from kooperacja.cases.tests.factories import make_person

    return {"public_id": make_person("Macierz", "Osobowa", with_pesel=True).public_id}


def _household(persona: Getter) -> dict[str, Any]:
    from kooperacja.cases.tests.factories import make_household

    return {"public_id": make_household("Rodzina Macierzowa").public_id}


def _member(persona: Getter) -> dict[str, Any]:
    from kooperacja.cases.tests.factories import make_household, make_person

    household = make_household("Rodzina Macierzowa")
    member = make_person("Macierz", "Domowa", household=household, relationship="head")
    return {"public_id": household.public_id, "person_id": member.public_id}


CASE_PAGES = answers(200, {ADMIN: 403, ROPS_KIELCE: 403, ROPS_RZESZOW: 403})
REGISTRARS = answers(403, dict.fromkeys([GOPS_MIRZEC, COLLEAGUE, ASSISTANT, PCPR, GOPS_OKSA], 200))


def gops_mirzec_record(editors: int, manager: int) -> dict[str, int]:
    """A person or household of GOPS Mirzec: its social workers' and manager's answers, 404
    for everyone else."""
    return answers(404, {GOPS_MIRZEC: editors, COLLEAGUE: editors, LEADER: manager})


SEEN = gops_mirzec_record(200, 200)
EDITED = gops_mirzec_record(200, 403)
MERGED = gops_mirzec_record(403, 200)

URL_ROWS: list[UrlRow] = [
    UrlRow("cases:people", CASE_PAGES),
    UrlRow("cases:person_new", REGISTRARS, wrong_method="DELETE"),
    UrlRow("cases:person", SEEN, kwargs=_person),
    UrlRow("cases:person_edit", EDITED, kwargs=_person, wrong_method="DELETE"),
    UrlRow("cases:person_merge", MERGED, kwargs=_person, wrong_method="DELETE"),
    UrlRow("cases:household_new", REGISTRARS, wrong_method="DELETE"),
    UrlRow("cases:household", SEEN, kwargs=_household),
    UrlRow("cases:household_edit", EDITED, kwargs=_household, wrong_method="DELETE"),
    # Posting an empty form: the household's editors get 400 with the form's errors.
    UrlRow(
        "cases:household_member_add",
        gops_mirzec_record(400, 403),
        method="POST",
        kwargs=_household,
        wrong_method="GET",
    ),
    UrlRow(
        "cases:household_member_remove",
        gops_mirzec_record(302, 403),
        method="POST",
        kwargs=_member,
        wrong_method="GET",
    ),
]
API_ROWS: list[ApiRow] = []
