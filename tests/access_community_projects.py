"""Access-matrix rows of community: social projects (see tests/access_rows.py).

The project of every row is Mirzec's, carried out by GOPS Mirzec: its manager and social
workers (lider.mirzec, gops.mirzec, kolega.mirzec) and the admin change it; staff of the
institutions located in or serving Mirzec (asystent.mirzec, pcpr.starachowice, szkola.mirzec,
policja.mirzec) and the analyst of świętokrzyskie (rops.kielce) read it (403 on changes);
GOPS Oksa and ROPS Rzeszów get 404 (DESIGN.md §1).

Projects are made by `kooperacja.community.tests.project_factories.make_project`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from tests.access_rows import ApiRow, Getter, UrlRow, answers
from tests.personas import (
    ADMIN,
    ASSISTANT,
    COLLEAGUE,
    GOPS_MIRZEC,
    GOPS_OKSA,
    LEADER,
    PCPR,
    POLICE,
    ROPS_KIELCE,
    ROPS_RZESZOW,
    SCHOOL,
)


def make_project(**fields: Any) -> Any:
    from kooperacja.community.tests.project_factories import make_project

    return make_project(**fields)


def _project_ids(persona: Getter) -> dict[str, Any]:
    return {"public_id": make_project().public_id}


def _expense_ids(persona: Getter) -> dict[str, Any]:
    from django.core.files.base import ContentFile

    from kooperacja.community.models import Expense

    project = make_project(lines=(("therapy", "1000"),))
    expense = Expense(
        project=project,
        line=project.budget_lines.get(),
        spent_on=dt.date(2024, 3, 1),
        amount=Decimal("100"),
        description="Faktura za terapię",
        document_name="faktura.pdf",
        document_type="application/pdf",
    )
    expense.document.save("faktura.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    expense.save()
    return {"public_id": expense.public_id}


EDITORS = [ADMIN, GOPS_MIRZEC, COLLEAGUE, LEADER]
READERS_ONLY = [ASSISTANT, PCPR, SCHOOL, POLICE, ROPS_KIELCE]
OUTSIDERS = [GOPS_OKSA, ROPS_RZESZOW]

READ = answers(404, dict.fromkeys(EDITORS + READERS_ONLY, 200))


def _edit(allowed: int) -> dict[str, int]:
    return answers(404, dict.fromkeys(EDITORS, allowed) | dict.fromkeys(READERS_ONLY, 403))


def _page(name: str) -> UrlRow:
    """A project page that also takes its form: readers see it, only editors post."""
    return UrlRow(name, READ, kwargs=_project_ids, wrong_method="DELETE")


def _post(name: str) -> UrlRow:
    # One row per URL name: the pages' own posts are checked in community/tests/test_projects_views.py.
    # An empty POST: editors are refused as bad input (400), readers as not allowed (403).
    return UrlRow(name, _edit(400), method="POST", kwargs=_project_ids, wrong_method="GET")


URL_ROWS: list[UrlRow] = [
    UrlRow("community:projects", answers(200)),
    UrlRow(
        "community:project_create",
        answers(403, dict.fromkeys([*EDITORS, PCPR, GOPS_OKSA], 200)),
        wrong_method="DELETE",
    ),
    UrlRow("community:project", READ, kwargs=_project_ids),
    UrlRow("community:project_edit", _edit(200), kwargs=_project_ids, wrong_method="DELETE"),
    _page("community:project_budget"),
    _page("community:project_expenses"),
    _page("community:project_activities"),
    _page("community:project_indicators"),
    _post("community:project_indicator_achieved"),
    UrlRow("community:project_pdf", READ, kwargs=_project_ids),
    UrlRow("community:project_xlsx", READ, kwargs=_project_ids),
    UrlRow("community:expense_document", READ, kwargs=_expense_ids),
    UrlRow("community:expense_withdraw", _edit(200), kwargs=_expense_ids, wrong_method="DELETE"),
]
API_ROWS: list[ApiRow] = []
