"""/api/v1/indicators and /api/v1/projects: the community diagnosis and social projects.

- Indicators are official yearly figures per gmina (diagnoza środowiskowa): every holder with
  a role reads those of every gmina (`indicator_policies.reads_indicators`), as on the site.
  The platform's own aggregates shown beside them on the site are not given here: the
  dashboards (`/aggregates`) publish those, protected.
- Social projects are read as `project_policies` lets: staff of institutions located in or
  serving the gmina, animators of its powiat, analysts of its voivodeship, administrators;
  404 for anyone else. A project holds counts and money, never a person; the cases linked to
  its activities are not given here.

Read only: projects and figures are entered on the site, where the forms explain each refusal.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from kooperacja.api.errors import ApiError
from kooperacja.api.lists import UnitRef, check_gmina_code, known_gmina, page_of, unit
from kooperacja.api.paging import PageNumberPaging
from kooperacja.api.schemas import InstitutionRef
from kooperacja.community import projects as project_service
from kooperacja.community.indicator_policies import reads_indicators
from kooperacja.community.models import (
    BudgetCategory,
    CommunityIndicator,
    IndicatorDefinition,
    IndicatorGroup,
    IndicatorKind,
    ProjectStatus,
    SocialProject,
    SocialProjectQuerySet,
)
from kooperacja.community.project_policies import get_project_for_user, uses_projects, visible_projects

router = Router(tags=["community"])


# --- Indicators ---------------------------------------------------------------------------------


class IndicatorRef(Schema):
    code: str
    name: str
    group: IndicatorGroup
    unit: str


class IndicatorOut(Schema):
    gmina: UnitRef
    year: int
    indicator: IndicatorRef
    value: Decimal
    source: str


class IndicatorPageOut(Schema):
    items: list[IndicatorOut]
    count: int


class IndicatorFilters(Schema):
    gmina: str | None = Field(None, pattern=r"^\d{7}$", description="7-digit TERYT code of a gmina.")
    year: int | None = Field(None, ge=1990, le=2100, description="Only figures of this year.")
    indicator: str | None = Field(None, max_length=60, description="Only this indicator (its code).")

    @field_validator("gmina", mode="before")
    @classmethod
    def _gmina_code(cls, value: Any) -> Any:
        return check_gmina_code(value)


@router.get("/indicators", response=IndicatorPageOut, summary="Community indicators of gminas by year")
def indicator_list(
    request: HttpRequest, filters: Query[IndicatorFilters], paging: Query[PageNumberPaging.Input]
) -> dict[str, Any]:
    """By gmina, year (newest first) and the indicator's order. An unknown gmina or indicator
    code answers 422 naming the field."""
    if not reads_indicators(request.user):
        raise ApiError(403)
    figures = CommunityIndicator.objects.all()
    gmina = known_gmina(filters.gmina)
    if gmina is not None:
        figures = figures.filter(municipality=gmina)
    if filters.year is not None:
        figures = figures.filter(year=filters.year)
    if filters.indicator:
        if not IndicatorDefinition.objects.filter(code=filters.indicator).exists():
            raise ApiError(422, errors=[("indicator", str(_("No indicator has this code.")))])
        figures = figures.filter(indicator__code=filters.indicator)
    figures = figures.select_related("municipality", "indicator").order_by(
        "municipality__code", "-year", "indicator__position", "indicator__code", "id"
    )
    page, count = page_of(figures, paging)
    return {
        "items": [
            {
                "gmina": unit(row.municipality),
                "year": row.year,
                "indicator": {
                    "code": row.indicator.code,
                    "name": row.indicator.name,
                    "group": row.indicator.group,
                    "unit": row.indicator.unit,
                },
                "value": row.value,
                "source": row.source,
            }
            for row in page
        ],
        "count": count,
    }


# --- Social projects ----------------------------------------------------------------------------


class RefOut(Schema):
    id: UUID
    name: str


class ProjectItemOut(Schema):
    id: UUID
    title: str
    gmina: UnitRef
    institution: InstitutionRef = Field(description="The institution that carries the project out.")
    status: ProjectStatus
    starts_on: dt.date
    ends_on: dt.date
    planned: Decimal = Field(description="The budget planned, in złoty.")
    spent: Decimal = Field(description="The expenses recorded, in złoty.")


class ProjectPageOut(Schema):
    items: list[ProjectItemOut]
    count: int


class BudgetLineOut(Schema):
    category: BudgetCategory
    category_name: str
    name: str
    planned: Decimal
    spent: Decimal
    remaining: Decimal
    share: int | None = Field(description="Per cent of the plan spent; null for a line planned at 0.")


class ExecutionOut(Schema):
    planned: Decimal
    spent: Decimal
    remaining: Decimal
    share: int | None = Field(description="Per cent of the plan spent; null when nothing is planned.")


class ProjectIndicatorOut(Schema):
    kind: IndicatorKind
    name: str
    unit: str
    target: Decimal
    achieved: Decimal


class ProjectOut(ProjectItemOut):
    goal: str
    target_group: str
    team: RefOut | None
    programme: RefOut | None
    budget_lines: list[BudgetLineOut]
    execution: ExecutionOut
    indicators: list[ProjectIndicatorOut]
    version: int


class ProjectFilters(Schema):
    gmina: str | None = Field(None, pattern=r"^\d{7}$", description="7-digit TERYT code of the project's gmina.")
    status: ProjectStatus | None = Field(None, description="Only projects in this state.")

    @field_validator("gmina", mode="before")
    @classmethod
    def _gmina_code(cls, value: Any) -> Any:
        return check_gmina_code(value)


def _project_item(project: SocialProject, planned: Decimal, spent: Decimal) -> dict[str, Any]:
    return {
        "id": project.public_id,
        "title": project.title,
        "gmina": unit(project.municipality),
        "institution": {"id": project.institution.public_id, "name": project.institution.name},
        "status": project.status,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "planned": planned,
        "spent": spent,
    }


@router.get("/projects", response=ProjectPageOut, summary="Social projects the token's holder reads")
def project_list(
    request: HttpRequest, filters: Query[ProjectFilters], paging: Query[PageNumberPaging.Input]
) -> dict[str, Any]:
    """Newest first, with the budget planned and spent."""
    if not uses_projects(request.user):
        raise ApiError(403)
    projects = visible_projects(request.user)
    gmina = known_gmina(filters.gmina)
    if gmina is not None:
        projects = projects.filter(municipality=gmina)
    if filters.status:
        projects = projects.filter(status=filters.status)
    # `visible_projects` is typed as a plain QuerySet; what it returns is SocialProject's own.
    rows = (
        cast(SocialProjectQuerySet, projects)
        .with_totals()
        .select_related("municipality", "institution")
        .order_by("-starts_on", "title", "id")
    )
    page, count = page_of(rows, paging)
    return {
        "items": [
            _project_item(project, project.planned_total, project.spent_total)  # type: ignore[attr-defined]
            for project in page
        ],
        "count": count,
    }


@router.get("/projects/{id}", response=ProjectOut, summary="One social project: budget lines and their execution")
def project_detail(request: HttpRequest, id: UUID) -> dict[str, Any]:
    project, _access = get_project_for_user(request.user, id)
    execution = project_service.budget_execution(project)
    return {
        **_project_item(project, execution.planned, execution.spent),
        "goal": project.goal,
        "target_group": project.target_group,
        "team": {"id": project.team.public_id, "name": project.team.name} if project.team else None,
        "programme": (
            {"id": project.programme.public_id, "name": project.programme.name} if project.programme else None
        ),
        "budget_lines": [
            {
                "category": row.line.category,
                "category_name": row.line.get_category_display(),
                "name": row.line.name,
                "planned": row.planned,
                "spent": row.spent,
                "remaining": row.remaining,
                "share": row.share,
            }
            for row in execution.lines
        ],
        "execution": {
            "planned": execution.planned,
            "spent": execution.spent,
            "remaining": execution.remaining,
            "share": execution.share,
        },
        "indicators": [
            {
                "kind": indicator.kind,
                "name": indicator.name,
                "unit": indicator.unit,
                "target": indicator.target,
                "achieved": indicator.achieved,
            }
            for indicator in project.indicators.order_by("kind", "id")
        ],
        "version": project.version,
    }
