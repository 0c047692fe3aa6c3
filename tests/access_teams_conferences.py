"""Access-matrix rows of teams: conferences (see tests/access_rows.py).

The conference belongs to a Mirzec team made by `make_team()`; its case is of GOPS Mirzec, led
by gops.mirzec with asystent.mirzec in its team (both edit), read whole by kolega.mirzec and
lider.mirzec, and shared with PSP Mirzec (szkola.mirzec), which is invited and consented to.
The cases page is for everyone who sees the team; a case's page only for those who see the
case (404 for the others, 403 for its readers changing it).
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import ApiRow, Getter, UrlRow, answers
from tests.personas import ADMIN, ASSISTANT, COLLEAGUE, GOPS_MIRZEC, LEADER, PCPR, POLICE, SCHOOL

TEAM_SEERS = [GOPS_MIRZEC, COLLEAGUE, ASSISTANT, LEADER, PCPR, SCHOOL, POLICE, ADMIN]


def _link(persona: Getter) -> Any:
    from django.utils import timezone

    from kooperacja.cases.tests.factories import consent, make_case, make_person
    from kooperacja.teams import conferences
    from kooperacja.teams.models import Attendance, MeetingKind
    from kooperacja.teams.tests.factories import institution_of, make_meeting, make_team

    lead = persona(GOPS_MIRZEC)
    meeting = make_meeting(make_team(), kind=MeetingKind.CASE_CONFERENCE)
    school = institution_of(SCHOOL)
    Attendance.objects.create(meeting=meeting, institution=school, user=persona(SCHOOL), invited_at=timezone.now())
    case = make_case(lead=lead, person=make_person("Jan", "Macierzowy"), team=(persona(ASSISTANT),))
    consent(case.person, school, ("identity", "plan"), recorded_by=lead)
    return conferences.add_case(lead, meeting, case)


def _meeting_ids(persona: Getter) -> dict[str, Any]:
    return {"public_id": _link(persona).meeting.public_id}


def _case_ids(persona: Getter) -> dict[str, Any]:
    link = _link(persona)
    return {"public_id": link.meeting.public_id, "case_id": link.case.public_id}


CASE_READERS = [GOPS_MIRZEC, ASSISTANT, COLLEAGUE, LEADER, SCHOOL]

# One row per URL name: the GET answers (who sees what). What a POST answers (400 for those who
# edit, 403 for readers) is tested in kooperacja/teams/tests/test_conferences_views.py.
URL_ROWS: list[UrlRow] = [
    UrlRow(
        "teams:conference_cases", answers(404, dict.fromkeys(TEAM_SEERS, 200)), kwargs=_meeting_ids, wrong_method="PUT"
    ),
    UrlRow(
        "teams:conference_case", answers(404, dict.fromkeys(CASE_READERS, 200)), kwargs=_case_ids, wrong_method="PUT"
    ),
]
API_ROWS: list[ApiRow] = []
