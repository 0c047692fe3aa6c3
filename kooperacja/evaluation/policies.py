"""Who reads which dashboard (issue #10): each role its own territory, and what lies in it.

- Staff of an institution located in a gmina (any role: social workers, assistants, managers,
  partner staff) read that gmina's dashboard.
- Staff of a powiat's own institution (PCPR, PUP, counselling centre…) and animators read the
  powiat's dashboard and those of its gminas.
- Regional analysts read their voivodeship, its powiats and gminas; the analysts of a
  programme's leader also read its macroregion and every voivodeship in it.
- Administrators read everything.

Dashboards hold only protected aggregates (`privacy`), never a person. A territory outside the
user's reach is answered as if it did not exist (404).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from kooperacja.community.models import PartnerRole, Programme
from kooperacja.core.policies import is_platform_admin, memberships
from kooperacja.core.roles import Role
from kooperacja.evaluation import scope as scopes
from kooperacja.evaluation.scope import Level, Scope
from kooperacja.territory.models import County, Municipality, Voivodeship


def _reach(user: Any) -> tuple[set[int], set[int], set[int], set[int]]:
    """(gmina ids, powiat ids, voivodeship ids, programme ids led) the user reads."""
    gminas: set[int] = set()
    counties: set[int] = set()
    voivodeships: set[int] = set()
    analysts_of: set[int] = set()
    for membership in memberships(user):
        institution = membership.institution
        if membership.role == Role.REGIONAL_ANALYST:
            voivodeships.add(institution.voivodeship_id)
            analysts_of.add(institution.pk)
        elif membership.role == Role.ADMIN:
            continue
        elif institution.municipality_id is not None and membership.role != Role.ANIMATOR:
            gminas.add(institution.municipality_id)
        elif institution.county_id is not None:
            counties.add(institution.county_id)
    programmes: set[int] = set()
    if analysts_of:
        programmes = set(
            Programme.objects.filter(
                partners__institution_id__in=analysts_of, partners__role=PartnerRole.LEADER
            ).values_list("pk", flat=True)
        )
    return gminas, counties, voivodeships, programmes


def reads_dashboards(user: Any) -> bool:
    """Whether the user reads any dashboard (for the menu, so asking the database nothing: only
    a regional analyst leads a programme, and an analyst reads a voivodeship anyway)."""
    if is_platform_admin(user):
        return True
    for membership in memberships(user):
        institution = membership.institution
        if membership.role == Role.ADMIN:
            continue
        if membership.role == Role.REGIONAL_ANALYST or institution.municipality_id or institution.county_id:
            return True
    return False


def may_read(user: Any, scope: Scope) -> bool:
    if is_platform_admin(user):
        return True
    gminas, counties, voivodeships, programmes = _reach(user)
    if programmes:
        for programme in Programme.objects.filter(pk__in=programmes).prefetch_related("partners"):
            voivodeships |= set(scopes.macroregion_scope(programme).voivodeship_ids)
    if scope.level == Level.MACROREGION:
        return any(str(programme) == scope.code for programme in _programme_ids(programmes))
    if scope.voivodeship_ids <= voivodeships:
        return True
    if scope.level == Level.POWIAT:
        return scope.county_id in counties
    if scope.level == Level.GMINA:
        return scope.municipality_id in gminas or scope.county_id in counties
    return False


def _programme_ids(programme_pks: set[int]) -> list[str]:
    return [
        str(public_id)
        for public_id in Programme.objects.filter(pk__in=programme_pks).values_list("public_id", flat=True)
    ]


def get_scope_for_user(user: Any, level: str, code: str) -> Scope:
    """The territory of a dashboard, 404 when unknown or outside the user's reach."""
    found = scopes.find(level, code)
    if found is None or not may_read(user, found):
        raise Http404
    return found


def own_scopes(user: Any) -> list[Scope]:
    """The highest territories the user reads, for the start page of the evaluation."""
    if is_platform_admin(user):
        found = [scopes.macroregion_scope(programme) for programme in Programme.objects.order_by("starts_on")]
        found = [scope for scope in found if scope.voivodeship_ids]
        return found + [scopes.voivodeship_scope(v) for v in Voivodeship.objects.order_by("name")]
    gminas, counties, voivodeships, programmes = _reach(user)
    found = [scopes.macroregion_scope(p) for p in Programme.objects.filter(pk__in=programmes).order_by("starts_on")]
    found += [scopes.voivodeship_scope(v) for v in Voivodeship.objects.filter(pk__in=voivodeships).order_by("name")]
    found += [scopes.powiat_scope(c) for c in County.objects.filter(pk__in=counties).order_by("name")]
    in_counties = Municipality.objects.filter(pk__in=gminas).exclude(county_id__in=counties)
    found += [scopes.gmina_scope(g) for g in in_counties.select_related("county").order_by("name")]
    return found
