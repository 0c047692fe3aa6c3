"""Social project services: budget lines, expenses over their line (refused or accepted with a
reason), dates and amounts refused, activities with counts and linked cases, indicators, the
project's version check, the budget execution and the demo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kooperacja.cases.models import Case
from kooperacja.community import demo_projects
from kooperacja.community import projects as services
from kooperacja.community.models import (
    Activity,
    BudgetCategory,
    Expense,
    ProjectIndicator,
    ProjectStatus,
    SocialProject,
)
from kooperacja.community.tests.project_factories import MIRZEC, make_project
from kooperacja.teams.tests.factories import user

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _messages(refusal: pytest.ExceptionInfo[ValidationError], field: str) -> str:
    return " ".join(str(m) for m in refusal.value.message_dict[field])


def _spend(project: SocialProject, amount: str, **fields: object) -> Expense:
    fields.setdefault("spent_on", dt.date(2024, 3, 1))
    fields.setdefault("description", "Zakup materiałów")
    return services.add_expense(
        user("gops.mirzec"),
        project,
        line=project.budget_lines.get(),
        amount=Decimal(amount),
        **fields,  # type: ignore[arg-type]
    )


# --- Expenses ------------------------------------------------------------------------------


def test_it_books_an_expense_within_its_budget_line():
    project = make_project(lines=(("therapy", "1000"),))
    _spend(project, "600")
    _spend(project, "400")
    execution = services.budget_execution(project)
    assert (execution.planned, execution.spent, execution.remaining) == (Decimal(1000), Decimal(1000), Decimal(0))


def test_it_refuses_an_expense_over_its_line_saying_by_how_much():
    project = make_project(lines=(("therapy", "1000"),))
    _spend(project, "800")
    with pytest.raises(ValidationError) as refusal:
        _spend(project, "450.50")
    assert "250,50" in _messages(refusal, "amount")
    assert project.expenses.count() == 1


def test_it_accepts_an_overspending_with_a_reason_when_the_project_allows_it():
    project = make_project(lines=(("therapy", "1000"),), allow_overspending=True)
    with pytest.raises(ValidationError) as refusal:
        _spend(project, "1200")
    assert "200,00" in _messages(refusal, "over_budget_reason")
    assert not project.expenses.exists()
    expense = _spend(project, "1200", over_budget_reason="Dodatkowe sesje terapii dla dwóch rodzin.")
    assert expense.over_budget_reason == "Dodatkowe sesje terapii dla dwóch rodzin."
    assert services.budget_execution(project).lines[0].over


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_it_books_nothing_on_a_finished_project(status):
    project = make_project(lines=(("therapy", "1000"),), status=status)
    with pytest.raises(ValidationError):
        _spend(project, "100")
    assert project.expenses.count() == 0


def test_it_keeps_no_reason_for_an_expense_within_its_line():
    project = make_project(lines=(("therapy", "1000"),), allow_overspending=True)
    assert _spend(project, "100", over_budget_reason="niepotrzebne").over_budget_reason == ""


@pytest.mark.parametrize("amount", ["0", "-10"])
def test_it_refuses_an_amount_that_is_not_positive(amount):
    project = make_project(lines=(("therapy", "1000"),))
    with pytest.raises(ValidationError) as refusal:
        _spend(project, amount)
    assert "amount" in refusal.value.message_dict
    assert not project.expenses.exists()


@pytest.mark.parametrize("day", [dt.date(2023, 12, 31), dt.date(2025, 1, 1)])
def test_it_refuses_an_expense_dated_outside_the_project(day):
    project = make_project(lines=(("therapy", "1000"),))
    with pytest.raises(ValidationError) as refusal:
        _spend(project, "10", spent_on=day)
    assert "01.01.2024" in _messages(refusal, "spent_on")


def test_it_refuses_a_line_of_another_project():
    project = make_project(lines=(("therapy", "1000"),))
    other = make_project(lines=(("club", "1000"),))
    with pytest.raises(ValidationError):
        services.add_expense(
            user("gops.mirzec"),
            project,
            line=other.budget_lines.get(),
            spent_on=dt.date(2024, 3, 1),
            amount=Decimal(10),
            description="x",
        )


def test_it_keeps_the_document_of_an_expense_and_refuses_a_disguised_one():
    project = make_project(lines=(("therapy", "1000"),))
    expense = _spend(project, "10", document=SimpleUploadedFile("faktura.pdf", PDF_BYTES))
    assert expense.document_name == "faktura.pdf"
    assert expense.document_type == "application/pdf"
    with pytest.raises(ValidationError):
        _spend(project, "10", document=SimpleUploadedFile("faktura.pdf", b"MZ not a pdf at all"))
    assert project.expenses.count() == 1


# --- Activities ----------------------------------------------------------------------------


def _activity(project: SocialProject, actor: str = "gops.mirzec", **fields: object) -> Activity:
    fields.setdefault("title", "Warsztaty dla rodziców")
    fields.setdefault("starts_on", dt.date(2024, 2, 1))
    return services.add_activity(user(actor), project, **fields)  # type: ignore[arg-type]


def test_it_records_an_activity_with_counts_by_group():
    activity = _activity(make_project(), ends_on=dt.date(2024, 2, 2), adults=10, children=4, seniors=2, disabled=1)
    assert (activity.adults, activity.children, activity.seniors, activity.disabled) == (10, 4, 2, 1)


def test_it_refuses_an_activity_ending_before_it_starts():
    project = make_project()
    with pytest.raises(ValidationError) as refusal:
        _activity(project, ends_on=dt.date(2024, 1, 15))
    assert "ends_on" in refusal.value.message_dict
    assert not project.activities.exists()


def test_it_refuses_negative_counts_and_dates_outside_the_project():
    project = make_project()
    with pytest.raises(ValidationError) as refusal:
        _activity(project, starts_on=dt.date(2025, 2, 1), adults=-1)
    assert {"starts_on", "adults"} <= set(refusal.value.message_dict)
    assert not project.activities.exists()


def _mirzec_case_led_by(username: str) -> Case:
    case = Case.objects.open().filter(municipality__code=MIRZEC, lead_worker=user(username)).first()
    assert case is not None, "the demo has open Mirzec cases led by gops.mirzec"
    return case


def test_it_links_only_cases_the_user_works_on():
    project = make_project()
    case = _mirzec_case_led_by("gops.mirzec")
    assert list(_activity(project, cases=[case]).cases.all()) == [case]
    with pytest.raises(ValidationError) as refusal:
        _activity(project, actor="kolega.mirzec", cases=[case])
    assert "cases" in refusal.value.message_dict
    assert project.activities.count() == 1


# --- Indicators, budget lines, the project ---------------------------------------------------


def test_it_records_indicators_and_what_they_achieved():
    project = make_project()
    indicator = services.add_indicator(
        user("gops.mirzec"), project, kind="output", name="Osoby objęte poradnictwem", unit="osoby", target=Decimal(40)
    )
    services.record_achieved(user("gops.mirzec"), project, indicator, Decimal(42))
    assert ProjectIndicator.objects.get(pk=indicator.pk).achieved == 42
    with pytest.raises(ValidationError):
        services.record_achieved(user("gops.mirzec"), project, indicator, Decimal(-1))
    with pytest.raises(ValidationError):
        services.add_indicator(user("gops.mirzec"), project, kind="result", name="", unit="", target=Decimal(-5))


def test_it_refuses_a_negative_budget_line():
    project = make_project()
    with pytest.raises(ValidationError):
        services.add_budget_line(user("gops.mirzec"), project, category="club", name="", planned=Decimal(-1))
    assert not project.budget_lines.exists()


def _edit(project: SocialProject, version: int | None, **changes: object) -> SocialProject:
    fields = {name: getattr(project, name) for name in services.PROJECT_FIELDS} | changes
    return services.update_project(user("gops.mirzec"), project, version=version, **fields)


def test_it_saves_the_project_only_on_the_version_opened():
    project = make_project()
    saved = _edit(project, project.version, status=ProjectStatus.RUNNING)
    assert (saved.status, saved.version) == (ProjectStatus.RUNNING, project.version + 1)
    with pytest.raises(services.StaleProject):
        _edit(project, project.version, status=ProjectStatus.COMPLETED)
    assert SocialProject.objects.get(pk=project.pk).status == ProjectStatus.RUNNING


def test_it_refuses_new_dates_that_leave_expenses_outside():
    project = make_project(lines=(("therapy", "1000"),))
    _spend(project, "10", spent_on=dt.date(2024, 11, 1))
    with pytest.raises(ValidationError) as refusal:
        _edit(project, project.version, ends_on=dt.date(2024, 6, 30))
    assert "starts_on" in refusal.value.message_dict
    with pytest.raises(ValidationError):
        _edit(project, project.version, ends_on=dt.date(2023, 6, 30))


def test_it_starts_a_project_only_in_a_gmina_where_the_institution_works():
    from kooperacja.territory.models import Municipality

    gops = user("gops.mirzec").memberships.get().institution
    common: dict[str, Any] = {
        "title": "Nowy projekt",
        "goal": "Cel",
        "starts_on": dt.date(2024, 1, 1),
        "ends_on": dt.date(2024, 6, 1),
    }
    project = services.create_project(
        user("gops.mirzec"), institution=gops, municipality=Municipality.objects.get(code=MIRZEC), **common
    )
    assert project.created_by == user("gops.mirzec")
    with pytest.raises(ValidationError) as refusal:
        services.create_project(
            user("gops.mirzec"), institution=gops, municipality=Municipality.objects.get(code="2602052"), **common
        )
    assert "municipality" in refusal.value.message_dict


# --- The demo --------------------------------------------------------------------------------


def test_the_demo_gives_each_pilot_gmina_its_56_000_zl_package_once():
    demo_projects.load(lambda message: None)
    demo_projects.load(lambda message: None)
    projects = SocialProject.objects.filter(municipality__code__in=demo_projects.PILOT_GMINAS)
    assert projects.count() == 6
    for project in projects:
        execution = services.budget_execution(project)
        assert execution.planned == Decimal(56000)
        assert Decimal(50000) < execution.spent <= execution.planned
        assert project.status == ProjectStatus.COMPLETED
        assert project.institution.municipality_id == project.municipality_id
        assert {row.line.category for row in execution.lines} == set(BudgetCategory.values) - {"other"}
        assert project.activities.exists() and project.indicators.exists()
