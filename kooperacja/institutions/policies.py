"""Who may see institutions and manage their staff (DESIGN.md §1).

A platform administrator sees and edits every institution. A member of an institution (any
role) may open its page; only its managers manage its staff. Another institution is "not
found" (404); a member without the manager role asking for staff pages is "forbidden" (403).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from kooperacja.core.policies import institution_ids_with_role, is_platform_admin, memberships
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution, Membership, kind_roles

# Roles only a platform administrator gives, changes or ends: they reach beyond one institution.
PLATFORM_ROLES = frozenset({Role.ADMIN, Role.REGIONAL_ANALYST})


def can_list_institutions(user: Any) -> bool:
    """The institutions list is for administrators (all) and managers (their own)."""
    return is_platform_admin(user) or bool(institution_ids_with_role(user, Role.MANAGER))


def institutions_for_list(user: Any) -> QuerySet[Institution]:
    """Administrators see every institution; a manager the institutions they manage; others none."""
    queryset = Institution.objects.for_list().with_staff_count()
    if is_platform_admin(user):
        return queryset
    return queryset.filter(pk__in=institution_ids_with_role(user, Role.MANAGER))


def can_manage_institutions(user: Any) -> bool:
    """Creating and editing institutions (their data, territory, served gminas) is for administrators."""
    return is_platform_admin(user)


def can_manage_staff(user: Any, institution: Institution) -> bool:
    """An institution's managers manage its staff; administrators manage everyone's."""
    return is_platform_admin(user) or institution.pk in institution_ids_with_role(user, Role.MANAGER)


def is_member(user: Any, institution: Institution) -> bool:
    return any(m.institution_id == institution.pk for m in memberships(user))


def get_institution_for_user(user: Any, public_id: UUID) -> tuple[Institution, bool]:
    """(institution, may manage its staff) for an administrator or a member; anyone else gets 404."""
    try:
        institution = Institution.objects.with_territory().get(public_id=public_id)
    except Institution.DoesNotExist:
        raise Http404 from None
    if not (is_platform_admin(user) or is_member(user, institution)):
        raise Http404
    return institution, can_manage_staff(user, institution)


def get_institution_for_staff_management(user: Any, public_id: UUID) -> Institution:
    """The institution whose staff the user manages: 404 outside their scope, 403 for a non-manager member."""
    institution, may_manage = get_institution_for_user(user, public_id)
    if not may_manage:
        raise PermissionDenied
    return institution


def get_institution_for_edit(user: Any, public_id: UUID) -> Institution:
    """The institution whose data the user edits: 404 outside their scope, 403 in it but not an administrator."""
    institution, _may_manage_staff = get_institution_for_user(user, public_id)
    if not can_manage_institutions(user):
        raise PermissionDenied
    return institution


def grantable_roles(user: Any, institution: Institution) -> list[tuple[str, str]]:
    """The roles the user may give staff of this institution, as form choices.

    The institution's kind fixes its roles (a GOPS has no partner staff, a school no social
    workers); of those, a manager gives all but the platform-wide ones (regional analyst,
    administrator), which only a platform administrator gives — the administrator role only
    in the platform operator's institution (kind "other").
    """
    allowed = set(kind_roles(institution.kind))
    if not is_platform_admin(user):
        allowed -= PLATFORM_ROLES
    return [(role.value, str(role.label)) for role in Role if role in allowed]


def grantable_roles_anywhere(user: Any) -> list[tuple[str, str]]:
    """The roles the user could give in some institution: all for an administrator, else all but
    the platform-wide ones (for a form that does not yet know its institution)."""
    return [(role.value, str(role.label)) for role in Role if is_platform_admin(user) or role not in PLATFORM_ROLES]


def can_manage_membership(user: Any, membership: Membership) -> bool:
    """Whether the user may change or end this membership: a manager of its institution, unless
    its role is platform-wide (regional analyst, administrator), which is the administrators'."""
    if not can_manage_staff(user, membership.institution):
        return False
    return is_platform_admin(user) or membership.role not in PLATFORM_ROLES
