"""Who reads and who changes a programme („Liderzy kooperacji” and any later one).

- Every signed-in user reads every programme: it holds no personal data, only institutions,
  units, dates and money. Anonymous users are sent to sign in.
- A programme is defined (and its own name, funding, dates and total budget changed) only by
  platform administrators.
- Its partners, phases, milestones, participating units and spending are kept by
  administrators and by regional analysts of an institution that is a partner of that
  programme (the ROPS/MCPS that carry it out).

An unknown programme or milestone is "not found" (404); an action the user may not take on a
programme they read is "forbidden" (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kooperacja.community.models import Milestone, Programme, ProgrammePartner
from kooperacja.core.policies import institution_ids_with_role, is_platform_admin
from kooperacja.core.roles import Role


@dataclass(frozen=True)
class ProgrammeAccess:
    """What the user may do with one programme they read."""

    defines: bool
    keeps: bool


def may_define(user: Any) -> bool:
    """Only administrators define a new programme."""
    return getattr(user, "is_authenticated", False) and is_platform_admin(user)


def programme_access(user: Any, programme: Programme) -> ProgrammeAccess:
    if is_platform_admin(user):
        return ProgrammeAccess(defines=True, keeps=True)
    analyst_of = institution_ids_with_role(user, Role.REGIONAL_ANALYST)
    partner = (
        bool(analyst_of)
        and ProgrammePartner.objects.filter(programme=programme, institution_id__in=analyst_of).exists()
    )
    return ProgrammeAccess(defines=False, keeps=partner)


def require_defines(access: ProgrammeAccess) -> None:
    if not access.defines:
        raise PermissionDenied


def require_keeps(access: ProgrammeAccess) -> None:
    if not access.keeps:
        raise PermissionDenied


def get_programme_for_user(user: Any, public_id: UUID | str) -> tuple[Programme, ProgrammeAccess]:
    """(programme, access) for a signed-in user; 404 when there is no such programme."""
    try:
        programme = Programme.objects.get(public_id=public_id)
    except (Programme.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    return programme, programme_access(user, programme)


def get_milestone_for_user(user: Any, public_id: UUID | str) -> tuple[Milestone, ProgrammeAccess]:
    try:
        milestone = Milestone.objects.select_related("phase__programme").get(public_id=public_id)
    except (Milestone.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    return milestone, programme_access(user, milestone.phase.programme)
