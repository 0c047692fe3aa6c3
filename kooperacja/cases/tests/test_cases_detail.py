"""The case page (cases:detail): the whole view and the partner's shared view."""

from __future__ import annotations

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.timezone import localtime

from kooperacja.cases import consent as consent_services
from kooperacja.cases import services
from kooperacja.cases.models import ConsentCategory, Document, TimelineKind
from kooperacja.cases.tests.factories import consent, make_person, person_case, take_part
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.institutions.models import Institution

pytestmark = pytest.mark.django_db


def school() -> Institution:
    return Institution.objects.get(short_name="PSP Mirzec")


def url(case) -> str:
    return reverse("cases:detail", args=[case.public_id])


def shared_case(persona, *categories):
    lead = persona("gops.mirzec")
    person = make_person("Paweł", "Szczegółowy", phone="600100200")
    case = person_case(lead=lead, person=person)
    services.add_note(lead, case, case.institution, text="Notatka wewnętrzna GOPS")
    services.add_note(lead, case, case.institution, text="Notatka do udostępnienia", shareable=True)
    take_part(case, school())
    if categories:
        consent(person, school(), categories, recorded_by=lead)
    return case, person


def test_it_shows_the_whole_case_to_its_institution(client, login_as, persona):
    case, _person = shared_case(persona)
    login_as("kolega.mirzec")

    response = client.get(url(case))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Paweł Szczegółowy" in page and "600100200" in page
    assert "Notatka wewnętrzna GOPS" in page and "Notatka do udostępnienia" in page
    assert [entry.kind for entry in response.context["timeline"]] == [TimelineKind.NOTE, TimelineKind.NOTE]
    assert not response.context["access"].can_edit


def test_it_filters_the_timeline_by_kind(client, login_as, persona):
    case, _person = shared_case(persona)
    login_as("gops.mirzec")

    response = client.get(url(case), {"kind": "note"})

    assert {entry.kind for entry in response.context["timeline"]} == {TimelineKind.NOTE}


def test_it_records_one_view_event_with_the_persons_shown(client, login_as, persona):
    case, person = shared_case(persona)
    login_as("gops.mirzec")
    before = AuditEvent.objects.count()

    client.get(url(case))

    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == AuditAction.VIEW and event.persons == [person.pk]


def test_it_shows_a_partner_with_identity_consent_names_but_no_notes(client, login_as, persona):
    case, _person = shared_case(persona, ConsentCategory.IDENTITY)
    login_as("szkola.mirzec")

    response = client.get(url(case))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Paweł Szczegółowy" in page
    assert "Notatka" not in page
    assert response.context["team"] == []
    assert {entry.kind for entry in response.context["timeline"]} <= {TimelineKind.NOTE} and not any(
        entry.category == "" for entry in response.context["timeline"]
    )


def test_it_shows_a_partner_with_consent_for_notes_the_shareable_notes_only(client, login_as, persona):
    case, _person = shared_case(persona, ConsentCategory.IDENTITY, ConsentCategory.NOTES)
    login_as("szkola.mirzec")

    page = client.get(url(case)).content.decode()

    assert "Notatka do udostępnienia" in page
    assert "Notatka wewnętrzna GOPS" not in page


def test_it_hides_names_from_a_partner_without_identity_consent(client, login_as, persona):
    case, _person = shared_case(persona)
    login_as("szkola.mirzec")
    before = AuditEvent.objects.count()

    response = client.get(url(case))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Szczegółowy" not in page and "600100200" not in page
    assert response.context["hidden_persons"] == 1
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("id").persons == []


def test_it_answers_404_to_an_unknown_case(client, login_as):
    login_as("gops.mirzec")

    assert client.get(reverse("cases:detail", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404


def test_it_refuses_post(client, login_as, persona):
    case, _person = shared_case(persona)
    login_as("gops.mirzec")

    assert client.post(url(case)).status_code == 405


# --- Documents and diagnosis, reached from the case page -------------------------------------------


@pytest.fixture
def private_storage(tmp_path, monkeypatch) -> None:
    """Documents go to a temporary directory, not the deployment's store."""
    monkeypatch.setattr(Document._meta.get_field("file"), "storage", FileSystemStorage(location=tmp_path))


def with_documents(persona, case) -> tuple[Document, Document]:
    lead = persona("gops.mirzec")
    shared = consent_services.upload_document(lead, case, pdf("opinia.pdf"), title="Opinia szkoły", shareable=True)
    internal = consent_services.upload_document(lead, case, pdf("wywiad.pdf"), title="Wywiad GOPS", shareable=False)
    return shared, internal


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")


def diagnosis_url(case) -> str:
    return reverse("assessment:case", args=[case.public_id])


def test_a_partner_with_consent_finds_the_shareable_documents_and_the_diagnosis(
    client, login_as, persona, private_storage
):
    case, _person = shared_case(persona, ConsentCategory.IDENTITY, ConsentCategory.DOCUMENTS, "diagnosis:income")
    shared, internal = with_documents(persona, case)
    login_as("szkola.mirzec")

    page = client.get(url(case)).content.decode()

    link = reverse("cases:document", args=[shared.public_id])
    assert f'href="{link}"' in page and "Opinia szkoły" in page
    assert localtime(shared.uploaded_at).strftime("%d.%m.%Y") in page
    assert "Wywiad GOPS" not in page and str(internal.public_id) not in page
    assert f'href="{diagnosis_url(case)}"' in page
    assert client.get(link).status_code == 200


def test_a_partner_without_consent_sees_neither_documents_nor_a_diagnosis_link(
    client, login_as, persona, private_storage
):
    case, _person = shared_case(persona, ConsentCategory.IDENTITY)
    with_documents(persona, case)
    login_as("szkola.mirzec")

    page = client.get(url(case)).content.decode()

    assert "Opinia szkoły" not in page and "Wywiad GOPS" not in page
    assert diagnosis_url(case) not in page


def test_the_whole_view_lists_every_document_of_the_case(client, login_as, persona, private_storage):
    case, _person = shared_case(persona)
    shared, internal = with_documents(persona, case)
    login_as("kolega.mirzec")

    page = client.get(url(case)).content.decode()

    for document in (shared, internal):
        assert f'href="{reverse("cases:document", args=[document.public_id])}"' in page
    assert f'href="{diagnosis_url(case)}"' in page
