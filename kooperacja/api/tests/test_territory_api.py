"""/api/v1/voivodeships, /counties, /gminas: the public TERYT units, filtered by parent code."""

from __future__ import annotations

from typing import Any

import pytest

from kooperacja.territory.models import County, Municipality

pytestmark = pytest.mark.django_db


def test_it_lists_the_voivodeships_without_a_token(client: Any) -> None:
    answer = client.get("/api/v1/voivodeships")
    assert answer.status_code == 200
    codes = [item["code"] for item in answer.json()["items"]]
    assert codes == sorted(codes)
    assert {"06", "14", "18", "20", "26"} <= set(codes)
    assert answer.json()["count"] == len(codes)


def test_it_lists_the_counties_of_one_voivodeship(client: Any) -> None:
    answer = client.get("/api/v1/counties?voivodeship=26&page_size=200").json()
    assert answer["items"] and {item["voivodeship"] for item in answer["items"]} == {"26"}
    assert {"code": "2611", "name": "starachowicki", "voivodeship": "26"} in answer["items"]
    assert answer["count"] == County.objects.filter(voivodeship__code="26").count()


def test_it_lists_the_gminas_of_one_county_with_their_parts(client: Any) -> None:
    answer = client.get("/api/v1/gminas?county=2602").json()
    by_code = {item["code"]: item for item in answer["items"]}
    assert {item["county"] for item in answer["items"]} == {"2602"}
    wodzislaw = by_code["2602093"]
    assert wodzislaw["name"] == "Wodzisław" and wodzislaw["kind"] == "3" and wodzislaw["voivodeship"] == "26"
    assert [part["code"] for part in wodzislaw["parts"]] == ["2602094", "2602095"]
    assert by_code["2602052"]["name"] == "Oksa" and by_code["2602052"]["parts"] == []


def test_it_keeps_the_gminas_of_a_voivodeship(client: Any) -> None:
    answer = client.get("/api/v1/gminas?voivodeship=26&page_size=200").json()
    assert answer["count"] == Municipality.objects.filter(county__voivodeship__code="26").count()
    assert "2611032" in {item["code"] for item in answer["items"]}
    assert client.get("/api/v1/gminas?voivodeship=14&county=2611").json() == {"items": [], "count": 0}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("/counties?voivodeship=2", "voivodeship"),
        ("/counties?voivodeship=99", "voivodeship"),
        ("/gminas?county=26", "county"),
        ("/gminas?county=9999", "county"),
        ("/gminas?voivodeship=xx", "voivodeship"),
    ],
)
def test_it_refuses_a_malformed_or_unknown_code_in_the_error_shape(client: Any, query: str, field: str) -> None:
    answer = client.get(f"/api/v1{query}", HTTP_ACCEPT_LANGUAGE="pl")
    assert answer.status_code == 422
    body = answer.json()
    assert set(body) == {"detail", "errors"}
    assert [error["field"] for error in body["errors"]] == [field]
    assert "TERYT" in body["errors"][0]["message"]


def test_it_pages_the_gminas(client: Any) -> None:
    everything = client.get("/api/v1/gminas?page_size=200").json()
    first = client.get("/api/v1/gminas?page_size=2").json()
    second = client.get("/api/v1/gminas?page_size=2&page=2").json()
    assert first["count"] == second["count"] == everything["count"]
    assert [i["code"] for i in first["items"] + second["items"]] == [i["code"] for i in everything["items"][:4]]
    assert client.get("/api/v1/gminas?page=1000").json()["items"] == []
    assert client.get("/api/v1/gminas?page_size=0").status_code == 422


def _add_gminas(county: County, count: int) -> None:
    from kooperacja.territory.models import MunicipalityPart

    for number in range(count):
        code = f"{county.code}{50 + number:02d}3"
        gmina = Municipality.objects.create(code=code, name=f"Gmina {number}", kind="3", county=county)
        MunicipalityPart.objects.create(code=code[:-1] + "4", name=gmina.name, kind="4", municipality=gmina)


def test_it_lists_gminas_in_the_same_number_of_queries_for_few_and_many(
    client: Any, django_assert_max_num_queries: Any
) -> None:
    county = County.objects.get(code="2611")
    # The county, the page, its gminas' parts, the count.
    with django_assert_max_num_queries(4):
        few = client.get("/api/v1/gminas?county=2611").json()
    _add_gminas(county, 30)
    with django_assert_max_num_queries(4):
        many = client.get("/api/v1/gminas?county=2611").json()
    assert many["count"] == few["count"] + 30
    with django_assert_max_num_queries(3):
        assert client.get("/api/v1/counties?voivodeship=26").json()["count"] > 10


def test_it_lists_voivodeships_in_the_same_number_of_queries_for_few_and_many(
    client: Any, django_assert_max_num_queries: Any
) -> None:
    from kooperacja.territory.models import Voivodeship

    with django_assert_max_num_queries(2):
        few = client.get("/api/v1/voivodeships").json()
    for code in ("02", "04", "08", "10", "12", "16"):
        Voivodeship.objects.get_or_create(code=code, defaults={"name": f"województwo {code}"})
    with django_assert_max_num_queries(2):
        many = client.get("/api/v1/voivodeships").json()
    assert many["count"] > few["count"]
