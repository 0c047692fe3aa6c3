"""The matching engine's rules one by one, on plain data (no database)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from django.utils import translation

from kooperacja.plans import matching
from kooperacja.plans.matching import PersonProfile, PlaceFacts, ServiceFacts, Tier

GMINA, OTHER_GMINA, FAR_GMINA = 1, 2, 9
COUNTY, FAR_COUNTY = 10, 90
VOIVODESHIP, FAR_VOIVODESHIP = 100, 900
WEIGHTS = {"family-counselling": 3, "counselling": 1}

PERSON = PersonProfile(
    gmina_id=GMINA,
    gmina_name="Mirzec",
    county_id=COUNTY,
    voivodeship_id=VOIVODESHIP,
    age=40,
    decided_groups=frozenset(),
)
HERE = PlaceFacts(GMINA, COUNTY, VOIVODESHIP)


@pytest.fixture(autouse=True)
def polish():
    with translation.override("pl"):
        yield


def service(number: int = 1, **fields) -> ServiceFacts:
    fields.setdefault("categories", frozenset({"family-counselling"}))
    fields.setdefault("places", (HERE,))
    return ServiceFacts(id=number, key=f"{number:032x}", name=f"Usługa {number}", **fields)


def names(suggestions) -> list[str]:
    return [suggestion.service.name for suggestion in suggestions]


def test_it_ranks_a_service_made_for_the_need_above_one_that_may_help():
    may_help = service(1, categories=frozenset({"counselling"}))
    made_for = service(2)

    assert names(matching.rank([may_help, made_for], PERSON, WEIGHTS)) == ["Usługa 2", "Usługa 1"]


def test_it_leaves_out_services_of_no_category_of_the_need_and_says_why():
    unrelated = service(1, categories=frozenset({"meals"}))

    assert matching.rank([unrelated], PERSON, WEIGHTS) == []
    assert matching.assess(unrelated, PERSON, WEIGHTS).exclusions == (
        "Żadna z kategorii usługi nie odpowiada na tę potrzebę.",
    )


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"minimum_age": 60}, "co najmniej 60 lat"),
        ({"maximum_age": 18}, "w wieku do 18 lat"),
        ({"residence_gmina_ids": frozenset({OTHER_GMINA})}, "tylko dla mieszkańców innych gmin"),
        ({"served_gmina_ids": frozenset({OTHER_GMINA})}, "nie obejmuje gminy Mirzec"),
        ({"disability_certificate_required": True}, "wymaga orzeczenia"),
        ({"status": "inactive"}, "Usługa nie jest aktywna."),
        ({"institution_active": False}, "Instytucja prowadząca usługę nie jest aktywna."),
    ],
)
def test_it_never_suggests_an_ineligible_or_inactive_service_and_says_why(fields, problem):
    excluded = service(1, **fields)

    assert matching.rank([excluded], PERSON, WEIGHTS) == []
    verdict = matching.assess(excluded, PERSON, WEIGHTS)
    assert not verdict.suggested
    assert any(problem in text for text in verdict.exclusions)


def test_it_compares_income_with_the_share_of_the_criterion():
    poor = replace(PERSON, income_per_person=Decimal(800), income_criterion=Decimal(600))
    limited = service(1, income_criterion_percent=150)

    assert names(matching.rank([limited], poor, WEIGHTS)) == ["Usługa 1"]
    assert matching.rank([replace(limited, income_criterion_percent=120)], poor, WEIGHTS) == []


def test_it_notes_a_required_referral_but_does_not_exclude_for_it():
    [suggestion] = matching.rank([service(1, referral_required=True)], PERSON, WEIGHTS)

    assert "wymagane skierowanie" in suggestion.notes


def test_it_puts_free_places_before_an_unknown_state_and_that_before_a_waiting_list():
    waiting = service(1, free_places=0, waiting_list=4)
    unknown = service(2)
    free = service(3, free_places=3)

    ranked = matching.rank([waiting, unknown, free], PERSON, WEIGHTS)

    assert names(ranked) == ["Usługa 3", "Usługa 2", "Usługa 1"]
    assert "wolne miejsca: 3" in ranked[0].reasons
    assert "4 osoby czekają" in ranked[2].notes


def test_it_prefers_a_shorter_waiting_list():
    long = service(1, free_places=0, waiting_list=12)
    short = service(2, free_places=0, waiting_list=2)

    assert names(matching.rank([long, short], PERSON, WEIGHTS)) == ["Usługa 2", "Usługa 1"]


def test_it_orders_proximity_tiers_from_the_same_gmina_to_further():
    further = service(1, places=(PlaceFacts(FAR_GMINA, FAR_COUNTY, FAR_VOIVODESHIP),))
    voivodeship = service(2, places=(PlaceFacts(FAR_GMINA, FAR_COUNTY, VOIVODESHIP),))
    powiat_service = service(3, places=(PlaceFacts(None, COUNTY, VOIVODESHIP),))
    same_powiat = service(4, places=(PlaceFacts(OTHER_GMINA, COUNTY, VOIVODESHIP),))
    same_gmina = service(5)

    ranked = matching.rank([further, voivodeship, powiat_service, same_powiat, same_gmina], PERSON, WEIGHTS)

    assert [suggestion.tier for suggestion in ranked] == list(Tier)
    assert ranked[0].reasons[1] == "w tej samej gminie"


def test_it_orders_by_distance_within_a_tier_when_both_sides_have_coordinates():
    person = replace(PERSON, latitude=51.10, longitude=21.10)
    near = service(1, places=(PlaceFacts(OTHER_GMINA, COUNTY, VOIVODESHIP, 51.12, 21.12),))
    far = service(2, places=(PlaceFacts(OTHER_GMINA, COUNTY, VOIVODESHIP, 51.40, 21.50),))
    unknown = service(3, places=(PlaceFacts(OTHER_GMINA, COUNTY, VOIVODESHIP),))

    ranked = matching.rank([unknown, far, near], person, WEIGHTS)

    assert names(ranked) == ["Usługa 1", "Usługa 2", "Usługa 3"]
    assert ranked[0].distance_km is not None and ranked[0].distance_km < 5
    assert "ok. 3 km stąd" in ranked[0].reasons


def test_it_ranks_a_service_lacking_a_needed_feature_lower_unless_it_comes_home_or_works_remotely():
    person = replace(
        PERSON, accessibility_needs=frozenset({"step-free"}), accessibility_names={"step-free": "Wejście bez schodów"}
    )
    stairs = service(1)
    step_free = service(2, accessibility=frozenset({"step-free"}))
    home = service(3, accessibility=frozenset({"home-visit"}))

    ranked = matching.rank([stairs, step_free, home], person, WEIGHTS)

    assert names(ranked) == ["Usługa 2", "Usługa 3", "Usługa 1"]
    assert "brakuje: Wejście bez schodów" in ranked[2].notes


def test_it_puts_free_services_first_among_equals():
    paid = service(1)
    free = service(2, free_of_charge=True)

    ranked = matching.rank([paid, free], PERSON, WEIGHTS)

    assert names(ranked) == ["Usługa 2", "Usługa 1"]
    assert "bezpłatna" in ranked[0].reasons
    assert "może być płatna" in ranked[1].notes


def test_it_breaks_ties_by_name_and_then_by_public_id():
    twin_b = replace(service(2), name="Poradnia")
    twin_a = replace(service(1), name="Poradnia")

    assert [s.service.id for s in matching.rank([twin_b, twin_a], PERSON, WEIGHTS)] == [1, 2]


def test_it_derives_target_groups_from_age_disability_and_income():
    groups, decided = matching.derive_groups(
        age=70, disability_degree="light", income_per_person=Decimal(500), income_criterion=Decimal(600)
    )

    assert groups == {"seniors", "disability", "low-income"}
    assert {"children", "youth", "seniors", "low-income", "disability"} <= decided
    assert matching.derive_groups(age=None, disability_degree="", income_per_person=None, income_criterion=None) == (
        frozenset(),
        frozenset({"disability", "professionals"}),
    )


@pytest.mark.parametrize(
    ("age", "said"),
    [
        (1, "osoba ma 1 rok."),
        (22, "osoba ma 22 lata."),
        (44, "osoba ma 44 lata."),
        (25, "osoba ma 25 lat."),
    ],
)
def test_it_says_the_person_s_age_in_proper_polish(age, said):
    too_young = replace(PERSON, age=age)

    assert matching.eligibility_problems(service(minimum_age=60), too_young) == [
        f"Usługa jest dla osób w wieku co najmniej 60 lat; {said}"
    ]


FATHER = replace(PERSON, age=44, name="Marek")
SON = replace(PERSON, age=12, name="Jakub")
HOUSEHOLD = PersonProfile(
    gmina_id=GMINA, gmina_name="Mirzec", county_id=COUNTY, voivodeship_id=VOIVODESHIP, members=(FATHER, SON)
)


def test_it_leaves_out_of_a_household_need_a_service_no_member_may_use_and_says_why_for_each():
    for_seniors = service(1, minimum_age=60)

    assert matching.rank([for_seniors], HOUSEHOLD, WEIGHTS) == []
    assert matching.assess(for_seniors, HOUSEHOLD, WEIGHTS).exclusions == (
        "Marek: Usługa jest dla osób w wieku co najmniej 60 lat; osoba ma 44 lata.",
        "Jakub: Usługa jest dla osób w wieku co najmniej 60 lat; osoba ma 12 lat.",
    )
    checks = matching.explain(for_seniors, HOUSEHOLD, WEIGHTS)
    assert [check.text for check in checks if check.rule == "Kryteria"] == list(
        matching.eligibility_problems(for_seniors, HOUSEHOLD)
    )


def test_it_suggests_for_a_household_need_a_service_one_member_may_use_and_names_them():
    for_children = service(1, maximum_age=12)
    for_everyone = service(2)

    ranked = matching.rank([for_children, for_everyone], HOUSEHOLD, WEIGHTS)

    assert [suggestion.reasons[0] for suggestion in ranked] == ["dla: Jakub", "dla: Marek, Jakub"]
    checks = matching.explain(for_children, HOUSEHOLD, WEIGHTS)
    assert [(check.outcome, check.text) for check in checks if check.rule == "Kryteria"] == [
        ("ok", "Nic, co wiadomo, nie przeczy kryteriom dla: Jakub.")
    ]


def test_it_does_not_name_anyone_for_a_single_person():
    (suggestion,) = matching.rank([service(1)], PERSON, WEIGHTS)

    assert not any(reason.startswith("dla:") for reason in suggestion.reasons)
