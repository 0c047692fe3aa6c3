"""Opening a case (cases:new): the worker's GOPS owns it, the worker leads and coordinates it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kooperacja.cases.models import Case, CaseTeamRole, ParticipationKind, TimelineKind
from kooperacja.cases.tests.factories import gops, make_household, make_person
from kooperacja.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("cases:new")


def test_it_opens_a_case_of_a_person_with_the_worker_as_lead_and_coordinator(client, login_as):
    worker = login_as("gops.mirzec")
    person = make_person("Marta", "Otwierana")

    response = client.post(
        URL,
        {"kind": "person", "person": person.public_id, "reasons": ["poverty", "unemployment"], "summary": "Trudna."},
    )

    case = Case.objects.get(person=person)
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.public_id])
    assert case.institution == gops() and case.lead_worker == worker
    assert sorted(case.reasons.values_list("reason", flat=True)) == ["poverty", "unemployment"]
    member = case.team.get()
    assert member.user == worker and member.role == CaseTeamRole.COORDINATOR
    participation = member.participation
    assert participation is not None
    assert participation.kind == ParticipationKind.CASE_TEAM and participation.institution == gops()
    assert case.timeline.get().kind == TimelineKind.OPENED
    event = AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(case.public_id)).get()
    assert event.persons == [person.pk]


def test_it_opens_a_case_of_a_household(client, login_as):
    login_as("kolega.mirzec")
    household = make_household("Rodzina Otwarta")
    make_person("Jan", "Otwarty", household=household)

    response = client.post(URL, {"kind": "household", "household": household.public_id, "reasons": ["helplessness"]})

    assert response.status_code == 302
    assert Case.objects.get(household=household).title == "Rodzina Otwarta"


def test_it_offers_a_person_given_by_public_id(client, login_as):
    login_as("gops.mirzec")
    person = make_person("Ula", "Wskazana")

    response = client.get(URL, {"person": person.public_id})

    assert response.status_code == 200
    assert str(response.context["form"].initial["person"]) == str(person.public_id)


def test_it_refuses_a_case_without_its_subject_and_creates_nothing(client, login_as):
    login_as("gops.mirzec")
    before = Case.objects.count()

    response = client.post(URL, {"kind": "person", "reasons": ["poverty"]})

    assert response.status_code == 400
    assert "Wskaż, kogo dotyczy sprawa." in str(response.context["form"].errors)
    assert Case.objects.count() == before


def test_it_refuses_a_person_the_worker_does_not_see(client, login_as):
    login_as("gops.mirzec")
    stranger = make_person("Obcy", "Oksański", institution=gops("Oksa"))

    response = client.post(URL, {"kind": "person", "person": stranger.public_id, "reasons": ["poverty"]})

    assert response.status_code == 400
    assert not Case.objects.filter(person=stranger).exists()


def test_it_requires_a_reason_for_support(client, login_as):
    login_as("gops.mirzec")
    person = make_person("Bez", "Powodu")

    response = client.post(URL, {"kind": "person", "person": person.public_id})

    assert response.status_code == 400
    assert not Case.objects.filter(person=person).exists()


@pytest.mark.parametrize("username", ["asystent.mirzec", "lider.mirzec", "szkola.mirzec", "rops.kielce", "admin"])
def test_it_is_for_social_workers_of_a_gops_or_pcpr_only(client, login_as, username):
    login_as(username)

    assert client.get(URL).status_code == 403


def test_it_refuses_a_wrong_method(client, login_as):
    login_as("gops.mirzec")

    assert client.delete(URL).status_code == 405
