"""/api/v1/institutions: the public data of institutions, for any token, filtered by gmina,
sector and kind."""

from __future__ import annotations

from typing import Any

import pytest

from kooperacja.api.tests.conftest import bearer
from kooperacja.institutions import tokens
from kooperacja.institutions.models import Institution, InstitutionKind, Sector
from kooperacja.plans.tests.factories import user
from kooperacja.territory.models import Municipality

pytestmark = pytest.mark.django_db

MIRZEC = "2611032"


def secret(username: str = "policja.mirzec") -> str:
    return tokens.issue_personal_token(user(username), name="t", scope="read")[1]


def gops(gmina: str) -> Institution:
    return Institution.objects.get(kind=InstitutionKind.GOPS, municipality__name=gmina)


def names(answer: Any) -> set[str]:
    return {item["name"] for item in answer.json()["items"]}


def test_it_needs_a_token(client: Any) -> None:
    answer = client.get("/api/v1/institutions")
    assert answer.status_code == 401
    assert set(answer.json()) == {"detail", "errors"}


def test_it_lists_only_active_institutions(client: Any) -> None:
    closed = gops("Oksa")
    closed.is_active = False
    closed.save()
    answer = client.get("/api/v1/institutions?page_size=200", **bearer(secret()))
    assert answer.status_code == 200
    found = [item["name"] for item in answer.json()["items"]]
    assert gops("Mirzec").name in found and closed.name not in found
    assert answer.json()["count"] == Institution.objects.filter(is_active=True).count()


def test_it_gives_an_institutions_public_data_and_no_staff(client: Any) -> None:
    institution = gops("Mirzec")
    answer = client.get(f"/api/v1/institutions/{institution.public_id}", **bearer(secret()))
    assert answer.status_code == 200
    data = answer.json()
    assert data["name"] == institution.name and data["kind"] == "gops" and data["sector"] == "social_assistance"
    assert data["gmina"] == {"code": MIRZEC, "name": "Mirzec"}
    assert data["county"]["code"] == "2611" and data["voivodeship"]["code"] == "26"
    assert data["referral_response_days"] == institution.referral_response_days
    assert not {"staff", "memberships", "staff_count"} & set(data)
    assert "kolega.mirzec" not in answer.content.decode()


def test_it_reads_an_inactive_institution_and_answers_404_for_an_unknown_id(client: Any) -> None:
    closed = gops("Oksa")
    closed.is_active = False
    closed.save()
    answer = client.get(f"/api/v1/institutions/{closed.public_id}", **bearer(secret()))
    assert answer.status_code == 200 and answer.json()["is_active"] is False
    missing = client.get("/api/v1/institutions/00000000-0000-4000-8000-000000000000", **bearer(secret()))
    assert missing.status_code == 404 and set(missing.json()) == {"detail", "errors"}


def test_it_keeps_the_institutions_of_a_gmina_located_there_or_serving_it(client: Any) -> None:
    serving = Institution.objects.create(
        name="Fundacja Pomocna Dłoń",
        kind=InstitutionKind.NGO,
        sector=Sector.NGO,
        voivodeship=gops("Oksa").voivodeship,
        municipality=gops("Oksa").municipality,
    )
    serving.serves.add(Municipality.objects.get(code=MIRZEC))
    answer = client.get(f"/api/v1/institutions?gmina={MIRZEC}&page_size=200", **bearer(secret()))
    found = names(answer)
    assert {gops("Mirzec").name, serving.name} <= found
    assert gops("Oksa").name not in found
    for item in answer.json()["items"]:
        assert (item["gmina"] or {}).get("code") == MIRZEC or MIRZEC in item["serves"]


def test_it_filters_by_sector_and_kind(client: Any) -> None:
    schools = client.get("/api/v1/institutions?sector=education&page_size=200", **bearer(secret())).json()
    assert schools["items"] and {item["sector"] for item in schools["items"]} == {"education"}
    both = client.get(f"/api/v1/institutions?kind=gops&gmina={MIRZEC}", **bearer(secret())).json()
    assert [item["name"] for item in both["items"]] == [gops("Mirzec").name]


@pytest.mark.parametrize(
    ("query", "field"),
    [("sector=cooking", "sector"), ("kind=castle", "kind"), ("gmina=26", "gmina"), ("gmina=9999999", "gmina")],
)
def test_it_refuses_invalid_filters_in_the_error_shape(client: Any, query: str, field: str) -> None:
    answer = client.get(f"/api/v1/institutions?{query}", **bearer(secret()))
    assert answer.status_code == 422
    assert [error["field"] for error in answer.json()["errors"]] == [field]


def test_it_lists_institutions_in_the_same_number_of_queries_for_few_and_many(
    client: Any, django_assert_max_num_queries: Any
) -> None:
    token = secret()
    mirzec = Municipality.objects.get(code=MIRZEC)
    # Token, memberships, the page, the gminas served, the count (and the token's last use).
    with django_assert_max_num_queries(8):
        few = client.get("/api/v1/institutions?sector=ngo", **bearer(token)).json()
    for number in range(25):
        added = Institution.objects.create(
            name=f"Stowarzyszenie {number}",
            kind=InstitutionKind.NGO,
            sector=Sector.NGO,
            voivodeship=mirzec.county.voivodeship,
            municipality=mirzec,
        )
        added.serves.add(mirzec)
    with django_assert_max_num_queries(8):
        many = client.get("/api/v1/institutions?sector=ngo", **bearer(token)).json()
    assert many["count"] == few["count"] + 25
