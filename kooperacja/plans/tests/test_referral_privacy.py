"""What each side of a referral may see beyond its state: the thread's files only with documents
shared and consented, the forwarding chain only with plan and referrals shared, the persons of
a new referral's form with a read event; one press of "send" is one message; notifications and
buttons speak Polish."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from kooperacja.api.tests.conftest import bearer
from kooperacja.cases.models import ConsentCategory
from kooperacja.cases.tests.factories import consent, make_person
from kooperacja.core.models import AuditAction, AuditEvent, Notification
from kooperacja.directory.models import Service
from kooperacja.institutions import tokens
from kooperacja.plans import referrals
from kooperacja.plans.models import Message, MessageAttachment, Referral, ReferralStatus
from kooperacja.plans.tests.factories import allow, make_referral, make_service, police, referral_case

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
IDENTITY, PLAN, DOCUMENTS = ConsentCategory.IDENTITY, ConsentCategory.PLAN, ConsentCategory.DOCUMENTS


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch) -> FileSystemStorage:
    storage = FileSystemStorage(location=tmp_path)
    monkeypatch.setattr(MessageAttachment._meta.get_field("file"), "storage", storage)
    return storage


def page_url(referral: Referral) -> str:
    return reverse("plans:referral", kwargs={"public_id": referral.public_id})


def personal_token(persona, username: str) -> dict[str, str]:
    return bearer(tokens.issue_personal_token(persona(username), name="t", scope="read_write")[1])


def a_referral(persona, shared=(IDENTITY,)) -> Referral:
    case = referral_case(persona("gops.mirzec"), person=make_person("Kamil", "Skierowany"))
    return make_referral(case=case, shared_categories=shared)


def with_file(persona, referral: Referral) -> MessageAttachment:
    message = referrals.post_message(
        persona("gops.mirzec"), referral, text="Opinia", files=[SimpleUploadedFile("opinia.pdf", PDF_BYTES)]
    )
    return message.attachments.get()


def test_it_hides_the_files_from_a_receiver_without_documents_shared(client, login_as, persona):
    referral = a_referral(persona)
    attachment = with_file(persona, referral)
    url = reverse("plans:referral_attachment", kwargs={"public_id": attachment.public_id})

    login_as("szkola.mirzec")
    page = client.get(page_url(referral)).content.decode()
    assert "Opinia" in page and url not in page
    assert client.get(url).status_code == 404
    api = client.get(f"/api/v1/referrals/{referral.public_id}/messages", **personal_token(persona, "szkola.mirzec"))
    assert api.json()[0]["attachments"] == []

    login_as("gops.mirzec")
    assert url in client.get(page_url(referral)).content.decode()
    assert client.get(url).status_code == 200


def test_it_gives_the_files_to_a_receiver_while_documents_are_consented(client, login_as, persona):
    referral = a_referral(persona, shared=(IDENTITY, DOCUMENTS))
    attachment = with_file(persona, referral)
    url = reverse("plans:referral_attachment", kwargs={"public_id": attachment.public_id})

    login_as("szkola.mirzec")
    assert url in client.get(page_url(referral)).content.decode()
    assert client.get(url).status_code == 200
    api = client.get(f"/api/v1/referrals/{referral.public_id}/messages", **personal_token(persona, "szkola.mirzec"))
    assert [a["name"] for a in api.json()[0]["attachments"]] == ["opinia.pdf"]

    assert referral.person is not None
    referral.person.consents.update(withdrawn_at="2020-01-01T00:00:00Z")
    assert client.get(url).status_code == 404
    assert url not in client.get(page_url(referral)).content.decode()


def forwarded(persona, shared=(IDENTITY,)) -> tuple[Referral, Referral]:
    old = a_referral(persona, shared=shared)
    allow(old.case, police(), shared, by=persona("gops.mirzec"))
    new = referrals.act(
        persona("szkola.mirzec"),
        old,
        "forward",
        version=old.version,
        reason="To sprawa dla policji.",
        to_institution=police(),
    )
    old.refresh_from_db()
    return old, new


def test_it_hides_the_forwarding_chain_from_both_receivers_without_the_plan(client, login_as, persona):
    old, new = forwarded(persona)
    to_police = "Przekazane do: Posterunek Policji w Mircu"

    login_as("policja.mirzec")
    page = client.get(page_url(new)).content.decode()
    assert "Przekazane z" not in page and page_url(old) not in page
    api = client.get(f"/api/v1/referrals/{new.public_id}", **personal_token(persona, "policja.mirzec")).json()
    assert api["previous"] is None

    login_as("szkola.mirzec")
    page = client.get(page_url(old)).content.decode()
    assert to_police not in page and page_url(new) not in page
    api = client.get(f"/api/v1/referrals/{old.public_id}", **personal_token(persona, "szkola.mirzec")).json()
    assert api["forwarded_as"] == [] and all(e["note"] != to_police for e in api["events"])

    login_as("gops.mirzec")
    page = client.get(page_url(old)).content.decode()
    assert to_police in page and page_url(new) in page
    assert page_url(old) in client.get(page_url(new)).content.decode()


def test_it_shows_the_chain_to_receivers_who_see_the_plan(client, login_as, persona):
    old, new = forwarded(persona, shared=(IDENTITY, PLAN))

    login_as("policja.mirzec")
    page = client.get(page_url(new)).content.decode()
    assert "Przekazane z" in page and page_url(old) in page
    login_as("szkola.mirzec")
    assert page_url(new) in client.get(page_url(old)).content.decode()


def test_it_gives_404_to_a_partner_of_the_case_for_another_institutions_referral(client, login_as, persona):
    # The school takes part in the case through its own referral; the police one is not its.
    to_school = a_referral(persona)
    to_police = make_referral(case=to_school.case, to_institution=police())

    login_as("szkola.mirzec")
    assert client.get(page_url(to_school)).status_code == 200
    assert client.get(page_url(to_police)).status_code == 404


def test_it_records_who_saw_the_persons_of_a_new_referral(client, login_as, persona):
    case = referral_case(persona("gops.mirzec"), person=make_person("Kamil", "Nowy"))
    login_as("gops.mirzec")

    response = client.get(reverse("plans:referral_new", kwargs={"public_id": case.public_id}))

    assert response.status_code == 200 and "Kamil Nowy" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.VIEW, object_id=str(case.public_id))
    assert event.persons == [case.person_id]


def test_it_writes_a_message_once_when_send_is_pressed_twice(client, login_as, persona):
    referral = a_referral(persona)
    login_as("szkola.mirzec")
    page = client.get(page_url(referral))
    key = page.context["message_form"]["submit_key"].value()
    assert f'name="submit_key" value="{key}"' in page.content.decode()
    url = reverse("plans:referral_message", kwargs={"public_id": referral.public_id})

    for _ in range(2):
        assert client.post(url, {"text": "Zapraszamy.", "submit_key": key}).status_code == 302

    assert Message.objects.filter(referral=referral).count() == 1


def test_it_writes_a_message_once_for_the_same_key_through_the_api(client, persona):
    referral = make_referral()
    path = f"/api/v1/referrals/{referral.public_id}/messages"
    body = json.dumps({"text": "Prosimy o kontakt.", "submit_key": str(uuid.uuid4())})
    auth = personal_token(persona, "szkola.mirzec")

    first = client.post(path, body, content_type="application/json", **auth)
    second = client.post(path, body, content_type="application/json", **auth)

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Message.objects.filter(referral=referral).count() == 1


def test_it_notifies_in_polish_whatever_the_senders_language(persona):
    with translation.override("en"):
        referral = make_referral()
    titles = set(Notification.objects.filter(url=page_url(referral)).values_list("title", flat=True))
    assert titles == {"Nowe skierowanie do twojej instytucji od: Gminny Ośrodek Pomocy Społecznej w Mircu"}


def test_it_sends_a_draft_without_asking_for_the_eligibility_again(persona):
    service = make_service()
    draft = make_referral(status=ReferralStatus.DRAFT, service=service)
    Service.objects.filter(pk=service.pk).update(minimum_age=65)  # the criteria changed meanwhile

    sent = referrals.act(persona("gops.mirzec"), draft, "send", version=draft.version)

    assert sent.status == ReferralStatus.SENT and sent.eligibility_override == ""


def test_it_names_the_actions_and_refusals_in_plain_polish(client, login_as, persona):
    referral = make_referral(status=ReferralStatus.ACCEPTED)
    login_as("szkola.mirzec")
    assert "Rozpocznij realizację" in client.get(page_url(referral)).content.decode()
    with translation.override("pl"), pytest.raises(Exception) as refused:
        referrals.create_referral(
            persona("gops.mirzec"),
            referral.case,
            to_institution=referral.from_institution,
            reason="Test",
            shared_categories=[IDENTITY],
        )
    assert "Skierowanie można wysłać tylko do innej instytucji niż własna." in str(refused.value)


def test_it_hides_the_chain_on_the_case_page_from_a_partner_without_the_plan(client, login_as, persona):
    old = a_referral(persona)
    assert old.person is not None
    consent(old.person, police(), (IDENTITY,), recorded_by=persona("gops.mirzec"))
    new = referrals.act(
        persona("szkola.mirzec"), old, "forward", version=old.version, reason="Policja.", to_institution=police()
    )
    url = reverse("plans:case_referrals", kwargs={"public_id": old.case.public_id})

    login_as("policja.mirzec")
    page = client.get(url).content.decode()
    assert page_url(new) in page and "Przekazane ze skierowania" not in page
    login_as("gops.mirzec")
    assert "Przekazane ze skierowania do: Publiczna Szkoła Podstawowa w Mircu" in client.get(url).content.decode()
