"""Access-matrix rows of teams: the list, founding, the overview, settings, members and
documents (see tests/access_rows.py).

The team of every row is a new Mirzec team (`make_team`): lider.mirzec leads it,
pcpr.starachowice animates it, policja.mirzec and szkola.mirzec are members. They, the other
staff of GOPS Mirzec (a member institution through its manager) and the admin see it; the
leader, the animator and the admin run it (403 for the others on changes, except a member ending
their own membership); gops.oksa and the
regional analysts get 404 (DESIGN.md §1).
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import Getter, UrlRow, answers
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

SEE = [GOPS_MIRZEC, COLLEAGUE, ASSISTANT, LEADER, PCPR, SCHOOL, POLICE, ADMIN]
RUN = [LEADER, PCPR, ADMIN]
OUTSIDE = [GOPS_OKSA, ROPS_KIELCE, ROPS_RZESZOW]

READERS = answers(404, dict.fromkeys(SEE, 200))


def runners(allowed: int) -> dict[str, int]:
    """Those who run the team get `allowed`; the others who see it 403; everyone else 404."""
    return answers(404, dict.fromkeys(SEE, 403) | dict.fromkeys(RUN, allowed))


def team_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.teams.tests.factories import make_team

    return {"public_id": make_team().public_id}


def _member_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.teams.tests.factories import make_team

    team = make_team()
    return {"public_id": team.public_id, "member": team.members.get(user=persona(SCHOOL)).public_id}


def _document_ids(persona: Getter) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kooperacja.teams.services import add_document
    from kooperacja.teams.tests.factories import make_team

    upload = SimpleUploadedFile("regulamin.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    document = add_document(persona(LEADER), make_team(), upload, title="Regulamin")
    return {"public_id": document.public_id}


URL_ROWS: list[UrlRow] = [
    UrlRow("teams:list", answers(200, dict.fromkeys([ROPS_KIELCE, ROPS_RZESZOW], 403))),
    # Founding: the platform admin and managers of a gmina institution (animators by membership
    # role too, but no persona is one).
    UrlRow("teams:create", answers(403, dict.fromkeys([ADMIN, LEADER], 200)), wrong_method="DELETE"),
    UrlRow("teams:detail", READERS, kwargs=team_ids),
    UrlRow("teams:edit", runners(200), kwargs=team_ids, wrong_method="DELETE"),
    UrlRow("teams:members", READERS, kwargs=team_ids, wrong_method="DELETE"),
    UrlRow("teams:member_change", runners(200), kwargs=_member_ids, wrong_method="DELETE"),
    # Ending a membership: those who run the team, and the member themself (szkola.mirzec).
    UrlRow("teams:member_leave", runners(200) | {SCHOOL: 200}, kwargs=_member_ids, wrong_method="DELETE"),
    UrlRow("teams:documents", READERS, kwargs=team_ids, wrong_method="DELETE"),
    UrlRow("teams:document", READERS, kwargs=_document_ids),
]
API_ROWS: list = []
