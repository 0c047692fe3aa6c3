"""Access-matrix rows of learning: trainings and certificates (see tests/access_rows.py).

Every signed-in user reads the trainings, enrols and gives up a place (a GET of the leave page
confirms first; both POSTs answer with a
redirect to the training, also when refused: the message says why). A training of ROPS Kielce
is organised by administrators and rops.kielce; managers (lider.mirzec) and analysts of any
institution may create trainings of their own institution. A certificate (held by gops.mirzec)
is read by its holder, the organisers of its training and administrators, revoked by the last
two; anyone else is told it does not exist. The verification page is public.
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import PUBLIC, SIGNED_IN, ApiRow, Getter, UrlRow, answers
from tests.personas import ADMIN, GOPS_MIRZEC, LEADER, ROPS_KIELCE, ROPS_RZESZOW


def _training_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.learning.tests.training_factories import make_training

    return {"public_id": make_training(days=(-2, 5)).public_id}


def _future_training_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.learning.tests.training_factories import make_training

    return {"public_id": make_training(days=(5,)).public_id}


def _session_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.learning.tests.training_factories import make_training

    return {"public_id": make_training(days=(-2,)).sessions.get().public_id}


def _certificate_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.learning import trainings
    from kooperacja.learning.tests.training_factories import enrolled, make_training, mark

    training = make_training(days=(-2,))
    mark(training, enrolled(training, persona(GOPS_MIRZEC)), 0)
    certificate = trainings.issue_certificates(None, training).issued[0].certificate
    return {"public_id": certificate.public_id}  # type: ignore[union-attr]


ORGANISERS = answers(403, {ADMIN: 200, ROPS_KIELCE: 200})
CREATORS = answers(403, {ADMIN: 200, LEADER: 200, ROPS_KIELCE: 200, ROPS_RZESZOW: 200})
# An empty POST: organisers are refused as bad input (400), everyone else as not allowed (403).
ORGANISERS_POST = answers(403, {ADMIN: 400, ROPS_KIELCE: 400})
ORGANISERS_CHANGE = answers(403, {ADMIN: 302, ROPS_KIELCE: 302})
EVERY_SIGNED_IN_POST = answers(302)

URL_ROWS: list[UrlRow] = [
    UrlRow("learning:trainings", SIGNED_IN),
    UrlRow("learning:training_create", CREATORS, wrong_method="DELETE"),
    UrlRow("learning:training", SIGNED_IN, kwargs=_training_ids),
    UrlRow("learning:training_edit", ORGANISERS, kwargs=_training_ids, wrong_method="DELETE"),
    UrlRow("learning:training_cancel", ORGANISERS_CHANGE, method="POST", kwargs=_training_ids, wrong_method="GET"),
    UrlRow("learning:training_session_add", ORGANISERS_POST, method="POST", kwargs=_training_ids, wrong_method="GET"),
    UrlRow(
        "learning:training_enrol", EVERY_SIGNED_IN_POST, method="POST", kwargs=_future_training_ids, wrong_method="GET"
    ),
    UrlRow(
        "learning:training_leave",
        EVERY_SIGNED_IN_POST,
        method="POST",
        kwargs=_future_training_ids,
        wrong_method="DELETE",
    ),
    UrlRow("learning:training_certificates", ORGANISERS, kwargs=_training_ids, wrong_method="DELETE"),
    UrlRow("learning:training_session_edit", ORGANISERS, kwargs=_session_ids, wrong_method="DELETE"),
    UrlRow("learning:training_attendance", ORGANISERS, kwargs=_session_ids, wrong_method="DELETE"),
    UrlRow("learning:my_certificates", SIGNED_IN),
    UrlRow(
        "learning:certificate_pdf",
        answers(404, {ADMIN: 200, ROPS_KIELCE: 200, GOPS_MIRZEC: 200}),
        kwargs=_certificate_ids,
    ),
    UrlRow(
        "learning:certificate_revoke",
        answers(404, {ADMIN: 200, ROPS_KIELCE: 200, GOPS_MIRZEC: 403}),
        kwargs=_certificate_ids,
        wrong_method="DELETE",
    ),
    UrlRow("learning:verify", PUBLIC),
]
API_ROWS: list[ApiRow] = []
