"""Social project pages: the list with its filters and query count, starting and editing a
project (bad input, the conflict page), readers refused changes, expenses with documents,
activities with linked cases shown only within the cases app's rules, the PDF and the XLSX."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, override
from openpyxl import load_workbook

from kooperacja.cases.models import Case
from kooperacja.community import projects as services
from kooperacja.community.models import ProjectStatus, SocialProject
from kooperacja.community.tests.project_factories import MIRZEC, make_project
from kooperacja.core.models import AuditEvent
from kooperacja.teams.tests.factories import user

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def said(response, message: str) -> bool:
    """Whether the page shows the message (in Polish once translated, else in English)."""
    with override("pl"):
        return escape(gettext(message)) in response.content.decode()


def url(name: str, project: SocialProject) -> str:
    return reverse(f"community:{name}", args=[project.public_id])


def query_count(client, address: str) -> int:
    client.get(address)
    with CaptureQueriesContext(connection) as queries:
        client.get(address)
    return len(queries.captured_queries)


# --- The list --------------------------------------------------------------------------------


def test_it_lists_projects_of_the_users_gminas_only(client, login_as):
    project = make_project(title="Projekt widoczny w Mircu")
    login_as("szkola.mirzec")
    assert project.title in client.get(reverse("community:projects")).content.decode()
    login_as("gops.oksa")
    assert project.title not in client.get(reverse("community:projects")).content.decode()


def test_it_filters_the_list_by_gmina_and_status(client, login_as):
    running = make_project(title="Projekt w toku", status=ProjectStatus.RUNNING)
    planned = make_project(title="Projekt planowany")
    elsewhere = make_project("2602052", title="Projekt w Oksie")
    login_as("admin")
    page = client.get(reverse("community:projects"), {"gmina": MIRZEC, "status": "running"}).content.decode()
    assert running.title in page and planned.title not in page
    page = client.get(reverse("community:projects"), {"gmina": "2602052"}).content.decode()
    assert running.title not in page and elsewhere.title in page


def test_it_lists_projects_in_a_fixed_number_of_queries(client, login_as):
    make_project(lines=(("club", "100"),))
    login_as("gops.mirzec")
    few = query_count(client, reverse("community:projects"))
    for _ in range(3):
        make_project(lines=(("club", "100"), ("therapy", "50")))
    assert query_count(client, reverse("community:projects")) == few


# --- Starting and editing ----------------------------------------------------------------------


def test_it_starts_a_project_and_refuses_bad_input(client, login_as):
    login_as("gops.mirzec")
    gops = user("gops.mirzec").memberships.get().institution
    data = {
        "institution": gops.pk,
        "municipality": MIRZEC,
        "title": "Klub seniora w Mircu",
        "goal": "Aktywizacja osób starszych.",
        "starts_on": "2024-05-01",
        "ends_on": "2024-04-01",
        "status": "planned",
    }
    response = client.post(reverse("community:project_create"), data)
    assert response.status_code == 400
    assert said(response, "The project cannot end before it starts.")
    assert not SocialProject.objects.filter(title="Klub seniora w Mircu").exists()
    response = client.post(reverse("community:project_create"), data | {"ends_on": "2024-12-31"})
    project = SocialProject.objects.get(title="Klub seniora w Mircu")
    assert response.status_code == 302 and project.institution == gops


def test_it_refuses_readers_any_change(client, login_as):
    project = make_project(lines=(("club", "100"),))
    login_as("policja.mirzec")
    for name in ("project_budget", "project_expenses", "project_activities", "project_indicators"):
        assert client.post(url(name, project), {}).status_code == 403
    assert client.get(url("project_edit", project)).status_code == 403
    page = client.get(url("project_expenses", project)).content.decode()
    assert 'enctype="multipart/form-data"' not in page


def _edit_data(project: SocialProject, **changes: str) -> dict[str, object]:
    return {
        "title": project.title,
        "goal": project.goal,
        "starts_on": project.starts_on.isoformat(),
        "ends_on": project.ends_on.isoformat(),
        "status": project.status,
        "version": project.version,
    } | changes


def test_it_shows_the_conflict_when_someone_saved_the_project_meanwhile(client, login_as):
    project = make_project()
    login_as("gops.mirzec")
    opened = _edit_data(project, status="running")
    assert client.post(url("project_edit", project), opened).status_code == 302
    response = client.post(url("project_edit", project), opened | {"title": "Inny tytuł", "status": "completed"})
    assert response.status_code == 409
    assert said(response, "Someone else saved this record while you were editing it")
    saved = SocialProject.objects.get(pk=project.pk)
    assert (saved.title, saved.status) == (project.title, ProjectStatus.RUNNING)


# --- Budget and expenses ---------------------------------------------------------------------


def test_it_shows_the_budget_execution_as_a_chart_and_a_table(client, login_as):
    project = make_project(lines=(("club", "1000"), ("therapy", "500")))
    services.add_expense(
        user("gops.mirzec"),
        project,
        line=project.budget_lines.get(category="club"),
        spent_on=dt.date(2024, 2, 1),
        amount=Decimal("250"),
        description="Wyposażenie klubu",
    )
    login_as("rops.kielce")
    page = client.get(url("project_budget", project)).content.decode()
    assert "<svg" in page and "25%" in page
    assert "750,00" in page  # remaining on the club's line
    assert '<form method="post"' not in page  # analysts read only


def test_it_refuses_an_expense_over_its_line_on_the_page_and_saves_nothing(client, login_as):
    project = make_project(lines=(("club", "100"),))
    login_as("lider.mirzec")
    data = {
        "line": project.budget_lines.get().pk,
        "spent_on": "2024-03-01",
        "amount": "130,00",
        "description": "Zakup gier",
    }
    response = client.post(url("project_expenses", project), data)
    assert response.status_code == 400
    assert "30,00" in response.content.decode()
    assert not project.expenses.exists()
    response = client.post(url("project_expenses", project), data | {"amount": "-5"})
    assert response.status_code == 400 and not project.expenses.exists()


def test_it_accepts_an_amount_typed_with_spaces_between_thousands(client, login_as):
    project = make_project(lines=(("club", "5000"),))
    login_as("gops.mirzec")
    data = {"line": project.budget_lines.get().pk, "spent_on": "2024-03-01", "description": "Zakup gier"}
    assert client.post(url("project_expenses", project), data | {"amount": "1 250,50"}).status_code == 302
    assert project.expenses.get().amount == Decimal("1250.50")


def test_it_keeps_an_expense_document_and_audits_its_download(client, login_as):
    project = make_project(lines=(("club", "100"),))
    login_as("gops.mirzec")
    data = {
        "line": project.budget_lines.get().pk,
        "spent_on": "2024-03-01",
        "amount": "50",
        "description": "Zakup gier",
        "document": SimpleUploadedFile("rachunek.pdf", PDF_BYTES),
    }
    assert client.post(url("project_expenses", project), data).status_code == 302
    expense = project.expenses.get()
    login_as("szkola.mirzec")
    response = client.get(reverse("community:expense_document", args=[expense.public_id]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert AuditEvent.objects.filter(object_id=str(expense.public_id), action="view").exists()
    login_as("gops.oksa")
    assert client.get(reverse("community:expense_document", args=[expense.public_id])).status_code == 404


def _expense_with_document(client, project: SocialProject) -> Any:
    data = {
        "line": project.budget_lines.get().pk,
        "spent_on": "2024-03-01",
        "amount": "50",
        "description": "Zakup gier",
        "document": SimpleUploadedFile("rachunek.pdf", PDF_BYTES),
    }
    assert client.post(url("project_expenses", project), data).status_code == 302
    return project.expenses.get()


def test_it_withdraws_an_expense_booked_in_error_with_its_document_and_a_reason(
    client, login_as, django_capture_on_commit_callbacks
):
    project = make_project(lines=(("club", "100"),))
    login_as("gops.mirzec")
    expense = _expense_with_document(client, project)
    stored = expense.document.name
    withdraw = reverse("community:expense_withdraw", args=[expense.public_id])
    assert withdraw in client.get(url("project_expenses", project)).content.decode()
    assert "Zakup gier" in client.get(withdraw).content.decode()
    response = client.post(withdraw, {"reason": ""})
    assert response.status_code == 400 and said(response, "Say why the expense is withdrawn.")
    assert project.expenses.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(withdraw, {"reason": "Pomyłka: faktura innego projektu"}).status_code == 302
    assert not project.expenses.exists()
    assert not expense.document.storage.exists(stored)
    event = AuditEvent.objects.get(object_id=str(expense.public_id), action="delete")
    assert event.details["reason"] == "Pomyłka: faktura innego projektu" and event.details["amount"] == "50.00"
    assert client.get(withdraw).status_code == 404


def test_it_keeps_the_expenses_of_a_completed_project_and_lets_readers_only_look(client, login_as):
    project = make_project(lines=(("club", "100"),))
    login_as("gops.mirzec")
    expense = _expense_with_document(client, project)
    withdraw = reverse("community:expense_withdraw", args=[expense.public_id])
    login_as("szkola.mirzec")
    assert client.post(withdraw, {"reason": "x"}).status_code == 403
    SocialProject.objects.filter(pk=project.pk).update(status=ProjectStatus.COMPLETED)
    login_as("gops.mirzec")
    assert withdraw not in client.get(url("project_expenses", project)).content.decode()
    response = client.post(withdraw, {"reason": "Pomyłka"})
    assert response.status_code == 400
    assert project.expenses.filter(pk=expense.pk).exists()


# --- Activities and indicators -----------------------------------------------------------------


def test_it_shows_a_linked_case_by_name_only_to_those_the_cases_app_lets_know_it(client, login_as):
    project = make_project()
    case = Case.objects.open().filter(municipality__code=MIRZEC, lead_worker=user("gops.mirzec")).first()
    assert case is not None, "the demo has open Mirzec cases led by gops.mirzec"
    login_as("gops.mirzec")
    data = {"title": "Warsztaty", "starts_on": "2024-02-01", "adults": 3, "children": 0, "seniors": 0, "disabled": 0}
    assert client.post(url("project_activities", project), data | {"cases": [case.public_id]}).status_code == 302
    assert case.title in client.get(url("project_activities", project)).content.decode()
    login_as("policja.mirzec")
    page = client.get(url("project_activities", project))
    assert case.title not in page.content.decode()
    assert said(page, "a case")


def test_it_audits_the_activities_page_once_naming_every_person_of_the_cases_it_named(client, login_as):
    project = make_project()
    cases = list(Case.objects.open().filter(municipality__code=MIRZEC, lead_worker=user("gops.mirzec"))[:2])
    assert len(cases) == 2, "the demo has two open Mirzec cases led by gops.mirzec"
    for case in cases:
        services.add_activity(user("gops.mirzec"), project, title="Klub", starts_on=dt.date(2024, 2, 1), cases=[case])
    login_as("gops.mirzec")
    before = AuditEvent.objects.count()
    client.get(url("project_activities", project))
    events = list(AuditEvent.objects.order_by("pk")[before:])
    assert [event.action for event in events] == ["list"]
    expected = {person.pk for case in cases for person in case.persons()}
    assert set(events[0].persons) == expected


def test_it_refuses_an_activity_with_negative_counts_or_ending_before_it_starts(client, login_as):
    project = make_project()
    login_as("gops.mirzec")
    data = {"title": "Warsztaty", "starts_on": "2024-02-01", "ends_on": "2024-01-01", "adults": -2}
    response = client.post(url("project_activities", project), data | {"children": 0, "seniors": 0, "disabled": 0})
    assert response.status_code == 400
    assert said(response, "A number of participants cannot be negative.")
    assert not project.activities.exists()


def test_it_records_an_indicator_and_its_achieved_value(client, login_as):
    project = make_project()
    login_as("kolega.mirzec")
    data = {"kind": "output", "name": "Osoby objęte poradnictwem", "unit": "osoby", "target": "40", "achieved": "0"}
    assert client.post(url("project_indicators", project), data).status_code == 302
    indicator = project.indicators.get()
    achieved = reverse("community:project_indicator_achieved", args=[project.public_id])
    assert client.post(achieved, {"indicator": indicator.pk, "achieved": "-3"}).status_code == 400
    assert client.post(achieved, {"indicator": indicator.pk, "achieved": "38"}).status_code == 302
    indicator.refresh_from_db()
    assert indicator.achieved == 38


# --- Report and export -------------------------------------------------------------------------


def test_it_prints_the_report_and_exports_the_workbook(client, login_as):
    project = make_project(lines=(("club", "1000"),))
    services.add_expense(
        user("gops.mirzec"),
        project,
        line=project.budget_lines.get(),
        spent_on=dt.date(2024, 2, 1),
        amount=Decimal("250"),
        description='=HYPERLINK("x")',
    )
    login_as("pcpr.starachowice")
    pdf = client.get(url("project_pdf", project))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = client.get(url("project_xlsx", project))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]
    assert project.title in cells and 250 in cells
    assert '\'=HYPERLINK("x")' in cells
    assert AuditEvent.objects.filter(object_id=str(project.public_id), action__in=["print", "export"]).count() == 2
