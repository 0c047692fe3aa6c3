"""Who reads and who enters the community diagnosis (issue #9).

- Indicators are official public statistics: every signed-in user with a role reads those of
  every gmina.
- The platform's own aggregates beside them (needs found in diagnoses, open cases by reason)
  come from case files, however suppressed: they are shown only to the social workers and
  managers of institutions of the gmina or serving it (partners see cases only through consent),
  to regional analysts of its voivodeship and to administrators.
- Figures of a gmina are entered (by form or import) by managers and social workers of an
  institution located in it, by regional analysts of its voivodeship and by administrators.

- Indicator definitions are added, edited and deleted by platform administrators only.

An unknown gmina is "not found" (404); entering figures one may not enter is "forbidden" (403).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from kooperacja.core.policies import is_platform_admin, memberships
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution
from kooperacja.territory.models import Municipality

# Roles that enter the figures of the gmina their institution is located in.
ENTERING_ROLES = frozenset({Role.MANAGER, Role.SOCIAL_WORKER})


def reads_indicators(user: Any) -> bool:
    """Any signed-in user with a role (staff, analysts, administrators)."""
    return bool(memberships(user))


def _analysed_voivodeship_ids(user: Any) -> set[int]:
    return {m.institution.voivodeship_id for m in memberships(user) if m.role == Role.REGIONAL_ANALYST}


def _voivodeship_id(gmina: Municipality) -> int:
    return gmina.county.voivodeship_id


def may_enter(user: Any, gmina: Municipality) -> bool:
    """Whether the user may enter or import the gmina's figures."""
    if is_platform_admin(user) or _voivodeship_id(gmina) in _analysed_voivodeship_ids(user):
        return True
    return any(m.role in ENTERING_ROLES and m.institution.municipality_id == gmina.pk for m in memberships(user))


def enters_any(user: Any) -> bool:
    """Whether the user may enter figures of some gmina (for the import page and links)."""
    if is_platform_admin(user) or _analysed_voivodeship_ids(user):
        return True
    return any(m.role in ENTERING_ROLES and m.institution.municipality_id for m in memberships(user))


def enterable_gminas(user: Any) -> QuerySet[Municipality]:
    """The gminas whose figures the user may enter."""
    gminas = Municipality.objects.select_related("county__voivodeship")
    if is_platform_admin(user):
        return gminas.all()
    voivodeships = _analysed_voivodeship_ids(user)
    own = {
        m.institution.municipality_id
        for m in memberships(user)
        if m.role in ENTERING_ROLES and m.institution.municipality_id is not None
    }
    if not voivodeships and not own:
        return gminas.none()
    return gminas.filter(pk__in=own) | gminas.filter(county__voivodeship_id__in=voivodeships)


# Staff roles that see the platform's aggregates of their gmina.
AGGREGATE_READERS = frozenset({Role.SOCIAL_WORKER, Role.MANAGER})


def sees_platform_figures(user: Any, gmina: Municipality) -> bool:
    """Whether the user may see the platform's aggregates of the gmina (see the module)."""
    return gmina.pk in gminas_with_platform_figures(user, [gmina])


def gminas_with_platform_figures(user: Any, gminas: Iterable[Municipality]) -> set[int]:
    """The ids of those gminas whose platform aggregates the user may see (see the module),
    in at most one query whatever their number (the directory's resource map asks for many)."""
    gminas = list(gminas)
    if is_platform_admin(user):
        return {gmina.pk for gmina in gminas}
    analysed = _analysed_voivodeship_ids(user)
    # Those who read their institution's cases whole; partners see cases only through consent.
    staff_of = {m.institution_id: m.institution for m in memberships(user) if m.role in AGGREGATE_READERS}
    located = {institution.municipality_id for institution in staff_of.values()}
    allowed = {gmina.pk for gmina in gminas if _voivodeship_id(gmina) in analysed or gmina.pk in located}
    rest = [gmina.pk for gmina in gminas if gmina.pk not in allowed]
    if staff_of and rest:
        served = Institution.serves.through.objects.filter(institution_id__in=staff_of, municipality_id__in=rest)
        allowed |= set(served.values_list("municipality_id", flat=True))
    return allowed


def manages_definitions(user: Any) -> bool:
    """Indicator definitions (what the diagnosis counts) are kept by platform administrators."""
    return is_platform_admin(user)


def get_gmina_for_user(user: Any, code: str, *, enter: bool = False) -> Municipality:
    """The gmina of a TERYT code, for a user who reads indicators (403 otherwise, 404 for an
    unknown code); with `enter`, 403 unless the user may enter its figures."""
    if not reads_indicators(user):
        raise PermissionDenied
    gmina = Municipality.objects.select_related("county__voivodeship").filter(code=code).first()
    if gmina is None:
        raise Http404
    if enter and not may_enter(user, gmina):
        raise PermissionDenied
    return gmina
