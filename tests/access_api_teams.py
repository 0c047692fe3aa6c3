"""Access-matrix rows of the API of teams, community, learning and aggregates (see
tests/access_rows.py): /teams, /meetings, /tasks, /indicators, /projects, /trainings,
/aggregates.

The answers are those of the HTML pages, with 401 for a request without a token:

- A team (a new Mirzec team from `make_team()`, led by lider.mirzec, animated by
  pcpr.starachowice, with the police post and the school as members) is seen by them, the
  other staff of GOPS Mirzec and the admin; everyone else gets 404. The list of teams is for
  every role that uses teams: the regional analysts get 403. A task's status (a task given to
  policja.mirzec) is changed by those who run the team and by the responsible person; the
  others who see the team get 403. The body repeats the task's state, so every allowed call
  changes nothing and the next persona meets the same version.
- Indicators and the list of projects are read by every persona with a role; a Mirzec project
  by the staff of institutions located in or serving Mirzec, rops.kielce and the admin (404
  for GOPS Oksa and ROPS Rzeszów).
- Trainings are read by every token's holder; an unknown one is 404 for all.
- Dashboards: the Mirzec staff and partners read gmina Mirzec, pcpr.starachowice its powiat
  and gminas, rops.kielce świętokrzyskie, rops.rzeszow the macroregion and its voivodeships,
  the admin everything; 404 otherwise.
"""

from __future__ import annotations

import uuid
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
    POLICE,
    ROPS_KIELCE,
    ROPS_RZESZOW,
    SCHOOL,
)

URL_ROWS: list[UrlRow] = []

EVERY_TOKEN = answers(200, anonymous=401)
NOBODY = answers(404, anonymous=401)

TEAM_RUNNERS = (ADMIN, LEADER, PCPR)
TEAM_READERS = (GOPS_MIRZEC, COLLEAGUE, ASSISTANT, SCHOOL, POLICE)
TEAM_VIEWERS = answers(404, dict.fromkeys(TEAM_RUNNERS + TEAM_READERS, 200), anonymous=401)
USES_TEAMS = answers(200, dict.fromkeys([ROPS_KIELCE, ROPS_RZESZOW], 403), anonymous=401)
TASK_STATUS_CHANGERS = answers(
    404,
    dict.fromkeys(TEAM_READERS, 403) | dict.fromkeys((*TEAM_RUNNERS, POLICE), 200),
    anonymous=401,
)

PROJECT_READERS = answers(200, dict.fromkeys([GOPS_OKSA, ROPS_RZESZOW], 404), anonymous=401)

MIRZEC = "2611032"
SWIETOKRZYSKIE = "26"
GMINA_READERS = answers(200, {GOPS_OKSA: 404}, anonymous=401)
REGION_READERS = answers(404, dict.fromkeys([ADMIN, ROPS_KIELCE, ROPS_RZESZOW], 200), anonymous=401)


def _team(persona: Getter) -> dict[str, Any]:
    from kooperacja.teams.tests.factories import make_team

    return {"id": make_team().public_id}


def _meeting(persona: Getter) -> dict[str, Any]:
    from kooperacja.teams.tests.factories import make_meeting, make_team

    return {"id": make_meeting(make_team()).public_id}


def _task(persona: Getter) -> dict[str, Any]:
    from kooperacja.teams.tests.factories import make_task, make_team

    return {"id": make_task(make_team(), owner=POLICE).public_id}


def _project(persona: Getter) -> dict[str, Any]:
    from kooperacja.community.tests.project_factories import make_project

    return {"id": make_project(lines=(("therapy", "1000"),)).public_id}


def _training(persona: Getter) -> dict[str, Any]:
    from kooperacja.learning.tests.training_factories import make_training

    return {"id": make_training(days=(-2, 5)).public_id}


def _unknown(persona: Getter) -> dict[str, Any]:
    return {"id": uuid.uuid4()}


def _unit(level: str, code: str, **more: Any) -> Any:
    def params(persona: Getter) -> dict[str, Any]:
        return {"level": level, "code": code, **more}

    return params


API_ROWS: list[ApiRow] = [
    # Teams, meetings, tasks.
    ApiRow("GET", "/teams", USES_TEAMS),
    ApiRow("GET", "/teams/{id}", TEAM_VIEWERS, params=_team),
    ApiRow("GET", "/teams/{id}", NOBODY, params=_unknown),
    ApiRow("GET", "/teams/{id}/meetings", TEAM_VIEWERS, params=_team),
    ApiRow("GET", "/meetings/{id}", TEAM_VIEWERS, params=_meeting),
    ApiRow("GET", "/meetings/{id}", NOBODY, params=_unknown),
    ApiRow("GET", "/teams/{id}/tasks", TEAM_VIEWERS, params=_team),
    ApiRow("POST", "/tasks/{id}/status", TASK_STATUS_CHANGERS, params=_task, body='{"status": "open", "version": 1}'),
    # Community indicators and social projects.
    ApiRow("GET", "/indicators", EVERY_TOKEN),
    ApiRow("GET", "/projects", EVERY_TOKEN),
    ApiRow("GET", "/projects/{id}", PROJECT_READERS, params=_project),
    ApiRow("GET", "/projects/{id}", NOBODY, params=_unknown),
    # Trainings.
    ApiRow("GET", "/trainings", EVERY_TOKEN),
    ApiRow("GET", "/trainings/{id}", EVERY_TOKEN, params=_training),
    ApiRow("GET", "/trainings/{id}", NOBODY, params=_unknown),
    # Dashboards.
    ApiRow("GET", "/aggregates/{level}/{code}", GMINA_READERS, params=_unit("gmina", MIRZEC)),
    ApiRow("GET", "/aggregates/{level}/{code}", REGION_READERS, params=_unit("voivodeship", SWIETOKRZYSKIE)),
    ApiRow(
        "GET",
        "/aggregates/{level}/{code}/tables/{key}",
        REGION_READERS,
        params=_unit("voivodeship", SWIETOKRZYSKIE, key="cases-by-unit"),
    ),
]
