"""Access-matrix rows of api_people: territory, institutions, cases with their persons,
diagnoses, plan and basket under /api/v1 (see tests/access_rows.py).

Territory is public; institutions' public data needs any token. The case of every case row
belongs to GOPS Mirzec: gops.mirzec leads it, asystent.mirzec is in its team, its colleague and
manager read it, and PSP Mirzec (szkola.mirzec) takes part with consent for identity (and the
plan, for the plan rows): it reads the shared view. Everyone else gets 404 (DESIGN.md §1).
Listing cases is for the roles that work on cases: analysts and the administrator get 403.
"""

from __future__ import annotations

import uuid
from typing import Any

from tests.access_rows import PUBLIC, ApiRow, Getter, UrlRow, answers
from tests.personas import ASSISTANT, COLLEAGUE, GOPS_MIRZEC, GOPS_OKSA, LEADER, PCPR, POLICE, SCHOOL

URL_ROWS: list[UrlRow] = []

EVERY_TOKEN = answers(200, anonymous=401)
NOBODY = answers(404, anonymous=401)
CASE_LISTERS = answers(
    403, dict.fromkeys([GOPS_MIRZEC, COLLEAGUE, ASSISTANT, LEADER, PCPR, SCHOOL, POLICE, GOPS_OKSA], 200), anonymous=401
)
CASE_READERS = answers(404, dict.fromkeys([GOPS_MIRZEC, COLLEAGUE, ASSISTANT, LEADER, SCHOOL], 200), anonymous=401)
# The plan is not shared with the school: only the owning institution's readers see it.
OWNER_READERS = answers(404, dict.fromkeys([GOPS_MIRZEC, COLLEAGUE, ASSISTANT, LEADER], 200), anonymous=401)


def _case(persona: Getter, categories: tuple[str, ...] = ()) -> Any:
    """A person's case of GOPS Mirzec with an assessment, a plan (one goal) and a basket item."""
    from kooperacja.assessment.tests.helpers import assess
    from tests.helpers_plans import add_item, make_plan, plan_case

    lead = persona(GOPS_MIRZEC)
    case = plan_case(lead, team=(persona(ASSISTANT),), partner=persona(SCHOOL), categories=categories)
    assess(lead, case, case.person)
    add_item(lead, make_plan(lead, case, status="in_progress"))
    return case


def _case_ids(persona: Getter) -> dict[str, Any]:
    return {"id": _case(persona, ("plan",)).public_id}


def _unshared_plan_ids(persona: Getter) -> dict[str, Any]:
    return {"id": _case(persona).public_id}


def _unknown(persona: Getter) -> dict[str, Any]:
    return {"id": uuid.uuid4()}


def _gops_mirzec(persona: Getter) -> dict[str, Any]:
    from kooperacja.institutions.models import Institution

    return {"id": Institution.objects.get(memberships__user=persona(GOPS_MIRZEC)).public_id}


API_ROWS: list[ApiRow] = [
    ApiRow("GET", "/voivodeships", PUBLIC),
    ApiRow("GET", "/counties", PUBLIC),
    ApiRow("GET", "/gminas", PUBLIC),
    ApiRow("GET", "/institutions", EVERY_TOKEN),
    ApiRow("GET", "/institutions/{id}", EVERY_TOKEN, params=_gops_mirzec),
    ApiRow("GET", "/institutions/{id}", NOBODY, params=_unknown),
    ApiRow("GET", "/cases", CASE_LISTERS),
    ApiRow("GET", "/cases/{id}", CASE_READERS, params=_case_ids),
    ApiRow("GET", "/cases/{id}", NOBODY, params=_unknown),
    ApiRow("GET", "/cases/{id}/persons", CASE_READERS, params=_case_ids),
    ApiRow("GET", "/cases/{id}/assessments", CASE_READERS, params=_case_ids),
    ApiRow("GET", "/cases/{id}/plan", CASE_READERS, params=_case_ids),
    ApiRow("GET", "/cases/{id}/plan", OWNER_READERS, params=_unshared_plan_ids),
    ApiRow("GET", "/cases/{id}/basket", CASE_READERS, params=_case_ids),
    ApiRow("GET", "/cases/{id}/basket", OWNER_READERS, params=_unshared_plan_ids),
]
