"""Documents of a case: upload at /cases/<id>/documents/new/ (for those who edit the case),
download at /cases/documents/<id>/ (through the case's policy: partners only a shareable
document, and only with consent for documents). The type is checked from the content."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from kooperacja.cases import consent as services
from kooperacja.cases.models import CaseKind, ConsentCategory, Document, Person, TimelineEntry, TimelineKind
from kooperacja.cases.tests.factories import consent, make_case, make_person, take_part
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.institutions.models import Institution

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch) -> FileSystemStorage:
    """Documents go to a temporary directory, not the deployment's store."""
    storage = FileSystemStorage(location=tmp_path)
    monkeypatch.setattr(Document._meta.get_field("file"), "storage", storage)
    return storage


def school() -> Institution:
    return Institution.objects.get(name__icontains="Szkoła Podstawowa", municipality__name="Mirzec")


def a_case(persona):
    person = make_person("Zofia", "Zgodna")
    return make_case(person=person, lead=persona("gops.mirzec"), kind=CaseKind.PERSON)


def new_url(case) -> str:
    return reverse("cases:document_new", kwargs={"case_id": case.public_id})


def upload(name: str = "opinia.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", services.ODT)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


# --- Upload ---------------------------------------------------------------------------------------


def test_it_keeps_an_uploaded_pdf_with_its_checksum(client, login_as, persona, private_storage):
    case = a_case(persona)
    login_as("gops.mirzec")

    response = client.post(new_url(case), {"title": "Opinia szkoły", "file": upload(), "shareable": "on"})

    assert response.status_code == 302
    document = Document.objects.get(case=case)
    assert (document.title, document.original_name, document.content_type) == (
        "Opinia szkoły",
        "opinia.pdf",
        "application/pdf",
    )
    assert document.size == len(PDF_BYTES)
    assert document.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert document.shareable
    assert private_storage.exists(document.file.name)
    assert "opinia" not in str(document.file.name)
    entry = TimelineEntry.objects.get(case=case, kind=TimelineKind.DOCUMENT)
    assert entry.category == ConsentCategory.DOCUMENTS
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(document.public_id)).exists()


def test_an_internal_document_is_on_the_timeline_for_the_team_only(client, login_as, persona):
    case = a_case(persona)
    login_as("gops.mirzec")

    client.post(new_url(case), {"title": "Notatka", "file": upload("skan.png", PNG_BYTES)})

    assert TimelineEntry.objects.get(case=case, kind=TimelineKind.DOCUMENT).category == ""
    assert Document.objects.get(case=case).content_type == "image/png"


def test_it_accepts_an_odt_document_by_its_content(client, login_as, persona):
    case = a_case(persona)
    login_as("gops.mirzec")

    response = client.post(new_url(case), {"title": "Plan", "file": upload("plan.odt", odt_bytes())})

    assert response.status_code == 302
    assert Document.objects.get(case=case).content_type == services.ODT


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("opinia.pdf", b"MZ\x90\x00\x03 an executable", "jego zawartość nie jest plikiem PDF"),
        ("zdjecie.jpg", b"<html><script>alert(1)</script>", "jego zawartość nie jest plikiem JPEG"),
        ("opinia.pdf", PNG_BYTES, "nie zgadza się z jego zawartością"),
        ("program.exe", b"MZ\x90\x00", "nie jest przyjmowany"),
        ("pusty.pdf", b"", "pusty"),  # Django's own message
        ("archiwum.docx", b"PK\x03\x04 broken zip", "jego zawartość nie jest plikiem DOCX"),
    ],
)
def test_it_refuses_a_disguised_or_unknown_file_and_stores_nothing(
    client, login_as, persona, private_storage, name, content, words
):
    case = a_case(persona)
    login_as("gops.mirzec")

    response = client.post(new_url(case), {"title": "Opinia", "file": upload(name, content)})

    assert response.status_code == 400
    errors = response.context["form"].errors["file"]
    assert any(words in error for error in errors), errors
    assert not Document.objects.filter(case=case).exists()
    assert not private_storage.listdir("")[1]
    assert not TimelineEntry.objects.filter(case=case, kind=TimelineKind.DOCUMENT).exists()


@override_settings(DOCUMENT_MAX_BYTES=1024)
def test_it_refuses_an_oversized_file(client, login_as, persona, private_storage):
    case = a_case(persona)
    login_as("gops.mirzec")

    response = client.post(new_url(case), {"title": "Duży", "file": upload(content=PDF_BYTES + b"0" * 2000)})

    assert response.status_code == 400
    assert "za duży" in response.context["form"].errors["file"][0]
    assert not Document.objects.filter(case=case).exists()


def test_it_requires_a_title(client, login_as, persona):
    case = a_case(persona)
    login_as("gops.mirzec")

    response = client.post(new_url(case), {"title": "", "file": upload()})

    assert response.status_code == 400
    assert not Document.objects.filter(case=case).exists()


def test_it_forbids_upload_to_a_colleague_who_only_reads_the_case(client, login_as, persona):
    case = a_case(persona)
    login_as("kolega.mirzec")

    assert client.get(new_url(case)).status_code == 403
    assert client.post(new_url(case), {"title": "X", "file": upload()}).status_code == 403
    assert not Document.objects.filter(case=case).exists()


def test_it_forbids_upload_to_a_partner_taking_part(client, login_as, persona):
    case = a_case(persona)
    take_part(case, school())
    login_as("szkola.mirzec")

    assert client.get(new_url(case)).status_code == 403


@pytest.mark.parametrize("who", ["gops.oksa", "policja.mirzec", "asystent.mirzec", "rops.kielce", "admin"])
def test_it_hides_the_case_from_strangers(client, login_as, persona, who):
    case = a_case(persona)
    login_as(who)

    assert client.get(new_url(case)).status_code == 404


def test_it_answers_405_to_a_wrong_method(client, login_as, persona):
    case = a_case(persona)
    login_as("gops.mirzec")

    assert client.delete(new_url(case)).status_code == 405


# --- Download -------------------------------------------------------------------------------------


def stored(persona, *, shareable: bool) -> Document:
    case = a_case(persona)
    assert case.person is not None
    return services.upload_document(persona("gops.mirzec"), case, upload(), title="Opinia", shareable=shareable)


def subject(document: Document) -> Person:
    assert document.case.person is not None
    return document.case.person


def download_url(document: Document) -> str:
    return reverse("cases:document", kwargs={"document_id": document.public_id})


def test_it_serves_the_file_as_an_attachment_and_audits_the_read(client, login_as, persona):
    document = stored(persona, shareable=False)
    login_as("kolega.mirzec")

    response = client.get(download_url(document))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "opinia.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_id=str(document.public_id))
    assert event.persons == [document.case.person_id]


def test_a_partner_with_consent_gets_a_shareable_document_until_the_consent_is_withdrawn(client, login_as, persona):
    document = stored(persona, shareable=True)
    take_part(document.case, school())
    recorded = consent(
        subject(document),
        school(),
        (ConsentCategory.IDENTITY, ConsentCategory.DOCUMENTS),
        recorded_by=persona("gops.mirzec"),
    )
    login_as("szkola.mirzec")
    assert client.get(download_url(document)).status_code == 200

    services.withdraw_consent(persona("gops.mirzec"), recorded)

    assert client.get(download_url(document)).status_code == 404


def test_a_partner_does_not_get_an_internal_document_even_with_consent(client, login_as, persona):
    document = stored(persona, shareable=False)
    take_part(document.case, school())
    consent(subject(document), school(), (ConsentCategory.DOCUMENTS,), recorded_by=persona("gops.mirzec"))
    login_as("szkola.mirzec")

    assert client.get(download_url(document)).status_code == 404


def test_a_partner_without_consent_for_documents_does_not_get_it(client, login_as, persona):
    document = stored(persona, shareable=True)
    take_part(document.case, school())
    consent(subject(document), school(), (ConsentCategory.IDENTITY,), recorded_by=persona("gops.mirzec"))
    login_as("szkola.mirzec")

    assert client.get(download_url(document)).status_code == 404


@pytest.mark.parametrize("who", ["gops.oksa", "policja.mirzec", "szkola.mirzec", "asystent.mirzec", "admin"])
def test_strangers_cannot_guess_a_document(client, login_as, persona, who):
    document = stored(persona, shareable=True)
    login_as(who)

    assert client.get(download_url(document)).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(document.public_id)).exists()


def test_download_answers_405_to_a_post(client, login_as, persona):
    document = stored(persona, shareable=False)
    login_as("gops.mirzec")

    assert client.post(download_url(document)).status_code == 405
