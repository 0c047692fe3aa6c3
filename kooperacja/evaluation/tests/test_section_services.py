"""Services and gaps on a dashboard: the services residents of a territory can use, the
institutions offering them, the main categories nobody offers (the resource map's rule) and
the breakdowns by category and by unit.

The services reach the test powiat's gminas through `ServedMunicipality` rows written here (what
the directory derives from service areas); the demo's services never reach those gminas.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kooperacja.directory.models import ServedMunicipality, Service, ServiceAttribute, ServiceStatus, TaxonomyTerm
from kooperacja.evaluation import periods, scope
from kooperacja.evaluation.dashboard import Table
from kooperacja.evaluation.sections.services import ServicesSection
from kooperacja.institutions.models import Institution, InstitutionKind, Sector
from kooperacja.territory.models import Municipality

WARSAW = ZoneInfo("Europe/Warsaw")
SECTION = ServicesSection()
MAIN_CATEGORIES = 7  # the shipped taxonomy's top-level categories


def _service(
    institution: Institution,
    categories: Sequence[str],
    gminas: Iterable[Municipality],
    *,
    status: str = ServiceStatus.ACTIVE,
    created: dt.datetime = dt.datetime(2025, 2, 1, 9, 0, tzinfo=WARSAW),
) -> Service:
    service = Service.objects.create(institution=institution, name="Usługa", status=status, created_at=created)
    for code in categories:
        ServiceAttribute.objects.create(
            service=service, taxonomy_term=TaxonomyTerm.objects.categories().get(code=code), link_type="category"
        )
    ServedMunicipality.objects.bulk_create(ServedMunicipality(service=service, municipality=g) for g in gminas)
    return service


@pytest.fixture
def land(fresh_powiat):
    """An association in the northern gmina; the powiat's PCPR, whose services reach both gminas."""
    county = fresh_powiat.county
    fresh_powiat.ngo = Institution.objects.create(
        name="Stowarzyszenie „Razem”",
        kind=InstitutionKind.NGO,
        sector=Sector.NGO,
        voivodeship=county.voivodeship,
        county=county,
        municipality=fresh_powiat.north,
    )
    fresh_powiat.pcpr = Institution.objects.create(
        name="PCPR próbny",
        kind=InstitutionKind.PCPR,
        sector=Sector.FAMILY_SUPPORT,
        voivodeship=county.voivodeship,
        county=county,
    )
    return fresh_powiat


def _resources(land: Any) -> None:
    """North: the association's counselling (two social-assistance subcategories) and after-school
    classes, the GOPS's meals, and the PCPR's therapy; south: the PCPR's therapy only. Not
    counted: a defunct service in the north and a service reaching only the south's neighbour."""
    both = (land.north, land.south)
    _service(land.ngo, ["legal-counselling", "family-counselling"], [land.north])
    _service(land.ngo, ["after-school"], [land.north])
    _service(land.gops_north, ["meals"], [land.north], created=dt.datetime(2024, 9, 1, tzinfo=WARSAW))
    _service(land.pcpr, ["addiction-therapy"], both)
    _service(land.ngo, ["job-placement"], [land.north], status=ServiceStatus.DEFUNCT)
    _service(land.gops_south, ["police-prevention"], [Municipality.objects.get(name="Mirzec")])


def _headlines(where: scope.Scope, period: str = "2025") -> dict[str, object]:
    return {h.key: h.figure.value for h in SECTION.headlines(where, periods.parse(period))}


def _tables(where: scope.Scope, period: str = "2025") -> dict[str, Table]:
    return {table.key: table for table in SECTION.tables(where, periods.parse(period))}


def test_it_counts_what_residents_of_a_gmina_can_use(land):
    _resources(land)
    assert _headlines(scope.gmina_scope(land.north)) == {
        "services": 4,
        "institutions": 3,  # the association, the GOPS and the PCPR of the powiat
        "categories_without": MAIN_CATEGORIES - 3,  # social assistance, education, health
        "added": 3,
    }
    assert _headlines(scope.gmina_scope(land.south)) == {
        "services": 1,
        "institutions": 1,
        "categories_without": MAIN_CATEGORIES - 1,
        "added": 1,
    }


def test_it_counts_a_service_once_in_its_main_category(land):
    _resources(land)
    table = _tables(scope.gmina_scope(land.north))["services-by-category"]
    rows = {row[0]: row[1:] for row in table.export_rows()}
    assert rows["Pomoc społeczna"] == [2]  # counselling (two subcategories) and meals
    assert (rows["Edukacja"], rows["Zdrowie"], rows["Praca"]) == ([1], [1], [0])
    assert table.chart is not None


def test_it_shows_a_powiat_its_gaps_by_category_and_by_gmina(land):
    _resources(land)
    powiat = scope.powiat_scope(land.county)
    found = _headlines(powiat)
    # A service reaching both gminas is one service of the powiat.
    assert (found["services"], found["categories_without"]) == (4, MAIN_CATEGORIES - 3)
    assert found["gaps"] == (MAIN_CATEGORIES - 3) + (MAIN_CATEGORIES - 1)
    tables = _tables(powiat)
    by_category = {row[0]: row[1:] for row in tables["services-by-category"].export_rows()}
    assert by_category["Zdrowie"] == [1, 0] and by_category["Edukacja"] == [1, 1] and by_category["Praca"] == [0, 2]
    by_gmina = tables["services-by-unit"].export_rows()
    assert by_gmina == [["Południe", 1, MAIN_CATEGORIES - 1], ["Północ", 4, MAIN_CATEGORIES - 3]]


def test_it_leaves_out_services_of_an_institution_that_closed(land):
    _resources(land)
    land.ngo.is_active = False
    land.ngo.save(update_fields=["is_active"])
    assert _headlines(scope.gmina_scope(land.north))["services"] == 2


def test_it_compares_the_listing_with_today_and_the_additions_with_the_period(land):
    _resources(land)
    now = _headlines(scope.gmina_scope(land.north), "2025-H1")
    before = _headlines(scope.gmina_scope(land.north), "2024-H2")
    # No withdrawal dates: the listing is today's in both periods; additions are the period's own.
    assert (now["services"], before["services"]) == (4, 4)
    assert (now["added"], before["added"]) == (3, 1)


@pytest.mark.parametrize("level", ["gmina", "powiat"])
def test_it_reads_as_many_queries_for_many_services_as_for_few(land, level, django_assert_max_num_queries):
    where = scope.gmina_scope(land.north) if level == "gmina" else scope.powiat_scope(land.county)
    period = periods.parse("2025")

    def read() -> None:
        SECTION.headlines(where, period)
        SECTION.tables(where, period)

    _service(land.ngo, ["meals"], [land.north])
    with django_assert_max_num_queries(12) as few:
        read()
    _resources(land)
    for _ in range(20):
        _service(land.pcpr, ["counselling", "culture"], [land.north, land.south])
    with django_assert_max_num_queries(len(few.captured_queries)):
        read()
