"""From the database to the engine: the person's profile, one service's eligibility problems
(what referrals ask), and the candidates of needs loaded in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from kooperacja.cases.tests.factories import make_case, make_household, make_person
from kooperacja.directory.models import ServiceStatus, TaxonomyTerm
from kooperacja.directory.tests.test_public_factories import OKSA, make_service
from kooperacja.plans import candidates
from kooperacja.plans.models import Need, NeedCategory
from kooperacja.territory.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def polish():
    with translation.override("pl"):
        yield


def born_years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - dt.timedelta(days=1)


def test_it_finds_nothing_wrong_when_the_person_meets_every_criterion():
    person = make_person(birth_date=born_years_ago(70), disability_degree="moderate", income_per_person=Decimal(500))
    service = make_service(
        minimum_age=60, disability_certificate_required=True, income_criterion_percent=150, groups=["seniors"]
    )

    assert candidates.eligibility_problems(service, person, make_case(person=person)) == []


def test_it_says_the_person_is_too_young_or_too_old():
    young = make_person(birth_date=born_years_ago(30))
    service = make_service(minimum_age=60)
    child_service = make_service("Świetlica", maximum_age=12)

    assert candidates.eligibility_problems(service, young, make_case(person=young)) == [
        "Usługa jest dla osób w wieku co najmniej 60 lat; osoba ma 30 lat."
    ]
    assert candidates.eligibility_problems(child_service, young, make_case(person=young)) == [
        "Usługa jest dla osób w wieku do 12 lat; osoba ma 30 lat."
    ]


def test_it_refuses_a_person_from_a_gmina_the_service_does_not_reach():
    person = make_person(municipality=Municipality.objects.get(code=OKSA))
    service = make_service()

    problems = candidates.eligibility_problems(service, person, make_case(person=person))

    assert problems == ["Usługa nie obejmuje gminy Oksa, w której mieszka osoba."]


def test_it_refuses_a_person_from_outside_the_gminas_of_residence():
    person = make_person()
    service = make_service()
    service.residence_municipalities.add(Municipality.objects.get(code=OKSA))

    problems = candidates.eligibility_problems(service, person, make_case(person=person))

    assert problems == ["Usługa jest tylko dla mieszkańców innych gmin (osoba mieszka w gminie Mirzec)."]


def test_it_asks_for_a_disability_certificate_when_none_is_recorded():
    person = make_person(disability_degree="")
    service = make_service(disability_certificate_required=True)

    assert candidates.eligibility_problems(service, person, make_case(person=person)) == [
        "Usługa wymaga orzeczenia o niepełnosprawności, a w danych osoby go nie ma."
    ]


def test_it_compares_income_with_the_criterion_of_a_family_or_of_a_person_alone():
    service = make_service(income_criterion_percent=100)
    alone = make_person(income_per_person=Decimal(700))
    household = make_household()
    in_family = make_person(income_per_person=Decimal(700), household=household)
    make_person("Anna", household=household)

    assert candidates.eligibility_problems(service, alone, make_case(person=alone)) == []
    assert candidates.eligibility_problems(service, in_family, make_case(person=in_family)) == [
        "Dochód na osobę (700,00 zł) przekracza próg usługi: 100% kryterium dochodowego (600,00 zł)."
    ]


def test_it_refuses_only_target_groups_the_data_decides():
    adult = make_person(birth_date=born_years_ago(40))
    case = make_case(person=adult)

    assert candidates.eligibility_problems(make_service(groups=["seniors", "children"]), adult, case) == [
        "Usługa jest dla grup: Dzieci, Seniorzy; dane osoby nie wskazują żadnej z tych grup."
    ]
    assert candidates.eligibility_problems(make_service(groups=["seniors", "families"]), adult, case) == []


def test_it_knows_nothing_against_an_unknown_age_or_income():
    person = make_person(birth_date=None, income_per_person=None)
    service = make_service(minimum_age=60, income_criterion_percent=100, groups=["seniors", "low-income"])

    assert candidates.eligibility_problems(service, person, make_case(person=person)) == []


def test_it_checks_only_the_gmina_when_there_is_no_person():
    case = make_case(household=make_household())
    far = make_service(minimum_age=99)
    far.served_municipalities.all().delete()

    assert candidates.eligibility_problems(far, None, case) == [
        "Usługa nie obejmuje gminy Mirzec, w której mieszka osoba."
    ]


def _need(code: str, *weights: tuple[str, int]) -> Need:
    need = Need.objects.create(code=code, name=code)
    for term_code, weight in weights:
        NeedCategory.objects.create(
            need=need, term=TaxonomyTerm.objects.categories().get(code=term_code), weight=weight
        )
    return need


def test_it_loads_candidates_of_needs_in_a_fixed_number_of_queries(django_assert_num_queries):
    person = make_person()
    case = make_case(person=person)
    need = _need("test-need", ("specialist-counselling", 2), ("family-counselling", 3))
    other = _need("test-other", ("meals", 3))
    profile = candidates.person_profile(person, case)

    with django_assert_num_queries(6):
        few = candidates.load_candidates(profile, [need.pk, other.pk])
    for number in range(6):
        make_service(f"Poradnia {number}", categories=["legal-counselling", "meals"], access=["remote"])
    make_service("Nieczynna", categories=["meals"], status=ServiceStatus.INACTIVE)
    with django_assert_num_queries(6):
        many = candidates.load_candidates(profile, [need.pk, other.pk])

    assert len(many.services) == len(few.services) + 6
    assert many.weights[need.pk]["legal-counselling"] == 2
    assert many.weights[need.pk]["family-counselling"] == 3
    assert "Nieczynna" not in {service.name for service in many.services}
