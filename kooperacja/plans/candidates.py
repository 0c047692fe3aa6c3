"""From the database to the matching engine's inputs (`matching.py`).

`person_profile` reads what matching knows about a person: age, gmina with its powiat and
voivodeship, disability degree, income per person against the statutory criterion, the target
groups that follow from them, accessibility needs, and a point to measure distances from.
`load_candidates` reads the services that may answer some needs in a fixed number of queries,
whatever their number: only active services of active institutions that reach the person's
gmina and carry one of the needs' categories (or a category below one).
`eligibility_problems` is the one-service question other parts ask (referrals).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import Case as Choice
from django.db.models import Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.utils import timezone

from kooperacja.cases.models import Case, CaseKind, Person
from kooperacja.directory.models import (
    ACCESSIBILITY,
    CATEGORIES,
    TARGET_GROUPS,
    Location,
    ServedMunicipality,
    Service,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceStatus,
    TaxonomyTerm,
)
from kooperacja.plans import matching
from kooperacja.plans.models import NeedCategory
from kooperacja.plans.needs import NeedOfCase
from kooperacja.territory.models import Municipality

# The statutory income criterion of social assistance (art. 8 of the act on social assistance,
# amounts from 1 January 2025): for a person living alone and per person in a family, zł a month.
INCOME_CRITERION_ALONE = Decimal("823")
INCOME_CRITERION_IN_FAMILY = Decimal("600")


def age_on(birth_date: dt.date | None, day: dt.date) -> int | None:
    if birth_date is None:
        return None
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def income_criterion(household_size: int) -> Decimal:
    return INCOME_CRITERION_ALONE if household_size <= 1 else INCOME_CRITERION_IN_FAMILY


def person_profile(person: Person | None, case: Case, *, with_place: bool = False) -> matching.PersonProfile:
    """What matching knows of the person; without a person, only the case's gmina. With
    `with_place`, a point to measure distances from: a place of the case's institution in the
    person's gmina, else any place with coordinates there (at most one more query)."""
    gmina_id = person.municipality_id if person is not None else case.municipality_id
    gmina = Municipality.objects.select_related("county").get(pk=gmina_id)
    latitude = longitude = None
    if with_place:
        place = (
            Location.objects.filter(municipality_id=gmina_id, latitude__isnull=False, longitude__isnull=False)
            .order_by(
                Choice(
                    When(institution_id=case.institution_id, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
                "id",
            )
            .values_list("latitude", "longitude")
            .first()
        )
        if place is not None:
            latitude, longitude = _as_float(place[0]), _as_float(place[1])
    if person is None:
        return matching.PersonProfile(
            gmina_id=gmina.pk,
            gmina_name=gmina.name,
            county_id=gmina.county_id,
            voivodeship_id=gmina.county.voivodeship_id,
            latitude=latitude,
            longitude=longitude,
        )
    age = age_on(person.birth_date, timezone.localdate())
    criterion = None
    if person.income_per_person is not None:
        size = person.household.members.count() if person.household_id and person.household else 1
        criterion = income_criterion(size)
    needs = {term.code: term.name for term in person.accessibility_needs.all()}
    groups, decided = matching.derive_groups(
        age=age,
        disability_degree=person.disability_degree,
        income_per_person=person.income_per_person,
        income_criterion=criterion,
    )
    return matching.PersonProfile(
        gmina_id=gmina.pk,
        gmina_name=gmina.name,
        county_id=gmina.county_id,
        voivodeship_id=gmina.county.voivodeship_id,
        age=age,
        disability_degree=person.disability_degree,
        income_per_person=person.income_per_person,
        income_criterion=criterion,
        groups=groups,
        decided_groups=decided,
        accessibility_needs=frozenset(needs),
        accessibility_names=needs,
        latitude=latitude,
        longitude=longitude,
        name=person.first_name,
    )


def household_profile(case: Case) -> matching.PersonProfile:
    """A need of the household as a whole: the case's gmina and place, with each member's own
    profile (a service is for the household when it is for one of them) and every member's
    accessibility needs. A few queries per member."""
    base = person_profile(None, case, with_place=True)
    members = tuple(person_profile(member, case) for member in case.persons())
    if not members:
        return base
    names = {code: name for member in members for code, name in member.accessibility_names.items()}
    return replace(base, members=members, accessibility_needs=frozenset(names), accessibility_names=names)


def need_profile(
    case: Case, item_person: Person | None, profiles: dict[int | None, matching.PersonProfile]
) -> matching.PersonProfile:
    """The profile a need is matched for (`subject_of`; the household's for a household need),
    read once per subject into `profiles` (keyed by person id, None: the case as a whole)."""
    person = subject_of(case, item_person)
    key = person.pk if person is not None else None
    if key not in profiles:
        if person is None:
            profiles[key] = household_profile(case)
        else:
            profiles[key] = person_profile(person, case, with_place=True)
    return profiles[key]


# --- Services ---------------------------------------------------------------------------------

_SERVICE_FIELDS = (
    "id",
    "public_id",
    "name",
    "status",
    "minimum_age",
    "maximum_age",
    "disability_certificate_required",
    "income_criterion_percent",
    "referral_required",
    "free_of_charge",
    "free_places",
    "waiting_list",
    "institution__name",
    "institution__is_active",
    "institution__municipality_id",
    "institution__municipality__county_id",
    "institution__county_id",
    "institution__voivodeship_id",
)


def _as_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _facts(
    services: QuerySet[Service], *, person_gmina_id: int | None, all_served: bool = False
) -> list[matching.ServiceFacts]:
    """ServiceFacts of the services in five queries: the services with their institutions,
    their terms, their gminas of residence, their places, and which of them reach the gmina the
    person lives in (none asked when the caller knows they `all_served` it). By id."""
    rows = list(services.values(*_SERVICE_FIELDS).order_by("id"))
    # The keys themselves, not the services' query again: a few hundred at most (one gmina's).
    ids = [row["id"] for row in rows]
    terms: dict[int, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for service_id, taxonomy, code, name in ServiceAttribute.objects.filter(service_id__in=ids).values_list(
        "service_id", "taxonomy_term__taxonomy__code", "taxonomy_term__code", "taxonomy_term__name"
    ):
        terms[service_id][taxonomy][code] = name
    residence: dict[int, set[int]] = defaultdict(set)
    for service_id, gmina_id in Service.residence_municipalities.through.objects.filter(service_id__in=ids).values_list(
        "service_id", "municipality_id"
    ):
        residence[service_id].add(gmina_id)
    places: dict[int, list[matching.PlaceFacts]] = defaultdict(list)
    for service_id, gmina_id, county_id, voivodeship_id, lat, lon in (
        ServiceAtLocation.objects.filter(service_id__in=ids)
        .order_by("id")
        .values_list(
            "service_id",
            "location__municipality_id",
            "location__municipality__county_id",
            "location__municipality__county__voivodeship_id",
            "location__latitude",
            "location__longitude",
        )
    ):
        places[service_id].append(
            matching.PlaceFacts(gmina_id, county_id, voivodeship_id, _as_float(lat), _as_float(lon))
        )
    served: set[int] = set(ids) if all_served else set()
    if not all_served and person_gmina_id is not None:
        served = set(
            ServedMunicipality.objects.filter(municipality_id=person_gmina_id, service_id__in=ids).values_list(
                "service_id", flat=True
            )
        )
    facts = []
    for row in rows:
        own = terms.get(row["id"], {})
        institution_county = row["institution__municipality__county_id"] or row["institution__county_id"]
        facts.append(
            matching.ServiceFacts(
                id=row["id"],
                key=str(row["public_id"]),
                name=row["name"],
                institution_name=row["institution__name"],
                status=row["status"],
                institution_active=row["institution__is_active"],
                minimum_age=row["minimum_age"],
                maximum_age=row["maximum_age"],
                residence_gmina_ids=frozenset(residence.get(row["id"], ())),
                served_gmina_ids=(
                    frozenset({person_gmina_id} if row["id"] in served else ()) if person_gmina_id is not None else None
                ),
                disability_certificate_required=row["disability_certificate_required"],
                income_criterion_percent=row["income_criterion_percent"],
                target_groups=dict(own.get(TARGET_GROUPS, {})),
                referral_required=row["referral_required"],
                free_of_charge=row["free_of_charge"],
                free_places=row["free_places"],
                waiting_list=row["waiting_list"],
                categories=frozenset(own.get(CATEGORIES, {})),
                accessibility=frozenset(own.get(ACCESSIBILITY, {})),
                places=tuple(places.get(row["id"], ())),
                institution_place=matching.PlaceFacts(
                    row["institution__municipality_id"], institution_county, row["institution__voivodeship_id"]
                ),
            )
        )
    return facts


def service_facts(service: Service, profile: matching.PersonProfile) -> matching.ServiceFacts:
    """One service's facts (as `load_candidates` gives them), whatever its status or area."""
    return _facts(Service.objects.filter(pk=service.pk), person_gmina_id=profile.gmina_id)[0]


def eligibility_problems(service: Service, person: Person | None, case: Case) -> list[str]:
    """Translated sentences saying why the person does not meet the service's criteria (age,
    residence gmina or service area, disability certificate, income criterion, target group);
    [] when eligible or when nothing known contradicts. Without a person, only the case's gmina
    is checked."""
    profile = person_profile(person, case)
    return matching.eligibility_problems(service_facts(service, profile), profile)


# --- Candidates for needs ------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidates:
    """The services that may answer the needs, and each need's weights (category code -> 1..3)."""

    services: list[matching.ServiceFacts]
    weights: Mapping[int, dict[str, int]]  # need id -> weights


def category_tree() -> list[tuple[int, int | None, str]]:
    """(id, parent id, code) of every directory category: a few dozen rows."""
    return list(TaxonomyTerm.objects.categories().values_list("id", "parent_id", "code"))


def need_weights(
    need_ids: Iterable[int], tree: list[tuple[int, int | None, str]] | None = None
) -> dict[int, dict[str, int]]:
    """Each need's category weights, passed down to the categories below a mapped one (a child
    keeps the best weight it gets from itself or an ancestor). Two queries (one with `tree`)."""
    need_ids = list(need_ids)
    children: dict[int, list[int]] = defaultdict(list)
    codes: dict[int, str] = {}
    for term_id, parent_id, code in tree if tree is not None else category_tree():
        codes[term_id] = code
        if parent_id is not None:
            children[parent_id].append(term_id)
    weights: dict[int, dict[str, int]] = {need_id: {} for need_id in need_ids}
    for need_id, term_id, weight in NeedCategory.objects.filter(need_id__in=need_ids).values_list(
        "need_id", "term_id", "weight"
    ):
        waiting = [term_id]
        while waiting:
            current = waiting.pop()
            term_code = codes.get(current)
            if term_code is None:
                continue
            if weights[need_id].get(term_code, 0) < weight:
                weights[need_id][term_code] = weight
            waiting.extend(children.get(current, ()))
    return weights


def candidate_services(profile: matching.PersonProfile, term_ids: Iterable[int]) -> QuerySet[Service]:
    """Active services of active institutions reaching the person's gmina with one of the
    category terms. Driven from the gmina's served services (about a hundred), each checked for
    a category on its own (service, term) key: asked the other way round, PostgreSQL gathered
    every service of every category first (120 ms at 50 000 services: bench/plan_matching.py)."""
    services = Service.objects.filter(status=ServiceStatus.ACTIVE, institution__is_active=True).filter(
        Exists(ServiceAttribute.objects.filter(service_id=OuterRef("pk"), taxonomy_term_id__in=list(term_ids)))
    )
    if profile.gmina_id is not None:
        services = services.filter(
            id__in=ServedMunicipality.objects.filter(municipality_id=profile.gmina_id).values("service_id")
        )
    return services


def load_candidates(profile: matching.PersonProfile, need_ids: Iterable[int]) -> Candidates:
    """The candidate services of all the needs at once: six queries, however many there are."""
    tree = category_tree()
    weights = need_weights(need_ids, tree)
    codes = {code for need in weights.values() for code in need}
    if not codes:
        return Candidates([], weights)
    term_ids = [term_id for term_id, _parent, code in tree if code in codes]
    found = candidate_services(profile, term_ids)
    services = _facts(found, person_gmina_id=profile.gmina_id, all_served=profile.gmina_id is not None)
    return Candidates(services, weights)


def suggestions_for(candidates: Candidates, profile: matching.PersonProfile, need_id: int) -> list[matching.Suggestion]:
    return matching.rank(candidates.services, profile, candidates.weights.get(need_id, {}))


@dataclass(frozen=True)
class NeedSuggestions:
    """A need of the case with its suggestions, best first, for the person it is about."""

    item: NeedOfCase
    profile: matching.PersonProfile
    suggestions: list[matching.Suggestion]


def subject_of(case: Case, item_person: Person | None) -> Person | None:
    """Whom a need is matched for: its person, else the person of a person's case (a household
    need as a whole has no person: it is matched against the members, `household_profile`)."""
    if item_person is not None:
        return item_person
    return case.person if case.kind == CaseKind.PERSON else None


def suggestions_for_case(case: Case, items: list[NeedOfCase]) -> list[NeedSuggestions]:
    """Each need's suggestions. The services are loaded once per gmina the needs' people live
    in (once, nearly always); a profile costs a few queries per person, never per service."""
    profiles: dict[int | None, matching.PersonProfile] = {}
    subjects: list[Person | None] = []
    for item in items:
        subjects.append(subject_of(case, item.person))
        need_profile(case, item.person, profiles)
    by_gmina: dict[int | None, list[int]] = defaultdict(list)
    for item, person in zip(items, subjects, strict=True):
        by_gmina[profiles[person.pk if person else None].gmina_id].append(item.need.pk)
    loaded: dict[int | None, Candidates] = {}
    for gmina_id, need_ids in by_gmina.items():
        profile = next(p for p in profiles.values() if p.gmina_id == gmina_id)
        loaded[gmina_id] = load_candidates(profile, need_ids)
    ranked: dict[tuple[int | None, int], list[matching.Suggestion]] = {}
    for key, profile in profiles.items():
        wanted = {
            need_id: loaded[profile.gmina_id].weights.get(need_id, {})
            for item, person in zip(items, subjects, strict=True)
            if (person.pk if person else None) == key
            for need_id in [item.need.pk]
        }
        for need_id, suggestions in matching.rank_needs(loaded[profile.gmina_id].services, profile, wanted).items():
            ranked[(key, need_id)] = suggestions
    found = []
    for item, person in zip(items, subjects, strict=True):
        key = person.pk if person else None
        found.append(NeedSuggestions(item, profiles[key], ranked[(key, item.need.pk)]))
    return found
