"""Every query a dashboard runs on a table with case data filters by territory (DESIGN.md §3:
the property that lets the data shard by gmina)."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kooperacja.evaluation import dashboard, periods, scope

CASE_DATA_APPS = ("cases", "assessment", "plans")
TERRITORY_COLUMNS = ("municipality_id", "county_id", "voivodeship_id")


def _case_data_tables() -> set[str]:
    """Tables of the case-data apps whose rows carry their gmina."""
    return {
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label in CASE_DATA_APPS
        and any(field.name == "municipality" for field in model._meta.get_fields())
    }


@pytest.mark.parametrize("level", ["gmina", "powiat", "voivodeship"])
def test_it_filters_every_query_on_case_data_by_territory(level, fresh_powiat):
    unit = {
        "gmina": scope.gmina_scope(fresh_powiat.north),
        "powiat": scope.powiat_scope(fresh_powiat.county),
        "voivodeship": scope.find("voivodeship", "26"),
    }[level]
    assert unit is not None
    tables = _case_data_tables()
    with CaptureQueriesContext(connection) as captured:
        dashboard.build(unit, periods.parse("2025"))
    unfiltered = _unfiltered([query["sql"] for query in captured.captured_queries], tables)
    assert not unfiltered, "queries on case data without a territory filter:\n" + "\n\n".join(unfiltered)


def _unfiltered(queries: list[str], tables: set[str]) -> list[str]:
    """The queries that read a case-data table with no territory column in a condition (a
    column only selected does not count)."""
    found = []
    for sql in queries:
        used = any(name in tables for name in re.findall(r'"(\w+)"', sql))
        conditions = " ".join(re.split(r"\b(?:WHERE|ON)\b", sql)[1:])
        if used and not any(column in conditions for column in TERRITORY_COLUMNS):
            found.append(sql)
    return found


def test_it_tells_a_selected_gmina_from_a_filter():
    tables = {"cases_case"}
    selected = 'SELECT "cases_case"."municipality_id" FROM "cases_case" WHERE "cases_case"."status" = \'open\''
    filtered = 'SELECT COUNT(*) FROM "cases_case" WHERE "cases_case"."municipality_id" = 7'
    assert _unfiltered([selected, filtered], tables) == [selected]
