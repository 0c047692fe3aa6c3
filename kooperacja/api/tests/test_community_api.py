"""/api/v1/indicators and /api/v1/projects: community indicators for every holder with a role;
social projects with their budget and its execution within the project policies."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kooperacja.api.tests.conftest import bearer
from kooperacja.community.models import CommunityIndicator, Expense, IndicatorDefinition, ProjectStatus
from kooperacja.community.tests.project_factories import make_project
from kooperacja.institutions import tokens
from kooperacja.institutions.models import TokenScope
from kooperacja.teams.tests.factories import user
from kooperacja.territory.models import Municipality

pytestmark = pytest.mark.django_db

API = "/api/v1"
MIRZEC = "2611032"
# A year the demo has no figures for, so that the tests count only their own.
YEAR = 2099


def token(username: str) -> dict[str, str]:
    return bearer(tokens.issue_personal_token(user(username), name="t", scope=TokenScope.READ)[1])


def get(client: Any, path: str, username: str = "gops.mirzec") -> Any:
    return client.get(f"{API}{path}", **token(username))


def oksa() -> str:
    return Municipality.objects.get(name="Oksa").code


def put(code: str, year: int, **values: str) -> None:
    gmina = Municipality.objects.get(code=code)
    for indicator, value in values.items():
        CommunityIndicator.objects.create(
            municipality=gmina,
            year=year,
            indicator=IndicatorDefinition.objects.get(code=indicator),
            value=Decimal(value),
            source="GUS BDL",
        )


# --- Indicators ---------------------------------------------------------------------------------


def test_it_gives_the_figures_of_a_gmina_and_year(client: Any) -> None:
    put(MIRZEC, YEAR, population="8123", registered_unemployed="312")
    put(MIRZEC, YEAR - 1, population="8200")
    answer = get(client, f"/indicators?gmina={MIRZEC}&year={YEAR}", "szkola.mirzec")
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 2
    population = next(item for item in body["items"] if item["indicator"]["code"] == "population")
    assert population["gmina"] == {"code": MIRZEC, "name": "Mirzec"}
    assert Decimal(population["value"]) == Decimal("8123")
    assert population["source"] == "GUS BDL"


def test_it_filters_by_indicator_across_gminas(client: Any) -> None:
    put(MIRZEC, YEAR, population="8123")
    put(oksa(), YEAR, population="4600", registered_unemployed="150")
    body = get(client, f"/indicators?year={YEAR}&indicator=population").json()
    assert {(item["gmina"]["code"], item["value"]) for item in body["items"]} == {
        (MIRZEC, "8123.00"),
        (oksa(), "4600.00"),
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [("gmina=26", "gmina"), ("gmina=2699999", "gmina"), ("year=1800", "year"), ("indicator=nothing", "indicator")],
)
def test_it_refuses_filters_that_name_nothing(client: Any, query: str, field: str) -> None:
    answer = get(client, f"/indicators?{query}")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == field


# --- Projects -----------------------------------------------------------------------------------


def spend(project: Any, amount: str) -> None:
    Expense.objects.create(
        project=project,
        line=project.budget_lines.order_by("id").first(),
        spent_on=dt.date(2024, 3, 1),
        amount=Decimal(amount),
        description="Faktura",
    )


def test_it_gives_a_project_with_its_budget_lines_and_execution(client: Any) -> None:
    project = make_project(lines=(("therapy", "40000"), ("workshops", "16000")))
    spend(project, "10000")
    answer = get(client, f"/projects/{project.public_id}", "rops.kielce")
    assert answer.status_code == 200
    body = answer.json()
    assert body["gmina"]["code"] == MIRZEC
    assert Decimal(body["execution"]["planned"]) == Decimal("56000")
    assert Decimal(body["execution"]["spent"]) == Decimal("10000")
    assert body["execution"]["share"] == 18
    therapy = next(line for line in body["budget_lines"] if line["category"] == "therapy")
    assert Decimal(therapy["remaining"]) == Decimal("30000") and therapy["share"] == 25


def test_it_does_not_show_a_project_outside_the_holders_reach(client: Any) -> None:
    project = make_project()
    assert get(client, f"/projects/{project.public_id}", "gops.oksa").status_code == 404
    assert str(project.public_id) not in {
        item["id"] for item in get(client, "/projects?page_size=200", "gops.oksa").json()["items"]
    }


def test_it_lists_projects_with_their_totals_and_filters(client: Any) -> None:
    running = make_project(lines=(("therapy", "1000"),), status=ProjectStatus.RUNNING)
    spend(running, "250")
    planned = make_project(status=ProjectStatus.PLANNED)
    body = get(client, f"/projects?gmina={MIRZEC}&status=running&page_size=200").json()
    found = {item["id"]: item for item in body["items"]}
    assert str(running.public_id) in found and str(planned.public_id) not in found
    assert Decimal(found[str(running.public_id)]["planned"]) == Decimal("1000")
    assert Decimal(found[str(running.public_id)]["spent"]) == Decimal("250")
    assert {item["status"] for item in body["items"]} == {"running"}
    assert get(client, "/projects?status=dreamt").status_code == 422


def test_it_pages_projects_without_overlap(client: Any) -> None:
    for _ in range(3):
        make_project()
    first = get(client, "/projects?page_size=2").json()
    second = get(client, "/projects?page_size=2&page=2").json()
    assert first["count"] == second["count"] >= 3
    assert not {item["id"] for item in first["items"]} & {item["id"] for item in second["items"]}


PROJECT_LIST_QUERIES = 6
INDICATOR_LIST_QUERIES = 7


def test_it_lists_few_and_many_projects_with_the_same_queries(client: Any, django_assert_max_num_queries: Any) -> None:
    auth = token("lider.mirzec")
    make_project(lines=(("therapy", "1000"),))
    with django_assert_max_num_queries(PROJECT_LIST_QUERIES):
        assert client.get(f"{API}/projects", **auth).status_code == 200
    for _ in range(10):
        spend(make_project(lines=(("therapy", "1000"), ("club", "500"))), "100")
    with django_assert_max_num_queries(PROJECT_LIST_QUERIES):
        assert client.get(f"{API}/projects", **auth).json()["count"] >= 11


def test_it_lists_few_and_many_figures_with_the_same_queries(client: Any, django_assert_max_num_queries: Any) -> None:
    auth = token("gops.mirzec")
    put(MIRZEC, YEAR, population="8000")
    path = f"{API}/indicators?gmina={MIRZEC}&page_size=200"
    with django_assert_max_num_queries(INDICATOR_LIST_QUERIES):
        assert client.get(path, **auth).status_code == 200
    for year in range(YEAR - 10, YEAR):
        put(MIRZEC, year, population="8000", registered_unemployed="300")
    with django_assert_max_num_queries(INDICATOR_LIST_QUERIES):
        assert client.get(path, **auth).status_code == 200
