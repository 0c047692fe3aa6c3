"""Access-matrix rows of cases: GDPR tools of a person (see tests/access_rows.py).

The export is for the social workers and manager of the institution that registered the
person (GOPS Mirzec); anonymisation for its manager alone (its social workers get 403). The
family assistant does not see a person outside its cases, and everyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import ApiRow, Getter, UrlRow, answers
from tests.personas import COLLEAGUE, GOPS_MIRZEC, LEADER


def _person(persona: Getter) -> dict[str, Any]:
    from kooperacja.cases.tests.factories import make_person

    return {"public_id": make_person("Macierz", "Eksportowa", with_pesel=True).public_id}


def gops_mirzec_person(workers: int, manager: int) -> dict[str, int]:
    return answers(404, {GOPS_MIRZEC: workers, COLLEAGUE: workers, LEADER: manager})


URL_ROWS: list[UrlRow] = [
    UrlRow("cases:person_export_json", gops_mirzec_person(200, 200), kwargs=_person),
    UrlRow("cases:person_export_pdf", gops_mirzec_person(200, 200), kwargs=_person),
    UrlRow("cases:person_anonymise", gops_mirzec_person(403, 200), kwargs=_person, wrong_method="DELETE"),
]

API_ROWS: list[ApiRow] = []
