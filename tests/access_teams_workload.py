"""Access-matrix rows of teams: workload, recognition and the dashboard (see tests/access_rows.py).

For a Mirzec team made by `make_team()`: the workload is seen by those who run the team
(lider.mirzec, pcpr.starachowice, admin; lider.mirzec is also a manager of a member
institution), other staff of member institutions get 403, everyone else 404. A member's
recognition (here policja.mirzec's) is also seen by the member. The dashboard is for everyone
who sees the team.
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import ApiRow, Getter, UrlRow, answers
from tests.personas import ADMIN, ASSISTANT, COLLEAGUE, GOPS_MIRZEC, LEADER, PCPR, POLICE, SCHOOL

RUNNERS = [LEADER, PCPR, ADMIN]
OTHER_STAFF = [GOPS_MIRZEC, COLLEAGUE, ASSISTANT, POLICE, SCHOOL]


def _team_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.teams.tests.factories import make_team

    return {"public_id": make_team().public_id}


def _member_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.teams.tests.factories import make_team

    team = make_team()
    return {"public_id": team.public_id, "member": team.members.get(user=persona(POLICE)).public_id}


URL_ROWS: list[UrlRow] = [
    UrlRow(
        "teams:workload",
        answers(404, dict.fromkeys(RUNNERS, 200) | dict.fromkeys(OTHER_STAFF, 403)),
        kwargs=_team_ids,
    ),
    UrlRow(
        "teams:recognition",
        answers(
            404,
            dict.fromkeys([*RUNNERS, POLICE], 200) | dict.fromkeys([GOPS_MIRZEC, COLLEAGUE, ASSISTANT, SCHOOL], 403),
        ),
        kwargs=_member_ids,
    ),
    UrlRow(
        "teams:recognition_pdf",
        answers(
            404,
            dict.fromkeys([*RUNNERS, POLICE], 200) | dict.fromkeys([GOPS_MIRZEC, COLLEAGUE, ASSISTANT, SCHOOL], 403),
        ),
        kwargs=_member_ids,
    ),
    UrlRow("teams:dashboard", answers(404, dict.fromkeys([*RUNNERS, *OTHER_STAFF], 200)), kwargs=_team_ids),
]
API_ROWS: list[ApiRow] = []
