"""Access-matrix rows of learning: good practices (see tests/access_rows.py).

The list and a published practice are public. The rows' practice is a draft of gmina Mirzec:
only those who may write it see it — staff of Mirzec's institutions in the writing roles
(gops.mirzec, kolega.mirzec, lider.mirzec, szkola.mirzec, policja.mirzec), PCPR Starachowice
of its powiat, ROPS Kielce of its voivodeship and administrators; everyone else gets 404
(anonymous too on the public detail page; the edit and publish pages send them to sign in).
Publishing is for the manager (lider.mirzec), ROPS Kielce and administrators: an empty form
is bad input (400); the other writers are refused (403).
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import PUBLIC, ApiRow, Getter, UrlRow, answers
from tests.personas import (
    ADMIN,
    ASSISTANT,
    COLLEAGUE,
    GOPS_MIRZEC,
    LEADER,
    PCPR,
    POLICE,
    ROPS_KIELCE,
    SCHOOL,
)


def _draft(persona: Getter) -> dict[str, Any]:
    from kooperacja.learning.tests.practice_factories import make_practice

    return {"public_id": make_practice(persona(GOPS_MIRZEC), published=False).public_id}


MIRZEC_WRITERS = [ADMIN, GOPS_MIRZEC, COLLEAGUE, LEADER, PCPR, SCHOOL, POLICE, ROPS_KIELCE]
READS_DRAFT = answers(404, dict.fromkeys(MIRZEC_WRITERS, 200), anonymous=404)
EDITS_DRAFT = answers(404, dict.fromkeys(MIRZEC_WRITERS, 200))
PUBLISHES = answers(404, dict.fromkeys(MIRZEC_WRITERS, 403) | dict.fromkeys([ADMIN, LEADER, ROPS_KIELCE], 400))

URL_ROWS: list[UrlRow] = [
    UrlRow("learning:practices", PUBLIC),
    UrlRow(
        "learning:practice_create",
        answers(200, {ASSISTANT: 403}),
        wrong_method="DELETE",
    ),
    UrlRow("learning:practice", READS_DRAFT, kwargs=_draft),
    UrlRow("learning:practice_edit", EDITS_DRAFT, kwargs=_draft, wrong_method="DELETE"),
    UrlRow("learning:practice_publish", PUBLISHES, method="POST", kwargs=_draft, wrong_method="GET"),
]
API_ROWS: list[ApiRow] = []
