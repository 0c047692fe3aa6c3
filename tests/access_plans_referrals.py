"""Access-matrix rows of the referral pages (see tests/access_rows.py).

The referral of every row goes from GOPS Mirzec to PSP Mirzec about a case gops.mirzec leads
(asystent.mirzec is in its team), with consent for identity and the plan. The sending side reads
it (its colleague and manager too, but they may not act: 403), the school answers it, everyone
else gets 404 (DESIGN.md §1). The inboxes are for the receiving roles of any institution.
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import ApiRow, Getter, UrlRow, answers
from tests.personas import (
    ASSISTANT,
    COLLEAGUE,
    GOPS_MIRZEC,
    GOPS_OKSA,
    LEADER,
    PCPR,
    POLICE,
    SCHOOL,
)


def _referral(persona: Getter) -> Any:
    from kooperacja.cases.tests.factories import make_person
    from kooperacja.plans.tests.factories import make_referral, referral_case

    case = referral_case(persona(GOPS_MIRZEC), person=make_person("Jan", "Skierowany"), team=(persona(ASSISTANT),))
    return make_referral(case=case)


def _case_ids(persona: Getter) -> dict[str, Any]:
    return {"public_id": _referral(persona).case.public_id}


def _referral_ids(persona: Getter) -> dict[str, Any]:
    return {"public_id": _referral(persona).public_id}


def _accept_ids(persona: Getter) -> dict[str, Any]:
    return {"public_id": _referral(persona).public_id, "action": "accept"}


def _attachment_ids(persona: Getter) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kooperacja.cases.models import ConsentCategory
    from kooperacja.cases.tests.factories import make_person
    from kooperacja.plans.referrals import post_message
    from kooperacja.plans.tests.factories import make_referral, referral_case

    # The school opens the thread's files only while documents are shared and consented.
    case = referral_case(persona(GOPS_MIRZEC), person=make_person("Jan", "Skierowany"), team=(persona(ASSISTANT),))
    referral = make_referral(case=case, shared_categories=(ConsentCategory.IDENTITY, ConsentCategory.DOCUMENTS))
    pdf = SimpleUploadedFile("opinia.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    message = post_message(persona(SCHOOL), referral, text="Opinia", files=[pdf])
    return {"public_id": message.attachments.get().public_id}


RECEIVING = [GOPS_MIRZEC, COLLEAGUE, LEADER, PCPR, SCHOOL, POLICE, GOPS_OKSA]
BOTH_SIDES = [GOPS_MIRZEC, COLLEAGUE, ASSISTANT, LEADER, SCHOOL]
READERS = answers(404, dict.fromkeys(BOTH_SIDES, 200))


def _actors(allowed: int) -> dict[str, int]:
    """Those who act on the referral (its sender's case editors, the school) get `allowed`; the
    sender's readers 403; everyone else 404."""
    return answers(
        404, dict.fromkeys([GOPS_MIRZEC, ASSISTANT, SCHOOL], allowed) | dict.fromkeys([COLLEAGUE, LEADER], 403)
    )


URL_ROWS: list[UrlRow] = [
    UrlRow("plans:inbox", answers(403, dict.fromkeys(RECEIVING, 200))),
    UrlRow("plans:outbox", answers(403, dict.fromkeys([*RECEIVING, ASSISTANT], 200))),
    UrlRow("plans:case_referrals", READERS, kwargs=_case_ids),
    UrlRow(
        "plans:referral_new",
        answers(404, dict.fromkeys([GOPS_MIRZEC, ASSISTANT], 200) | dict.fromkeys([COLLEAGUE, LEADER, SCHOOL], 403)),
        kwargs=_case_ids,
        wrong_method="DELETE",
    ),
    UrlRow("plans:referral", READERS, kwargs=_referral_ids),
    # Posting without the version: those who may act get 400 and nothing changes.
    UrlRow("plans:referral_action", _actors(400), method="POST", kwargs=_accept_ids, wrong_method="GET"),
    UrlRow("plans:referral_message", _actors(400), method="POST", kwargs=_referral_ids, wrong_method="GET"),
    UrlRow("plans:referral_attachment", READERS, kwargs=_attachment_ids),
]
API_ROWS: list[ApiRow] = []
