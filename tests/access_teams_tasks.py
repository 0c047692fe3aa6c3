"""Access-matrix rows of teams: tasks (see tests/access_rows.py).

Every row asks about a new Mirzec team made by `make_team()` (or its task, given to
policja.mirzec): its leader (lider.mirzec), its animator (pcpr.starachowice) and the
administrator run it; the staff of its member institutions (GOPS Mirzec, the police post, the
school) see it and get 403 on what only those who run it do; the responsible person
(policja.mirzec) may change the task's status; everyone else gets 404 (DESIGN.md §1). "My
tasks" is open to everyone with a role that uses teams; regional analysts get 403.
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import ApiRow, Getter, UrlRow, answers
from tests.personas import (
    ADMIN,
    ASSISTANT,
    COLLEAGUE,
    GOPS_MIRZEC,
    LEADER,
    PCPR,
    POLICE,
    ROPS_KIELCE,
    ROPS_RZESZOW,
    SCHOOL,
)

RUNNERS = (ADMIN, LEADER, PCPR)
READERS = (GOPS_MIRZEC, COLLEAGUE, ASSISTANT, SCHOOL, POLICE)
VIEWERS = answers(404, dict.fromkeys(RUNNERS + READERS, 200))
USES_TEAMS = answers(200, dict.fromkeys([ROPS_KIELCE, ROPS_RZESZOW], 403))


def _team_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.teams.tests.factories import make_team

    return {"public_id": make_team().public_id}


def _task_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.teams.tests.factories import make_task, make_team

    return {"public_id": make_task(make_team(), owner=POLICE).public_id}


def _runners(allowed: int) -> dict[str, int]:
    return answers(404, dict.fromkeys(RUNNERS, allowed) | dict.fromkeys(READERS, 403))


# An empty status form: those who may change the status are told what is missing (400).
STATUS_CHANGERS = answers(404, dict.fromkeys((*RUNNERS, POLICE), 400) | dict.fromkeys(set(READERS) - {POLICE}, 403))

URL_ROWS: list[UrlRow] = [
    UrlRow("teams:my_tasks", USES_TEAMS),
    UrlRow("teams:team_tasks", VIEWERS, kwargs=_team_ids),
    UrlRow("teams:task_create", _runners(200), kwargs=_team_ids, wrong_method="DELETE"),
    UrlRow("teams:task", VIEWERS, kwargs=_task_ids),
    UrlRow("teams:task_edit", _runners(200), kwargs=_task_ids, wrong_method="DELETE"),
    UrlRow("teams:task_status", STATUS_CHANGERS, method="POST", kwargs=_task_ids, wrong_method="GET"),
    # An empty comment: everyone who sees the task is told to write it first (400).
    UrlRow(
        "teams:task_comment",
        answers(404, dict.fromkeys(RUNNERS + READERS, 400)),
        method="POST",
        kwargs=_task_ids,
        wrong_method="GET",
    ),
]
API_ROWS: list[ApiRow] = []
