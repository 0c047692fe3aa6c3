"""The case team (cases:team, cases:team_remove): members of the owning institution, and
partners only with consent; each joining is a Participation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kooperacja.cases.models import Participation, ParticipationKind, TimelineKind
from kooperacja.cases.tests.factories import consent, make_person, person_case
from kooperacja.institutions.models import Institution

pytestmark = pytest.mark.django_db


def school() -> Institution:
    return Institution.objects.get(short_name="PSP Mirzec")


def membership(persona, username):
    return persona(username).memberships.get(revoked_at__isnull=True)


def url(case) -> str:
    return reverse("cases:team", args=[case.public_id])


def test_it_adds_a_colleague_who_then_may_edit(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    login_as("gops.mirzec")

    response = client.post(url(case), {"member": membership(persona, "kolega.mirzec").public_id})

    assert response.status_code == 302
    member = case.team.current().get(user=persona("kolega.mirzec"))
    assert member.participation is not None and member.participation.kind == ParticipationKind.CASE_TEAM
    assert case.timeline.filter(kind=TimelineKind.TEAM).exists()
    client.force_login(persona("kolega.mirzec"))
    assert client.get(reverse("cases:edit", args=[case.public_id])).status_code == 200


def test_it_refuses_a_partner_without_consent_with_a_clear_message(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    login_as("gops.mirzec")

    response = client.post(url(case), {"member": membership(persona, "szkola.mirzec").public_id})

    assert response.status_code == 400
    assert "zgodziła się na udostępnienie jej swoich danych" in response.content.decode()
    assert not Participation.objects.filter(case=case, institution=school()).exists()
    assert not case.team.filter(user=persona("szkola.mirzec")).exists()


def test_it_adds_a_partner_with_consent_for_identity(client, login_as, persona):
    person = make_person("Ala", "Zgodna")
    case = person_case(lead=persona("gops.mirzec"), person=person)
    consent(person, school(), recorded_by=persona("gops.mirzec"))
    login_as("gops.mirzec")

    response = client.post(url(case), {"member": membership(persona, "szkola.mirzec").public_id})

    assert response.status_code == 302
    assert Participation.objects.active().filter(case=case, institution=school()).exists()


def test_it_removes_a_member_and_ends_the_institutions_participation(client, login_as, persona):
    person = make_person("Ola", "Odchodząca")
    case = person_case(lead=persona("gops.mirzec"), person=person)
    consent(person, school(), recorded_by=persona("gops.mirzec"))
    login_as("gops.mirzec")
    client.post(url(case), {"member": membership(persona, "szkola.mirzec").public_id})

    response = client.post(
        reverse("cases:team_remove", args=[case.public_id]), {"member": persona("szkola.mirzec").public_id}
    )

    assert response.status_code == 302
    assert not case.team.current().filter(user=persona("szkola.mirzec")).exists()
    assert not Participation.objects.active().filter(case=case, institution=school()).exists()


def test_it_keeps_the_lead_worker_in_the_team(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    login_as("gops.mirzec")

    response = client.post(
        reverse("cases:team_remove", args=[case.public_id]), {"member": persona("gops.mirzec").public_id}
    )

    assert response.status_code == 400
    assert case.team.current().filter(user=persona("gops.mirzec")).exists()


def test_it_is_403_for_a_reader_and_404_for_a_stranger(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    login_as("lider.mirzec")
    assert client.get(url(case)).status_code == 403
    login_as("policja.mirzec")
    assert client.get(url(case)).status_code == 404


def test_it_refuses_a_wrong_method(client, login_as, persona):
    case = person_case(lead=persona("gops.mirzec"))
    login_as("gops.mirzec")

    assert client.get(reverse("cases:team_remove", args=[case.public_id])).status_code == 405
