"""Access-matrix rows of teams: the partner survey (see tests/access_rows.py).

Every row asks about a new Mirzec team of `make_team()`: lider.mirzec leads it, pcpr.starachowice
animates it, policja.mirzec and szkola.mirzec are named members; the staff of GOPS Mirzec (a
member institution through its manager) see it; other gminas and the regional analysts get 404.
Everyone who sees the team sees its rounds; opening one needs a running role (the admin, the
leader, the animator); answering needs a named membership (the admin is not one: 403).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.access_rows import ApiRow, Getter, UrlRow, answers
from tests.personas import ADMIN, ASSISTANT, COLLEAGUE, GOPS_MIRZEC, LEADER, PCPR, POLICE, SCHOOL

SEES_TEAM = [ADMIN, GOPS_MIRZEC, COLLEAGUE, ASSISTANT, LEADER, PCPR, SCHOOL, POLICE]
RUN_TEAM = [ADMIN, LEADER, PCPR]
NAMED_MEMBERS = [LEADER, PCPR, SCHOOL, POLICE]


def _team(persona: Getter) -> dict[str, Any]:
    from kooperacja.teams.tests.factories import make_team

    return {"public_id": make_team().public_id}


def _survey(persona: Getter) -> dict[str, Any]:
    from django.utils import timezone

    from kooperacja.teams.models import Survey
    from kooperacja.teams.tests.factories import make_team

    today = timezone.localdate()
    survey = Survey.objects.create(
        team=make_team(), title="Ankieta", opens_on=today, closes_on=today + dt.timedelta(days=7)
    )
    return {"public_id": survey.public_id}


def _only(allowed: int, who: list[str]) -> dict[str, int]:
    """`allowed` for `who`, 403 for the others who see the team, 404 for everyone else."""
    return answers(404, dict.fromkeys(SEES_TEAM, 403) | dict.fromkeys(who, allowed))


SEERS = answers(404, dict.fromkeys(SEES_TEAM, 200))

URL_ROWS: list[UrlRow] = [
    UrlRow("teams:surveys", SEERS, kwargs=_team),
    UrlRow("teams:survey_create", _only(200, RUN_TEAM), kwargs=_team, wrong_method="DELETE"),
    UrlRow("teams:survey", SEERS, kwargs=_survey),
    # An empty answer: named members are told to choose a score (400), nothing is saved.
    UrlRow("teams:survey_answer", _only(400, NAMED_MEMBERS), method="POST", kwargs=_survey, wrong_method="GET"),
]
API_ROWS: list[ApiRow] = []
