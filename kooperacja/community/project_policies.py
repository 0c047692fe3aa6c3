"""Who sees and runs a social project (projekt socjalny, DESIGN.md §1).

- A project is read by the staff of institutions located in or serving its gmina, by
  animators (membership role) of its powiat, by regional analysts of its voivodeship (read
  only: a project holds counts and money, never a person) and by platform administrators.
- It is changed — the project, its budget, expenses, activities, indicators — by the managers
  and social workers of the institution that carries it out, and by administrators.

A project outside the user's scope is "not found" (404); a change by a reader is "forbidden"
(403). Cases linked to an activity are shown only through `cases.policies.case_access`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from kooperacja.community.models import Activity, Expense, SocialProject
from kooperacja.core.policies import is_platform_admin, memberships
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution

# Staff whose institution works in (or serves) the gmina read its projects.
READER_ROLES = frozenset({Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT, Role.MANAGER, Role.PARTNER_STAFF})
# Staff of the carrying institution who change its projects.
EDITOR_ROLES = frozenset({Role.MANAGER, Role.SOCIAL_WORKER})


def _institutions(user: Any, roles: frozenset[str]) -> list[Any]:
    return [m.institution for m in memberships(user) if m.role in roles]


def _scope(user: Any) -> Q:
    readers = _institutions(user, READER_ROLES)
    scope = Q(institution_id__in=[i.pk for i in readers])
    if readers:
        located = {i.municipality_id for i in readers if i.municipality_id}
        served = Institution.serves.through.objects.filter(institution_id__in=[i.pk for i in readers])
        scope |= Q(municipality_id__in=located) | Q(municipality_id__in=served.values("municipality_id"))
    counties = {i.county_id for i in _institutions(user, frozenset({Role.ANIMATOR})) if i.county_id}
    if counties:
        scope |= Q(municipality__county_id__in=counties)
    regions = {i.voivodeship_id for i in _institutions(user, frozenset({Role.REGIONAL_ANALYST})) if i.voivodeship_id}
    if regions:
        scope |= Q(municipality__county__voivodeship_id__in=regions)
    return scope


def uses_projects(user: Any) -> bool:
    """Whether the user has any role that may see projects at all (for the list and menus)."""
    wanted = READER_ROLES | {Role.ANIMATOR, Role.REGIONAL_ANALYST, Role.ADMIN}
    return any(m.role in wanted for m in memberships(user))


def visible_projects(user: Any) -> QuerySet[SocialProject]:
    """Every project the user may open."""
    if not getattr(user, "is_authenticated", False):
        return SocialProject.objects.none()
    if is_platform_admin(user):
        return SocialProject.objects.all()
    if not uses_projects(user):
        return SocialProject.objects.none()
    return SocialProject.objects.filter(_scope(user))


def carrying_institutions(user: Any) -> list[Any]:
    """The institutions whose projects the user may change (and start new ones for)."""
    return _institutions(user, EDITOR_ROLES)


def may_start_projects(user: Any) -> bool:
    return is_platform_admin(user) or bool(carrying_institutions(user))


@dataclass(frozen=True)
class ProjectAccess:
    can_edit: bool


def project_access(user: Any, project: SocialProject) -> ProjectAccess | None:
    """The user's access to a project, or None when it is outside their scope."""
    if not getattr(user, "is_authenticated", False):
        return None
    if is_platform_admin(user):
        return ProjectAccess(can_edit=True)
    if any(i.pk == project.institution_id for i in carrying_institutions(user)):
        return ProjectAccess(can_edit=True)
    if not visible_projects(user).filter(pk=project.pk).exists():
        return None
    return ProjectAccess(can_edit=False)


def require_edit(access: ProjectAccess) -> None:
    """403 unless the user may change the project."""
    if not access.can_edit:
        raise PermissionDenied


def _found(queryset: QuerySet[Any], **lookup: Any) -> Any:
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


def get_project_for_user(
    user: Any, public_id: UUID | str, *, edit: bool = False
) -> tuple[SocialProject, ProjectAccess]:
    """(project, access) for a user who may open it; 404 for anyone else, 403 when `edit` is
    asked of a reader."""
    project = _found(
        SocialProject.objects.select_related("municipality__county", "institution", "team", "programme", "created_by"),
        public_id=public_id,
    )
    access = project_access(user, project)
    if access is None:
        raise Http404
    if edit:
        require_edit(access)
    return project, access


def get_expense_for_user(user: Any, public_id: UUID | str) -> tuple[Expense, ProjectAccess]:
    expense = _found(Expense.objects.select_related("project__municipality", "line"), public_id=public_id)
    access = project_access(user, expense.project)
    if access is None:
        raise Http404
    return expense, access


def get_activity_for_user(user: Any, public_id: UUID | str) -> tuple[Activity, ProjectAccess]:
    activity = _found(Activity.objects.select_related("project__municipality"), public_id=public_id)
    access = project_access(user, activity.project)
    if access is None:
        raise Http404
    return activity, access
