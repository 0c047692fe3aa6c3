"""Handover: a manager reassigns a case (cases:reassign); a case moves to another institution
when it accepts (cases:transfer, cases:transfers, cases:transfer_accept/decline)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kooperacja.cases import services
from kooperacja.cases.models import CaseTeamRole, CaseTransfer, Participation, TimelineKind, TransferStatus
from kooperacja.cases.tests.factories import gops, person_case
from kooperacja.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_lets_the_manager_reassign_the_case(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    login_as("lider.mirzec")

    response = client.post(
        reverse("cases:reassign", args=[case.public_id]), {"lead_worker": persona("kolega.mirzec").public_id}
    )

    case.refresh_from_db()
    assert response.status_code == 302
    assert case.lead_worker == persona("kolega.mirzec")
    assert case.team.current().get().user == persona("kolega.mirzec")
    assert case.team.current().get().role == CaseTeamRole.COORDINATOR
    assert case.timeline.filter(kind=TimelineKind.HANDOVER).exists()
    assert AuditEvent.objects.filter(object_id=str(case.public_id), details__lead_to="kolega.mirzec").exists()


def test_it_refuses_a_new_lead_who_is_not_a_social_worker_there(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    login_as("lider.mirzec")

    response = client.post(
        reverse("cases:reassign", args=[case.public_id]), {"lead_worker": persona("asystent.mirzec").public_id}
    )

    case.refresh_from_db()
    assert response.status_code == 400 and case.lead_worker == persona("gops.mirzec")


def test_it_forbids_reassigning_to_the_lead_worker(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    login_as("gops.mirzec")

    assert client.get(reverse("cases:reassign", args=[case.public_id])).status_code == 403


def test_it_requires_a_reason_for_a_transfer(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    login_as("gops.mirzec")

    response = client.post(
        reverse("cases:transfer", args=[case.public_id]), {"to_institution": gops("Oksa").public_id, "reason": ""}
    )

    assert response.status_code == 400
    assert not CaseTransfer.objects.filter(case=case).exists()


def test_it_moves_the_case_when_the_receiving_institution_accepts(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"), team=(persona("asystent.mirzec"),))
    login_as("gops.mirzec")
    client.post(
        reverse("cases:transfer", args=[case.public_id]),
        {"to_institution": gops("Oksa").public_id, "reason": "Rodzina przeprowadziła się do Oksy."},
    )
    transfer = CaseTransfer.objects.get(case=case)
    assert client.get(reverse("cases:detail", args=[case.public_id])).status_code == 200

    login_as("gops.oksa")
    listed = client.get(reverse("cases:transfers"))
    assert transfer in listed.context["transfers"]
    response = client.post(reverse("cases:transfer_accept", args=[transfer.public_id]))

    case.refresh_from_db()
    transfer.refresh_from_db()
    assert response.status_code == 302
    assert transfer.status == TransferStatus.ACCEPTED
    assert case.institution == gops("Oksa") and case.municipality == gops("Oksa").municipality
    assert case.lead_worker == persona("gops.oksa")
    assert [m.user.username for m in case.team.current()] == ["gops.oksa"]
    assert not Participation.objects.active().filter(case=case, institution=gops()).exists()
    assert client.get(reverse("cases:detail", args=[case.public_id])).status_code == 200
    login_as("gops.mirzec")
    assert client.get(reverse("cases:detail", args=[case.public_id])).status_code == 404
    login_as("asystent.mirzec")
    assert client.get(reverse("cases:detail", args=[case.public_id])).status_code == 404


def test_it_keeps_the_case_when_the_transfer_is_declined(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    transfer = services.request_transfer(persona("gops.mirzec"), case, gops("Oksa"), "Przeprowadzka.")
    login_as("gops.oksa")

    response = client.post(reverse("cases:transfer_decline", args=[transfer.public_id]), {"note": "Nie nasza gmina."})

    case.refresh_from_db()
    transfer.refresh_from_db()
    assert response.status_code == 302
    assert transfer.status == TransferStatus.DECLINED and case.institution == gops()
    assert client.get(reverse("cases:detail", args=[case.public_id])).status_code == 404


def test_it_lets_only_the_receiving_institution_answer(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    transfer = services.request_transfer(persona("gops.mirzec"), case, gops("Oksa"), "Przeprowadzka.")
    login_as("lider.mirzec")

    assert client.post(reverse("cases:transfer_accept", args=[transfer.public_id])).status_code == 404
    transfer.refresh_from_db()
    assert transfer.status == TransferStatus.PENDING


def test_it_refuses_a_second_pending_transfer(persona):
    case = person_case(lead=persona("gops.mirzec"))
    services.request_transfer(persona("gops.mirzec"), case, gops("Oksa"), "Przeprowadzka.")

    with pytest.raises(services.ValidationError):
        services.request_transfer(persona("gops.mirzec"), case, gops("Oksa"), "Jeszcze raz.")


def test_it_answers_get_on_accept_with_405(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    transfer = services.request_transfer(persona("gops.mirzec"), case, gops("Oksa"), "Przeprowadzka.")
    login_as("gops.oksa")

    assert client.get(reverse("cases:transfer_accept", args=[transfer.public_id])).status_code == 405


def _request(persona, case):
    return services.request_transfer(persona("gops.mirzec"), case, gops("Oksa"), "Rodzina przeprowadziła się.")


def test_it_tells_the_receiving_institution_that_a_case_waits_without_naming_anyone(persona):
    from kooperacja.core.models import Notification

    case = person_case(lead=persona("gops.mirzec"))

    _request(persona, case)

    told = Notification.objects.filter(kind=services.TRANSFER_NOTIFICATION)
    assert [n.recipient.username for n in told] == ["gops.oksa"]
    assert case.institution.name in told[0].title
    assert case.title not in told[0].title
    assert told[0].url == reverse("cases:transfers")


@pytest.mark.parametrize("accept", [True, False])
def test_it_tells_the_requester_the_answer(persona, accept):
    from kooperacja.core.models import Notification

    case = person_case(lead=persona("gops.mirzec"))
    transfer = _request(persona, case)
    Notification.objects.all().delete()

    if accept:
        services.accept_transfer(persona("gops.oksa"), transfer)
    else:
        services.decline_transfer(persona("gops.oksa"), transfer)

    (told,) = Notification.objects.filter(kind=services.TRANSFER_NOTIFICATION)
    assert told.recipient == persona("gops.mirzec")
    assert gops("Oksa").name in told.title


def test_it_lets_the_lead_worker_withdraw_a_waiting_transfer(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    transfer = _request(persona, case)
    login_as("gops.mirzec")
    page = client.get(reverse("cases:detail", args=[case.public_id])).content.decode()

    response = client.post(reverse("cases:transfer_cancel", args=[transfer.public_id]))
    again = client.post(reverse("cases:transfer_cancel", args=[transfer.public_id]), follow=True)

    transfer.refresh_from_db()
    assert reverse("cases:transfer_cancel", args=[transfer.public_id]) in page
    assert response.status_code == 302
    assert transfer.status == TransferStatus.CANCELLED
    assert case.timeline.filter(kind=TimelineKind.HANDOVER, title__contains=gops("Oksa").name).count() == 2
    assert any("już odpowiedziano" in str(m) for m in again.context["messages"])
    with pytest.raises(ValidationError):
        services.accept_transfer(persona("gops.oksa"), transfer)


def test_it_forbids_a_colleague_to_withdraw_the_transfer(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    transfer = _request(persona, case)
    login_as("kolega.mirzec")

    response = client.post(reverse("cases:transfer_cancel", args=[transfer.public_id]))

    transfer.refresh_from_db()
    assert response.status_code == 403
    assert transfer.status == TransferStatus.PENDING
