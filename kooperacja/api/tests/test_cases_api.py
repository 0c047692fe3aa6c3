"""/api/v1/cases: the list, one case and its persons, within the access policy of the case
pages, each read audited."""

from __future__ import annotations

from typing import Any

import pytest

from kooperacja.api.tests.conftest import bearer
from kooperacja.cases.models import CaseReason, CaseStatus, Person
from kooperacja.cases.tests.factories import consent, gops, make_case, make_household, make_person, take_part
from kooperacja.core.models import AuditEvent
from kooperacja.institutions import tokens
from kooperacja.plans.tests.factories import school, user

pytestmark = pytest.mark.django_db

MIRZEC = "2611032"


def secret(username: str) -> str:
    return tokens.issue_personal_token(user(username), name="t", scope="read")[1]


def person_case(**fields: Any) -> Any:
    """A person's case of GOPS Mirzec led by gops.mirzec, with a PESEL."""
    person = make_person("Marta", "Sprawdzana", with_pesel=True, phone="600100200")
    case = make_case(lead=user("gops.mirzec"), person=person, **fields)
    CaseReason.objects.create(case=case, reason="unemployment")
    return case


def shared_household(*consenting: int) -> tuple[Any, list[Person]]:
    """A household case of GOPS Mirzec with two members; the school takes part, and the members
    at the given positions consented to share identity with it."""
    household = make_household("Rodzina Współdzielona")
    members = [
        make_person("Adam", "Współdzielony", household=household),
        make_person("Ewa", "Współdzielona", household=household, phone="600200300"),
    ]
    case = make_case(lead=user("gops.mirzec"), household=household)
    take_part(case, school())
    for position in consenting:
        consent(members[position], school(), recorded_by=user("gops.mirzec"))
    return case, members


def items_by_id(answer: Any) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in answer.json()["items"]}


# --- The list ---------------------------------------------------------------------------------


def test_it_lists_the_cases_of_the_institution_whole_and_audits_the_persons_shown(client: Any) -> None:
    case = person_case()
    answer = client.get("/api/v1/cases?page_size=200", **bearer(secret("kolega.mirzec")))
    assert answer.status_code == 200
    item = items_by_id(answer)[str(case.public_id)]
    assert item["view"] == "whole" and item["named"] and item["title"] == "Marta Sprawdzana"
    assert item["lead_worker"] and item["reasons"][0]["code"] == "unemployment"
    assert item["gmina"] == {"code": MIRZEC, "name": "Mirzec"}
    event = AuditEvent.objects.filter(action="list", object_type="cases.case", details__via="api").get()
    assert case.person_id in event.persons
    assert event.actor == user("kolega.mirzec")


def test_it_gives_a_partner_the_shared_view_named_only_with_everyones_consent(client: Any) -> None:
    unnamed, members = shared_household(1)
    named, named_members = shared_household(0, 1)
    answer = client.get("/api/v1/cases?page_size=200", **bearer(secret("szkola.mirzec")))
    found = items_by_id(answer)
    assert found[str(named.public_id)]["title"] == "Rodzina Współdzielona"
    hidden = found[str(unnamed.public_id)]
    assert hidden["view"] == "shared" and not hidden["named"]
    assert "Współdziel" not in hidden["title"] and (gops().short_name or gops().name) in hidden["title"]
    assert hidden["reasons"] == [] and hidden["lead_worker"] is None and hidden["kind"] is None
    event = AuditEvent.objects.get(action="list", object_type="cases.case", details__via="api")
    assert {m.pk for m in named_members} <= set(event.persons)
    assert not set(event.persons) & {m.pk for m in members}


def test_it_shows_another_gminas_worker_nothing_of_mirzec(client: Any) -> None:
    case = person_case()
    answer = client.get("/api/v1/cases?page_size=200", **bearer(secret("gops.oksa")))
    assert answer.status_code == 200
    assert str(case.public_id) not in items_by_id(answer)
    assert {item["gmina"]["code"] for item in answer.json()["items"]} <= {"2602052"}


def test_it_refuses_the_list_to_analysts_and_administrators(client: Any) -> None:
    for username in ("rops.kielce", "admin"):
        answer = client.get("/api/v1/cases", **bearer(secret(username)))
        assert answer.status_code == 403
        assert set(answer.json()) == {"detail", "errors"}
    assert not AuditEvent.objects.filter(action="list", object_type="cases.case").exists()


def test_it_filters_by_status_and_gmina(client: Any) -> None:
    active = person_case(status=CaseStatus.ACTIVE)
    on_hold = person_case(status=CaseStatus.ON_HOLD)
    token = secret("gops.mirzec")
    found = items_by_id(client.get("/api/v1/cases?status=on_hold&page_size=200", **bearer(token)))
    assert str(on_hold.public_id) in found and str(active.public_id) not in found
    assert {item["status"] for item in found.values()} == {"on_hold"}
    assert str(active.public_id) in items_by_id(
        client.get(f"/api/v1/cases?gmina={MIRZEC}&page_size=200", **bearer(token))
    )
    assert client.get("/api/v1/cases?gmina=2602052", **bearer(token)).json() == {"items": [], "count": 0}


@pytest.mark.parametrize(
    ("query", "field"), [("status=lost", "status"), ("gmina=123", "gmina"), ("gmina=9999999", "gmina")]
)
def test_it_refuses_invalid_filters_in_the_error_shape(client: Any, query: str, field: str) -> None:
    answer = client.get(f"/api/v1/cases?{query}", **bearer(secret("gops.mirzec")))
    assert answer.status_code == 422
    assert [error["field"] for error in answer.json()["errors"]] == [field]


def test_it_pages_the_list(client: Any) -> None:
    for _ in range(3):
        person_case()
    token = secret("gops.mirzec")
    first = client.get("/api/v1/cases?page_size=2", **bearer(token)).json()
    second = client.get("/api/v1/cases?page_size=2&page=2", **bearer(token)).json()
    assert len(first["items"]) == 2 and first["count"] == second["count"] >= 3
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


def test_it_lists_cases_in_the_same_number_of_queries_for_few_and_many(
    client: Any, django_assert_max_num_queries: Any
) -> None:
    token = secret("szkola.mirzec")
    shared_household(0, 1)
    person_case()
    with django_assert_max_num_queries(14):
        few = client.get("/api/v1/cases", **bearer(token)).json()
    for _ in range(15):
        shared_household(0)
    with django_assert_max_num_queries(14):
        many = client.get("/api/v1/cases", **bearer(token)).json()
    assert many["count"] == few["count"] + 15


# --- One case ---------------------------------------------------------------------------------


def test_it_gives_the_whole_case_to_its_institution_and_audits_one_view(client: Any) -> None:
    case = person_case(summary="Utrata pracy, zadłużenie.")
    answer = client.get(f"/api/v1/cases/{case.public_id}", **bearer(secret("lider.mirzec")))
    assert answer.status_code == 200
    data = answer.json()
    assert data["view"] == "whole" and data["title"] == "Marta Sprawdzana"
    assert data["summary"] == "Utrata pracy, zadłużenie." and data["kind"] == "person"
    assert data["persons_named"] == 1 and data["persons_hidden"] == 0 and data["seen_as"] is None
    event = AuditEvent.objects.get(action="view", object_id=str(case.public_id))
    assert event.persons == [case.person_id] and event.details["via"] == "api"


def test_it_gives_a_partner_the_shared_view_without_the_owners_facts(client: Any) -> None:
    case, members = shared_household(1)
    answer = client.get(f"/api/v1/cases/{case.public_id}", **bearer(secret("szkola.mirzec")))
    assert answer.status_code == 200
    data = answer.json()
    assert data["view"] == "shared" and not data["named"]
    assert data["summary"] is None and data["reasons"] == [] and data["opened_on"] is None
    assert data["seen_as"]["name"] == school().name
    assert data["persons_named"] == 1 and data["persons_hidden"] == 1
    assert "Współdziel" not in answer.content.decode()
    event = AuditEvent.objects.get(action="view", object_id=str(case.public_id))
    assert event.persons == [members[1].pk]


@pytest.mark.parametrize("username", ["gops.oksa", "policja.mirzec", "pcpr.starachowice", "rops.kielce", "admin"])
def test_it_answers_404_outside_the_scope(client: Any, username: str) -> None:
    case = person_case()
    for path in ("", "/persons"):
        answer = client.get(f"/api/v1/cases/{case.public_id}{path}", **bearer(secret(username)))
        assert answer.status_code == 404
        assert set(answer.json()) == {"detail", "errors"}
    assert not AuditEvent.objects.filter(object_id=str(case.public_id)).exists()


# --- The persons of a case --------------------------------------------------------------------


def test_it_never_gives_the_pesel_in_full(client: Any) -> None:
    case = person_case()
    answer = client.get(f"/api/v1/cases/{case.public_id}/persons", **bearer(secret("gops.mirzec")))
    assert answer.status_code == 200
    person = answer.json()["items"][0]
    assert person["pesel_masked"] == "•••••••" + case.person.pesel[-4:]
    assert case.person.pesel not in answer.content.decode()
    assert person["phone"] == "600100200" and person["gmina"]["code"] == MIRZEC


def test_it_names_to_a_partner_only_the_persons_who_consented(client: Any) -> None:
    case, members = shared_household(1)
    answer = client.get(f"/api/v1/cases/{case.public_id}/persons", **bearer(secret("szkola.mirzec")))
    data = answer.json()
    assert [p["first_name"] for p in data["items"]] == ["Ewa"]
    assert data["count"] == 1 and data["hidden"] == 1
    assert data["items"][0]["phone"] == "600200300"
    assert data["items"][0]["pesel_masked"] is None and data["items"][0]["street"] is None
    event = AuditEvent.objects.get(action="list", object_id=str(case.public_id))
    assert event.persons == [members[1].pk]


def test_it_lists_persons_in_the_same_number_of_queries_for_few_and_many(
    client: Any, django_assert_max_num_queries: Any
) -> None:
    token = secret("gops.mirzec")
    case, _ = shared_household()
    with django_assert_max_num_queries(12):
        assert client.get(f"/api/v1/cases/{case.public_id}/persons", **bearer(token)).json()["count"] == 2
    for number in range(10):
        make_person("Dziecko", f"Numer{number}", household=case.household)
    with django_assert_max_num_queries(12):
        assert client.get(f"/api/v1/cases/{case.public_id}/persons", **bearer(token)).json()["count"] == 12


def test_it_lets_an_api_client_of_the_school_read_its_shared_view(client: Any) -> None:
    case, _ = shared_household(0, 1)
    admin = user("admin")
    api_client = tokens.create_api_client(admin, school(), name="System szkoły", role="partner_staff")
    token = tokens.issue_client_token(admin, api_client, name="t", scope="read")[1]
    answer = client.get(f"/api/v1/cases/{case.public_id}/persons", **bearer(token))
    assert answer.status_code == 200 and answer.json()["count"] == 2
    event = AuditEvent.objects.get(action="list", object_id=str(case.public_id))
    assert event.actor is None and event.actor_label
