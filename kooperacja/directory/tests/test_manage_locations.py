"""The places of a service: adding, changing (address, hours…) and removing one."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.urls import reverse

from kooperacja.directory import upkeep
from kooperacja.directory.manage_forms import LocationForm
from kooperacja.directory.models import Service, ServiceAtLocation
from kooperacja.directory.tests.test_manage_service import posted
from kooperacja.directory.tests.test_upkeep import add_service
from kooperacja.institutions.tests.conftest import polish

pytestmark = pytest.mark.django_db


def place_data(service: Service, sal: ServiceAtLocation | None = None, **changes: Any) -> dict[str, Any]:
    """What the place form posts as shown (a saved place), or a complete new place."""
    service = Service.objects.get(pk=service.pk)
    if sal is not None:
        initial = LocationForm.initial_from(upkeep.location_values(service, sal), service.version)
        data = posted(LocationForm(institution=service.institution, initial=initial))
    else:
        data = {
            "version": str(service.version),
            "name": "Filia w Gadce",
            "address_1": "Gadka 12",
            "postal_code": "27-220",
            "city": "Gadka",
            "municipality": str(service.institution.municipality_id),
            "opens_TU": "10:00",
            "closes_TU": "14:00",
        }
    data.update(changes)
    return data


def place_url(service: Service, sal: ServiceAtLocation, name: str = "directory:location_edit") -> str:
    return reverse(name, args=[service.public_id, sal.location.public_id])


@pytest.fixture
def service(persona) -> Service:
    return add_service(persona("lider.mirzec"))


def test_it_adds_a_place(client, login_as, service):
    login_as("lider.mirzec")

    response = client.post(reverse("directory:location_add", args=[service.public_id]), place_data(service))

    assert response.status_code == 302
    added = service.service_at_locations.get(location__name="Filia w Gadce")
    assert added.schedules.get().byday == "TU"
    assert service.changes.all()[0].action == "location_added"


def test_it_shows_a_place_with_its_hours(client, login_as, service):
    sal = service.service_at_locations.get()
    login_as("lider.mirzec")

    response = client.get(place_url(service, sal))

    assert response.status_code == 200
    form = response.context["form"]
    assert (form["address_1"].value(), form["opens_MO"].value(), form["closes_FR"].value()) == (
        "Mirzec-Majorat 1",
        dt.time(7, 30),
        dt.time(15, 30),
    )
    assert 'value="07:30"' in response.content.decode()


def test_it_changes_a_place(client, login_as, service):
    sal = service.service_at_locations.get()
    login_as("lider.mirzec")

    response = client.post(
        place_url(service, sal), place_data(service, sal, phone="41 111 22 33", opens_FR="", closes_FR="")
    )

    assert response.status_code == 302
    values = upkeep.location_values(service, sal)
    assert values["phone"] == "41 111 22 33"
    assert "FR" not in values["hours"]
    assert service.changes.all()[0].changes["phone"] == ["41 000 10 01", "41 111 22 33"]


def test_it_answers_bad_hours_and_address_with_polish_errors_and_saves_nothing(client, login_as, service):
    sal = service.service_at_locations.get()
    login_as("lider.mirzec")

    response = client.post(
        place_url(service, sal),
        place_data(service, sal, postal_code="2-7220", opens_MO="16:00", closes_MO="08:00", closes_TU="", email="x@"),
    )

    assert response.status_code == 400
    assert {"postal_code", "closes_MO", "closes_TU", "email"} <= set(response.context["form"].errors)
    page = response.content.decode()
    assert polish("The closing time must be later than the opening time.") in page
    assert polish("Enter both the opening and the closing time, or neither.") in page
    service.refresh_from_db()
    assert service.version == 1
    assert upkeep.location_values(service, sal)["postal_code"] == "27-220"


def test_it_refuses_a_concurrent_change_of_a_place(client, login_as, persona, service):
    sal = service.service_at_locations.get()
    stale = place_data(service, sal, name="Stara kopia")
    upkeep.update_service(persona("admin"), service, {"name": "Zmieniona"}, version=1)
    login_as("lider.mirzec")

    response = client.post(place_url(service, sal), stale)

    assert response.status_code == 409
    sal.location.refresh_from_db()
    assert sal.location.name == "Siedziba"


def test_it_removes_a_place_after_asking_but_never_the_last(client, login_as, service):
    first = service.service_at_locations.get()
    login_as("lider.mirzec")

    assert client.get(place_url(service, first, "directory:location_remove")).status_code == 200
    refused = client.post(place_url(service, first, "directory:location_remove"), {"version": "1"})
    assert refused.status_code == 400
    assert service.service_at_locations.count() == 1

    client.post(reverse("directory:location_add", args=[service.public_id]), place_data(service))
    removed = client.post(place_url(service, first, "directory:location_remove"), {"version": "2"})

    assert removed.status_code == 302
    assert [sal.location.name for sal in service.service_at_locations.all()] == ["Filia w Gadce"]


@pytest.mark.parametrize(("username", "status"), [("asystent.mirzec", 403), ("szkola.mirzec", 404)])
def test_it_keeps_others_from_the_places(client, login_as, service, username, status):
    sal = service.service_at_locations.get()
    login_as(username)

    assert client.get(reverse("directory:location_add", args=[service.public_id])).status_code == status
    assert client.get(place_url(service, sal)).status_code == status
    assert client.post(place_url(service, sal, "directory:location_remove"), {"version": "1"}).status_code == status


def test_it_answers_a_place_of_another_service_as_not_found(client, login_as, persona, service):
    other = add_service(persona("lider.mirzec"), name="Inna usługa")
    foreign = other.service_at_locations.get()
    login_as("lider.mirzec")

    url = reverse("directory:location_edit", args=[service.public_id, foreign.location.public_id])
    assert client.get(url).status_code == 404
    unknown = reverse("directory:location_edit", args=[service.public_id, uuid.uuid4()])
    assert client.get(unknown).status_code == 404


def test_it_refuses_other_methods_on_a_place(client, login_as, service):
    sal = service.service_at_locations.get()
    login_as("lider.mirzec")

    assert client.put(place_url(service, sal)).status_code == 405
    assert client.delete(place_url(service, sal, "directory:location_remove")).status_code == 405
