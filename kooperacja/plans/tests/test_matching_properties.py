"""Properties of the matching engine over generated services and people (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from kooperacja.plans import matching
from kooperacja.plans.matching import PersonProfile, PlaceFacts, ServiceFacts

CATEGORIES = ["family-counselling", "counselling", "therapy", "meals"]
GROUPS = {"children": "Dzieci", "seniors": "Seniorzy", "families": "Rodziny", "low-income": "Ubodzy"}
FEATURES = ["step-free", "hearing-loop", "home-visit", "remote"]
WEIGHTS = {"family-counselling": 3, "counselling": 1, "therapy": 2}

places = st.builds(
    PlaceFacts,
    gmina_id=st.sampled_from([None, 1, 2, 3]),
    county_id=st.sampled_from([None, 10, 20]),
    voivodeship_id=st.sampled_from([100, 200]),
    latitude=st.one_of(st.none(), st.floats(50, 52)),
    longitude=st.one_of(st.none(), st.floats(20, 22)),
)
optional_count = st.one_of(st.none(), st.integers(0, 30))


@st.composite
def services(draw: st.DrawFn, number: int) -> ServiceFacts:
    minimum = draw(st.one_of(st.none(), st.integers(0, 80)))
    maximum = draw(st.one_of(st.none(), st.integers(minimum or 0, 100)))
    return ServiceFacts(
        id=number,
        key=f"{number:032x}",
        name=draw(st.sampled_from(["Poradnia", "Klub", "Terapia", "Zespół"])),
        status=draw(st.sampled_from([matching.ACTIVE, matching.ACTIVE, "inactive"])),
        institution_active=draw(st.booleans()) or draw(st.booleans()),
        minimum_age=minimum,
        maximum_age=maximum,
        residence_gmina_ids=draw(st.frozensets(st.sampled_from([1, 2, 3]), max_size=2)),
        served_gmina_ids=draw(st.one_of(st.none(), st.frozensets(st.sampled_from([1, 2, 3])))),
        disability_certificate_required=draw(st.booleans()),
        income_criterion_percent=draw(st.one_of(st.none(), st.integers(50, 300))),
        target_groups={code: GROUPS[code] for code in draw(st.frozensets(st.sampled_from(sorted(GROUPS))))},
        referral_required=draw(st.booleans()),
        free_of_charge=draw(st.booleans()),
        free_places=draw(optional_count),
        waiting_list=draw(optional_count),
        categories=draw(st.frozensets(st.sampled_from(CATEGORIES), max_size=3)),
        accessibility=draw(st.frozensets(st.sampled_from(FEATURES), max_size=2)),
        places=tuple(draw(st.lists(places, max_size=2))),
        institution_place=draw(places),
    )


@st.composite
def catalogues(draw: st.DrawFn, min_size: int = 0) -> list[ServiceFacts]:
    size = draw(st.integers(min_size, 12))
    return [draw(services(number)) for number in range(1, size + 1)]


@st.composite
def people(draw: st.DrawFn) -> PersonProfile:
    age = draw(st.one_of(st.none(), st.integers(0, 95)))
    degree = draw(st.sampled_from(["", "light", "significant"]))
    income = draw(st.one_of(st.none(), st.integers(0, 3000).map(Decimal)))
    criterion = None if income is None else Decimal(600)
    groups, decided = matching.derive_groups(
        age=age, disability_degree=degree, income_per_person=income, income_criterion=criterion
    )
    return PersonProfile(
        gmina_id=draw(st.sampled_from([1, 2, 3])),
        gmina_name="Gmina",
        county_id=draw(st.sampled_from([10, 20])),
        voivodeship_id=100,
        age=age,
        disability_degree=degree,
        income_per_person=income,
        income_criterion=criterion,
        groups=groups,
        decided_groups=decided,
        accessibility_needs=draw(st.frozensets(st.sampled_from(FEATURES[:2]))),
        latitude=draw(st.one_of(st.none(), st.floats(50, 52))),
        longitude=draw(st.one_of(st.none(), st.floats(20, 22))),
    )


def ids(suggestions: list[matching.Suggestion]) -> list[int]:
    return [suggestion.service.id for suggestion in suggestions]


@given(catalogues(), people())
def test_it_never_suggests_an_ineligible_or_inactive_service(catalogue, person):
    for suggestion in matching.rank(catalogue, person, WEIGHTS):
        assert matching.eligibility_problems(suggestion.service, person) == []
        assert suggestion.service.status == matching.ACTIVE and suggestion.service.institution_active
        assert matching.assess(suggestion.service, person, WEIGHTS).suggested


@given(catalogues(min_size=1), people(), st.data())
def test_it_never_lowers_a_service_when_places_free_up(catalogue, person, data):
    index = data.draw(st.integers(0, len(catalogue) - 1))
    before = ids(matching.rank(catalogue, person, WEIGHTS))
    freed = replace(catalogue[index], free_places=(catalogue[index].free_places or 0) + data.draw(st.integers(1, 5)))
    after = ids(matching.rank([*catalogue[:index], freed, *catalogue[index + 1 :]], person, WEIGHTS))

    if freed.id in before:
        assert after.index(freed.id) <= before.index(freed.id)
    assert (freed.id in after) == (freed.id in before)


@given(catalogues(), people(), st.randoms(use_true_random=False))
def test_it_gives_the_same_order_however_the_services_come(catalogue, person, random):
    shuffled = list(catalogue)
    random.shuffle(shuffled)

    assert ids(matching.rank(shuffled, person, WEIGHTS)) == ids(matching.rank(catalogue, person, WEIGHTS))


@given(catalogues(), people(), services(999))
def test_it_keeps_the_others_in_their_order_when_a_service_is_added(catalogue, person, added):
    before = ids(matching.rank(catalogue, person, WEIGHTS))
    after = [number for number in ids(matching.rank([*catalogue, added], person, WEIGHTS)) if number != added.id]

    assert after == before


@given(catalogues(), people())
def test_it_explains_every_service_it_leaves_out(catalogue, person):
    suggested = set(ids(matching.rank(catalogue, person, WEIGHTS)))
    for service in catalogue:
        verdict = matching.assess(service, person, WEIGHTS)
        assert verdict.suggested == (service.id in suggested)
        assert verdict.suggested or verdict.exclusions


@given(catalogues(), st.lists(people(), min_size=1, max_size=3))
def test_it_suggests_for_a_household_only_what_some_member_may_use(catalogue, members):
    household = PersonProfile(gmina_id=1, gmina_name="Gmina", county_id=10, voivodeship_id=100, members=tuple(members))
    suggested = set(ids(matching.rank(catalogue, household, WEIGHTS)))

    for service in catalogue:
        some_member = any(matching.eligibility_problems(service, member) == [] for member in members)
        available = service.status == matching.ACTIVE and service.institution_active
        assert (service.id in suggested) == (some_member and available and matching.category_fit(service, WEIGHTS) > 0)
        assert (matching.eligibility_problems(service, household) == []) == some_member
