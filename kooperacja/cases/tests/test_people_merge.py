"""Merging two records of one person: a manager of the registering institution only; links
move to the person kept, the duplicate disappears from lists, the merge is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kooperacja.cases.models import CaseKind, Consent, Person
from kooperacja.cases.tests.factories import consent, gops, make_case, make_household, make_person
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.institutions.models import Institution, InstitutionKind

pytestmark = pytest.mark.django_db


def _twins():
    household = make_household("Rodzina Podwójna")
    kept = make_person("Maria", "Podwójna", birth_date=dt.date(1970, 1, 2), sex="F")
    duplicate = make_person(
        "Maria", "Podwójna", birth_date=dt.date(1970, 1, 2), sex="F", with_pesel=True, household=household
    )
    return kept, duplicate, household


def test_the_manager_merges_a_duplicate_moving_its_links(client, login_as, persona):
    kept, duplicate, household = _twins()
    worker = persona("gops.mirzec")
    case = make_case(person=duplicate, kind=CaseKind.PERSON, lead=worker)
    school = Institution.objects.filter(kind=InstitutionKind.SCHOOL, municipality=gops().municipality).first()
    assert school is not None
    given = consent(duplicate, school, recorded_by=worker)
    number = duplicate.pesel
    login_as("lider.mirzec")
    url = reverse("cases:person_merge", kwargs={"public_id": kept.public_id})
    assert client.get(url).context["likely"] == [duplicate]
    response = client.post(url, {"duplicate": str(duplicate.public_id), "confirm": "on"})
    assert response.status_code == 302
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    case.refresh_from_db()
    assert duplicate.merged_into == kept
    assert case.person == kept
    assert Consent.objects.get(pk=given.pk).person == kept
    assert (kept.household, duplicate.household) == (household, None)
    assert kept.pesel == number and not duplicate.pesel_sealed
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(kept.public_id)).latest("id")
    assert event.details["merged"] == str(duplicate.public_id)
    # The duplicate is gone from the list.
    login_as("gops.mirzec")
    shown = client.get(reverse("cases:people"), {"q": "Podwójna"}).context["persons"]
    assert shown == [kept]


def test_the_merge_needs_confirmation_and_changes_nothing_without_it(client, login_as):
    kept, duplicate, _household = _twins()
    login_as("lider.mirzec")
    url = reverse("cases:person_merge", kwargs={"public_id": kept.public_id})
    assert client.post(url, {"duplicate": str(duplicate.public_id)}).status_code == 400
    assert client.post(url, {"duplicate": str(kept.public_id), "confirm": "on"}).status_code == 400
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_workers_get_403_and_another_gmina_404(client, login_as):
    kept, duplicate, _household = _twins()
    url = reverse("cases:person_merge", kwargs={"public_id": kept.public_id})
    login_as("gops.mirzec")
    assert client.post(url, {"duplicate": str(duplicate.public_id), "confirm": "on"}).status_code == 403
    login_as("gops.oksa")
    assert client.get(url).status_code == 404
    assert Person.objects.get(pk=duplicate.pk).merged_into is None


def test_it_does_not_merge_a_person_of_another_institution(client, login_as):
    kept, _duplicate, _household = _twins()
    stranger = make_person("Maria", "Podwójna", institution=gops("Oksa"))
    login_as("lider.mirzec")
    url = reverse("cases:person_merge", kwargs={"public_id": kept.public_id})
    assert client.post(url, {"duplicate": str(stranger.public_id), "confirm": "on"}).status_code == 400
    stranger.refresh_from_db()
    assert stranger.merged_into is None
