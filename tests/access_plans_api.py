"""Access-matrix rows of plans_api: /api/v1/referrals (see tests/access_rows.py).

Each row gets a fresh referral from GOPS Mirzec (case led by gops.mirzec) to the demo school
(answered by szkola.mirzec). Both sides read it; only the receiving side changes it through the
API (the sending side gets 403); anyone else gets 404. Versions: a referral is written as a
draft (1) and sent (2); each answer moves it on by one.
"""

from __future__ import annotations

import uuid
from typing import Any

from tests.access_rows import ApiRow, Getter, UrlRow, answers
from tests.personas import COLLEAGUE, GOPS_MIRZEC, LEADER, SCHOOL

URL_ROWS: list[UrlRow] = []

EVERY_TOKEN = answers(200, anonymous=401)
NOBODY = answers(404, anonymous=401)
# Both sides read: the sending institution's case readers and the receiving school.
BOTH_SIDES_READ = answers(404, {GOPS_MIRZEC: 200, COLLEAGUE: 200, LEADER: 200, SCHOOL: 200}, anonymous=401)

SENDER_READS = answers(404, {GOPS_MIRZEC: 200, COLLEAGUE: 200, LEADER: 200}, anonymous=401)


def receiver_only(allowed: int) -> dict[str, int]:
    """The school answers; the sending institution's readers are refused (403)."""
    return answers(404, {GOPS_MIRZEC: 403, COLLEAGUE: 403, LEADER: 403, SCHOOL: allowed}, anonymous=401)


def _referral(status: str) -> Any:
    def params(persona: Getter) -> dict[str, Any]:
        from kooperacja.plans.tests.factories import make_referral

        return {"id": make_referral(status=status).public_id}

    return params


def _unknown(persona: Getter) -> dict[str, Any]:
    return {"id": uuid.uuid4()}


API_ROWS: list[ApiRow] = [
    ApiRow("GET", "/referrals/inbox", EVERY_TOKEN),
    ApiRow("GET", "/referrals/{id}", BOTH_SIDES_READ, params=_referral("sent")),
    # A draft is the sender's own until it is sent: the school does not see it.
    ApiRow("GET", "/referrals/{id}", SENDER_READS, params=_referral("draft")),
    ApiRow("GET", "/referrals/{id}", NOBODY, params=_unknown),
    ApiRow("POST", "/referrals/{id}/accept", receiver_only(200), params=_referral("sent"), body='{"version": 2}'),
    ApiRow(
        "POST",
        "/referrals/{id}/decline",
        receiver_only(200),
        params=_referral("sent"),
        body='{"version": 2, "reason": "Brak miejsc"}',
    ),
    ApiRow("POST", "/referrals/{id}/start", receiver_only(200), params=_referral("accepted"), body='{"version": 3}'),
    ApiRow(
        "POST",
        "/referrals/{id}/complete",
        receiver_only(200),
        params=_referral("in_progress"),
        body='{"version": 4, "outcome": "got_help", "note": ""}',
    ),
    ApiRow("GET", "/referrals/{id}/messages", BOTH_SIDES_READ, params=_referral("sent")),
    ApiRow(
        "POST", "/referrals/{id}/messages", receiver_only(201), params=_referral("sent"), body='{"text": "Dzień dobry"}'
    ),
]
