"""The gap-analysis matrix (kooperacja.directory.gaps): what counts in which cell.

The tests build their own territory (voivodeship 98, unknown to TERYT) so that the demo's
services, wherever they reach, never fall into the counted cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pytest

from kooperacja.directory.gaps import (
    EXPAND_ALL,
    EXPORT_COUNTY,
    EXPORT_GMINA,
    EXPORT_TERYT,
    EXPORT_TOTAL,
    CategoryColumns,
    Column,
    Masked,
    build_matrix,
    export_table,
)
from kooperacja.directory.models import (
    ServedMunicipality,
    Service,
    ServiceArea,
    ServiceAttribute,
    ServiceStatus,
    TaxonomyTerm,
)
from kooperacja.directory.services import refresh_index
from kooperacja.institutions.models import Institution
from kooperacja.territory.models import County, Municipality, MunicipalityKind, Voivodeship


@dataclass
class Land:
    voivodeship: Voivodeship
    county: County
    other_county: County
    alfa: Municipality
    beta: Municipality
    lake: Municipality
    gamma: Municipality

    def gminas(self) -> list[Municipality]:
        return [self.alfa, self.beta, self.lake]


def make_land() -> Land:
    """Voivodeship 98 with powiat 9801 (Alfa, Beta, Łąka) and powiat 9802 (Gamma)."""
    voivodeship = Voivodeship.objects.create(code="98", name="TESTOWE")
    county = County.objects.create(code="9801", name="testowy", voivodeship=voivodeship)
    other = County.objects.create(code="9802", name="drugi", voivodeship=voivodeship)

    def gmina(code: str, name: str, in_county: County) -> Municipality:
        return Municipality.objects.create(code=code, name=name, kind=MunicipalityKind.RURAL, county=in_county)

    return Land(
        voivodeship,
        county,
        other,
        alfa=gmina("9801012", "Alfa", county),
        beta=gmina("9801022", "Beta", county),
        lake=gmina("9801032", "Łąka", county),
        gamma=gmina("9802012", "Gamma", other),
    )


@pytest.fixture
def land(db: None) -> Land:
    return make_land()


def provider_institution() -> Institution:
    return Institution.objects.get(short_name="GOPS Mirzec")


def make_service(
    name: str,
    categories: Sequence[str],
    *,
    gminas: Iterable[Municipality] = (),
    county: County | None = None,
    status: str = ServiceStatus.ACTIVE,
    institution: Institution | None = None,
    index: bool = True,
) -> Service:
    """A service of the categories (codes), open to residents of the gminas (or of the county)."""
    service = Service.objects.create(institution=institution or provider_institution(), name=name, status=status)
    for code in categories:
        ServiceAttribute.objects.create(
            service=service, taxonomy_term=TaxonomyTerm.objects.categories().get(code=code), link_type="category"
        )
    for gmina in gminas:
        ServiceArea.objects.create(service=service, name=gmina.name, municipality=gmina)
    if county is not None:
        ServiceArea.objects.create(service=service, name=county.name, county=county)
    if index:
        refresh_index([service])
    else:  # what refresh_index would derive, without the search terms (fast for many services)
        ServedMunicipality.objects.bulk_create(ServedMunicipality(service=service, municipality=g) for g in gminas)
    return service


def cells(land: Land, *, expand: Iterable[str] = ()) -> dict[tuple[str, str], int]:
    matrix = build_matrix(land.gminas(), [CategoryColumns(expand=expand)])
    return {(row.gmina.name, cell.column.category): cell.value for row in matrix.rows for cell in row.cells}


def test_it_counts_a_service_for_each_gmina_it_serves_and_its_main_category(land):
    make_service("Poradnia prawna", ["legal-counselling"], gminas=[land.alfa, land.beta])

    found = cells(land)

    assert found[("Alfa", "social-assistance")] == 1
    assert found[("Beta", "social-assistance")] == 1
    assert found[("Łąka", "social-assistance")] == 0
    assert found[("Alfa", "health")] == 0


def test_it_counts_a_service_of_two_subcategories_once_in_their_common_parents(land):
    make_service("Poradnia", ["legal-counselling", "psychological-counselling"], gminas=[land.alfa])
    make_service("Interwencja", ["crisis-intervention"], gminas=[land.alfa])

    found = cells(land, expand=["social-assistance"])

    assert found[("Alfa", "social-assistance")] == 2
    assert found[("Alfa", "specialist-counselling")] == 1
    assert found[("Alfa", "legal-counselling")] == 1
    assert found[("Alfa", "psychological-counselling")] == 1
    assert found[("Alfa", "crisis-intervention")] == 1
    assert found[("Alfa", "family-counselling")] == 0


def test_it_counts_only_services_the_public_directory_lists(land):
    make_service("Czynna", ["therapy"], gminas=[land.alfa])
    make_service("Chwilowo zamknięta", ["therapy"], gminas=[land.alfa], status=ServiceStatus.TEMPORARILY_CLOSED)
    make_service("Nieczynna", ["therapy"], gminas=[land.alfa], status=ServiceStatus.INACTIVE)
    make_service("Zlikwidowana", ["therapy"], gminas=[land.alfa], status=ServiceStatus.DEFUNCT)
    closed = Institution.objects.get(short_name="GOPS Oksa")
    make_service("Instytucji nieczynnej", ["therapy"], gminas=[land.alfa], institution=closed)
    Institution.objects.filter(pk=closed.pk).update(is_active=False)

    matrix = build_matrix(land.gminas(), [CategoryColumns()])

    alfa = matrix.rows[0]
    assert alfa.gmina == land.alfa
    assert {cell.column.category: cell.value for cell in alfa.cells}["social-package"] == 2
    assert alfa.total == 2


def test_it_counts_a_service_of_the_whole_powiat_in_each_of_its_gminas_only(land):
    make_service("Powiatowy punkt", ["legal-counselling"], county=land.county)

    found = cells(land)
    gamma = build_matrix([land.gamma], [CategoryColumns()]).rows[0]

    assert [found[(name, "social-assistance")] for name in ("Alfa", "Beta", "Łąka")] == [1, 1, 1]
    assert gamma.total == 0


def test_it_marks_zero_cells_as_gaps_and_counts_the_gminas_without_a_service(land):
    make_service("Terapia", ["therapy"], gminas=[land.alfa])
    make_service("Lekarz", ["primary-care"], gminas=[land.alfa, land.beta])

    matrix = build_matrix(land.gminas(), [CategoryColumns()])

    keys = [column.category for column in matrix.columns]
    without = dict(zip(keys, matrix.gminas_without, strict=True))
    assert without["social-package"] == 2
    assert without["health"] == 1
    assert without["employment"] == 3
    lake = next(row for row in matrix.rows if row.gmina == land.lake)
    assert all(cell.is_gap for cell in lake.cells)
    assert lake.total == 0
    assert matrix.gap_count == sum(count or 0 for count in matrix.gminas_without)


def test_it_totals_each_gmina_counting_a_service_once_whatever_its_categories(land):
    make_service("Wiele kategorii", ["therapy", "primary-care", "job-placement"], gminas=[land.beta])
    make_service("Bez kategorii", [], gminas=[land.beta])

    beta = build_matrix([land.beta], [CategoryColumns()]).rows[0]

    assert beta.total == 2


def test_it_lists_gminas_in_polish_alphabetical_order(land):
    names = [row.gmina.name for row in build_matrix([land.lake, land.beta, land.alfa], [CategoryColumns()]).rows]

    assert names == ["Alfa", "Beta", "Łąka"]


def test_it_shows_main_categories_and_the_subcategories_of_the_expanded_ones(db):
    main = [column.category for column in CategoryColumns().columns()]
    expanded = CategoryColumns(expand=["health"]).columns()
    every = CategoryColumns(expand=[EXPAND_ALL]).columns()

    assert main[:3] == ["social-package", "social-assistance", "health"]
    assert all(column.depth == 0 for column in CategoryColumns().columns())
    health = [column for column in expanded if column.group_key == "category:health"]
    assert health[0].category == "health" and health[0].expanded
    assert {column.category for column in health[1:]} >= {"primary-care", "addiction-therapy"}
    assert len(every) == TaxonomyTerm.objects.categories().count()
    depth_of = {column.category: column.depth for column in every}
    assert (depth_of["social-assistance"], depth_of["specialist-counselling"], depth_of["legal-counselling"]) == (
        0,
        1,
        2,
    )


def test_it_shows_a_term_an_administrator_added_under_a_main_category(land):
    health = TaxonomyTerm.objects.categories().get(code="health")
    TaxonomyTerm.objects.create(
        taxonomy=health.taxonomy, code="telemedicine", name="Teleporady", parent=health, position=999
    )
    make_service("Teleporada", ["telemedicine"], gminas=[land.alfa])

    found = cells(land, expand=["health"])

    assert found[("Alfa", "telemedicine")] == 1
    assert found[("Alfa", "health")] == 1


def test_it_gives_a_retired_category_no_column(land):
    health = TaxonomyTerm.objects.categories().get(code="health")
    TaxonomyTerm.objects.create(
        taxonomy=health.taxonomy, code="telemedicine", name="Teleporady", parent=health, position=999, is_active=False
    )
    make_service("Teleporada", ["telemedicine"], gminas=[land.alfa])

    found = cells(land, expand=[EXPAND_ALL])

    assert ("Alfa", "telemedicine") not in found
    # A service counts under a column through the categories in use it carries only.
    assert found[("Alfa", "health")] == 0
    assert "health" in {column.category for column in CategoryColumns().columns()}


def test_it_survives_terms_left_in_a_cycle_by_an_import(land):
    counselling = TaxonomyTerm.objects.categories().get(code="counselling")
    therapy = TaxonomyTerm.objects.categories().get(code="therapy")
    TaxonomyTerm.objects.filter(pk=counselling.pk).update(parent=therapy)
    TaxonomyTerm.objects.filter(pk=therapy.pk).update(parent=counselling)
    make_service("Terapia", ["therapy"], gminas=[land.alfa])

    columns = CategoryColumns(expand=[EXPAND_ALL]).columns()
    matrix = build_matrix(land.gminas(), [CategoryColumns(expand=[EXPAND_ALL])])

    assert [column.category for column in columns].count("therapy") == 1
    assert len(matrix.rows) == 3


class NeedsColumns:
    """A column provider of the kind later issues add: a zero here is no gap."""

    def columns(self) -> list[Column]:
        return [
            Column(
                key="needs:housing",
                label="Potrzeby mieszkaniowe",
                group="Potrzeby",
                group_key="needs",
                counts_gaps=False,
            )
        ]

    def values(self, gmina_ids: Sequence[int]) -> dict[tuple[int, str], int]:
        return {(gmina_ids[0], "needs:housing"): 4}


def test_it_takes_more_columns_from_further_providers(land):
    matrix = build_matrix(land.gminas(), [CategoryColumns(), NeedsColumns()])

    assert matrix.columns[-1].key == "needs:housing"
    assert [row.cells[-1].value for row in matrix.rows] == [4, 0, 0]
    assert not matrix.rows[1].cells[-1].is_gap
    assert matrix.gminas_without[-1] is None
    header, rows = export_table(matrix)
    assert header[-2] == "Potrzeby mieszkaniowe"
    assert rows[0][-2] == 4


class BesideHealth:
    """A provider whose column stands beside "health" and shows one value as words."""

    def columns(self) -> list[Column]:
        return [
            Column(
                key="people:health",
                label="osoby",
                group="Zdrowie",
                group_key="category:health",
                beside="category:health",
            )
        ]

    def values(self, gmina_ids: Sequence[int]) -> dict[tuple[int, str], int | Masked]:
        return {(gmina_ids[0], "people:health"): 6, (gmina_ids[1], "people:health"): Masked("< 5", positive=True)}


def test_it_places_a_column_beside_the_one_it_names_and_marks_people_beside_a_gap(land):
    make_service("Przychodnia", ["primary-care"], gminas=[land.beta])

    matrix = build_matrix(land.gminas(), [CategoryColumns(), BesideHealth()])

    keys = [column.key for column in matrix.columns]
    assert keys[keys.index("category:health") + 1] == "people:health"
    at = keys.index("people:health")
    alfa, beta, lake = matrix.rows
    assert (alfa.cells[at].shown, alfa.cells[at].unmet) == ("6", True)
    assert (beta.cells[at].shown, beta.cells[at].unmet) == ("< 5", False)  # Beta has a health service
    assert (lake.cells[at].shown, lake.cells[at].unmet) == ("0", False)  # a zero of needs is no gap
    assert matrix.unmet_count == 1
    header, rows = export_table(matrix)
    assert header[at + 3] == "Zdrowie: osoby"
    assert [row[at + 3] for row in rows[:3]] == [6, "< 5", 0]


def test_it_exports_a_row_per_gmina_and_the_gminas_without_a_service(land):
    make_service("Terapia", ["therapy"], gminas=[land.alfa])

    header, rows = export_table(build_matrix(land.gminas(), [CategoryColumns(expand=["social-package"])]))

    assert header[:3] == [str(EXPORT_TERYT), str(EXPORT_GMINA), str(EXPORT_COUNTY)]
    assert header[-1] == str(EXPORT_TOTAL)
    assert "Pakiet socjalny: Terapia" in header
    therapy = header.index("Pakiet socjalny: Terapia")
    assert [row[therapy] for row in rows] == [1, 0, 0, 2]
    assert rows[0][:3] == ["9801012", "Alfa", "testowy"]


@pytest.mark.parametrize("gmina_count", [3, 60])
def test_it_reads_the_matrix_in_a_fixed_number_of_queries(land, gmina_count, django_assert_max_num_queries):
    gminas = land.gminas() + [
        Municipality.objects.create(
            code=f"9802{number:02d}2", name=f"Gmina {number}", kind=MunicipalityKind.RURAL, county=land.other_county
        )
        for number in range(2, gmina_count)
    ]
    for number in range(gmina_count * 3):
        make_service(f"Usługa {number}", ["therapy", "primary-care"], gminas=gminas[number % 7 :: 7], index=False)

    with django_assert_max_num_queries(3):
        matrix = build_matrix(gminas, [CategoryColumns(expand=[EXPAND_ALL])])

    assert len(matrix.rows) == len(gminas)
    assert sum(row.total for row in matrix.rows) == sum(len(gminas[n % 7 :: 7]) for n in range(gmina_count * 3))
