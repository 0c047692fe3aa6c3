"""One referral (plans:referral): its steps for both sides, the person's data as the consent
allows, the actions each carrying the version (a stale one gets the conflict answer), the
message thread with attachments, and the attachment download through the referral's policy."""

from __future__ import annotations

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from kooperacja.cases.models import Consent
from kooperacja.cases.tests.factories import make_person
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.plans import referrals
from kooperacja.plans.models import Message, MessageAttachment, Referral, ReferralOutcome, ReferralStatus, ThreadRead
from kooperacja.plans.tests.factories import allow, make_referral, police, referral_case

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch) -> FileSystemStorage:
    """Attachments go to a temporary directory, not the deployment's store."""
    storage = FileSystemStorage(location=tmp_path)
    monkeypatch.setattr(MessageAttachment._meta.get_field("file"), "storage", storage)
    return storage


def pl(msgid: str, **params: object) -> str:
    with translation.override("pl"):
        text = translation.gettext(msgid)
    return text % params if params else text


def shows(response, text: str) -> bool:
    html = response.content.decode()
    return text in html or escape(text) in html


def a_referral(persona, status: str = ReferralStatus.SENT, **fields) -> Referral:
    case = referral_case(persona("gops.mirzec"), person=make_person("Kamil", "Skierowany"))
    return make_referral(case=case, status=status, **fields)


def page_url(referral: Referral) -> str:
    return reverse("plans:referral", kwargs={"public_id": referral.public_id})


def act_url(referral: Referral, action: str) -> str:
    return reverse("plans:referral_action", kwargs={"public_id": referral.public_id, "action": action})


def message_url(referral: Referral) -> str:
    return reverse("plans:referral_message", kwargs={"public_id": referral.public_id})


def test_the_receiver_sees_the_person_the_steps_and_the_actions(client, login_as, persona):
    referral = a_referral(persona)
    login_as("szkola.mirzec")

    response = client.get(page_url(referral))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Kamil Skierowany" in html
    assert pl("Potrzebne wsparcie w nauce.") in html
    assert [item["action"] for item in response.context["actions"]] == ["accept", "decline", "forward"]
    assert [event.to_status for event in response.context["events"]] == ["draft", "sent"]
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(referral.public_id)).exists()


def test_the_receiver_no_longer_sees_the_name_once_consent_is_withdrawn(client, login_as, persona):
    referral = a_referral(persona)
    Consent.objects.filter(person=referral.person).update(withdrawn_at="2020-01-01T00:00:00Z")
    login_as("szkola.mirzec")

    response = client.get(page_url(referral))

    assert response.status_code == 200
    assert "Skierowany" not in response.content.decode()
    assert shows(response, pl("consent withdrawn"))


def test_the_sender_sees_every_step_and_strangers_get_404(client, login_as, persona):
    referral = a_referral(persona, ReferralStatus.IN_PROGRESS)

    login_as("gops.mirzec")
    response = client.get(page_url(referral))
    assert [event.to_status for event in response.context["events"]] == ["draft", "sent", "accepted", "in_progress"]
    assert [item["action"] for item in response.context["actions"]] == ["complete", "cancel"]
    login_as("kolega.mirzec")  # reads the case, may not act
    response = client.get(page_url(referral))
    assert response.status_code == 200 and response.context["actions"] == []
    for stranger in ("policja.mirzec", "gops.oksa", "rops.kielce", "admin"):
        login_as(stranger)
        assert client.get(page_url(referral)).status_code == 404, stranger


def test_the_receiver_accepts_and_the_step_appears(client, login_as, persona):
    referral = a_referral(persona)
    login_as("szkola.mirzec")

    response = client.post(act_url(referral, "accept"), {"accept-version": referral.version})

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    page = client.get(response["Location"])
    assert shows(page, pl("The referral was accepted."))


def test_a_decline_without_a_reason_is_refused(client, login_as, persona):
    referral = a_referral(persona)
    login_as("szkola.mirzec")

    response = client.post(act_url(referral, "decline"), {"decline-version": referral.version, "decline-reason": ""})

    assert response.status_code == 400
    assert shows(response, pl("Give the reason."))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_a_completion_without_an_outcome_is_refused(client, login_as, persona):
    referral = a_referral(persona, ReferralStatus.IN_PROGRESS)
    login_as("szkola.mirzec")

    refused = client.post(act_url(referral, "complete"), {"complete-version": referral.version})
    done = client.post(
        act_url(referral, "complete"),
        {"complete-version": referral.version, "complete-outcome": ReferralOutcome.PARTLY, "complete-note": "Pół."},
    )

    assert refused.status_code == 400
    assert shows(refused, pl("Choose the outcome: a referral closes only with one."))
    assert done.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.outcome, referral.outcome_note) == ("completed", "partly", "Pół.")


def test_an_accept_after_cancellation_is_refused(client, login_as, persona):
    referral = a_referral(persona, ReferralStatus.CANCELLED)
    login_as("szkola.mirzec")

    response = client.post(act_url(referral, "accept"), {"accept-version": referral.version})

    assert response.status_code == 400
    with translation.override("pl"):
        status = str(ReferralStatus.CANCELLED.label)
    assert shows(response, pl("This cannot be done with a referral that is %(status)s.", status=status))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CANCELLED


def test_an_action_on_a_referral_changed_meanwhile_gets_the_conflict_answer(client, login_as, persona):
    referral = a_referral(persona)
    seen = referral.version
    referrals.act(persona("gops.mirzec"), referral, "cancel", version=seen, reason="Rodzina wyjechała.")
    login_as("szkola.mirzec")

    response = client.post(act_url(referral, "decline"), {"decline-version": seen, "decline-reason": "Brak miejsc."})

    assert response.status_code == 409
    assert shows(response, pl("Someone else changed this referral while you were looking at it"))
    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == (ReferralStatus.CANCELLED, "")


def test_the_receiver_forwards_with_a_reason_to_another_institution(client, login_as, persona):
    referral = a_referral(persona)
    allow(referral.case, police(), by=persona("gops.mirzec"))
    login_as("szkola.mirzec")

    response = client.post(
        act_url(referral, "forward"),
        {
            "forward-version": referral.version,
            "forward-reason": "To sprawa dla policji.",
            "forward-to_institution": police().public_id,
        },
    )

    assert response.status_code == 302, response.content.decode()[-3000:]
    new = Referral.objects.get(previous=referral)
    assert response["Location"] == page_url(new)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert new.to_institution == police()


def test_who_may_not_act_gets_403_and_unknown_actions_404(client, login_as, persona):
    referral = a_referral(persona)

    login_as("kolega.mirzec")
    assert client.post(act_url(referral, "cancel"), {"cancel-version": referral.version}).status_code == 403
    assert client.post(message_url(referral), {"text": "Hej"}).status_code == 403
    login_as("szkola.mirzec")
    assert client.post(act_url(referral, "expire"), {}).status_code == 404
    assert client.get(act_url(referral, "accept")).status_code == 405


def test_a_message_with_a_file_reaches_the_other_side_as_unread(client, login_as, persona):
    referral = a_referral(persona)
    login_as("szkola.mirzec")

    response = client.post(
        message_url(referral),
        {"text": "Zapraszamy w poniedziałek.", "attachment": SimpleUploadedFile("plan.pdf", PDF_BYTES)},
    )

    assert response.status_code == 302
    attachment = MessageAttachment.objects.get(message__referral=referral)
    assert referrals.unread_counts(persona("gops.mirzec"), [referral]) == {referral.pk: 1}
    login_as("gops.mirzec")
    page = client.get(page_url(referral))
    assert "Zapraszamy w poniedziałek." in page.content.decode()
    assert reverse("plans:referral_attachment", kwargs={"public_id": attachment.public_id}) in page.content.decode()
    assert referrals.unread_counts(persona("gops.mirzec"), [referral]) == {}
    assert ThreadRead.objects.filter(referral=referral, user=persona("gops.mirzec")).exists()


def test_an_empty_message_or_a_disguised_file_is_refused(client, login_as, persona):
    referral = a_referral(persona)
    login_as("szkola.mirzec")

    empty = client.post(message_url(referral), {"text": ""})
    disguised = client.post(
        message_url(referral),
        {"text": "Plik", "attachment": SimpleUploadedFile("plan.pdf", b"<html><script>alert(1)</script></html>")},
    )

    assert empty.status_code == 400 and "To pole jest wymagane." in empty.content.decode()
    assert disguised.status_code == 400
    assert 'href="#id_attachment"' in disguised.content.decode(), "the refusal is shown on the attachment"
    assert not Message.objects.filter(referral=referral).exists()


def test_an_attachment_is_downloaded_only_by_the_two_sides(client, login_as, persona):
    referral = a_referral(persona)
    message = referrals.post_message(
        persona("szkola.mirzec"), referral, text="Opinia", files=[SimpleUploadedFile("opinia.pdf", PDF_BYTES)]
    )
    attachment = message.attachments.get()
    url = reverse("plans:referral_attachment", kwargs={"public_id": attachment.public_id})

    login_as("gops.mirzec")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert AuditEvent.objects.filter(object_id=str(attachment.public_id), action=AuditAction.VIEW).exists()
    for stranger in ("policja.mirzec", "gops.oksa"):
        login_as(stranger)
        assert client.get(url).status_code == 404
