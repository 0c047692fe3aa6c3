"""Services for the tests of the public directory, made the way staff and imports make them
(with `refresh_index` afterwards), plus a check that what they make is what the search finds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pytest

from kooperacja.directory.models import (
    ACCESSIBILITY,
    CATEGORIES,
    LINK_TYPES,
    TARGET_GROUPS,
    Address,
    Location,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    TaxonomyTerm,
)
from kooperacja.directory.services import refresh_index
from kooperacja.institutions.models import Institution
from kooperacja.territory.models import Municipality

MIRZEC = "2611032"
OKSA = "2602052"


def gops(gmina_code: str = MIRZEC) -> Institution:
    return Institution.objects.get(kind="gops", municipality__code=gmina_code)


def _attach(service: Service, taxonomy: str, codes: Iterable[str]) -> None:
    for code in codes:
        ServiceAttribute.objects.create(
            service=service,
            taxonomy_term=TaxonomyTerm.objects.get(taxonomy__code=taxonomy, code=code),
            link_type=LINK_TYPES[taxonomy],
        )


def make_service(
    name: str = "Poradnictwo rodzinne",
    *,
    institution: Institution | None = None,
    categories: Iterable[str] = ("family-counselling",),
    groups: Iterable[str] = (),
    access: Iterable[str] = (),
    gmina: str | None = MIRZEC,
    city: str = "Mirzec",
    weekly: str | None = "MO,TU,WE,TH,FR",
    index: bool = True,
    **fields: Any,
) -> Service:
    """A listed service of GOPS Mirzec delivered at one place in the gmina (open 8:00–16:00 on
    weekdays), found through its gmina's area; every part can be changed by its argument."""
    service = Service.objects.create(institution=institution or gops(), name=name, **fields)
    _attach(service, CATEGORIES, categories)
    _attach(service, TARGET_GROUPS, groups)
    _attach(service, ACCESSIBILITY, access)
    if gmina:
        municipality = Municipality.objects.get(code=gmina)
        location = Location.objects.create(
            institution=service.institution, name=f"Siedziba: {name}"[:250], municipality=municipality
        )
        Address.objects.create(
            location=location,
            address_1="ul. Kolejowa 1",
            city=city,
            postal_code="27-220",
            state_province="świętokrzyskie",
        )
        sal = ServiceAtLocation.objects.create(service=service, location=location)
        if weekly:
            Schedule.objects.create(
                service_at_location=sal, freq="WEEKLY", byday=weekly, opens_at=dt.time(8), closes_at=dt.time(16)
            )
        ServiceArea.objects.create(service=service, name=municipality.name, municipality=municipality)
    if index:
        refresh_index([service])
    return service


@pytest.mark.django_db
def test_it_makes_a_listed_service_found_by_its_words_and_its_gmina():
    service = make_service("Klub seniora „Pod Lipami”", categories=["club"], groups=["seniors"])

    assert service in Service.objects.listed().matching("klubu seniorów")
    assert service in Service.objects.serving(Municipality.objects.get(code=MIRZEC))
    assert service not in Service.objects.serving(Municipality.objects.get(code=OKSA))
