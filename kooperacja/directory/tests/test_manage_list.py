"""The list of directory entries a keeper keeps (directory:manage)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kooperacja.directory.models import Service, ServiceStatus
from kooperacja.directory.tests.test_upkeep import add_service, institution

pytestmark = pytest.mark.django_db

URL = reverse("directory:manage")


def names(response) -> list[str]:
    return [service.name for service, _due in response.context["rows"]]


def test_it_lists_a_keeper_the_entries_of_their_institution_only(client, login_as, persona):
    own = add_service(persona("szkola.mirzec"), "PSP Mirzec", name="Świetlica szkolna (test)")
    other = add_service(persona("lider.mirzec"), name="Poradnictwo (test)")
    login_as("szkola.mirzec")

    response = client.get(URL)

    assert response.status_code == 200
    assert own.name in names(response)
    assert other.name not in names(response)
    assert {service.institution.short_name for service, _due in response.context["rows"]} == {"PSP Mirzec"}
    add = reverse("directory:service_add", args=[institution("PSP Mirzec").public_id])
    assert add in response.content.decode()


def test_it_lists_every_entry_to_the_administrator(client, login_as, persona):
    add_service(persona("szkola.mirzec"), "PSP Mirzec", name="Świetlica szkolna (test)")
    add_service(persona("lider.mirzec"), name="Poradnictwo (test)")
    login_as("admin")

    response = client.get(URL, {"q": "(test)"})

    assert sorted(names(response)) == ["Poradnictwo (test)", "Świetlica szkolna (test)"]
    assert response.context["show_institution"]
    assert response.context["page"].paginator.count == 2


@pytest.mark.parametrize("username", ["gops.mirzec", "asystent.mirzec", "pcpr.starachowice", "rops.kielce"])
def test_it_forbids_the_list_to_roles_that_never_keep_entries(client, login_as, username):
    login_as(username)

    assert client.get(URL).status_code == 403


def test_it_sends_an_anonymous_visitor_to_sign_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_refuses_posting_to_the_list(client, login_as):
    login_as("lider.mirzec")

    assert client.post(URL).status_code == 405


def test_it_filters_by_name_status_and_due_confirmation(client, login_as, persona):
    leader = persona("lider.mirzec")
    old = add_service(leader, name="Zupa dla potrzebujących")
    Service.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400), assured_date=None)
    closed = add_service(leader, name="Mieszkanie chronione testowe", status=ServiceStatus.TEMPORARILY_CLOSED)
    login_as("lider.mirzec")

    assert names(client.get(URL, {"q": "zupa potrzeb"})) == [old.name]
    assert closed.name in names(client.get(URL, {"status": ServiceStatus.TEMPORARILY_CLOSED}))
    due = client.get(URL, {"due": "on"})
    assert old.name in names(due)
    assert closed.name not in names(due)
    assert all(is_due for _service, is_due in due.context["rows"])


def test_it_explains_a_bad_filter_and_lists_nothing(client, login_as):
    login_as("lider.mirzec")

    response = client.get(URL, {"status": "sleeping"})

    assert response.status_code == 400
    assert names(response) == []
    assert "status" in response.context["form"].errors


def test_it_lets_the_administrator_find_an_institution_to_add_a_service_to(client, login_as):
    login_as("admin")

    response = client.get(URL, {"institution_q": "szkoła mircu"})

    assert [found.short_name for found in response.context["found"]] == ["PSP Mirzec"]
    assert reverse("directory:service_add", args=[institution("PSP Mirzec").public_id]) in response.content.decode()


def test_it_does_not_offer_the_institution_search_to_keepers(client, login_as):
    login_as("lider.mirzec")

    response = client.get(URL, {"institution_q": "szkoła"})

    assert response.context["search"] is None
    assert response.context["found"] == []


@pytest.mark.parametrize("extra", [0, 120])
@pytest.mark.parametrize(
    ("username", "params", "limit"),
    [
        # Session, user, two-factor devices, memberships, the unread notifications of the menu
        # and the session's save come first; then the count and the page.
        ("lider.mirzec", {}, 10),
        # As above, and the institutions found for adding a service.
        ("admin", {"status": "active", "institution_q": "mirzec"}, 11),
    ],
)
def test_it_needs_as_many_queries_for_many_entries_as_for_few(
    client, login_as, django_assert_max_num_queries, extra, username, params, limit
):
    gops = institution("GOPS Mirzec")
    Service.objects.bulk_create(Service(institution=gops, name=f"Usługa testowa {number}") for number in range(extra))
    login_as(username)

    with django_assert_max_num_queries(limit):
        response = client.get(URL, params)

    assert response.status_code == 200
    assert len(response.context["rows"]) >= min(extra, 50)
