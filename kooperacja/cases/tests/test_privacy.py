""" "Who saw my data" (/cases/people/<id>/access-log/): the audit events about one person,
newest first, for those who may see the person; reading it is recorded too."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from kooperacja.cases.models import CaseKind
from kooperacja.cases.tests.factories import gops, join_team, make_case, make_person
from kooperacja.cases.views.privacy import PAGE_SIZE
from kooperacja.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return make_person("Zofia", "Wglądowa", sex="F", birth_date=dt.date(1979, 4, 5))


def _url(person) -> str:
    return reverse("cases:person_access_log", args=[person.public_id])


def _event(actor, person_ids, *, action=AuditAction.VIEW, minutes_ago=0, reason="", institution=None):
    """An audit event as audit.record writes it, dated back (the log refuses later updates)."""
    return AuditEvent.objects.create(
        at=timezone.now() - dt.timedelta(minutes=minutes_ago),
        actor=actor,
        actor_label=actor.username,
        action=action,
        object_type="cases.person",
        persons=sorted(person_ids),
        institution_id=(institution or gops()).pk,
        reason=reason,
    )


def test_it_lists_who_saw_the_person_newest_first(client, login_as, persona, person):
    other = make_person("Adam", "Obcy")
    _event(persona("kolega.mirzec"), [person.pk], minutes_ago=60)
    _event(persona("admin"), [person.pk, other.pk], action=AuditAction.BREAK_GLASS, minutes_ago=30, reason="Skarga")
    _event(persona("gops.mirzec"), [other.pk], minutes_ago=10)
    login_as("lider.mirzec")
    response = client.get(_url(person))
    assert response.status_code == 200
    events = [event for event, _institution in response.context["rows"]]
    # The reader's own look comes first, then the two events about the person; none about another.
    assert [e.action for e in events] == [AuditAction.VIEW, AuditAction.BREAK_GLASS, AuditAction.VIEW]
    assert [e.actor.username for e in events] == ["lider.mirzec", "admin", "kolega.mirzec"]
    assert "Skarga" in response.text
    assert "Piotr Nowakowski" in response.text  # who, by name
    assert gops().name in response.text  # from which institution


def test_it_records_reading_the_report(client, login_as, person):
    reader = login_as("gops.mirzec")
    client.get(_url(person))
    event = AuditEvent.objects.filter(actor=reader, details__page="access_log").get()
    assert event.action == AuditAction.VIEW
    assert event.persons == [person.pk]
    assert event.object_id == str(person.public_id)


def test_it_matches_person_ids_exactly_not_as_text(persona):
    people = [make_person("Nr", f"Osoba{n}") for n in range(12)]
    first = people[0]
    lookalikes = [p for p in people[1:] if str(first.pk) in str(p.pk)] or people[1:3]
    _event(persona("gops.mirzec"), [p.pk for p in lookalikes])
    mine = _event(persona("gops.mirzec"), [first.pk])
    assert list(AuditEvent.objects.about_person(first.pk)) == [mine]


def test_it_says_so_when_nothing_was_recorded_but_the_look_itself(client, login_as, person):
    login_as("gops.mirzec")
    response = client.get(_url(person))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 1


def test_it_shows_the_family_assistant_the_people_of_her_case(client, login_as, persona, person):
    case = make_case(person=person, lead=persona("gops.mirzec"), kind=CaseKind.PERSON)
    join_team(case, persona("asystent.mirzec"), gops())
    login_as("asystent.mirzec")
    assert client.get(_url(person)).status_code == 200


@pytest.mark.parametrize(
    "username",
    ["asystent.mirzec", "szkola.mirzec", "policja.mirzec", "gops.oksa", "rops.kielce", "admin", "pcpr.starachowice"],
)
def test_it_does_not_reveal_the_person_to_those_who_may_not_see_them(client, login_as, person, username):
    login_as(username)
    assert client.get(_url(person)).status_code == 404
    assert not AuditEvent.objects.filter(details__page="access_log").exists()


def test_it_answers_not_found_for_an_unknown_person(client, login_as):
    login_as("gops.mirzec")
    assert client.get(reverse("cases:person_access_log", args=[uuid.uuid4()])).status_code == 404


def test_it_sends_anonymous_users_to_sign_in(client, person):
    response = client.get(_url(person))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_refuses_other_methods(client, login_as, person):
    login_as("gops.mirzec")
    assert client.post(_url(person)).status_code == 405


def test_it_pages_a_long_history(client, login_as, persona, person):
    colleague = persona("kolega.mirzec")
    for minute in range(PAGE_SIZE + 5):
        _event(colleague, [person.pk], minutes_ago=minute + 1)
    login_as("gops.mirzec")
    first = client.get(_url(person))
    assert len(first.context["rows"]) == PAGE_SIZE
    second = client.get(_url(person), {"page": 2})
    assert len(second.context["rows"]) == 7  # 55 events and the two looks at the report


@pytest.mark.parametrize("count", [1, PAGE_SIZE + 5])
def test_it_shows_the_report_in_a_fixed_number_of_queries(
    client, login_as, persona, person, count, django_assert_max_num_queries
):
    pcpr = persona("pcpr.starachowice").memberships.get().institution
    for number in range(count):
        _event(persona("kolega.mirzec"), [person.pk], institution=pcpr if number % 2 else None)
    login_as("gops.mirzec")
    # Two of them: whether the person has an open case, and whether the reader works on it.
    with django_assert_max_num_queries(15):
        assert client.get(_url(person)).status_code == 200
