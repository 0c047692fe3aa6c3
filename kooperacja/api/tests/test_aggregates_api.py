"""/api/v1/aggregates: the dashboard of a territory as JSON — the same protected figures as the
page, for the territories the holder reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from kooperacja.api.tests.conftest import bearer
from kooperacja.cases.tests.factories import make_case
from kooperacja.institutions import tokens
from kooperacja.teams.tests.factories import user

pytestmark = pytest.mark.django_db

API = "/api/v1/aggregates"
MIRZEC = "2611032"


def get(client: Any, path: str, username: str) -> Any:
    return client.get(f"{API}{path}", **bearer(tokens.issue_personal_token(user(username), name="t", scope="read")[1]))


def section(body: dict[str, Any], key: str) -> dict[str, Any]:
    return next(found for found in body["sections"] if found["key"] == key)


def test_it_gives_a_gminas_dashboard_with_headlines_compared_with_the_previous_period(client: Any) -> None:
    answer = get(client, f"/gmina/{MIRZEC}?period=2025-H1", "gops.mirzec")
    assert answer.status_code == 200
    body = answer.json()
    assert body["scope"] == {"level": "gmina", "code": MIRZEC, "name": "Mirzec", "title": body["scope"]["title"]}
    assert body["period"]["slug"] == "2025-H1" and body["period"]["end"] == "2025-06-30"
    assert body["previous"]["slug"] == "2024-H2"
    headline = section(body, "cases")["headlines"][0]
    assert set(headline) == {"key", "label", "help", "now", "before", "change"}
    for figure in (headline["now"], headline["before"]):
        assert figure["kind"] == "people"
        assert figure["hidden"] or figure["value"] is None or figure["value"] % 5 == 0


def test_it_hides_a_count_of_fewer_than_five_people(client: Any) -> None:
    # Next year's January: no demo case is opened then, only these three.
    month = dt.date(timezone.localdate().year + 1, 1, 10)
    for _ in range(3):
        make_case(opened_on=month)
    body = get(client, f"/gmina/{MIRZEC}?period={month:%Y-%m}", "gops.mirzec").json()
    opened = next(h for h in section(body, "cases")["headlines"] if h["key"] == "opened")
    assert opened["now"] == {"value": None, "hidden": True, "kind": "people"}
    assert opened["change"]["value"] is None
    assert "3" not in str(opened["now"])


def test_it_does_not_show_a_territory_outside_the_holders_reach(client: Any) -> None:
    assert get(client, f"/gmina/{MIRZEC}", "gops.oksa").status_code == 404
    assert get(client, "/voivodeship/26", "gops.mirzec").status_code == 404
    assert get(client, "/gmina/2699999", "admin").status_code == 404


@pytest.mark.parametrize(("query", "field"), [("period=2025-Q5", "period"), ("period=1999", "period")])
def test_it_refuses_a_period_it_cannot_show(client: Any, query: str, field: str) -> None:
    answer = get(client, f"/gmina/{MIRZEC}?{query}", "gops.mirzec")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == field


def test_it_refuses_an_unknown_level(client: Any) -> None:
    assert get(client, f"/village/{MIRZEC}", "admin").status_code == 422


def test_it_gives_one_table_of_a_voivodeship_by_powiat(client: Any) -> None:
    answer = get(client, "/voivodeship/26/tables/cases-by-unit?period=2025", "rops.kielce")
    assert answer.status_code == 200
    table = answer.json()
    assert table["key"] == "cases-by-unit"
    assert len(table["columns"]) == 3
    assert any("starachowick" in row["label"].lower() for row in table["rows"])
    assert all(len(row["figures"]) == 3 for row in table["rows"])
    assert get(client, "/voivodeship/26/tables/no-such-table", "rops.kielce").status_code == 404
