"""Access-matrix rows of cases: consent and documents (see tests/access_rows.py).

A person registered by GOPS Mirzec is seen by its social workers and manager (not by its
family assistant, who sees only the people of its own cases); its social workers record and
withdraw consents (the manager, who reads, gets 403). A case led by gops.mirzec takes
documents from its editors only (its colleague and manager read: 403); its documents are read
by the owning institution's readers. Everyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import ApiRow, Getter, UrlRow, answers
from tests.personas import COLLEAGUE, GOPS_MIRZEC, LEADER


def _person() -> Any:
    from kooperacja.cases.tests.factories import make_person

    return make_person("Zofia", "Macierzowa")


def _person_ids(persona: Getter) -> dict[str, Any]:
    return {"person_id": _person().public_id}


def _consent_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.cases.tests.factories import consent
    from kooperacja.institutions.models import Institution

    school = Institution.objects.get(name__icontains="Szkoła Podstawowa", municipality__name="Mirzec")
    return {"consent_id": consent(_person(), school, recorded_by=persona(GOPS_MIRZEC)).public_id}


def _case(persona: Getter) -> Any:
    from kooperacja.cases.models import CaseKind
    from kooperacja.cases.tests.factories import make_case

    return make_case(person=_person(), lead=persona(GOPS_MIRZEC), kind=CaseKind.PERSON)


def _case_ids(persona: Getter) -> dict[str, Any]:
    return {"case_id": _case(persona).public_id}


def _document_ids(persona: Getter) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from kooperacja.cases.consent import upload_document

    file = SimpleUploadedFile("matrix.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    document = upload_document(persona(GOPS_MIRZEC), _case(persona), file, title="Macierz")
    return {"document_id": document.public_id}


PERSON_READERS = [GOPS_MIRZEC, COLLEAGUE, LEADER]

URL_ROWS: list[UrlRow] = [
    UrlRow("cases:consents", answers(404, dict.fromkeys(PERSON_READERS, 200)), kwargs=_person_ids),
    UrlRow(
        "cases:consent_new",
        answers(404, {GOPS_MIRZEC: 200, COLLEAGUE: 200, LEADER: 403}),
        kwargs=_person_ids,
        wrong_method="DELETE",
    ),
    UrlRow("cases:consent_form", answers(404, dict.fromkeys(PERSON_READERS, 200)), kwargs=_person_ids),
    # The first social worker withdraws; the second is told it was withdrawn already.
    UrlRow(
        "cases:consent_withdraw",
        answers(404, {GOPS_MIRZEC: 302, COLLEAGUE: 302, LEADER: 403}),
        method="POST",
        kwargs=_consent_ids,
        wrong_method="GET",
    ),
    UrlRow(
        "cases:document_new",
        answers(404, {GOPS_MIRZEC: 200, COLLEAGUE: 403, LEADER: 403}),
        kwargs=_case_ids,
        wrong_method="DELETE",
    ),
    UrlRow("cases:document", answers(404, dict.fromkeys(PERSON_READERS, 200)), kwargs=_document_ids),
]
API_ROWS: list[ApiRow] = []
