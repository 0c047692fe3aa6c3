"""Households: registering, editing with the version check, the page with its members, adding
and removing a member with their place in the household."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kooperacja.cases.models import Household, Relationship
from kooperacja.cases.tests.factories import gops, make_household, make_person
from kooperacja.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def _form(**changes):
    data = {
        "name": "Rodzina Domowa",
        "municipality": str(gops().municipality_id),
        "locality": "Mirzec",
        "street": "Polna 2",
        "postal_code": "27-220",
        "notes": "",
    }
    data.update(changes)
    return data


def test_it_registers_a_household(client, login_as):
    login_as("gops.mirzec")
    response = client.post(reverse("cases:household_new"), _form())
    household = Household.objects.get(name="Rodzina Domowa")
    assert response.status_code == 302
    assert response.url == reverse("cases:household", kwargs={"public_id": household.public_id})
    assert household.institution == gops()


def test_it_refuses_a_household_without_a_name(client, login_as):
    login_as("gops.mirzec")
    response = client.post(reverse("cases:household_new"), _form(name=""))
    assert response.status_code == 400
    assert not Household.objects.filter(street="Polna 2").exists()


def test_the_page_lists_members_and_audits_the_read(client, login_as):
    household = make_household("Rodzina Członków")
    head = make_person("Jan", "Głowa", household=household, relationship=Relationship.HEAD)
    child = make_person("Ola", "Głowa", household=household, relationship=Relationship.CHILD)
    login_as("kolega.mirzec")
    response = client.get(reverse("cases:household", kwargs={"public_id": household.public_id}))
    assert response.status_code == 200
    assert set(response.context["members"]) == {head, child}
    event = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(household.public_id)).get()
    assert sorted(event.persons) == sorted([head.pk, child.pk])


def test_another_gmina_gets_404(client, login_as):
    household = make_household("Rodzina Ukryta")
    login_as("gops.oksa")
    assert client.get(reverse("cases:household", kwargs={"public_id": household.public_id})).status_code == 404
    assert client.get(reverse("cases:household_edit", kwargs={"public_id": household.public_id})).status_code == 404


def test_it_adds_and_removes_a_member(client, login_as):
    household = make_household("Rodzina Zmienna")
    person = make_person("Ewa", "Dochodząca")
    login_as("gops.mirzec")
    add = reverse("cases:household_member_add", kwargs={"public_id": household.public_id})
    response = client.post(add, {"person": str(person.public_id), "relationship": Relationship.SPOUSE})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.household, person.relationship) == (household, Relationship.SPOUSE)
    remove = reverse(
        "cases:household_member_remove", kwargs={"public_id": household.public_id, "person_id": person.public_id}
    )
    assert client.get(remove).status_code == 405
    assert client.post(remove).status_code == 302
    person.refresh_from_db()
    assert person.household is None


def test_it_does_not_add_a_person_of_another_gmina(client, login_as):
    household = make_household("Rodzina Zamknięta")
    stranger = make_person("Obcy", "Przybysz", institution=gops("Oksa"))
    login_as("gops.mirzec")
    add = reverse("cases:household_member_add", kwargs={"public_id": household.public_id})
    response = client.post(add, {"person": str(stranger.public_id), "relationship": Relationship.OTHER})
    assert response.status_code == 400
    stranger.refresh_from_db()
    assert stranger.household is None


def test_the_manager_may_not_change_members(client, login_as):
    household = make_household("Rodzina Czytana")
    person = make_person("Ewa", "Czytana")
    login_as("lider.mirzec")
    add = reverse("cases:household_member_add", kwargs={"public_id": household.public_id})
    assert client.post(add, {"person": str(person.public_id), "relationship": "child"}).status_code == 403
    assert client.get(reverse("cases:household_edit", kwargs={"public_id": household.public_id})).status_code == 403


def test_a_stale_household_edit_shows_both_versions_and_saves_nothing(client, login_as):
    household = make_household("Rodzina Sporna")
    Household.objects.filter(pk=household.pk).update(name="Rodzina Zapisana", version=2)
    login_as("gops.mirzec")
    url = reverse("cases:household_edit", kwargs={"public_id": household.public_id})
    response = client.post(url, _form(name="Rodzina Moja", version="1"))
    assert response.status_code == 409
    body = response.content.decode()
    assert "Rodzina Moja" in body and "Rodzina Zapisana" in body
    household.refresh_from_db()
    assert household.name == "Rodzina Zapisana"
    response = client.post(url, _form(name="Rodzina Moja", version="2"))
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.name, household.version) == ("Rodzina Moja", 3)


def test_it_names_a_parent_in_the_household_as_a_family_role(client, login_as):
    """ "parent" is also a taxonomy word ("termin nadrzędny"); in a household it is "rodzic"."""
    household = make_household("Rodzina Rodzicowa")
    make_person("Jan", "Rodzicowy", household=household, relationship=Relationship.PARENT)
    login_as("gops.mirzec")

    page = client.get(reverse("cases:household", args=[household.public_id])).content.decode()

    assert "rodzic" in page
    assert "termin nadrzędny" not in page
