"""Access-matrix rows of teams: agreements, parties, obligations and evidence (see
tests/access_rows.py and the personas' answers in tests/access_teams_teams.py)."""

from __future__ import annotations

import uuid
from typing import Any

from tests.access_rows import ApiRow, Getter, UrlRow
from tests.access_teams_teams import READERS, runners, team_ids
from tests.personas import LEADER

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _agreement(persona: Getter) -> Any:
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from kooperacja.teams.agreements import create_agreement
    from kooperacja.teams.tests.factories import make_team

    return create_agreement(
        persona(LEADER),
        make_team(),
        title="Porozumienie o współpracy",
        signed_on=dt.date(2018, 8, 20),
        scan=SimpleUploadedFile("skan.pdf", PDF_BYTES),
    )


def _agreement_ids(persona: Getter) -> dict[str, Any]:
    return {"public_id": _agreement(persona).public_id}


def _obligation(persona: Getter) -> Any:
    from kooperacja.teams.agreements import PartyChoice, add_obligation, add_party
    from kooperacja.teams.models import PartyKind
    from kooperacja.territory.models import County

    agreement = _agreement(persona)
    party = add_party(
        persona(LEADER), agreement, PartyChoice(kind=PartyKind.COUNTY, county=County.objects.get(code="2611"))
    )
    return add_obligation(persona(LEADER), agreement, party=party, text="Wyznaczyć animatora")


def _obligation_ids(persona: Getter) -> dict[str, Any]:
    return {"public_id": _obligation(persona).public_id}


def _unknown_link(persona: Getter) -> dict[str, Any]:
    # The row's address is made once for every persona, so a real link would be gone after the
    # first one removed it: a link that does not exist answers 404 to those who run the team,
    # 403 or 404 to the others (removing a real one: test_agreements.py).
    return {"public_id": _obligation(persona).public_id, "link_id": uuid.uuid4()}


def _post(name: str, kwargs: Any, allowed: int = 400) -> UrlRow:
    # An empty POST: those who run the team are told what is missing (400), nothing changes.
    return UrlRow(name, runners(allowed), method="POST", kwargs=kwargs, wrong_method="GET")


URL_ROWS: list[UrlRow] = [
    UrlRow("teams:agreements", READERS, kwargs=team_ids),
    UrlRow("teams:agreement_create", runners(200), kwargs=team_ids, wrong_method="DELETE"),
    UrlRow("teams:agreement", READERS, kwargs=_agreement_ids),
    UrlRow("teams:agreement_edit", runners(200), kwargs=_agreement_ids, wrong_method="DELETE"),
    UrlRow("teams:agreement_scan", READERS, kwargs=_agreement_ids),
    _post("teams:party_add", _agreement_ids),
    _post("teams:obligation_add", _agreement_ids),
    UrlRow("teams:obligation", READERS, kwargs=_obligation_ids, wrong_method="DELETE"),
    _post("teams:evidence_add", _obligation_ids),
    _post("teams:evidence_remove", _unknown_link, allowed=404),
]
API_ROWS: list[ApiRow] = []
