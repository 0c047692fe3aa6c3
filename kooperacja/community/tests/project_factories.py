"""Building social projects for tests: new rows each time (never the demo's projects), so
tests filter by their own objects."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from kooperacja.community.models import BudgetLine, SocialProject
from kooperacja.institutions.models import Institution, InstitutionKind
from kooperacja.territory.models import Municipality

MIRZEC = "2611032"
_numbers = itertools.count(1)


def make_project(gmina_code: str = MIRZEC, *, lines: tuple[tuple[str, str], ...] = (), **fields: Any) -> Any:
    """A new project of the gmina carried out by its GOPS, 2024-01-01 – 2024-12-31, with the
    budget lines given as (category, planned)."""
    gmina = Municipality.objects.get(code=gmina_code)
    fields.setdefault("institution", Institution.objects.get(kind=InstitutionKind.GOPS, municipality=gmina))
    fields.setdefault("title", f"Projekt testowy {next(_numbers)}")
    fields.setdefault("goal", "Wsparcie rodzin gminy.")
    fields.setdefault("starts_on", dt.date(2024, 1, 1))
    fields.setdefault("ends_on", dt.date(2024, 12, 31))
    project = SocialProject.objects.create(municipality=gmina, **fields)
    for category, planned in lines:
        BudgetLine.objects.create(project=project, category=category, planned=Decimal(planned))
    return project
