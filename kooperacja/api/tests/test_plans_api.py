"""/api/v1/cases/{id}/plan and /basket: the IPW with its goals and the basket of services, for
the case's readers and for a partner with consent for the plan."""

from __future__ import annotations

from typing import Any

import pytest

from kooperacja.api.tests.conftest import bearer
from kooperacja.assessment.services import current_instrument
from kooperacja.core.models import AuditEvent
from kooperacja.institutions import tokens
from kooperacja.plans import services
from kooperacja.plans.tests.factories import make_service, school, user
from tests.helpers_plans import add_goal, add_item, make_plan, plan_case

pytestmark = pytest.mark.django_db


def secret(username: str) -> str:
    return tokens.issue_personal_token(user(username), name="t", scope="read")[1]


def shared_case(categories: tuple[str, ...] = ("plan",)) -> Any:
    """A person's case of GOPS Mirzec; the school takes part with consent for identity and `categories`."""
    return plan_case(user("gops.mirzec"), partner=user("szkola.mirzec"), categories=categories)


def test_it_gives_the_open_plan_with_its_goals_and_progress_and_audits_one_view(client: Any) -> None:
    lead = user("gops.mirzec")
    case = shared_case()
    earlier = make_plan(lead, case, status="ended")
    plan = make_plan(lead, case, status="in_progress")
    [goal] = plan.goals.all()
    services.record_progress(lead, goal, institution=case.institution, value="połowa spłacona")
    answer = client.get(f"/api/v1/cases/{case.public_id}/plan", **bearer(secret("kolega.mirzec")))
    assert answer.status_code == 200
    data = answer.json()
    assert data["id"] == str(plan.public_id) and data["status"] == "in_progress"
    assert data["earlier_plans"] == [str(earlier.public_id)]
    assert [g["title"] for g in data["goals"]] == ["Uregulowanie zadłużenia"]
    assert data["goals"][0]["progress"][0]["value"] == "połowa spłacona"
    assert data["goals"][0]["responsible_institution"]["name"] == case.institution.name
    event = AuditEvent.objects.get(action="view", object_id=str(plan.public_id))
    assert event.persons == [case.person_id] and event.details["via"] == "api"


def test_it_names_a_goals_diagnosis_domain_only_to_those_who_may_read_it(client: Any) -> None:
    lead = user("gops.mirzec")
    case = shared_case()
    plan = make_plan(lead, case)
    code = current_instrument().domains.order_by("position")[0].code
    add_goal(lead, plan, "Praca", domain_code=code)
    path = f"/api/v1/cases/{case.public_id}/plan"
    assert client.get(path, **bearer(secret("gops.mirzec"))).json()["goals"][0]["domain"]["code"] == code
    shared = client.get(path, **bearer(secret("szkola.mirzec")))
    assert shared.status_code == 200 and shared.json()["goals"][0]["domain"] is None


def test_it_answers_404_when_the_plan_is_not_shared_or_there_is_none(client: Any) -> None:
    lead = user("gops.mirzec")
    unshared = shared_case(categories=())
    make_plan(lead, unshared)
    for suffix in ("plan", "basket"):
        answer = client.get(f"/api/v1/cases/{unshared.public_id}/{suffix}", **bearer(secret("szkola.mirzec")))
        assert answer.status_code == 404 and set(answer.json()) == {"detail", "errors"}
    no_plan = shared_case()
    answer = client.get(f"/api/v1/cases/{no_plan.public_id}/plan", **bearer(secret("gops.mirzec")))
    assert answer.status_code == 404 and answer.json()["detail"]
    assert client.get(f"/api/v1/cases/{no_plan.public_id}/basket", **bearer(secret("gops.mirzec"))).json() == {
        "items": [],
        "count": 0,
    }


@pytest.mark.parametrize("username", ["gops.oksa", "policja.mirzec", "pcpr.starachowice", "rops.kielce", "admin"])
def test_it_answers_404_outside_the_scope(client: Any, username: str) -> None:
    case = shared_case()
    add_item(user("gops.mirzec"), make_plan(user("gops.mirzec"), case))
    for suffix in ("plan", "basket"):
        assert client.get(f"/api/v1/cases/{case.public_id}/{suffix}", **bearer(secret(username))).status_code == 404
    assert not AuditEvent.objects.filter(object_id=str(case.public_id), details__via="api").exists()


def test_it_lists_the_basket_with_a_status_filter_and_audits_the_list(client: Any) -> None:
    lead = user("gops.mirzec")
    case = shared_case()
    plan = make_plan(lead, case)
    service = make_service(name="Zajęcia wyrównawcze z matematyki")
    by_service = add_item(lead, plan, service=service, institution=school())
    action = add_item(lead, plan)
    answer = client.get(f"/api/v1/cases/{case.public_id}/basket", **bearer(secret("szkola.mirzec")))
    assert answer.status_code == 200
    items = {item["id"]: item for item in answer.json()["items"]}
    assert items[str(by_service.public_id)]["service"]["name"] == "Zajęcia wyrównawcze z matematyki"
    assert items[str(by_service.public_id)]["institution"]["name"] == school().name
    assert items[str(action.public_id)]["action"] == "Konsultacje z pedagogiem"
    assert {item["plan"] for item in items.values()} == {str(plan.public_id)}
    event = AuditEvent.objects.get(action="list", object_id=str(case.public_id), details__via="api")
    assert event.persons == [case.person_id]
    proposed = client.get(f"/api/v1/cases/{case.public_id}/basket?status=proposed", **bearer(secret("gops.mirzec")))
    assert proposed.json()["count"] == 2
    delivered = client.get(f"/api/v1/cases/{case.public_id}/basket?status=delivered", **bearer(secret("gops.mirzec")))
    assert delivered.json() == {"items": [], "count": 0}
    invalid = client.get(f"/api/v1/cases/{case.public_id}/basket?status=eaten", **bearer(secret("gops.mirzec")))
    assert invalid.status_code == 422 and invalid.json()["errors"][0]["field"] == "status"


def test_it_pages_the_basket(client: Any) -> None:
    lead = user("gops.mirzec")
    case = shared_case()
    plan = make_plan(lead, case)
    added = [add_item(lead, plan, action=f"Działanie {number}") for number in range(3)]
    path = f"/api/v1/cases/{case.public_id}/basket?page_size=2"
    first = client.get(path, **bearer(secret("gops.mirzec"))).json()
    second = client.get(f"{path}&page=2", **bearer(secret("gops.mirzec"))).json()
    assert first["count"] == 3
    assert [i["id"] for i in first["items"] + second["items"]] == [str(item.public_id) for item in added]


def test_it_reads_the_plan_and_basket_in_the_same_number_of_queries_for_few_and_many(
    client: Any, django_assert_max_num_queries: Any
) -> None:
    lead = user("gops.mirzec")
    token = secret("szkola.mirzec")
    case = shared_case()
    plan = make_plan(lead, case)
    add_goal(lead, plan)
    add_item(lead, plan)
    plan_path, basket_path = f"/api/v1/cases/{case.public_id}/plan", f"/api/v1/cases/{case.public_id}/basket"
    with django_assert_max_num_queries(22):
        client.get(plan_path, **bearer(token))
    with django_assert_max_num_queries(16):
        assert client.get(basket_path, **bearer(token)).json()["count"] == 1
    for number in range(10):
        goal = add_goal(lead, plan, f"Cel {number}")
        services.record_progress(lead, goal, institution=case.institution, value="w toku")
        add_item(lead, plan, action=f"Działanie {number}", goal=goal)
    with django_assert_max_num_queries(22):
        assert len(client.get(plan_path, **bearer(token)).json()["goals"]) == 11
    with django_assert_max_num_queries(16):
        assert client.get(basket_path, **bearer(token)).json()["count"] == 11
