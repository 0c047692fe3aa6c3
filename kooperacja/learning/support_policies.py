"""Who reads and who records support for teams: advisory and animator consultations, focus
research and partner exchange visits.

- Read: platform administrators read everything; regional analysts every activity of their
  institution's voivodeship; whoever sees a team (`teams.policies.visible_teams`) the activities
  of that team; animators (membership role) those of their powiat's teams; staff of the
  providing institution the ones it gave. Nobody else reads any (an empty list, 404 for one).
- Record and edit: administrators (any provider, any team); regional analysts, with their
  ROPS/MCPS as the provider, for teams of its voivodeship (or for the voivodeship as a whole);
  animators, with their institution as the provider, for the teams of its powiat. The named
  animator of a team (team role) counts as an animator of that team, with the institution they
  represent in it: a PCPR worker animating a G-PZK is often not an animator by membership.

An activity the user reads but may not change answers "forbidden" (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from kooperacja.core.policies import is_platform_admin, memberships
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution
from kooperacja.learning.models import SupportActivity
from kooperacja.teams.models import Team, TeamMember, TeamRole
from kooperacja.teams.policies import visible_teams


@dataclass(frozen=True)
class Grant:
    """One way a user records support: as `provider_id` (None: any institution) for the teams
    `teams` selects; `teamless` when support for the whole voivodeship (no team) is allowed."""

    provider_id: int | None
    teams: Q
    teamless: bool = False
    voivodeship_id: int | None = None


_CACHE_ATTR = "_kooperacja_support_grants"


def grants(user: Any) -> list[Grant]:
    """Every (provider, teams) the user may record support for; empty for those who record none.
    Read once per request (kept with the memberships they come from)."""
    if not getattr(user, "is_authenticated", False):
        return []
    known = memberships(user)
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None and cached[0] is known:
        return list(cached[1])
    found = _grants(user, known)
    setattr(user, _CACHE_ATTR, (known, found))
    return list(found)


def _grants(user: Any, known: list[Any]) -> list[Grant]:
    if is_platform_admin(user):
        return [Grant(provider_id=None, teams=Q(), teamless=True)]
    found = []
    for membership in known:
        institution = membership.institution
        if membership.role == Role.REGIONAL_ANALYST:
            found.append(
                Grant(
                    provider_id=institution.pk,
                    teams=Q(county__voivodeship_id=institution.voivodeship_id),
                    teamless=True,
                    voivodeship_id=institution.voivodeship_id,
                )
            )
        elif membership.role == Role.ANIMATOR and institution.county_id:
            found.append(Grant(provider_id=institution.pk, teams=Q(county_id=institution.county_id)))
    member_institutions = {m.institution_id for m in known}
    seats = TeamMember.objects.current().filter(user=user, role=TeamRole.ANIMATOR)
    found += [
        Grant(provider_id=seat.institution_id, teams=Q(pk=seat.team_id))
        for seat in seats
        if seat.institution_id in member_institutions
    ]
    return found


def may_record(user: Any) -> bool:
    return bool(grants(user))


def providers_for(user: Any) -> QuerySet[Institution]:
    """The institutions the user may name as the provider."""
    found = grants(user)
    if any(grant.provider_id is None for grant in found):
        return Institution.objects.filter(is_active=True)
    return Institution.objects.filter(pk__in={grant.provider_id for grant in found})


def teams_for(user: Any) -> QuerySet[Team]:
    """The teams the user may record support for (with any of their providers)."""
    found = grants(user)
    if not found:
        return Team.objects.none()
    if any(grant.provider_id is None for grant in found):
        return Team.objects.all()
    scope = found[0].teams
    for grant in found[1:]:
        scope |= grant.teams
    return Team.objects.filter(scope)


def may_record_for(user: Any, provider: Institution, team: Team | None) -> bool:
    """Whether the user may record support given by `provider` to `team` (None: the voivodeship)."""
    for grant in grants(user):
        if grant.provider_id is not None and grant.provider_id != provider.pk:
            continue
        if team is None:
            if grant.teamless:
                return True
        elif Team.objects.filter(grant.teams, pk=team.pk).exists():
            return True
    return False


def filter_teams(user: Any) -> QuerySet[Team]:
    """The teams the list may be filtered by: those of the activities the user reads, the teams
    they see and those they record support for (so that a team's own link works before its first
    activity)."""
    scope = Q(pk__in=visible_activities(user).values("team")) | Q(pk__in=visible_teams(user).values("pk"))
    if may_record(user):
        scope |= Q(pk__in=teams_for(user).values("pk"))
    return Team.objects.filter(scope)


def visible_activities(user: Any) -> QuerySet[SupportActivity]:
    """Every support activity the user may read."""
    if not getattr(user, "is_authenticated", False):
        return SupportActivity.objects.none()
    if is_platform_admin(user):
        return SupportActivity.objects.all()
    mine = memberships(user)
    scope = Q(team__in=visible_teams(user).values("pk"))
    analyst_of = {m.institution.voivodeship_id for m in mine if m.role == Role.REGIONAL_ANALYST}
    if analyst_of:
        scope |= Q(voivodeship_id__in=analyst_of)
    counties = {m.institution.county_id for m in mine if m.role == Role.ANIMATOR and m.institution.county_id}
    if counties:
        scope |= Q(team__county_id__in=counties)
    staff_of = {m.institution_id for m in mine}
    if staff_of:
        scope |= Q(provided_by_id__in=staff_of)
    return SupportActivity.objects.filter(scope)


def may_edit(user: Any, activity: SupportActivity) -> bool:
    """Those who could record it as it is (its provider, its team) may change it."""
    return may_record_for(user, activity.provided_by, activity.team)


def get_activity_for_user(user: Any, public_id: UUID | str) -> tuple[SupportActivity, bool]:
    """(activity, may_edit) for a user who reads it; 404 for anyone else."""
    try:
        activity = (
            visible_activities(user)
            .select_related("team__municipality", "team__county", "provided_by", "voivodeship")
            .get(public_id=public_id)
        )
    except (SupportActivity.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    return activity, may_edit(user, activity)


def require_records(user: Any) -> None:
    if not may_record(user):
        raise PermissionDenied


def require_edits(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
