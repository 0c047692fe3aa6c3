"""Access-matrix rows of the plan (IPW) and its basket (see tests/access_rows.py).

The case of every row belongs to GOPS Mirzec: gops.mirzec leads it, asystent.mirzec is in its
team (both edit), its colleague and manager read (403 on changes), PSP Mirzec (szkola.mirzec)
takes part with consent for identity and the plan (reads, 403 on changes), everyone else gets
404 (DESIGN.md §1).
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import ApiRow, Getter, UrlRow, answers
from tests.personas import ASSISTANT, COLLEAGUE, GOPS_MIRZEC, LEADER, SCHOOL


def _plan(persona: Getter) -> Any:
    from tests.helpers_plans import make_plan, plan_case

    lead = persona(GOPS_MIRZEC)
    case = plan_case(lead, team=(persona(ASSISTANT),), partner=persona(SCHOOL), categories=("plan",))
    return make_plan(lead, case, status="in_progress")


def _case_ids(persona: Getter) -> dict[str, Any]:
    return {"public_id": _plan(persona).case.public_id}


def _plan_ids(persona: Getter) -> dict[str, Any]:
    return {"public_id": _plan(persona).public_id}


def _goal_ids(persona: Getter) -> dict[str, Any]:
    from tests.helpers_plans import add_goal

    plan = _plan(persona)
    return {"public_id": add_goal(persona(GOPS_MIRZEC), plan).public_id}


def _item_ids(persona: Getter) -> dict[str, Any]:
    from tests.helpers_plans import add_item

    plan = _plan(persona)
    return {"public_id": add_item(persona(GOPS_MIRZEC), plan).public_id}


READERS = answers(404, dict.fromkeys([GOPS_MIRZEC, COLLEAGUE, ASSISTANT, LEADER, SCHOOL], 200))


def _editors(allowed: int) -> dict[str, int]:
    return answers(
        404, dict.fromkeys([GOPS_MIRZEC, ASSISTANT], allowed) | dict.fromkeys([COLLEAGUE, LEADER, SCHOOL], 403)
    )


def _form(name: str, kwargs: Any) -> UrlRow:
    return UrlRow(name, _editors(200), kwargs=kwargs, wrong_method="DELETE")


def _post(name: str, kwargs: Any) -> UrlRow:
    # An empty POST: editors are refused as bad input (400), readers as not allowed (403).
    return UrlRow(name, _editors(400), method="POST", kwargs=kwargs, wrong_method="GET")


URL_ROWS: list[UrlRow] = [
    UrlRow("plans:case_plan", READERS, kwargs=_case_ids, wrong_method="DELETE"),
    UrlRow("plans:plan", READERS, kwargs=_plan_ids),
    UrlRow("plans:plan_pdf", READERS, kwargs=_plan_ids),
    _form("plans:plan_edit", _plan_ids),
    _form("plans:plan_agree", _plan_ids),
    _post("plans:plan_start", _plan_ids),
    _form("plans:plan_complete", _plan_ids),
    _form("plans:plan_end", _plan_ids),
    _form("plans:plan_review", _plan_ids),
    _form("plans:plan_review_schedule", _plan_ids),
    _form("plans:goal_new", _plan_ids),
    _form("plans:goal_edit", _goal_ids),
    _form("plans:goal_progress", _goal_ids),
    _form("plans:basket_new", _case_ids),
    UrlRow("plans:basket_item", READERS, kwargs=_item_ids, wrong_method="DELETE"),
    _post("plans:basket_item_goal", _item_ids),
]
API_ROWS: list[ApiRow] = []
