"""The matching engine (issue #7 point 3): for a need of a case, rank the directory's services.

Pure: plain dataclasses in (`PersonProfile`, `ServiceFacts`, the need's category weights), ranked
`Suggestion`s with their reasons out; no database. `candidates.py` builds the inputs.

The rules, in the order they decide:
- eligibility is a HARD filter (age, residence gmina and service area, disability certificate,
  income criterion, target group); an inactive service or one of an inactive institution is
  excluded too. A required referral excludes nobody, it is only noted. A need of a household as
  a whole is matched against its members (`PersonProfile.members`): a service is eligible when at
  least one member meets its criteria, and its reasons name them.
- then the sort key, compared left to right: category fit (the best weight of the need's
  categories the service carries), proximity tier (same gmina, another gmina of the powiat,
  powiat services, the voivodeship, further), availability (free places, unknown, full or
  waiting list), missing accessibility features the person needs, cost (free first), waiting
  list length, distance within the tier where both sides have coordinates, more free places,
  name, and the service's public id so that equal services always come in one order.

Every rule only ever compares a service's own facts with the person's, so adding a service
never changes the order of the others, and the order does not depend on the input's order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum
from functools import cached_property
from typing import TypeVar

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Target groups the person's data can decide (by age, disability degree, income); a service
# for any other group (families, unemployed, caregivers, …) is never refused on its groups,
# since nothing in the data says the person is not in them.
AGE_GROUPS = {"children": (0, 12), "youth": (13, 18), "seniors": (60, 200)}
DECIDABLE_GROUPS = {*AGE_GROUPS, "disability", "low-income", "professionals"}
# A service with one of these features reaches the person wherever its places are.
EVERYWHERE_FEATURES = frozenset({"home-visit", "remote"})
ACTIVE = "active"

K = TypeVar("K", bound=Hashable)


class Tier(IntEnum):
    SAME_GMINA = 0
    SAME_POWIAT = 1
    POWIAT_SERVICE = 2
    SAME_VOIVODESHIP = 3
    FURTHER = 4


@dataclass(frozen=True)
class PersonProfile:
    """What matching knows about the person (or, without one, about the case's gmina). For a
    household as a whole: the household's gmina and place, and its `members`' own profiles."""

    gmina_id: int | None
    gmina_name: str = ""
    county_id: int | None = None
    voivodeship_id: int | None = None
    age: int | None = None
    disability_degree: str = ""
    # Income per person and the statutory criterion it is compared with (zł a month).
    income_per_person: Decimal | None = None
    income_criterion: Decimal | None = None
    # Groups the data places the person in (`derive_groups`), and the groups it can decide.
    groups: frozenset[str] = frozenset()
    decided_groups: frozenset[str] = frozenset()
    accessibility_needs: frozenset[str] = frozenset()
    accessibility_names: Mapping[str, str] = field(default_factory=dict)
    latitude: float | None = None
    longitude: float | None = None
    # How reasons name the person among the household's members.
    name: str = ""
    members: tuple[PersonProfile, ...] = ()


@dataclass(frozen=True)
class PlaceFacts:
    gmina_id: int | None
    county_id: int | None
    voivodeship_id: int | None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class ServiceFacts:
    id: int
    key: str  # the public id: the last tie-breaker
    name: str
    institution_name: str = ""
    status: str = ACTIVE
    institution_active: bool = True
    minimum_age: int | None = None
    maximum_age: int | None = None
    # Empty: residents of any gmina the service reaches.
    residence_gmina_ids: frozenset[int] = frozenset()
    # The gminas the service reaches (ServedMunicipality) among those the loader asked about;
    # None: not known, not checked.
    served_gmina_ids: frozenset[int] | None = None
    disability_certificate_required: bool = False
    income_criterion_percent: int | None = None
    target_groups: Mapping[str, str] = field(default_factory=dict)  # code -> name
    referral_required: bool = False
    free_of_charge: bool = False
    free_places: int | None = None
    waiting_list: int | None = None
    categories: frozenset[str] = frozenset()
    accessibility: frozenset[str] = frozenset()
    places: tuple[PlaceFacts, ...] = ()
    institution_place: PlaceFacts | None = None


@dataclass(frozen=True)
class Suggestion:
    service: ServiceFacts
    person: PersonProfile
    fit: int
    tier: Tier
    distance_km: float | None
    sort_key: tuple[object, ...]

    # Translated when a page shows them, not for every service ranked.
    @cached_property
    def _explained(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        reasons, notes = _reasons(self.service, self.person, self.fit)
        return tuple(reasons), tuple(notes)

    @property
    def reasons(self) -> tuple[str, ...]:
        return self._explained[0]

    @property
    def notes(self) -> tuple[str, ...]:
        return self._explained[1]


@dataclass(frozen=True)
class Verdict:
    """Why a service is or is not suggested for a need: each rule with its outcome."""

    service: ServiceFacts
    suggested: bool
    exclusions: tuple[str, ...]
    reasons: tuple[str, ...]
    notes: tuple[str, ...]
    fit: int


def derive_groups(
    *, age: int | None, disability_degree: str, income_per_person: Decimal | None, income_criterion: Decimal | None
) -> tuple[frozenset[str], frozenset[str]]:
    """The target groups the person is in, and those the data decides either way."""
    groups: set[str] = set()
    decided = {"disability", "professionals"}
    if age is not None:
        decided |= set(AGE_GROUPS)
        groups |= {code for code, (low, high) in AGE_GROUPS.items() if low <= age <= high}
    if disability_degree:
        groups.add("disability")
    if income_per_person is not None and income_criterion is not None:
        decided.add("low-income")
        if income_per_person <= income_criterion:
            groups.add("low-income")
    return frozenset(groups), frozenset(decided)


def _money(value: Decimal) -> str:
    return number_format(value, 2, force_grouping=True)


def _problems(service: ServiceFacts, person: PersonProfile) -> Iterator[Callable[[], str]]:
    """Each criterion the person fails, as a function giving its sentence: ranking only asks
    whether there is one, and translating every sentence of every service would cost it more
    than everything else (bench/plan_matching.py)."""
    age = person.age
    if age is not None:
        minimum, maximum = service.minimum_age, service.maximum_age
        if minimum is not None and age < minimum:
            yield lambda: ngettext(
                "The service is for people aged {minimum} or more; the person is {age} year old.",
                "The service is for people aged {minimum} or more; the person is {age} years old.",
                age,
            ).format(minimum=minimum, age=age)
        if maximum is not None and age > maximum:
            yield lambda: ngettext(
                "The service is for people aged up to {maximum}; the person is {age} year old.",
                "The service is for people aged up to {maximum}; the person is {age} years old.",
                age,
            ).format(maximum=maximum, age=age)
    if person.gmina_id is not None:
        if service.residence_gmina_ids and person.gmina_id not in service.residence_gmina_ids:
            yield lambda: _("The service is only for residents of other gminas (the person lives in {gmina}).").format(
                gmina=person.gmina_name
            )
        elif service.served_gmina_ids is not None and person.gmina_id not in service.served_gmina_ids:
            yield lambda: _("The service does not reach the gmina {gmina}, where the person lives.").format(
                gmina=person.gmina_name
            )
    if service.disability_certificate_required and not person.disability_degree:
        yield lambda: _("The service requires a disability certificate; none is recorded for the person.")
    income, criterion, percent = person.income_per_person, person.income_criterion, service.income_criterion_percent
    if percent is not None and income is not None and criterion is not None:
        limit = criterion * percent / 100
        if income > limit:
            yield lambda: _(
                "The income per person ({income} zł) is above the service's limit: {percent}% of the "
                "income criterion ({limit} zł)."
            ).format(income=_money(income), percent=percent, limit=_money(limit))
    groups = set(service.target_groups)
    if groups and groups <= person.decided_groups and not groups & person.groups:
        names = ", ".join(sorted(service.target_groups[code] for code in groups))
        yield lambda: _("The service is for: {groups}; the person's data places them in none of these groups.").format(
            groups=names
        )


def _meets(service: ServiceFacts, person: PersonProfile) -> bool:
    return next(_problems(service, person), None) is None


def eligible_members(service: ServiceFacts, person: PersonProfile) -> list[PersonProfile]:
    """The household's members who meet the service's criteria ([] for a single person)."""
    return [member for member in person.members if _meets(service, member)]


def eligibility_problems(service: ServiceFacts, person: PersonProfile) -> list[str]:
    """Why the person does not meet the service's criteria; [] when nothing contradicts them.
    For a household: [] when a member meets them, else each member's problems, by name."""
    if not person.members:
        return [sentence() for sentence in _problems(service, person)]
    if eligible_members(service, person):
        return []
    return [
        _("{name}: {problem}").format(name=member.name, problem=sentence())
        for member in person.members
        for sentence in _problems(service, member)
    ]


def is_eligible(service: ServiceFacts, person: PersonProfile) -> bool:
    if person.members:
        return any(_meets(service, member) for member in person.members)
    return _meets(service, person)


def _names(members: Iterable[PersonProfile]) -> str:
    return ", ".join(member.name for member in members)


def is_available(service: ServiceFacts) -> bool:
    return service.status == ACTIVE and service.institution_active


def availability_problems(service: ServiceFacts) -> list[str]:
    problems = []
    if service.status != ACTIVE:
        problems.append(_("The service is not active."))
    if not service.institution_active:
        problems.append(_("The institution of the service is not active."))
    return problems


def category_fit(service: ServiceFacts, weights: Mapping[str, int]) -> int:
    """The best weight among the need's categories the service carries (0: none)."""
    return max((weights[code] for code in service.categories if code in weights), default=0)


def _km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    """Great-circle distance (haversine), kilometres."""
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    dp, dl = p2 - p1, math.radians(b_lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(h)))


def proximity(service: ServiceFacts, person: PersonProfile) -> tuple[Tier, float | None]:
    """The service's best tier among its places (its institution's seat when it has none), and the
    distance to its nearest place of that tier when both sides have coordinates."""
    places = service.places or ((service.institution_place,) if service.institution_place else ())
    best: tuple[Tier, float] | None = None
    for place in places:
        tier = _tier(place, person)
        distance = math.inf
        if None not in (person.latitude, person.longitude, place.latitude, place.longitude):
            distance = _km(person.latitude, person.longitude, place.latitude, place.longitude)  # type: ignore[arg-type]
        if best is None or (tier, distance) < best:
            best = (tier, distance)
    if best is None:
        return Tier.FURTHER, None
    return best[0], (None if math.isinf(best[1]) else best[1])


def _tier(place: PlaceFacts, person: PersonProfile) -> Tier:
    if place.gmina_id is not None and place.gmina_id == person.gmina_id:
        return Tier.SAME_GMINA
    if place.county_id is not None and place.county_id == person.county_id:
        return Tier.SAME_POWIAT if place.gmina_id is not None else Tier.POWIAT_SERVICE
    if place.voivodeship_id is not None and place.voivodeship_id == person.voivodeship_id:
        return Tier.SAME_VOIVODESHIP
    return Tier.FURTHER


def missing_features(service: ServiceFacts, person: PersonProfile) -> list[str]:
    """The person's accessibility needs the service lacks (none when it comes home or works remotely)."""
    if service.accessibility & EVERYWHERE_FEATURES:
        return []
    return sorted(person.accessibility_needs - service.accessibility - EVERYWHERE_FEATURES)


def _availability_rank(service: ServiceFacts) -> int:
    if service.free_places is not None and service.free_places > 0:
        return 0
    if service.free_places is None and not service.waiting_list:
        return 1
    return 2


def _tier_reason(tier: Tier) -> str:
    # The msgids are spelled out for makemessages.
    return {
        Tier.SAME_GMINA: _("in the same gmina"),
        Tier.SAME_POWIAT: _("in another gmina of the same powiat"),
        Tier.POWIAT_SERVICE: _("a service of the powiat"),
        Tier.SAME_VOIVODESHIP: _("in the same voivodeship"),
        Tier.FURTHER: _("outside the voivodeship"),
    }[tier]


def _fit_reason(fit: int) -> str:
    return {3: _("made for this need"), 2: _("answers this need"), 1: _("may help with this need")}.get(
        fit, _("does not answer this need")
    )


def assess(service: ServiceFacts, person: PersonProfile, weights: Mapping[str, int]) -> Verdict:
    """Every rule applied to one service: what excludes it, what speaks for and against it."""
    fit = category_fit(service, weights)
    exclusions = availability_problems(service) + eligibility_problems(service, person)
    if fit == 0:
        exclusions.insert(0, _("None of the service's categories answers this need."))
    reasons, notes = _reasons(service, person, fit)
    return Verdict(service, not exclusions, tuple(exclusions), tuple(reasons), tuple(notes), fit)


def _reasons(service: ServiceFacts, person: PersonProfile, fit: int) -> tuple[list[str], list[str]]:
    tier, distance = proximity(service, person)
    reasons = [_fit_reason(fit), _tier_reason(tier)]
    eligible = eligible_members(service, person)
    if eligible:
        reasons.insert(0, _("for: {names}").format(names=_names(eligible)))
    if distance is not None:
        reasons.append(_("about {km} km away").format(km=number_format(round(distance), 0, force_grouping=True)))
    if service.free_of_charge:
        reasons.append(_("free of charge"))
    if service.free_places:
        reasons.append(_("free places: {count}").format(count=service.free_places))
    notes: list[str] = []
    if service.free_places == 0:
        notes.append(_("no free places"))
    if service.waiting_list:
        notes.append(
            ngettext("{count} person waiting", "{count} people waiting", service.waiting_list).format(
                count=service.waiting_list
            )
        )
    if not service.free_of_charge:
        notes.append(_("may be paid"))
    missing = missing_features(service, person)
    if missing:
        names = ", ".join(person.accessibility_names.get(code, code) for code in missing)
        notes.append(_("lacks: {features}").format(features=names))
    elif person.accessibility_needs:
        reasons.append(_("meets the person's accessibility needs"))
    if service.referral_required:
        notes.append(_("a referral is required"))
    return reasons, notes


def _base_key(service: ServiceFacts, person: PersonProfile) -> tuple[Tier, float | None, tuple[object, ...]]:
    """The sort key after category fit, which is the only part that depends on the need."""
    tier, distance = proximity(service, person)
    key = (
        int(tier),
        _availability_rank(service),
        len(missing_features(service, person)),
        not service.free_of_charge,
        service.waiting_list or 0,
        math.inf if distance is None else distance,
        -(service.free_places or 0),
        service.name.casefold(),
        service.key,
    )
    return tier, distance, key


def rank_needs(
    services: Iterable[ServiceFacts], person: PersonProfile, weights: Mapping[K, Mapping[str, int]]
) -> dict[K, list[Suggestion]]:
    """`rank` for several needs at once: each service's eligibility and place are worked out once."""
    prepared = [
        (service, *_base_key(service, person))
        for service in services
        if is_available(service) and is_eligible(service, person)
    ]
    ranked: dict[K, list[Suggestion]] = {}
    for need, need_weights in weights.items():
        suggestions = []
        for service, tier, distance, key in prepared:
            fit = category_fit(service, need_weights)
            if fit:
                suggestions.append(Suggestion(service, person, fit, tier, distance, (-fit, *key)))
        suggestions.sort(key=lambda suggestion: suggestion.sort_key)
        ranked[need] = suggestions
    return ranked


def rank(services: Iterable[ServiceFacts], person: PersonProfile, weights: Mapping[str, int]) -> list[Suggestion]:
    """The eligible services that answer the need (weights: category code -> 1..3), best first."""
    return rank_needs(services, person, {0: weights})[0]


@dataclass(frozen=True)
class RuleCheck:
    """One rule applied to one service, for the "why not" page: `outcome` is "ok" (passes or
    speaks for it), "excluded" (the service is not suggested), "lower" (ranked lower) or "note"."""

    rule: str
    outcome: str
    text: str


def explain(service: ServiceFacts, person: PersonProfile, weights: Mapping[str, int]) -> list[RuleCheck]:
    """Every rule of the engine applied to the service, in the order the engine applies them."""
    checks: list[RuleCheck] = []
    fit = category_fit(service, weights)
    if fit:
        checks.append(RuleCheck(_("Categories"), "ok", _fit_reason(fit)))
    else:
        checks.append(RuleCheck(_("Categories"), "excluded", _("None of the service's categories answers this need.")))
    status = availability_problems(service)
    checks.append(
        RuleCheck(_("Status"), "excluded", " ".join(status))
        if status
        else RuleCheck(_("Status"), "ok", _("The service and its institution are active."))
    )
    problems = eligibility_problems(service, person)
    checks.extend(RuleCheck(_("Eligibility"), "excluded", problem) for problem in problems)
    eligible = eligible_members(service, person)
    if eligible:
        text = _("Nothing known contradicts the criteria for: {names}.").format(names=_names(eligible))
        checks.append(RuleCheck(_("Eligibility"), "ok", text))
    elif not problems:
        checks.append(RuleCheck(_("Eligibility"), "ok", _("Nothing known about the person contradicts the criteria.")))
    if service.referral_required:
        checks.append(RuleCheck(_("Referral"), "note", _("a referral is required")))
    tier, distance = proximity(service, person)
    where = _tier_reason(tier)
    if distance is not None:
        where = f"{where}, " + _("about {km} km away").format(km=number_format(round(distance), 0, force_grouping=True))
    checks.append(RuleCheck(_("Proximity"), "ok" if tier == Tier.SAME_GMINA else "lower", where))
    availability = _availability_rank(service)
    if availability == 0:
        checks.append(RuleCheck(_("Places"), "ok", _("free places: {count}").format(count=service.free_places)))
    elif availability == 1:
        checks.append(RuleCheck(_("Places"), "lower", _("free places not known")))
    else:
        text = _("no free places")
        if service.waiting_list:
            text = ngettext("{count} person waiting", "{count} people waiting", service.waiting_list).format(
                count=service.waiting_list
            )
        checks.append(RuleCheck(_("Places"), "lower", text))
    missing = missing_features(service, person)
    if missing:
        names = ", ".join(person.accessibility_names.get(code, code) for code in missing)
        checks.append(RuleCheck(_("Accessibility"), "lower", _("lacks: {features}").format(features=names)))
    elif person.accessibility_needs:
        checks.append(RuleCheck(_("Accessibility"), "ok", _("meets the person's accessibility needs")))
    checks.append(
        RuleCheck(_("Cost"), "ok", _("free of charge"))
        if service.free_of_charge
        else RuleCheck(_("Cost"), "lower", _("may be paid"))
    )
    return checks
