"""Who reads, writes and publishes the good practices of gminas.

- Everyone, also without signing in, reads a published practice.
- A practice of a gmina is written (created, edited; its draft read) by the social workers,
  managers, animators and partner staff of an institution of that gmina; by animators and the
  staff of the PCPR of its powiat; by the regional analysts of its voivodeship; and by
  platform administrators. Nobody else sees a draft (404).
- It is published and unpublished by the managers of an institution of the gmina, the
  regional analysts of its voivodeship and administrators.

A practice the user may not read is "not found" (404); one they read but may not change is
"forbidden" (403).
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
from kooperacja.institutions.models import InstitutionKind
from kooperacja.learning.models import GoodPractice
from kooperacja.territory.models import Municipality

GMINA_WRITERS = frozenset({Role.SOCIAL_WORKER, Role.MANAGER, Role.ANIMATOR, Role.PARTNER_STAFF})


@dataclass(frozen=True)
class Scope:
    """The gminas, powiats and voivodeships where the user writes or publishes practices."""

    admin: bool = False
    write_gminas: frozenset[int] = frozenset()
    write_counties: frozenset[int] = frozenset()
    publish_gminas: frozenset[int] = frozenset()
    regions: frozenset[int] = frozenset()

    @property
    def writes_any(self) -> bool:
        return self.admin or bool(self.write_gminas or self.write_counties or self.regions)

    def writes(self, gmina: Municipality) -> bool:
        return (
            self.admin
            or gmina.pk in self.write_gminas
            or gmina.county_id in self.write_counties
            or gmina.county.voivodeship_id in self.regions
        )

    def publishes(self, gmina: Municipality) -> bool:
        return self.admin or gmina.pk in self.publish_gminas or gmina.county.voivodeship_id in self.regions

    def gminas(self) -> QuerySet[Municipality]:
        """The gminas whose practices the user writes."""
        gminas = Municipality.objects.select_related("county")
        if self.admin:
            return gminas
        return gminas.filter(
            Q(pk__in=self.write_gminas)
            | Q(county_id__in=self.write_counties)
            | Q(county__voivodeship_id__in=self.regions)
        )


def scope(user: Any) -> Scope:
    if not getattr(user, "is_authenticated", False):
        return Scope()
    if is_platform_admin(user):
        return Scope(admin=True)
    write_gminas, write_counties, publish_gminas, regions = set(), set(), set(), set()
    for membership in memberships(user):
        institution = membership.institution
        if membership.role == Role.REGIONAL_ANALYST:
            regions.add(institution.voivodeship_id)
            continue
        if membership.role not in GMINA_WRITERS:
            continue
        if institution.municipality_id is not None:
            write_gminas.add(institution.municipality_id)
            if membership.role == Role.MANAGER:
                publish_gminas.add(institution.municipality_id)
        if institution.county_id is not None and (
            membership.role == Role.ANIMATOR or institution.kind == InstitutionKind.PCPR
        ):
            write_counties.add(institution.county_id)
    return Scope(
        write_gminas=frozenset(write_gminas),
        write_counties=frozenset(write_counties),
        publish_gminas=frozenset(publish_gminas),
        regions=frozenset(regions),
    )


def visible_practices(user: Any, found: Scope | None = None) -> QuerySet[GoodPractice]:
    """Published practices, and the drafts of the gminas the user writes for."""
    found = found or scope(user)
    practices = GoodPractice.objects.all()
    if found.admin:
        return practices
    if not found.writes_any:
        return practices.filter(is_published=True)
    return practices.filter(Q(is_published=True) | Q(municipality__in=found.gminas().values("pk")))


@dataclass(frozen=True)
class PracticeAccess:
    writes: bool
    publishes: bool


def get_practice_for_user(user: Any, public_id: UUID | str) -> tuple[GoodPractice, PracticeAccess]:
    """(practice, access); 404 when the user may not read it."""
    found = scope(user)
    try:
        practice = (
            visible_practices(user, found)
            .select_related("municipality__county__voivodeship", "institution")
            .get(public_id=public_id)
        )
    except (GoodPractice.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    gmina = practice.municipality
    return practice, PracticeAccess(writes=found.writes(gmina), publishes=found.publishes(gmina))


def require_writes(access: PracticeAccess) -> None:
    if not access.writes:
        raise PermissionDenied


def require_publishes(access: PracticeAccess) -> None:
    if not access.publishes:
        raise PermissionDenied
