"""The social projects section: the budget planned for the projects running in the period, what
they spent in it, and how much of the budget was executed by its end, in total and per project."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from kooperacja.community.models import BudgetCategory, Expense, ProjectStatus, SocialProject
from kooperacja.community.tests.project_factories import make_project
from kooperacja.evaluation import dashboard
from kooperacja.evaluation.dashboard import Chart
from kooperacja.evaluation.periods import Period, Unit
from kooperacja.evaluation.scope import Scope, gmina_scope, powiat_scope

YEAR_2024 = Period(2024, Unit.YEAR, 1)
Q2_2024 = Period(2024, Unit.QUARTER, 2)


def _section(scope: Scope, period: Period) -> dashboard.Section:
    (section,) = dashboard.build(scope, period, only=lambda builder: builder.key == "projects").sections
    return section


def _headlines(scope: Scope, period: Period) -> dict[str, Any]:
    return {comparison.now.key: comparison.now.figure.value for comparison in _section(scope, period).comparisons}


def _project(gmina: Any, institution: Any, *planned: str, **fields: Any) -> SocialProject:
    lines = tuple((BudgetCategory.WORKSHOPS, amount) for amount in planned)
    return make_project(gmina.code, institution=institution, lines=lines, **fields)


def _spend(project: SocialProject, day: dt.date, amount: str) -> Expense:
    return Expense.objects.create(
        project=project,
        line=project.budget_lines.order_by("id")[0],
        spent_on=day,
        amount=Decimal(amount),
        description="Zakup",
    )


def test_it_sums_the_budgets_of_the_projects_running_in_the_period(fresh_powiat):
    north, gops = fresh_powiat.north, fresh_powiat.gops_north
    _project(north, gops, "30000.00", "26000.00")  # the whole of 2024
    _project(north, gops, "10000.00", starts_on=dt.date(2023, 1, 1), ends_on=dt.date(2024, 3, 31))
    _project(north, gops, "5000.00", starts_on=dt.date(2024, 7, 1), ends_on=dt.date(2025, 6, 30))
    _project(north, gops, "7000.00", status=ProjectStatus.CANCELLED)
    scope = gmina_scope(north)

    assert _headlines(scope, YEAR_2024)["planned"] == Decimal("71000.00")
    assert _headlines(scope, Q2_2024)["planned"] == Decimal("56000.00")


def test_it_shows_what_was_spent_in_the_period_and_the_budget_executed_by_its_end(fresh_powiat):
    north, gops = fresh_powiat.north, fresh_powiat.gops_north
    project = _project(north, gops, "40000.00")
    _spend(project, dt.date(2024, 3, 31), "10000.00")
    _spend(project, dt.date(2024, 4, 1), "4000.00")
    _spend(project, dt.date(2024, 6, 30), "2000.50")
    _spend(project, dt.date(2024, 7, 1), "8000.00")

    figures = _headlines(gmina_scope(north), Q2_2024)

    assert figures["spent"] == Decimal("6000.50")
    assert figures["executed"] == 40  # 16 000,50 of 40 000 by 30 June


def test_it_counts_only_the_projects_of_the_territory(fresh_powiat):
    north, south = fresh_powiat.north, fresh_powiat.south
    _spend(_project(north, fresh_powiat.gops_north, "1000.00"), dt.date(2024, 5, 1), "100.00")
    _spend(_project(south, fresh_powiat.gops_south, "3000.00"), dt.date(2024, 5, 1), "300.00")

    north_figures = _headlines(gmina_scope(north), YEAR_2024)
    powiat_figures = _headlines(powiat_scope(fresh_powiat.county), YEAR_2024)

    assert (north_figures["planned"], north_figures["spent"]) == (Decimal("1000.00"), Decimal("100.00"))
    # The powiat holds both of its gminas and none of the demo's pilot packages.
    assert (powiat_figures["planned"], powiat_figures["spent"]) == (Decimal("4000.00"), Decimal("400.00"))


def test_it_shows_no_execution_where_no_project_runs(fresh_powiat):
    figures = _headlines(gmina_scope(fresh_powiat.north), YEAR_2024)

    assert figures == {"planned": Decimal("0.00"), "spent": Decimal("0.00"), "executed": None}


def test_it_lists_each_project_with_its_budget_execution_as_bars(fresh_powiat):
    north, south = fresh_powiat.north, fresh_powiat.south
    first = _project(north, fresh_powiat.gops_north, "20000.00", title="Klub rodzica")
    _spend(first, dt.date(2024, 2, 1), "5000.00")
    _spend(first, dt.date(2024, 5, 1), "1000.00")
    _project(south, fresh_powiat.gops_south, "8000.00", title="Wolontariat seniorów")
    _project(south, fresh_powiat.gops_south, "9000.00", title="Odwołany", status=ProjectStatus.CANCELLED)

    (table,) = _section(powiat_scope(fresh_powiat.county), Q2_2024).tables

    # The bars draw the share of the budget executed.
    assert (table.key, table.chart, table.chart_column) == ("projects-by-project", Chart.BARS, 3)
    assert table.export_rows() == [
        ["Wolontariat seniorów (Południe)", Decimal("8000.00"), Decimal("0.00"), Decimal("0.00"), 0],
        ["Klub rodzica (Północ)", Decimal("20000.00"), Decimal("1000.00"), Decimal("6000.00"), 30],
    ]


def _projects(fresh_powiat: Any, count: int) -> None:
    for number in range(count):
        for gmina, gops in (
            (fresh_powiat.north, fresh_powiat.gops_north),
            (fresh_powiat.south, fresh_powiat.gops_south),
        ):
            project = _project(gmina, gops, "1000.00", "2000.00", title=f"Projekt {number}")
            _spend(project, dt.date(2024, 4, 1 + number), "100.00")
            _spend(project, dt.date(2024, 1, 1 + number), "50.00")


@pytest.mark.parametrize("count", [1, 6])
def test_it_reads_the_section_in_a_fixed_number_of_queries(fresh_powiat, django_assert_max_num_queries, count):
    _projects(fresh_powiat, count)
    powiat = powiat_scope(fresh_powiat.county)

    # Two queries of headlines for the period and two for the one before, one for the table.
    with django_assert_max_num_queries(5):
        section = _section(powiat, Q2_2024)

    assert section.comparisons[1].now.figure.value == Decimal("100.00") * 2 * count
    assert len(section.tables[0].rows) == 2 * count
