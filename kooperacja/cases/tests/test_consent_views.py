"""Consent (RODO) of a person: /cases/people/<id>/consents/ (list, new, printable form) and
/cases/consents/<id>/withdraw/. Social workers and family assistants of the registering
institution record and withdraw; its other readers see and print (403 on recording); anyone
else gets 404. A withdrawal takes effect at once in every partner's shared view."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from kooperacja.cases import consent as services
from kooperacja.cases.models import (
    CaseKind,
    Consent,
    ConsentBasis,
    ConsentCategory,
    Document,
    TimelineEntry,
    TimelineKind,
)
from kooperacja.cases.policies import get_case_for_user
from kooperacja.cases.tests.factories import consent, gops, make_case, make_person, take_part
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.institutions.models import Institution, Sector

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch) -> FileSystemStorage:
    """Documents go to a temporary directory, not the deployment's store."""
    storage = FileSystemStorage(location=tmp_path)
    monkeypatch.setattr(Document._meta.get_field("file"), "storage", storage)
    return storage


def school() -> Institution:
    return Institution.objects.get(name__icontains="Szkoła Podstawowa", municipality__name="Mirzec")


def form_data(**changes: Any) -> dict[str, Any]:
    data = {
        "institution": str(school().public_id),
        "sector": "",
        "categories": [ConsentCategory.IDENTITY, ConsentCategory.DOCUMENTS],
        "basis": ConsentBasis.CONSENT,
        "guardian_name": "",
        "legal_reference": "",
        "valid_from": "2026-01-10",
        "valid_until": "",
    }
    data.update(changes)
    return data


def new_url(person) -> str:
    return reverse("cases:consent_new", kwargs={"person_id": person.public_id})


def list_url(person) -> str:
    return reverse("cases:consents", kwargs={"person_id": person.public_id})


# --- Recording ------------------------------------------------------------------------------------


def test_it_records_a_consent_for_an_institution(client, login_as):
    user = login_as("gops.mirzec")
    person = make_person("Zofia", "Zgodna")
    case = make_case(person=person, lead=user, kind=CaseKind.PERSON)

    response = client.post(new_url(person), form_data())

    assert response.status_code == 302
    assert response["Location"] == list_url(person)
    recorded = Consent.objects.get(person=person)
    assert recorded.institution == school()
    assert recorded.categories == ["identity", "documents"]
    assert recorded.valid_from == dt.date(2026, 1, 10)
    assert recorded.recorded_by == user
    assert TimelineEntry.objects.filter(case=case, kind=TimelineKind.CONSENT).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(recorded.public_id)).exists()


def test_it_records_a_consent_for_a_whole_sector_with_a_statutory_basis(client, login_as):
    login_as("gops.mirzec")
    person = make_person("Zofia", "Zgodna")
    reference = "art. 9 ust. 2 lit. h RODO; art. 100 ustawy o pomocy społecznej"

    response = client.post(
        new_url(person),
        form_data(institution="", sector=Sector.HEALTH, basis=ConsentBasis.STATUTE, legal_reference=reference),
    )

    assert response.status_code == 302
    recorded = Consent.objects.get(person=person)
    assert (recorded.institution, recorded.sector, recorded.legal_reference) == (None, "health", reference)


def test_it_keeps_the_signed_scan_in_the_persons_case(client, login_as):
    user = login_as("gops.mirzec")
    person = make_person("Zofia", "Zgodna")
    case = make_case(person=person, lead=user, kind=CaseKind.PERSON)
    scan = SimpleUploadedFile("zgoda.pdf", PDF_BYTES, content_type="application/pdf")

    response = client.post(new_url(person), {**form_data(), "scan": scan})

    assert response.status_code == 302
    recorded = Consent.objects.get(person=person)
    assert recorded.signed_scan is not None
    assert recorded.signed_scan.case == case
    assert recorded.signed_scan.shareable is False


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"valid_until": "2026-01-09"},
            "valid_until",
            "The consent cannot end before it begins: the end date is earlier than the start date.",
        ),
        ({"basis": ConsentBasis.GUARDIAN}, "guardian_name", "Give the name of the legal guardian who consents."),
        (
            {"basis": ConsentBasis.STATUTE},
            "legal_reference",
            "Give the legal provision the sharing rests on, e.g. art. 9 ust. 2 lit. h RODO.",
        ),
        ({"sector": Sector.HEALTH}, "institution", "Choose one institution or one whole sector, not both."),
        ({"institution": ""}, "institution", "Choose one institution or one whole sector, not both."),
        ({"categories": []}, "categories", "Choose at least one category of data."),
    ],
)
def test_it_refuses_bad_input_with_a_polish_message_and_saves_nothing(client, login_as, changes, field, message):
    login_as("gops.mirzec")
    person = make_person("Zofia", "Zgodna")

    response = client.post(new_url(person), form_data(**changes), HTTP_ACCEPT_LANGUAGE="pl")

    assert response.status_code == 400
    with translation.override("pl"):
        polish = translation.gettext(message)
    assert response.context["form"].errors[field] == [polish]
    assert polish in response.content.decode()
    assert not Consent.objects.filter(person=person).exists()


def test_it_refuses_a_disguised_scan_and_records_nothing(client, login_as):
    user = login_as("gops.mirzec")
    person = make_person("Zofia", "Zgodna")
    make_case(person=person, lead=user, kind=CaseKind.PERSON)
    scan = SimpleUploadedFile("zgoda.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")

    response = client.post(new_url(person), {**form_data(), "scan": scan})

    assert response.status_code == 400
    assert "scan" in response.context["form"].errors
    assert not Consent.objects.filter(person=person).exists()
    assert not Document.objects.filter(case__person=person).exists()


def test_it_shows_the_form_to_a_social_worker(client, login_as):
    login_as("kolega.mirzec")
    person = make_person("Zofia", "Zgodna")

    response = client.get(new_url(person))

    assert response.status_code == 200
    institutions = list(response.context["form"].fields["institution"].queryset)
    assert school() in institutions
    assert gops() not in institutions


def test_it_forbids_a_manager_who_only_reads(client, login_as):
    login_as("lider.mirzec")
    person = make_person("Zofia", "Zgodna")

    assert client.get(new_url(person)).status_code == 403
    assert client.post(new_url(person), form_data()).status_code == 403
    assert not Consent.objects.filter(person=person).exists()


@pytest.mark.parametrize("who", ["gops.oksa", "szkola.mirzec", "asystent.mirzec", "rops.kielce", "admin"])
def test_it_hides_the_person_from_everyone_else(client, login_as, who):
    login_as(who)
    person = make_person("Zofia", "Zgodna")

    assert client.get(new_url(person)).status_code == 404
    assert client.get(list_url(person)).status_code == 404


def test_it_answers_405_to_a_wrong_method(client, login_as):
    login_as("gops.mirzec")
    person = make_person("Zofia", "Zgodna")

    assert client.delete(new_url(person)).status_code == 405
    assert client.post(list_url(person)).status_code == 405


# --- The list -------------------------------------------------------------------------------------


def test_it_lists_consents_in_force_ended_and_withdrawn_with_who_recorded_them(client, login_as, persona):
    login_as("lider.mirzec")
    worker = persona("gops.mirzec")
    person = make_person("Zofia", "Zgodna")
    today = timezone.localdate()
    consent(person, school(), recorded_by=worker)
    consent(
        person,
        school(),
        recorded_by=worker,
        valid_from=today - dt.timedelta(days=60),
        valid_until=today - dt.timedelta(days=1),
    )
    consent(person, school(), recorded_by=worker, withdrawn_at=timezone.now(), withdrawn_by=worker)

    response = client.get(list_url(person))

    assert response.status_code == 200
    assert len(response.context["in_force"]) == 1
    assert len(response.context["ended"]) == 1
    assert len(response.context["withdrawn"]) == 1
    assert "Anna Kowalczyk" in response.content.decode()
    # A reader sees no button to withdraw.
    assert reverse(
        "cases:consent_withdraw", kwargs={"consent_id": Consent.objects.filter(person=person)[0].public_id}
    ) not in (response.content.decode())
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(person.public_id)).get()
    assert event.persons == [person.pk]


@pytest.mark.parametrize("count", [1, 12])
def test_it_lists_consents_in_a_fixed_number_of_queries(
    client, login_as, persona, count, django_assert_max_num_queries
):
    login_as("gops.mirzec")
    worker = persona("kolega.mirzec")
    person = make_person("Zofia", "Zgodna")
    for _ in range(count):
        consent(person, school(), recorded_by=worker)

    with django_assert_max_num_queries(20):
        response = client.get(list_url(person))

    assert len(response.context["in_force"]) == count


# --- Withdrawal -----------------------------------------------------------------------------------


def withdraw_url(recorded: Consent) -> str:
    return reverse("cases:consent_withdraw", kwargs={"consent_id": recorded.public_id})


def test_it_withdraws_a_consent_at_once(client, login_as):
    user = login_as("gops.mirzec")
    person = make_person("Zofia", "Zgodna")
    recorded = consent(person, school(), recorded_by=user)

    response = client.post(withdraw_url(recorded))

    assert response.status_code == 302
    recorded.refresh_from_db()
    assert recorded.withdrawn_at is not None
    assert recorded.withdrawn_by == user
    assert not Consent.objects.in_force().filter(pk=recorded.pk).exists()


def test_a_withdrawn_consent_is_gone_from_the_partners_next_request(persona):
    worker, teacher = persona("gops.mirzec"), persona("szkola.mirzec")
    person = make_person("Zofia", "Zgodna")
    case = make_case(person=person, lead=worker, kind=CaseKind.PERSON)
    take_part(case, school())
    recorded = consent(person, school(), (ConsentCategory.IDENTITY, ConsentCategory.NOTES), recorded_by=worker)
    _case, before = get_case_for_user(teacher, case.public_id)
    assert before.sees(ConsentCategory.IDENTITY, person.pk)
    assert before.sees(ConsentCategory.NOTES)

    services.withdraw_consent(worker, recorded)

    _case, after = get_case_for_user(teacher, case.public_id)
    assert not after.sees(ConsentCategory.IDENTITY, person.pk)
    assert not after.sees(ConsentCategory.NOTES)
    assert TimelineEntry.objects.filter(case=case, kind=TimelineKind.CONSENT).exists()


def test_it_tells_when_the_consent_was_withdrawn_already(client, login_as):
    user = login_as("gops.mirzec")
    person = make_person("Zofia", "Zgodna")
    recorded = consent(person, school(), recorded_by=user)
    client.post(withdraw_url(recorded))
    recorded.refresh_from_db()
    first = recorded.withdrawn_at

    response = client.post(withdraw_url(recorded))

    assert response.status_code == 302
    recorded.refresh_from_db()
    assert recorded.withdrawn_at == first


def test_it_forbids_withdrawal_to_a_reader_and_hides_it_from_strangers(client, login_as, persona):
    person = make_person("Zofia", "Zgodna")
    recorded = consent(person, school(), recorded_by=persona("gops.mirzec"))

    login_as("lider.mirzec")
    assert client.post(withdraw_url(recorded)).status_code == 403
    login_as("gops.oksa")
    assert client.post(withdraw_url(recorded)).status_code == 404
    login_as("gops.mirzec")
    assert client.get(withdraw_url(recorded)).status_code == 405
    recorded.refresh_from_db()
    assert recorded.withdrawn_at is None


# --- The printable form ---------------------------------------------------------------------------


def page_text(document: Any) -> str:
    words: list[str] = []

    def walk(box: object) -> None:
        text = getattr(box, "text", None)
        if isinstance(text, str):
            words.append(text)
        for child in getattr(box, "children", []) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(" ".join(words).split())


def test_it_prints_a_pdf_form_and_audits_the_print(client, login_as):
    login_as("lider.mirzec")
    person = make_person("Zofia", "Zgodna")
    url = reverse("cases:consent_form", kwargs={"person_id": person.public_id})

    response = client.get(url, {"institution": str(school().public_id), "categories": ["identity"]})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    event = AuditEvent.objects.get(action=AuditAction.PRINT, object_id=str(person.public_id))
    assert event.persons == [person.pk]
    assert event.details["categories"] == ["identity"]


def test_the_form_names_the_person_the_institution_and_the_categories():
    person = make_person("Zofia", "Zgodna")
    with translation.override("pl"):
        html = services.consent_form_html(
            None, person, institution=school(), sector="", categories=[ConsentCategory.IDENTITY]
        )
    text = page_text(services.consent_form_document(html))

    assert "Zofia Zgodna" in text
    assert school().name in text
    assert str(ConsentCategory.IDENTITY.label) in text or "identity and contact" in text
    assert "X" in text


def test_it_prints_a_blank_form_without_choices(client, login_as):
    login_as("gops.mirzec")
    person = make_person("Zofia", "Zgodna")

    response = client.get(reverse("cases:consent_form", kwargs={"person_id": person.public_id}))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


def test_it_refuses_a_form_naming_both_an_institution_and_a_sector(client, login_as):
    login_as("gops.mirzec")
    person = make_person("Zofia", "Zgodna")
    url = reverse("cases:consent_form", kwargs={"person_id": person.public_id})

    response = client.get(url, {"institution": str(school().public_id), "sector": "health"})

    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditAction.PRINT, object_id=str(person.public_id)).exists()


def test_it_hides_the_form_from_strangers(client, login_as):
    login_as("gops.oksa")
    person = make_person("Zofia", "Zgodna")

    assert client.get(reverse("cases:consent_form", kwargs={"person_id": person.public_id})).status_code == 404
