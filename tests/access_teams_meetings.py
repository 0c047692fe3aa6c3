"""Access-matrix rows of teams: meetings (see tests/access_rows.py).

Every row asks about a meeting of a new Mirzec team made by `make_team()`: its leader
(lider.mirzec), its animator (pcpr.starachowice) and the administrator run it; the staff of its
member institutions (GOPS Mirzec, the police post, the school) see it and get 403 on changes;
everyone else gets 404 (DESIGN.md §1). The answer to an invitation is the invitee's
(szkola.mirzec) alone. The rows ask about a team meeting; who reads a case conference's text
(and gets 403 on its minutes, decisions, attachments, edit page and PDF otherwise) is tested in
kooperacja/teams/tests/test_meetings_conference_text.py, since a row holds one answer per URL.
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import ApiRow, Getter, UrlRow, answers
from tests.personas import ADMIN, ASSISTANT, COLLEAGUE, GOPS_MIRZEC, LEADER, PCPR, POLICE, SCHOOL

RUNNERS = (ADMIN, LEADER, PCPR)
READERS = (GOPS_MIRZEC, COLLEAGUE, ASSISTANT, SCHOOL, POLICE)


def _meeting(persona: Getter) -> Any:
    from kooperacja.teams.tests.factories import make_meeting, make_team

    return make_meeting(make_team())


def _team_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.teams.tests.factories import make_team

    return {"public_id": make_team().public_id}


def _meeting_ids(persona: Getter) -> dict[str, Any]:
    return {"public_id": _meeting(persona).public_id}


def _invited_meeting_ids(persona: Getter) -> dict[str, Any]:
    from django.utils import timezone

    from kooperacja.teams.models import Attendance
    from kooperacja.teams.tests.factories import institution_of

    meeting = _meeting(persona)
    Attendance.objects.create(
        meeting=meeting, institution=institution_of(SCHOOL), user=persona(SCHOOL), invited_at=timezone.now()
    )
    return {"public_id": meeting.public_id}


VIEWERS = answers(404, dict.fromkeys(RUNNERS + READERS, 200))


def _runners(allowed: int) -> dict[str, int]:
    return answers(404, dict.fromkeys(RUNNERS, allowed) | dict.fromkeys(READERS, 403))


def _form(name: str, kwargs: Any) -> UrlRow:
    return UrlRow(name, _runners(200), kwargs=kwargs, wrong_method="DELETE")


def _post(name: str, kwargs: Any) -> UrlRow:
    # An empty POST: those who run the team are refused as bad input (400), readers as not allowed (403).
    return UrlRow(name, _runners(400), method="POST", kwargs=kwargs, wrong_method="GET")


URL_ROWS: list[UrlRow] = [
    UrlRow("teams:meetings", VIEWERS, kwargs=_team_ids),
    _form("teams:meeting_create", _team_ids),
    UrlRow("teams:meeting", VIEWERS, kwargs=_meeting_ids),
    _form("teams:meeting_edit", _meeting_ids),
    _post("teams:meeting_cancel", _meeting_ids),
    _post("teams:meeting_invite", _meeting_ids),
    UrlRow(
        "teams:meeting_respond",
        answers(404, dict.fromkeys(RUNNERS + READERS, 403) | {SCHOOL: 400}),
        method="POST",
        kwargs=_invited_meeting_ids,
        wrong_method="GET",
    ),
    _form("teams:meeting_attendance", _meeting_ids),
    _form("teams:meeting_minutes", _meeting_ids),
    _post("teams:decision_add", _meeting_ids),
    _post("teams:attachment_add", _meeting_ids),
    UrlRow("teams:meeting_pdf", VIEWERS, kwargs=_meeting_ids),
    UrlRow("teams:meeting_ics", VIEWERS, kwargs=_meeting_ids),
]
API_ROWS: list[ApiRow] = []
