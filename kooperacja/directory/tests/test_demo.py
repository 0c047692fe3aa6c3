"""The directory demo: about forty services across the 8 gminas of the first milestone."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Model

from kooperacja.directory import demo
from kooperacja.directory.models import (
    ACCESSIBILITY,
    CATEGORIES,
    TARGET_GROUPS,
    Address,
    CostOption,
    Location,
    Phone,
    Schedule,
    SearchTerm,
    ServedMunicipality,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceChange,
    ServiceStatus,
    TaxonomyTerm,
)
from kooperacja.institutions import demo as institutions_demo
from kooperacja.institutions.models import Institution
from kooperacja.territory.models import Municipality

pytestmark = pytest.mark.django_db

SOCIAL_PACKAGE = {
    "counselling",
    "diagnostics",
    "therapy",
    "rehabilitation",
    "workshops",
    "club",
    "volunteering-centre",
    "community-education",
    "staff-training",
}
STATUTORY = {
    "social-work",
    "specialist-counselling",
    "crisis-intervention",
    "care-services",
    "family-assistant",
    "day-support",
    "meals",
}
PARTNER_SECTORS = {
    "addiction-therapy",
    "primary-care",
    "psych-ped-counselling",
    "after-school",
    "job-placement",
    "police-prevention",
    "community-officer",
    "probation",
    "mediation",
    "culture",
    "sport-recreation",
    "volunteering",
    "transport",
}


def demo_services():
    return Service.objects.filter(public_id__in=[demo.demo_uuid("service", spec.key) for spec in demo.SERVICES])


def codes_of(service: Service, taxonomy: str) -> set[str]:
    return {a.taxonomy_term.code for a in service.attributes.all() if a.taxonomy_term.taxonomy.code == taxonomy}


def found(query: str) -> set[str]:
    return set(Service.objects.listed().matching(query).values_list("name", flat=True))


def test_it_loads_about_forty_services():
    assert 40 <= demo_services().count() == len(demo.SERVICES) <= 50


def test_it_gives_every_milestone_gmina_services_of_its_own_and_of_its_powiat():
    for code in demo.MILESTONE_GMINAS:
        gmina = Municipality.objects.get(code=code)
        serving = demo_services().serving(gmina)
        assert serving.filter(institution__municipality=gmina).count() >= 2, gmina.name
        assert serving.filter(institution__municipality__isnull=True).exists(), gmina.name


@pytest.mark.parametrize("query", ["poradnia", "poradni", "poradnię", "PORADNIA", "poradnie"])
def test_it_finds_the_counselling_services_by_any_form_of_poradnia(query):
    names = found(query)

    assert "Poradnia specjalistyczna: psycholog, prawnik, terapeuta rodzinny" in names
    assert "Diagnoza i terapia dzieci w poradni psychologiczno-pedagogicznej" in names
    assert "Poradnia terapii uzależnień i współuzależnienia" in names


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("terapia uzależnień", {"Poradnia terapii uzależnień i współuzależnienia"}),
        ("terapii uzaleznien", {"Poradnia terapii uzależnień i współuzależnienia"}),
        ("klub seniora", {"Klub Seniora „Pogodna Jesień”", "Klub Seniora „Złoty Wiek”"}),
        ("asystent rodziny", {"Asystent rodziny"}),
        ("dowóz", {"Dowóz seniorów i osób z niepełnosprawnością do przychodni"}),
        ("dowoz do lekarza", {"Dowóz seniorów i osób z niepełnosprawnością do przychodni"}),
        ("pomoc psychologiczna", {"Pomoc psychologiczna dla mieszkańców", "Punkt Interwencji Kryzysowej"}),
        ("Łopusznie", {"Treningi piłki nożnej i lekkoatletyki dla dzieci"}),
        ("dzielnicowy", {"Dzielnicowy – dyżur i spotkania z mieszkańcami"}),
        ("schronienie", {"Ośrodek Interwencji Kryzysowej ze schronieniem"}),
    ],
)
def test_it_finds_services_by_what_residents_type(query, expected):
    assert found(query) >= expected


def test_it_finds_nothing_for_a_word_no_service_has():
    assert found("kosmonauta") == set()


def test_it_covers_the_social_package_the_statutory_services_and_the_partner_sectors():
    used = set(
        ServiceAttribute.objects.filter(service__in=demo_services(), link_type="category").values_list(
            "taxonomy_term__code", flat=True
        )
    )

    assert used >= SOCIAL_PACKAGE
    assert used >= STATUTORY
    assert used >= PARTNER_SECTORS


def test_it_gives_every_service_categories_target_groups_and_accessibility():
    for service in demo_services().prefetch_related("attributes__taxonomy_term__taxonomy"):
        assert codes_of(service, CATEGORIES), service.name
        assert codes_of(service, TARGET_GROUPS), service.name
        assert codes_of(service, ACCESSIBILITY), service.name


def test_it_uses_only_codes_of_the_shipped_taxonomy():
    shipped = set(TaxonomyTerm.objects.values_list("taxonomy__code", "code"))
    for spec in demo.SERVICES:
        for taxonomy, codes in (
            (CATEGORIES, spec.categories),
            (TARGET_GROUPS, spec.groups),
            (ACCESSIBILITY, spec.accessibility),
        ):
            assert {(taxonomy, code) for code in codes} <= shipped, spec.key


def test_it_gives_every_service_a_polish_address_weekly_hours_and_a_fictional_phone():
    for service in demo_services().for_detail():
        (sal,) = service.service_at_locations.all()
        (address,) = sal.location.addresses.all()
        assert re.fullmatch(r"\d{2}-\d{3}", address.postal_code), service.name
        assert address.city and address.address_1 and address.country == "PL"
        assert sal.location.municipality is not None
        schedules = list(service.schedules.all())
        assert schedules, service.name
        for schedule in schedules:
            assert schedule.freq == Schedule.Freq.WEEKLY
            assert re.fullmatch(r"(MO|TU|WE|TH|FR|SA|SU)(,(MO|TU|WE|TH|FR|SA|SU))*", schedule.byday)
            assert schedule.opens_at < schedule.closes_at
        (phone,) = service.phones.all()
        assert re.fullmatch(r"41 000 \d\d \d\d", phone.number)
        assert service.email.endswith(".example")


def test_it_keeps_every_service_valid():
    for service in demo_services():
        service.full_clean()


def test_it_scopes_gops_services_to_their_gmina_and_powiat_services_to_the_powiat():
    for service in demo_services().select_related("institution__municipality", "institution__county"):
        areas = list(ServiceArea.objects.filter(service=service))
        assert len(areas) == 1
        if service.institution.municipality is not None:
            assert areas[0].municipality == service.institution.municipality
        else:
            assert areas[0].county == service.institution.county
            served = set(ServedMunicipality.objects.filter(service=service).values_list("municipality", flat=True))
            assert served == set(
                Municipality.objects.filter(county=service.institution.county).values_list("id", flat=True)
            )


def test_it_leaves_a_few_entries_due_for_verification():
    due = demo_services().due_for_verification()

    assert 2 <= due.count() <= 3
    assert demo_services().filter(assured_date__isnull=True).count() == 0


def test_it_has_one_temporarily_closed_service_with_an_alert_that_stays_listed():
    closed = demo_services().filter(status=ServiceStatus.TEMPORARILY_CLOSED)

    assert closed.count() == 1
    assert "nieczynny do" in closed.get().alert
    assert Service.objects.listed().filter(pk=closed.get().pk).exists()


def test_it_makes_most_services_free_and_gives_the_paid_ones_a_cost():
    services = demo_services()
    paid = services.filter(free_of_charge=False)

    assert paid.count() < services.count() / 4
    assert CostOption.objects.filter(service__in=paid).values("service").distinct().count() >= 4
    assert all(service.fees_description for service in paid)


def test_it_gives_some_services_eligibility_and_capacity():
    services = demo_services()

    assert services.filter(referral_required=True).count() >= 3
    assert services.filter(income_criterion_percent__isnull=False).count() >= 2
    assert services.filter(disability_certificate_required=True).exists()
    assert services.filter(residence_municipalities__isnull=False).distinct().count() >= 5
    assert services.filter(minimum_age__isnull=False).count() >= 5
    assert services.filter(places__isnull=False, free_places__isnull=False).count() >= 10
    assert 1 <= services.filter(waiting_list__gt=0).count() <= 6
    assert services.filter(required_documents__isnull=False).distinct().count() >= 10


def test_it_records_the_creation_of_every_service_once():
    for service in demo_services():
        assert list(service.changes.values_list("action", "version")) == [("created", 1)]


def test_it_describes_every_demo_institution():
    names = [spec.name for spec in institutions_demo.INSTITUTIONS + demo.EXTRA_INSTITUTIONS]

    institutions = Institution.objects.filter(name__in=names)
    assert institutions.count() == len(names)
    assert not institutions.filter(description="").exists()


def test_it_keeps_the_partner_institutions_it_adds_valid():
    for spec in demo.EXTRA_INSTITUTIONS:
        Institution.objects.get(name=spec.name).full_clean()


def directory_counts() -> dict[str, int]:
    models: list[type[Model]] = [
        Service,
        ServiceAttribute,
        ServiceAtLocation,
        Location,
        Address,
        Schedule,
        Phone,
        ServiceArea,
        CostOption,
        SearchTerm,
        ServedMunicipality,
        ServiceChange,
        Institution,
    ]
    return {model.__name__: model._default_manager.count() for model in models}


def test_it_gives_the_same_rows_when_loaded_again():
    before = directory_counts()
    ids = set(Service.objects.values_list("public_id", flat=True))

    call_command("load_demo", "--force", stdout=StringIO())

    assert directory_counts() == before
    assert set(Service.objects.values_list("public_id", flat=True)) == ids


def test_it_restores_an_edited_demo_service_when_loaded_again():
    service = Service.objects.get(public_id=demo.demo_uuid("service", "mirzec-klub-seniora"))
    service.name = "Zmieniona nazwa"
    service.save()
    service.attributes.all().delete()

    call_command("load_demo", "--force", stdout=StringIO())

    service.refresh_from_db()
    assert service.name == "Klub Seniora „Pogodna Jesień”"
    assert service.attributes.count() == 5
    assert found("pogodna jesien") == {"Klub Seniora „Pogodna Jesień”"}
