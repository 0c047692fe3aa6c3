"""The territory a dashboard is about: a gmina, a powiat, a voivodeship or a macroregion.

A macroregion is the voivodeships of a programme's partners (the first one, „Liderzy
kooperacji”, is macroregion I, led by ROPS Rzeszów). Every figure of a dashboard is read
through `Scope.where`, so each query on a table with case data filters by territory.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from kooperacja.community.models import Programme
from kooperacja.institutions.models import Institution
from kooperacja.territory.models import County, Municipality, Voivodeship


class Level(StrEnum):
    GMINA = "gmina"
    POWIAT = "powiat"
    VOIVODESHIP = "voivodeship"
    MACROREGION = "macroregion"


@dataclass(frozen=True)
class Scope:
    level: Level
    code: str  # TERYT code; a programme's public id for a macroregion
    name: str
    voivodeship_ids: frozenset[int]
    county_id: int | None = None
    municipality_id: int | None = None

    @property
    def title(self) -> str:
        labels = {
            Level.GMINA: _("Gmina %(name)s"),
            Level.POWIAT: _("Powiat %(name)s"),
            Level.VOIVODESHIP: _("Voivodeship %(name)s"),
            Level.MACROREGION: _("Macroregion: %(name)s"),
        }
        return labels[self.level] % {"name": self.name}

    def where(self, field: str = "municipality") -> Q:
        """Rows whose gmina (the foreign key `field`) lies in this territory."""
        if self.level == Level.GMINA:
            return Q(**{f"{field}_id": self.municipality_id})
        if self.level == Level.POWIAT:
            return Q(**{f"{field}__county_id": self.county_id})
        return Q(**{f"{field}__county__voivodeship_id__in": sorted(self.voivodeship_ids)})

    def where_institution(self, field: str = "") -> Q:
        """Institutions (or rows pointing at one through `field`) located in this territory; a
        powiat's own institutions (PCPR, PUP) belong to the powiat and its voivodeship, not to a gmina."""
        prefix = f"{field}__" if field else ""
        if self.level == Level.GMINA:
            return Q(**{f"{prefix}municipality_id": self.municipality_id})
        if self.level == Level.POWIAT:
            return Q(**{f"{prefix}county_id": self.county_id})
        return Q(**{f"{prefix}voivodeship_id__in": sorted(self.voivodeship_ids)})

    def gminas(self) -> QuerySet[Municipality]:
        return _gminas_of(self)

    def institutions(self) -> QuerySet[Institution]:
        return Institution.objects.filter(self.where_institution())

    def children(self) -> list[Scope]:
        """The units one level down in Polish alphabetical order, for drilling in (none below a gmina)."""
        if self.level == Level.GMINA:
            return []
        if self.level == Level.POWIAT:
            found = [gmina_scope(gmina) for gmina in _gminas_of(self)]
        elif self.level == Level.VOIVODESHIP:
            found = [powiat_scope(county) for county in County.objects.filter(voivodeship_id__in=self.voivodeship_ids)]
        else:
            found = [voivodeship_scope(v) for v in Voivodeship.objects.filter(pk__in=self.voivodeship_ids)]
        return sorted(found, key=lambda child: polish_order(child.name))

    def key(self) -> str:
        return f"{self.level}/{self.code}"

    def child_key(self, field: str = "municipality") -> str | None:
        """The path that groups rows of this territory (by their gmina `field`) by the unit one
        level down; None for a gmina, which has no units below it."""
        return {
            Level.GMINA: None,
            Level.POWIAT: f"{field}_id",
            Level.VOIVODESHIP: f"{field}__county_id",
            Level.MACROREGION: f"{field}__county__voivodeship_id",
        }[self.level]

    def child_key_institution(self, field: str = "") -> str | None:
        """The same for institutions (or rows pointing at one through `field`): a powiat's own
        institutions, which have no gmina, group under None."""
        prefix = f"{field}__" if field else ""
        return {
            Level.GMINA: None,
            Level.POWIAT: f"{prefix}municipality_id",
            Level.VOIVODESHIP: f"{prefix}county_id",
            Level.MACROREGION: f"{prefix}voivodeship_id",
        }[self.level]

    def unit_id(self) -> int:
        """The id of this unit in its own table (a macroregion has none: 0)."""
        if self.level == Level.GMINA:
            return self.municipality_id or 0
        if self.level == Level.POWIAT:
            return self.county_id or 0
        if self.level == Level.VOIVODESHIP:
            return next(iter(self.voivodeship_ids))
        return 0


POLISH_ALPHABET = "aąbcćdeęfghijklłmnńoóprsśtuvwxyzźż"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(POLISH_ALPHABET)}


def polish_order(name: str) -> tuple[int, ...]:
    """A sort key in Polish alphabetical order, case aside (the database sorts by code point:
    "Kielce" before "buski", "Łoniów" after "Zawichost")."""
    return tuple(_LETTER_RANK.get(char, len(POLISH_ALPHABET) + ord(char)) for char in name.casefold())


def _gminas_of(scope: Scope) -> QuerySet[Municipality]:
    gminas = Municipality.objects.select_related("county__voivodeship").order_by("name")
    if scope.level == Level.GMINA:
        return gminas.filter(pk=scope.municipality_id or 0)
    if scope.level == Level.POWIAT:
        return gminas.filter(county_id=scope.county_id or 0)
    return gminas.filter(county__voivodeship_id__in=scope.voivodeship_ids)


def gmina_scope(gmina: Municipality) -> Scope:
    return Scope(
        Level.GMINA,
        gmina.code,
        gmina.name,
        frozenset({gmina.county.voivodeship_id}),
        county_id=gmina.county_id,
        municipality_id=gmina.pk,
    )


def powiat_scope(county: County) -> Scope:
    return Scope(Level.POWIAT, county.code, county.name, frozenset({county.voivodeship_id}), county_id=county.pk)


def voivodeship_scope(voivodeship: Voivodeship) -> Scope:
    return Scope(Level.VOIVODESHIP, voivodeship.code, voivodeship.name, frozenset({voivodeship.pk}))


def macroregion_scope(programme: Programme) -> Scope:
    voivodeships = frozenset(programme.partners.exclude(voivodeship=None).values_list("voivodeship_id", flat=True))
    return Scope(Level.MACROREGION, str(programme.public_id), programme.name, voivodeships)


def find(level: str, code: str) -> Scope | None:
    """The scope of a level and code, or None when there is no such unit."""
    if level == Level.GMINA:
        gmina = Municipality.objects.select_related("county").filter(code=code).first()
        return gmina_scope(gmina) if gmina else None
    if level == Level.POWIAT:
        county = County.objects.filter(code=code).first()
        return powiat_scope(county) if county else None
    if level == Level.VOIVODESHIP:
        voivodeship = Voivodeship.objects.filter(code=code).first()
        return voivodeship_scope(voivodeship) if voivodeship else None
    if level == Level.MACROREGION:
        try:
            programme = Programme.objects.filter(public_id=uuid.UUID(code)).first()
        except ValueError:
            return None
        if programme is None:
            return None
        scope = macroregion_scope(programme)
        return scope if scope.voivodeship_ids else None
    return None


def ancestors(scope: Scope) -> list[Scope]:
    """The units above, the highest first (a voivodeship has none: several macroregions may hold it)."""
    found: list[Scope] = []
    up = parent(scope)
    while up is not None:
        found.insert(0, up)
        up = parent(up)
    return found


def parent(scope: Scope) -> Scope | None:
    """The unit one level up (a voivodeship has none: several macroregions may hold it)."""
    if scope.level == Level.GMINA:
        return powiat_scope(County.objects.get(pk=scope.county_id or 0))
    if scope.level == Level.POWIAT:
        (voivodeship_id,) = scope.voivodeship_ids
        return voivodeship_scope(Voivodeship.objects.get(pk=voivodeship_id))
    return None
