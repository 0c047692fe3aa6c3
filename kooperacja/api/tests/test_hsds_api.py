"""/api/v1/hsds/: the HSDS 3.0 API — public reads of what the directory lists, paged as the
official openapi.json defines, objects valid against the official compiled schemas."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from kooperacja.directory.hsds.tables import SCHEMA_DIR
from kooperacja.directory.models import Service, TaxonomyTerm
from kooperacja.directory.tests.hsds_support import new_institution, rich_service, schema_errors

pytestmark = pytest.mark.django_db

API = "/api/v1/hsds"
PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}


def get(client: Any, path: str, **params: Any) -> Any:
    response = client.get(f"{API}{path}", params)
    return response


@pytest.fixture
def institution():
    return new_institution("Fundacja API")


@pytest.fixture
def listed(institution) -> Service:
    return rich_service(institution, name="Poradnia API")


def test_it_says_what_it_is_at_the_root(client):
    answer = get(client, "/").json()
    assert answer == {"version": "3.0", "openapi_url": "http://testserver/api/v1/openapi.json"}


def test_it_pages_services_with_the_page_object_of_the_official_openapi(client, listed):
    official = json.loads((SCHEMA_DIR / "openapi.json").read_text(encoding="utf-8"))
    assert set(official["components"]["schemas"]["Page"]["properties"]) | {"contents"} == PAGE_KEYS
    total = Service.objects.listed().count()
    first = get(client, "/services", per_page=2).json()
    assert set(first) == PAGE_KEYS
    assert (first["total_items"], first["total_pages"], first["page_number"], first["size"]) == (
        total,
        -(-total // 2),
        1,
        2,
    )
    assert (first["first_page"], first["last_page"], first["empty"]) == (True, False, False)
    last = get(client, "/services", per_page=2, page=first["total_pages"]).json()
    assert (last["first_page"], last["last_page"]) == (first["total_pages"] == 1, True)
    beyond = get(client, "/services", per_page=2, page=first["total_pages"] + 1).json()
    assert (beyond["contents"], beyond["empty"], beyond["size"]) == ([], True, 0)


def test_it_lists_only_what_the_public_directory_lists(client, institution, listed):
    hidden = rich_service(institution, name="Usługa wygaszona")
    hidden.status = "defunct"
    hidden.save()
    names = {item["name"] for item in get(client, "/services", per_page=200, search="API").json()["contents"]}
    assert names == {"Poradnia API"}
    assert get(client, f"/services/{hidden.public_id}").status_code == 404
    institution.is_active = False
    institution.save()
    assert get(client, f"/services/{listed.public_id}").status_code == 404
    assert get(client, f"/organizations/{institution.public_id}").status_code == 404


def test_it_lists_services_with_their_one_to_one_fields_or_minimal_or_full(client, listed):
    item = get(client, "/services", search="Poradnia API").json()["contents"][0]
    assert item["id"] == str(listed.public_id)
    assert "phones" not in item and item["status"] == "temporarily closed"
    minimal = get(client, "/services", search="Poradnia API", minimal="true").json()["contents"][0]
    assert set(minimal) == {"id", "last_modified"}
    full = get(client, "/services", search="Poradnia API", full="true").json()["contents"][0]
    assert schema_errors("service", full) == []
    assert full["service_at_locations"]


def test_it_serves_a_fully_nested_service_valid_against_the_official_schema(client, listed):
    answer = get(client, f"/services/{listed.public_id}").json()
    assert schema_errors("service", answer) == []
    assert answer["organization"]["name"] == "Fundacja API"


@pytest.mark.parametrize("path", ["services", "organizations", "service_at_locations", "taxonomies", "taxonomy_terms"])
@pytest.mark.parametrize("identifier", ["00000000-0000-4000-8000-000000000000", "not-an-id"])
def test_it_answers_404_in_the_error_shape_for_an_id_it_does_not_serve(client, path, identifier):
    response = get(client, f"/{path}/{identifier}")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}


def test_it_filters_services_by_term_taxonomy_organization_and_time(client, institution, listed):
    other = rich_service(new_institution("Inna fundacja"), name="Poradnia API druga")
    other.attributes.all().delete()
    term = TaxonomyTerm.objects.get(taxonomy__code="kooperacja-categories", code="family-counselling")

    def ids(**params: Any) -> set[str]:
        return {item["id"] for item in get(client, "/services", search="Poradnia API", **params).json()["contents"]}

    assert ids() == {str(listed.public_id), str(other.public_id)}
    assert ids(taxonomy_term_id=term.public_id) == {str(listed.public_id)}
    assert ids(taxonomy_id=term.taxonomy.public_id) == {str(listed.public_id)}
    assert ids(organization_id=institution.public_id) == {str(listed.public_id)}
    Service.objects.filter(pk=other.pk).update(updated_at=timezone.now() - dt.timedelta(days=30))
    since = (timezone.now() - dt.timedelta(days=1)).isoformat()
    assert ids(modified_after=since) == {str(listed.public_id)}
    # Offsets that ISO 8601 allows but PostgreSQL refuses are read in UTC.
    assert ids(modified_after="2000-01-01T00:00:00+21:51") == {str(listed.public_id), str(other.public_id)}
    assert ids(modified_after="0001-01-01T01:00:00+22:00") == {str(listed.public_id), str(other.public_id)}


def test_it_answers_bad_paging_with_422_in_the_error_shape(client):
    response = get(client, "/services", page=0, per_page=1000)
    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {"page", "per_page"}


def test_it_serves_organizations_in_full_valid_against_the_official_schema(client, institution, listed):
    items = get(client, "/organizations", search="Fundacja API").json()["contents"]
    assert [item["id"] for item in items] == [str(institution.public_id)]
    full = get(client, "/organizations", search="Fundacja API", full="true", full_service="true").json()["contents"]
    assert schema_errors("organization", full[0]) == []
    assert full[0]["services"][0]["service_at_locations"]
    one = get(client, f"/organizations/{institution.public_id}").json()
    assert schema_errors("organization", one) == []
    assert [service["id"] for service in one["services"]] == [str(listed.public_id)]
    assert "phones" not in one["services"][0]


def test_it_serves_service_at_locations_valid_against_the_official_schema(client, listed):
    page = get(client, "/service_at_locations", search="Poradnia API", postcode="27-220").json()
    assert [item["service_id"] for item in page["contents"]] == [str(listed.public_id)]
    one = get(client, f"/service_at_locations/{page['contents'][0]['id']}").json()
    assert schema_errors("service_at_location", one) == []
    assert one["location"]["addresses"][0]["postal_code"] == "27-220"
    assert one["service"]["id"] == str(listed.public_id)
    full = get(client, "/service_at_locations", search="Poradnia API", full="true").json()["contents"]
    assert len(full) == 2 and all(schema_errors("service_at_location", item) == [] for item in full)


def test_it_refuses_a_search_by_distance_it_does_not_offer(client):
    response = get(client, "/service_at_locations", proximity="500")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "proximity"


def test_it_serves_taxonomies_and_their_terms(client):
    taxonomies = get(client, "/taxonomies").json()["contents"]
    categories = next(item for item in taxonomies if item["uri"] == "urn:kooperacja:taxonomy:kooperacja-categories")
    assert get(client, f"/taxonomies/{categories['id']}").json() == categories
    terms = get(client, "/taxonomy_terms", taxonomy_id=categories["id"], top_only="true", per_page=200).json()
    assert terms["contents"] and all("parent_id" not in term for term in terms["contents"])
    parent = next(term for term in terms["contents"] if term["code"] == "social-assistance")
    children = get(client, "/taxonomy_terms", parent_id=parent["id"], per_page=200).json()["contents"]
    assert {"social-work", "meals"} <= {term["code"] for term in children}
    one = get(client, f"/taxonomy_terms/{children[0]['id']}").json()
    assert one["taxonomy_detail"]["id"] == categories["id"]


@pytest.mark.parametrize(
    "path",
    [
        "/services?per_page=200",
        "/services?per_page=200&full=true",
        "/organizations?per_page=200&full=true&full_service=true",
        "/service_at_locations?per_page=200&full=true",
        "/taxonomy_terms?per_page=200",
    ],
)
def test_it_reads_as_many_queries_for_many_rows_as_for_few(client, institution, path, django_assert_max_num_queries):
    """Few rows (one rich service) and many (twelve more) take the same queries."""
    rich_service(institution, name="Pierwsza")
    with django_assert_max_num_queries(50) as few:
        assert client.get(f"{API}{path}").status_code == 200
    for number in range(12):
        rich_service(institution, name=f"Usługa {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"{API}{path}").status_code == 200
