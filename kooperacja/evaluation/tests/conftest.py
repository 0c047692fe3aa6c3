"""A territory of the evaluation's own tests: a powiat with two gminas that the demo leaves empty."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kooperacja.institutions.models import Institution, InstitutionKind, Sector
from kooperacja.territory.models import County, Municipality, MunicipalityKind, Voivodeship


@dataclass
class FreshPowiat:
    county: County
    north: Municipality
    south: Municipality
    gops_north: Institution
    gops_south: Institution


def _gops(gmina: Municipality) -> Institution:
    return Institution.objects.create(
        name=f"GOPS {gmina.name}",
        kind=InstitutionKind.GOPS,
        sector=Sector.SOCIAL_ASSISTANCE,
        voivodeship=gmina.county.voivodeship,
        county=gmina.county,
        municipality=gmina,
    )


@pytest.fixture
def fresh_powiat(db) -> FreshPowiat:
    voivodeship = Voivodeship.objects.get(code="26")
    county = County.objects.create(code="2699", name="próbny", voivodeship=voivodeship)
    north = Municipality.objects.create(code="2699012", name="Północ", kind=MunicipalityKind.RURAL, county=county)
    south = Municipality.objects.create(code="2699022", name="Południe", kind=MunicipalityKind.RURAL, county=county)
    return FreshPowiat(county, north, south, _gops(north), _gops(south))
