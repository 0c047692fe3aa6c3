"""The public services API: GET /api/v1/services and /api/v1/services/{id} (DESIGN.md §4)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from kooperacja.directory.forms import COUNT_CAP
from kooperacja.directory.models import Contact, CostOption, Phone, RequiredDocument, Service, ServiceStatus
from kooperacja.directory.tests.test_public_factories import MIRZEC, OKSA, gops, make_service

pytestmark = pytest.mark.django_db

SERVICES = "/api/v1/services"


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


def test_it_answers_without_a_token(client):
    make_service("Klub Jaskier", categories=["club"])

    response = client.get(SERVICES, {"q": "jaskier"})

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_it_gives_each_item_what_a_consumer_lists(client):
    service = make_service(
        "Klub Jaskier",
        categories=["club", "after-school"],
        groups=["youth"],
        access=["step-free"],
        free_of_charge=True,
        free_places=2,
    )

    (item,) = client.get(SERVICES, {"q": "jaskier"}).json()["items"]

    assert item["id"] == str(service.public_id)
    assert item["name"] == "Klub Jaskier"
    assert item["institution"] == {
        "id": str(service.institution.public_id),
        "name": "Gminny Ośrodek Pomocy Społecznej w Mircu",
    }
    assert item["categories"] == [
        {"code": "club", "name": "Klub"},
        {"code": "after-school", "name": "Świetlica i zajęcia pozalekcyjne"},
    ]
    assert item["target_groups"] == [{"code": "youth", "name": "Młodzież"}]
    assert item["accessibility"] == [{"code": "step-free", "name": "Wejście bez schodów"}]
    assert item["status"] == "active"
    assert item["free_of_charge"] is True
    assert item["free_places"] == 2
    assert item["locations"][0]["gmina"] == {"code": MIRZEC, "name": "Mirzec"}
    assert item["locations"][0]["addresses"][0]["city"] == "Mirzec"
    assert item["web_page"] == f"http://testserver/directory/services/{service.public_id}/"


def test_it_searches_and_filters_as_the_public_page_does(client):
    make_service("Zajęcia Jaskier A", categories=["family-counselling"], groups=["seniors"], free_of_charge=True)
    make_service("Zajęcia Jaskier B", categories=["club"], access=["step-free"])
    make_service("Zajęcia Jaskier C", categories=["transport"], gmina=OKSA, institution=gops(OKSA))

    assert names(client.get(SERVICES, {"q": "zajęciach jaskier"})) == [
        "Zajęcia Jaskier A",
        "Zajęcia Jaskier B",
        "Zajęcia Jaskier C",
    ]
    assert names(client.get(SERVICES, {"q": "jaskier", "gmina": OKSA})) == ["Zajęcia Jaskier C"]
    assert names(client.get(SERVICES, {"q": "jaskier", "category": "social-assistance"})) == ["Zajęcia Jaskier A"]
    assert names(client.get(SERVICES, {"q": "jaskier", "group": "seniors"})) == ["Zajęcia Jaskier A"]
    assert names(client.get(SERVICES, {"q": "jaskier", "access": "step-free"})) == ["Zajęcia Jaskier B"]
    assert names(client.get(SERVICES, {"q": "jaskier", "free": "true"})) == ["Zajęcia Jaskier A"]
    assert len(names(client.get(SERVICES, {"q": "jaskier", "free": "false"}))) == 3


@pytest.mark.parametrize("status", [ServiceStatus.INACTIVE, ServiceStatus.DEFUNCT])
def test_it_lists_and_shows_only_listed_services(client, status):
    service = make_service("Usługa Jaskier", status=status)

    assert names(client.get(SERVICES, {"q": "jaskier"})) == []
    response = client.get(f"{SERVICES}/{service.public_id}", HTTP_ACCEPT_LANGUAGE="pl")
    # Gone, as its web page: a consumer can drop its copy (an unknown id stays 404).
    assert response.status_code == 410
    assert set(response.json()) == {"detail", "errors"}
    with translation.override("pl"):
        gone = translation.gettext(
            "This service is no longer offered: its institution ended it or stopped it for a longer time."
        )
    assert response.json()["detail"] == gone


def test_it_documents_the_410_of_a_service_no_longer_listed(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/services/{id}"]["get"]

    assert operation["responses"]["410"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorOut"
    }


@pytest.mark.parametrize("value", ["abc", "123", "26110322"])
def test_it_asks_for_a_7_digit_gmina_code_in_the_clients_language(client, value):
    for language in ("pl", "en"):
        response = client.get(SERVICES, {"gmina": value}, HTTP_ACCEPT_LANGUAGE=language)

        assert response.status_code == 422
        with translation.override(language):
            expected = translation.gettext("Enter the 7-digit TERYT code of the gmina.")
        assert response.json()["errors"] == [{"field": "gmina", "message": expected}]
        assert "pattern" not in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"gmina": "123"}, "gmina"),
        ({"gmina": "Mirzec"}, "gmina"),
        ({"gmina": "9999999"}, "gmina"),
        ({"category": "astrology"}, "category"),
        ({"group": "martians"}, "group"),
        ({"access": "teleport"}, "access"),
        ({"free": "maybe"}, "free"),
        ({"q": "a" * 201}, "q"),
        ({"page": "0"}, "page"),
        ({"page_size": "201"}, "page_size"),
    ],
)
def test_it_answers_a_bad_filter_with_422_in_the_error_shape(client, params, field):
    response = client.get(SERVICES, params)

    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert [error["field"] for error in body["errors"]] == [field]
    assert all(error["message"] for error in body["errors"])


def test_it_pages_with_items_and_count(client):
    for number in range(5):
        make_service(f"Terapia Jaskier {number}", weekly=None)

    body = client.get(SERVICES, {"q": "jaskier", "page": 2, "page_size": 2}).json()
    past = client.get(SERVICES, {"q": "jaskier", "page": 9, "page_size": 2}).json()

    assert [item["name"] for item in body["items"]] == ["Terapia Jaskier 2", "Terapia Jaskier 3"]
    assert (body["count"], body["count_capped"]) == (5, False)
    assert past == {"items": [], "count": 5, "count_capped": False}


def test_it_caps_the_count_without_reading_every_row(client):
    institution = gops()
    Service.objects.bulk_create(Service(institution=institution, name=f"Masowa {i:05d}") for i in range(COUNT_CAP + 5))

    with CaptureQueriesContext(connection) as queries:
        body = client.get(SERVICES, {"page_size": 10}).json()

    assert (body["count"], body["count_capped"]) == (COUNT_CAP + 1, True)
    assert len(body["items"]) == 10
    # The matches are read up to the cap, never counted in full.
    assert any(f"LIMIT {COUNT_CAP + 1}" in query["sql"] for query in queries.captured_queries)
    assert not [query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"].upper()]


@pytest.mark.parametrize("count", [2, 30])
def test_it_reads_a_page_in_a_fixed_number_of_queries(client, count, django_assert_max_num_queries):
    for number in range(count):
        make_service(f"Usługa Jaskier {number}", categories=["therapy", "club"], groups=["seniors"], access=["remote"])

    # Two of them size the gmina's services and the word's, to start from the smaller.
    with django_assert_max_num_queries(9):
        body = client.get(SERVICES, {"q": "jaskier", "gmina": MIRZEC, "category": "therapy", "page_size": 50}).json()

    assert body["count"] == count


def test_it_shows_one_service_with_how_to_get_help(client):
    service = make_service(
        "Poradnia Jaskier",
        categories=["family-counselling"],
        application_process="Zadzwoń i umów się.",
        minimum_age=16,
        referral_required=True,
        email="poradnia@example.pl",
        url="https://example.pl/poradnia",
        status=ServiceStatus.TEMPORARILY_CLOSED,
        alert="Remont do 30 czerwca.",
    )
    Phone.objects.create(service=service, number="41 274 10 00")
    contact = Contact.objects.create(service=service, name="Anna Kowalska", email="a.k@example.pl")
    Phone.objects.create(contact=contact, number="600 100 200")
    RequiredDocument.objects.create(service=service, document="Dowód osobisty")
    CostOption.objects.create(service=service, option="Spotkanie", amount=Decimal("50.00"))

    response = client.get(f"{SERVICES}/{service.public_id}")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Poradnia Jaskier"
    assert body["status"] == "temporarily closed"
    assert body["alert"] == "Remont do 30 czerwca."
    assert body["application_process"] == "Zadzwoń i umów się."
    assert body["minimum_age"] == 16
    assert body["referral_required"] is True
    assert body["required_documents"] == ["Dowód osobisty"]
    assert body["phones"] == [{"number": "41 274 10 00", "extension": None, "description": ""}]
    assert body["contacts"][0]["phones"][0]["number"] == "600 100 200"
    assert body["cost_options"][0]["amount"] == "50.00"
    assert body["website"] == "https://example.pl/poradnia"
    location = body["locations"][0]
    assert location["gmina"] == {"code": MIRZEC, "name": "Mirzec"}
    assert location["hours"] and "8:00–16:00" in location["hours"][0]


def test_it_never_hands_out_a_script_address_as_the_website(client):
    service = make_service("Usługa Jaskier")
    Service.objects.filter(pk=service.pk).update(url="javascript:alert(1)")

    assert client.get(f"{SERVICES}/{service.public_id}").json()["website"] == ""


def test_it_answers_404_in_the_error_shape_for_an_unknown_or_malformed_id(client):
    unknown = client.get(f"{SERVICES}/{uuid.uuid4()}")
    malformed = client.get(f"{SERVICES}/not-a-uuid")

    assert unknown.status_code == 404
    assert set(unknown.json()) == {"detail", "errors"}
    assert malformed.status_code in {404, 422}
    assert set(malformed.json()) == {"detail", "errors"}


def test_it_refuses_to_change_anything(client):
    service = make_service("Usługa Jaskier")

    assert client.post(SERVICES, {}).status_code == 405
    assert client.delete(f"{SERVICES}/{service.public_id}").status_code == 405


def test_it_documents_the_capped_count_and_public_access(client):
    schema = client.get("/api/v1/openapi.json").json()

    operation = schema["paths"]["/api/v1/services"]["get"]
    assert "security" not in operation
    parameters = {parameter["name"] for parameter in operation["parameters"]}
    assert {"q", "gmina", "category", "group", "access", "free", "page", "page_size"} <= parameters
    page = schema["components"]["schemas"]["ServicePageOut"]
    assert set(page["required"]) == {"items", "count", "count_capped"}
    assert "1001" in page["properties"]["count"]["description"]
