"""/api/v1/aggregates: the dashboard of a territory as JSON — the same protected figures as the
page, for the territories the holder reads."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from kooperacja.api.tests.conftest import bearer
from kooperacja.cases.models import Case
from kooperacja.cases.tests.factories import make_case
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.evaluation import dashboard, periods
from kooperacja.evaluation.privacy import Figure
from kooperacja.evaluation.scope import gmina_scope, voivodeship_scope
from kooperacja.institutions import tokens
from kooperacja.teams.tests.factories import user
from kooperacja.territory.models import Municipality, Voivodeship

pytestmark = pytest.mark.django_db

API = "/api/v1/aggregates"
MIRZEC = "2611032"


def get(client: Any, path: str, username: str) -> Any:
    secret = tokens.issue_personal_token(user(username), name="t", scope="read")[1]
    return client.get(f"{API}{path}", HTTP_ACCEPT_LANGUAGE="pl", **bearer(secret))


def section(body: dict[str, Any], key: str) -> dict[str, Any]:
    return next(found for found in body["sections"] if found["key"] == key)


def published(figure: Figure) -> dict[str, Any]:
    """A figure as a client reads it: its value only when the page shows it."""
    value = None if figure.hidden or figure.value is None else float(figure.value)
    return {"value": value, "hidden": figure.hidden, "kind": figure.kind}


def test_it_gives_a_gminas_dashboard_with_the_figures_of_the_page(client: Any) -> None:
    answer = get(client, f"/gmina/{MIRZEC}?period=2025-H1", "gops.mirzec")
    assert answer.status_code == 200
    body = answer.json()
    with translation.override("pl"):
        scope = gmina_scope(Municipality.objects.get(code=MIRZEC))
        board = dashboard.build(scope, periods.parse("2025-H1"))
        assert body["scope"] == {"level": "gmina", "code": MIRZEC, "name": "Mirzec", "title": "Gmina Mirzec"}
        assert body["period"] == {
            "slug": "2025-H1",
            "label": board.period.label,
            "start": "2025-01-01",
            "end": "2025-06-30",
        }
        assert body["previous"]["slug"] == "2024-H2"
        # Every headline of every section, now, before and the change, as the page shows it.
        assert [
            (found["key"], [(h["key"], h["now"], h["before"], h["change"]) for h in found["headlines"]])
            for found in body["sections"]
        ] == [
            (
                built.key,
                [
                    (c.now.key, published(c.now.figure), published(c.before), published(c.change))
                    for c in built.comparisons
                ],
            )
            for built in board.sections
        ]
    people = [h["now"]["value"] for h in section(body, "cases")["headlines"] if h["now"]["kind"] == "people"]
    # The demo's Mirzec had cases in 2025: some counts are shown, every one of them rounded to 5.
    assert any(value for value in people)
    assert all(value % 5 == 0 for value in people if value is not None)


def _month_without_cases_opened_in_mirzec() -> dt.date:
    opened = set(Case.objects.filter(municipality__code=MIRZEC).dates("opened_on", "month"))
    month = dt.date(periods.FIRST_YEAR, 1, 1)
    while month in opened:
        month = (month + dt.timedelta(days=31)).replace(day=1)
    return month


def test_it_hides_a_count_of_fewer_than_five_people(client: Any) -> None:
    month = _month_without_cases_opened_in_mirzec()
    for _ in range(3):
        make_case(opened_on=month + dt.timedelta(days=9))
    body = get(client, f"/gmina/{MIRZEC}?period={month:%Y-%m}", "gops.mirzec").json()
    opened = next(h for h in section(body, "cases")["headlines"] if h["key"] == "opened")
    assert opened["now"] == {"value": None, "hidden": True, "kind": "people"}
    # No change can be worked out from a hidden figure (it would give the count back).
    assert opened["change"]["value"] is None


def test_it_does_not_show_a_territory_outside_the_holders_reach(client: Any) -> None:
    assert get(client, f"/gmina/{MIRZEC}", "gops.oksa").status_code == 404
    assert get(client, "/voivodeship/26", "gops.mirzec").status_code == 404
    assert get(client, "/gmina/2699999", "admin").status_code == 404


@pytest.mark.parametrize("period", ["2025-Q5", "1999", "2099"])
def test_it_refuses_a_period_it_cannot_show(client: Any, period: str) -> None:
    answer = get(client, f"/gmina/{MIRZEC}?period={period}", "gops.mirzec")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "period"


def test_it_refuses_an_unknown_level(client: Any) -> None:
    assert get(client, f"/village/{MIRZEC}", "admin").status_code == 422


def test_it_gives_one_table_of_a_voivodeship_by_powiat_as_its_export(client: Any) -> None:
    answer = get(client, "/voivodeship/26/tables/cases-by-unit?period=2025", "rops.kielce")
    assert answer.status_code == 200
    table = answer.json()
    with translation.override("pl"):
        built = dashboard.table(
            voivodeship_scope(Voivodeship.objects.get(code="26")), periods.parse("2025"), "cases-by-unit"
        )
    assert (table["key"], table["title"]) == ("cases-by-unit", built.title)
    assert [column["label"] for column in table["columns"]] == [column.label for column in built.columns]
    assert [(row["label"], row["figures"]) for row in table["rows"]] == [
        (row.label, [published(figure) for figure in row.figures]) for row in built.rows
    ]
    assert any("starachowick" in row["label"].lower() for row in table["rows"])


def test_it_answers_404_for_a_table_no_section_has(client: Any) -> None:
    assert get(client, "/voivodeship/26/tables/no-such-table", "rops.kielce").status_code == 404
    assert get(client, "/voivodeship/26/tables/cases-no-such-table", "rops.kielce").status_code == 404


def test_it_records_a_table_read_as_an_export_like_the_pages_download(client: Any) -> None:
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    assert get(client, "/voivodeship/26/tables/cases-by-unit?period=2025", "rops.kielce").status_code == 200
    (event,) = AuditEvent.objects.filter(pk__gt=last, object_type="evaluation.table")
    assert event.action == AuditAction.EXPORT
    assert event.object_id == "voivodeship/26/2025/cases-by-unit"
    assert event.actor == user("rops.kielce")


def test_it_builds_only_the_section_of_the_table_asked_for(client: Any, monkeypatch: Any) -> None:
    def whole_dashboard(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the whole dashboard was built for one table")

    monkeypatch.setattr(dashboard, "build", whole_dashboard)
    assert get(client, f"/gmina/{MIRZEC}/tables/teams-by-team?period=2025", "gops.mirzec").status_code == 200
