"""The list of people: who appears, search by name or exact PESEL, paging, audit, queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kooperacja.cases.models import CaseKind, Person
from kooperacja.cases.policies import visible_persons
from kooperacja.cases.tests.factories import gops, make_case, make_person
from kooperacja.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

URL = reverse("cases:people")


def test_it_lists_the_institutions_people_with_masked_pesel_and_audits_them(client, login_as):
    person = make_person("Lena", "Listowa", with_pesel=True)
    login_as("gops.mirzec")
    response = client.get(URL, {"q": "Listowa"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Listowa" in body
    assert person.pesel not in body
    assert person.pesel_masked in body
    event = AuditEvent.objects.filter(action=AuditAction.LIST).latest("id")
    assert event.persons == [person.pk]


def test_it_finds_a_person_by_exact_pesel_only(client, login_as):
    person = make_person("Lena", "Peselowa", with_pesel=True)
    login_as("gops.mirzec")
    assert client.get(URL, {"q": person.pesel}).context["persons"] == [person]
    assert client.get(URL, {"q": person.pesel[:6]}).context["persons"] == []


def test_it_never_lists_another_gminas_people(client, login_as):
    stranger = make_person("Lena", "Obca", institution=gops("Oksa"), with_pesel=True)
    login_as("gops.mirzec")
    assert client.get(URL, {"q": "Obca"}).context["persons"] == []
    assert client.get(URL, {"q": stranger.pesel}).context["persons"] == []


def test_partners_see_only_what_visible_persons_gives(client, login_as):
    user = login_as("szkola.mirzec")
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["page"].paginator.count == visible_persons(user).count() == 0


def test_the_family_assistant_sees_only_the_people_of_its_cases(client, login_as, persona):
    mine = make_person("Lena", "Asystowana")
    make_person("Lena", "Nieasystowana")
    make_case(person=mine, kind=CaseKind.PERSON, lead=persona("gops.mirzec"), team=(persona("asystent.mirzec"),))
    login_as("asystent.mirzec")
    shown = client.get(URL, {"q": "Lena"}).context["persons"]
    assert mine in shown
    assert all(p.last_name != "Nieasystowana" for p in shown)


def test_analysts_and_the_admin_get_403_and_post_405(client, login_as):
    for who in ("rops.kielce", "admin"):
        login_as(who)
        assert client.get(URL).status_code == 403
    login_as("gops.mirzec")
    assert client.post(URL).status_code == 405


def test_it_pages_twenty_at_a_time(client, login_as):
    for number in range(25):
        make_person("Paging", f"Stronicowa{number:02d}")
    login_as("gops.mirzec")
    first = client.get(URL, {"q": "Paging"})
    assert len(first.context["persons"]) == 20
    second = client.get(URL, {"q": "Paging", "page": 2})
    assert len(second.context["persons"]) == 5


@pytest.mark.parametrize("count", [2, 40])
def test_its_query_count_does_not_grow_with_people(client, login_as, django_assert_max_num_queries, count):
    Person.objects.filter(institution=gops()).update(household=None)
    for number in range(count):
        # Distinct birth dates: the factory's serials give one PESEL to two neighbours of a sex.
        born = dt.date(1950, 1, 1) + dt.timedelta(days=number)
        make_person("Liczona", f"Osoba{number:02d}", with_pesel=True, birth_date=born)
    login_as("gops.mirzec")
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200
