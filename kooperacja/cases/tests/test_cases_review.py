"""Defects a review found in cases: a transfer moves the people with the case; a partner sees a
category of the whole case only with everyone's consent; the list names a shared case by the
consent of the institution that takes part; audit events name every person shown; answers to a
transfer and uploads are safe when something goes wrong or two people act at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kooperacja.cases import consent as consent_services
from kooperacja.cases import services
from kooperacja.cases.models import (
    ConsentCategory,
    Document,
    Person,
    TimelineKind,
    TransferStatus,
)
from kooperacja.cases.tests.factories import (
    consent,
    gops,
    make_case,
    make_household,
    make_person,
    person_case,
    take_part,
)
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution, Membership

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch) -> FileSystemStorage:
    """Documents go to a temporary directory, not the deployment's store."""
    storage = FileSystemStorage(location=tmp_path / "documents")
    monkeypatch.setattr(Document._meta.get_field("file"), "storage", storage)
    return storage


def school() -> Institution:
    return Institution.objects.get(short_name="PSP Mirzec")


def family(persona, *, institution: Institution | None = None):
    """A household case of GOPS Mirzec: a mother and her son, registered by it."""
    household = make_household("Rodzina Przenoszona", institution=institution)
    mother = make_person("Anna", "Przenoszona", household=household, institution=institution)
    son = make_person("Tomek", "Przenoszony", household=household, institution=institution)
    case = make_case(household=household, lead=persona("gops.mirzec"))
    return case, household, mother, son


def person_url(person: Person) -> str:
    return reverse("cases:person", args=[person.public_id])


# --- 1. A transfer moves the people registered by the sending institution --------------------


def test_it_moves_the_persons_and_household_with_an_accepted_transfer(client, login_as, persona):
    case, household, mother, son = family(persona)
    transfer = services.request_transfer(persona("gops.mirzec"), case, gops("Oksa"), "Przeprowadzka.")
    login_as("gops.oksa")

    client.post(reverse("cases:transfer_accept", args=[transfer.public_id]))

    page = client.get(person_url(mother))
    assert page.status_code == 200 and page.context["can_edit"]
    assert client.get(reverse("cases:person_edit", args=[son.public_id])).status_code == 200
    assert client.get(reverse("cases:consent_new", args=[son.public_id])).status_code == 200
    household.refresh_from_db()
    assert household.institution == gops("Oksa")
    login_as("gops.mirzec")
    assert client.get(person_url(mother)).status_code == 404
    assert client.get(reverse("cases:consents", args=[son.public_id])).status_code == 404
    login_as("lider.mirzec")
    assert client.get(person_url(son)).status_code == 404


# --- 2. A category of the whole case needs every person's consent -----------------------------


def shared_family(persona, mother_categories, son_categories):
    case, _household, mother, son = family(persona)
    take_part(case, school())
    consent(mother, school(), mother_categories, recorded_by=persona("gops.mirzec"))
    consent(son, school(), son_categories, recorded_by=persona("gops.mirzec"))
    return case, mother, son


def test_it_keeps_the_family_documents_from_a_partner_when_one_member_consented(client, login_as, persona):
    identity = (ConsentCategory.IDENTITY,)
    case, _mother, _son = shared_family(persona, identity, (ConsentCategory.IDENTITY, ConsentCategory.DOCUMENTS))
    upload = SimpleUploadedFile("opinia.pdf", PDF_BYTES)
    document = consent_services.upload_document(persona("gops.mirzec"), case, upload, title="Opinia", shareable=True)
    login_as("szkola.mirzec")

    assert client.get(reverse("cases:document", args=[document.public_id])).status_code == 404
    page = client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    assert "Opinia" not in page


def test_it_gives_a_partner_the_documents_when_every_member_consented(client, login_as, persona):
    both = (ConsentCategory.IDENTITY, ConsentCategory.DOCUMENTS)
    case, _mother, _son = shared_family(persona, both, both)
    upload = SimpleUploadedFile("opinia.pdf", PDF_BYTES)
    document = consent_services.upload_document(persona("gops.mirzec"), case, upload, title="Opinia", shareable=True)
    login_as("szkola.mirzec")

    assert client.get(reverse("cases:document", args=[document.public_id])).status_code == 200
    assert "Opinia" in client.get(reverse("cases:detail", args=[case.public_id])).content.decode()


def test_it_hides_timeline_entries_of_a_category_only_one_member_consented_to(client, login_as, persona):
    case, _mother, _son = shared_family(
        persona, (ConsentCategory.IDENTITY,), (ConsentCategory.IDENTITY, ConsentCategory.PLAN)
    )
    services.record_timeline(case, TimelineKind.PLAN, "Plan pomocy przyjęty", category=ConsentCategory.PLAN)
    login_as("szkola.mirzec")

    response = client.get(reverse("cases:detail", args=[case.public_id]))

    assert "Plan pomocy przyjęty" not in response.content.decode()


# --- 3. The list names a shared case by the consent of the institution taking part -------------


def test_it_does_not_name_a_shared_case_by_a_consent_to_another_of_the_users_institutions(client, login_as, persona):
    clinic = Institution.objects.get(short_name="SP ZOZ Mirzec")
    Membership.objects.create(user=persona("szkola.mirzec"), institution=clinic, role=Role.PARTNER_STAFF)
    person = make_person("Ukryta", "Tożsamość")
    case = person_case(lead=persona("gops.mirzec"), person=person)
    take_part(case, school())
    consent(person, clinic, (ConsentCategory.IDENTITY,), recorded_by=persona("gops.mirzec"))
    login_as("szkola.mirzec")

    page = client.get(reverse("cases:list")).content.decode()

    assert "Ukryta" not in page and "Tożsamość" not in page
    detail = client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    assert "Ukryta" not in detail


def test_it_names_a_shared_case_with_identity_consent_to_the_institution_taking_part(client, login_as, persona):
    person = make_person("Jawna", "Tożsamość")
    case = person_case(lead=persona("gops.mirzec"), person=person)
    take_part(case, school())
    consent(person, school(), (ConsentCategory.IDENTITY,), recorded_by=persona("gops.mirzec"))
    login_as("szkola.mirzec")

    assert "Jawna Tożsamość" in client.get(reverse("cases:list")).content.decode()
    event = AuditEvent.objects.filter(action=AuditAction.LIST, object_type="cases.case").latest("id")
    assert person.pk in event.persons


# --- 4. Audit events name every person whose data a page showed --------------------------------


def test_it_audits_every_person_of_a_shared_case_whose_notes_a_partner_read(client, login_as, persona):
    case, mother, son = shared_family(persona, (ConsentCategory.NOTES,), (ConsentCategory.NOTES,))
    services.add_note(persona("gops.mirzec"), case, case.institution, text="Wspólna notatka", shareable=True)
    login_as("szkola.mirzec")

    response = client.get(reverse("cases:detail", args=[case.public_id]))

    assert "Wspólna notatka" in response.content.decode()
    assert "Przenoszona" not in response.content.decode()  # no consent for identity
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(case.public_id)).latest("id")
    assert sorted(event.persons) == sorted([mother.pk, son.pk])


def test_it_audits_the_household_members_listed_on_a_person_page(client, login_as, persona):
    _case, _household, mother, son = family(persona)
    login_as("gops.mirzec")

    response = client.get(person_url(mother))

    assert "Tomek" in response.content.decode()
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(mother.public_id)).latest("id")
    assert sorted(event.persons) == sorted([mother.pk, son.pk])


def test_it_audits_the_document_list_of_the_upload_page(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    upload = SimpleUploadedFile("opinia.pdf", PDF_BYTES)
    consent_services.upload_document(persona("gops.mirzec"), case, upload, title="Opinia lekarska")
    login_as("gops.mirzec")

    response = client.get(reverse("cases:document_new", args=[case.public_id]))

    assert "Opinia lekarska" in response.content.decode()
    event = AuditEvent.objects.filter(action=AuditAction.LIST, object_type="cases.document").latest("id")
    assert event.persons == [case.person_id]


# --- 5. An answered transfer cannot be answered again -----------------------------------------


def test_it_refuses_a_second_accept_of_a_transfer_already_accepted(persona):
    case = person_case(lead=persona("gops.mirzec"))
    transfer = services.request_transfer(persona("gops.mirzec"), case, gops("Oksa"), "Przeprowadzka.")
    seen_by_the_second = type(transfer).objects.get(pk=transfer.pk)  # opened before the first answer
    services.accept_transfer(persona("gops.oksa"), transfer)

    with pytest.raises(ValidationError, match="już odpowiedziano"):
        services.decline_transfer(persona("gops.oksa"), seen_by_the_second, "Jednak nie.")
    with pytest.raises(ValidationError, match="już odpowiedziano"):
        services.accept_transfer(persona("gops.oksa"), seen_by_the_second)

    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.ACCEPTED and transfer.answer_note == ""


def test_it_tells_who_accepts_an_accepted_transfer_again_that_it_was_answered(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    transfer = services.request_transfer(persona("gops.mirzec"), case, gops("Oksa"), "Przeprowadzka.")
    login_as("gops.oksa")
    client.post(reverse("cases:transfer_accept", args=[transfer.public_id]))

    response = client.post(reverse("cases:transfer_accept", args=[transfer.public_id]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("cases:transfers")
    assert any("już odpowiedziano" in str(m) for m in response.context["messages"])


# --- 6. A failed upload leaves no file behind ---------------------------------------------------


def test_it_deletes_the_stored_file_when_the_upload_fails_after_storing_it(
    client, login_as, persona, private_storage, monkeypatch
):
    case = person_case(lead=persona("gops.mirzec"))

    def broken_audit(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(consent_services.audit, "record", broken_audit)
    with pytest.raises(RuntimeError):
        consent_services.upload_document(
            persona("gops.mirzec"), case, SimpleUploadedFile("opinia.pdf", PDF_BYTES), title="Opinia"
        )

    assert not Document.objects.filter(case=case).exists()
    assert not any(path.is_file() for path in Path(private_storage.location).rglob("*"))


# --- 8. The transfers page asks the database a fixed number of times ----------------------------


@pytest.mark.parametrize("count", [1, 10])
def test_it_lists_incoming_transfers_in_a_fixed_number_of_queries(
    client, login_as, persona, django_assert_max_num_queries, count
):
    for _number in range(count):
        case, *_rest = family(persona)
        services.request_transfer(persona("gops.mirzec"), case, gops("Oksa"), "Przeprowadzka.")
    login_as("gops.oksa")

    with django_assert_max_num_queries(11):
        response = client.get(reverse("cases:transfers"))

    assert len(response.context["transfers"]) == count
    event = AuditEvent.objects.filter(action=AuditAction.LIST, object_type="cases.casetransfer").latest("id")
    assert len(event.persons) == 2 * count
