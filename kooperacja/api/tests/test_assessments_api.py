"""/api/v1/cases/{id}/assessments: a case's diagnoses, whole or only the consented domains."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kooperacja.api.tests.conftest import bearer
from kooperacja.assessment.services import current_instrument
from kooperacja.assessment.tests.helpers import assess
from kooperacja.cases.tests.factories import consent, make_case, make_person, take_part
from kooperacja.core.models import AuditEvent
from kooperacja.institutions import tokens
from kooperacja.plans.tests.factories import school, user

pytestmark = pytest.mark.django_db


def secret(username: str) -> str:
    return tokens.issue_personal_token(user(username), name="t", scope="read")[1]


def assessed_case(categories: tuple[str, ...] = ("identity",), count: int = 1) -> Any:
    """A person's case of GOPS Mirzec, assessed `count` times; the school takes part with
    consent for `categories`."""
    lead = user("gops.mirzec")
    person = make_person("Iwona", "Diagnozowana")
    case = make_case(lead=lead, person=person)
    take_part(case, school())
    consent(person, school(), categories, recorded_by=lead)
    for number in range(count):
        assess(lead, case, person, level=2, on=dt.date(2025, 1, 1) + dt.timedelta(days=30 * number))
    return case


def path(case: Any) -> str:
    return f"/api/v1/cases/{case.public_id}/assessments"


def test_it_gives_the_owner_every_domain_and_audits_one_view(client: Any) -> None:
    case = assessed_case()
    answer = client.get(path(case), **bearer(secret("kolega.mirzec")))
    assert answer.status_code == 200
    [item] = answer.json()["items"]
    domains = list(current_instrument().domains.order_by("position", "id").values_list("code", flat=True))
    assert [score["domain"] for score in item["scores"]] == domains
    assert {score["level"] for score in item["scores"]} == {2}
    assert item["hidden_domains"] == 0 and item["person"]["last_name"] == "Diagnozowana"
    assert item["notes"] == "Rozmowa w domu." and item["subject"] == "person"
    event = AuditEvent.objects.get(action="view", object_id=str(case.public_id), details__via="api")
    assert event.persons == [case.person_id]


def test_it_gives_a_partner_only_the_consented_domains(client: Any) -> None:
    code = current_instrument().domains.order_by("position")[0].code
    case = assessed_case(("identity", f"diagnosis:{code}"))
    answer = client.get(path(case), **bearer(secret("szkola.mirzec")))
    [item] = answer.json()["items"]
    assert [score["domain"] for score in item["scores"]] == [code]
    assert item["hidden_domains"] == current_instrument().domains.count() - 1
    assert item["notes"] is None and item["person"]["first_name"] == "Iwona"


def test_it_leaves_out_what_a_partner_may_not_read(client: Any) -> None:
    case = assessed_case(("identity",))
    answer = client.get(path(case), **bearer(secret("szkola.mirzec")))
    assert answer.status_code == 200 and answer.json() == {"items": [], "count": 0}
    event = AuditEvent.objects.get(action="view", object_id=str(case.public_id))
    assert event.persons == []


@pytest.mark.parametrize("username", ["gops.oksa", "policja.mirzec", "rops.rzeszow", "admin"])
def test_it_answers_404_outside_the_scope(client: Any, username: str) -> None:
    answer = client.get(path(assessed_case()), **bearer(secret(username)))
    assert answer.status_code == 404 and set(answer.json()) == {"detail", "errors"}


def test_it_pages_oldest_first(client: Any) -> None:
    case = assessed_case(count=3)
    token = secret("gops.mirzec")
    first = client.get(f"{path(case)}?page_size=2", **bearer(token)).json()
    second = client.get(f"{path(case)}?page_size=2&page=2", **bearer(token)).json()
    assert first["count"] == second["count"] == 3
    dates = [item["assessed_on"] for item in first["items"] + second["items"]]
    assert dates == ["2025-01-01", "2025-01-31", "2025-03-02"]


def test_it_lists_assessments_in_the_same_number_of_queries_for_few_and_many(
    client: Any, django_assert_max_num_queries: Any
) -> None:
    token = secret("gops.mirzec")
    few = assessed_case(count=1)
    many = assessed_case(count=12)
    with django_assert_max_num_queries(12):
        assert client.get(path(few), **bearer(token)).json()["count"] == 1
    with django_assert_max_num_queries(12):
        assert client.get(path(many), **bearer(token)).json()["count"] == 12
