"""The community diagnosis's services: definitions, entering a year, the CSV import, the
comparison and the platform's suppressed aggregates."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from kooperacja.cases.models import SupportReason
from kooperacja.community import demo_indicators, indicators
from kooperacja.community.indicators import MIN_CELL, Cell, IndicatorFileRejected, protect
from kooperacja.community.models import CommunityIndicator, IndicatorDefinition
from kooperacja.core.models import AuditEvent
from kooperacja.territory.models import Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Any:
    """Messages in English, so the tests read them whatever catalogue is compiled."""
    with translation.override("en"):
        yield


MIRZEC, OKSA = "2611032", "2602052"
YEAR = 2001  # before the demo's years, so the tests own every figure of it


def gmina(code: str = MIRZEC) -> Municipality:
    return Municipality.objects.select_related("county__voivodeship").get(code=code)


def put(place: Municipality, year: int, **values: Any) -> None:
    for code, value in values.items():
        CommunityIndicator.objects.create(
            municipality=place, year=year, indicator=IndicatorDefinition.objects.get(code=code), value=Decimal(value)
        )


def version_of(place: Municipality, year: int) -> int:
    return indicators.year_version(indicators.year_figures(place, year).values())


# --- Definitions ---------------------------------------------------------------------------


def test_it_ships_an_indicator_for_every_statutory_reason():
    codes = set(IndicatorDefinition.objects.values_list("code", flat=True))
    assert {f"reason_{reason.value}" for reason in SupportReason} <= codes
    assert {"population", "population_65_plus", "registered_unemployed", "blue_card_procedures"} <= codes


def test_it_adds_missing_definitions_and_never_changes_existing_ones(tmp_path):
    IndicatorDefinition.objects.filter(code="population").update(name="Ludność (poprawione)")
    CommunityIndicator.objects.filter(indicator__code="reason_drugs").delete()  # the demo's figures
    IndicatorDefinition.objects.filter(code="reason_drugs").delete()
    assert indicators.sync_definitions() == 1
    assert IndicatorDefinition.objects.get(code="population").name == "Ludność (poprawione)"
    assert IndicatorDefinition.objects.filter(code="reason_drugs").exists()
    extra = tmp_path / "indicators.json"
    extra.write_text(json.dumps({"definitions": [{"code": "new_one", "name": "Nowy", "group": "safety"}]}))
    assert indicators.sync_definitions(extra) == 1
    assert indicators.sync_definitions(extra) == 0


# --- Values as people type them --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [("1234", "1234.00"), ("12,5", "12.50"), ("1 234,75", "1234.75"), ("1\u00a0234", "1234.00"), ("0", "0.00")],
)
def test_it_reads_figures_with_a_decimal_comma(typed, value):
    assert indicators.parse_value(typed) == Decimal(value)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-3", "A figure cannot be negative."),
        ("dużo", "Give a number, for example 1234 or 12,5."),
        ("NaN", "Give a number, for example 1234 or 12,5."),
        ("1,234", "Give at most 2 decimal places."),
        ("1e20", "The figure is too large."),
    ],
)
def test_it_refuses_what_is_not_a_figure(typed, message):
    with pytest.raises(ValidationError) as refused:
        indicators.parse_value(typed)
    assert refused.value.messages == [message]


@given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2))
def test_it_reads_back_every_figure_it_shows(value):
    assert indicators.parse_value(indicators.plain(value)) == value


# --- Entering a year ------------------------------------------------------------------------


def test_it_adds_changes_and_removes_figures_of_a_year(persona):
    place = gmina()
    put(place, YEAR, population="8000", reason_poverty="40")
    change = indicators.save_year(
        persona("gops.mirzec"),
        place,
        YEAR,
        {"population": Decimal("8100"), "reason_poverty": None, "registered_unemployed": Decimal("310")},
        source="GUS",
        version=version_of(place, YEAR),
    )
    assert (change.added, change.changed, change.removed) == (
        ["registered_unemployed"],
        ["population"],
        ["reason_poverty"],
    )
    saved = {code: row.value for code, row in indicators.year_figures(place, YEAR).items()}
    assert saved == {"population": Decimal("8100"), "registered_unemployed": Decimal("310")}
    event = AuditEvent.objects.filter(object_type="community.year", object_id=f"{MIRZEC}/{YEAR}").latest("id")
    assert event.details["removed"] == ["reason_poverty"]


def test_it_refuses_a_year_someone_saved_meanwhile(persona):
    place = gmina()
    put(place, YEAR, population="8000")
    opened = version_of(place, YEAR)
    user = persona("gops.mirzec")
    indicators.save_year(user, place, YEAR, {"population": Decimal("8050")}, source="", version=opened)
    with pytest.raises(indicators.StaleYear):
        indicators.save_year(user, place, YEAR, {"population": Decimal("9999")}, source="", version=opened)
    assert indicators.year_figures(place, YEAR)["population"].value == Decimal("8050")


@pytest.mark.parametrize(
    "username", ["asystent.mirzec", "pcpr.starachowice", "szkola.mirzec", "gops.oksa", "rops.rzeszow"]
)
def test_it_lets_only_the_gminas_staff_analysts_and_admins_enter_figures(persona, username):
    place = gmina()
    with pytest.raises(PermissionDenied):
        indicators.save_year(persona(username), place, YEAR, {"population": Decimal("1")}, source="", version=0)
    assert not CommunityIndicator.objects.filter(municipality=place, year=YEAR).exists()


@pytest.mark.parametrize("username", ["lider.mirzec", "kolega.mirzec", "rops.kielce", "admin"])
def test_it_lets_managers_workers_analysts_and_admins_enter(persona, username):
    place = gmina()
    indicators.save_year(persona(username), place, YEAR, {"population": Decimal("1")}, source="", version=0)
    assert CommunityIndicator.objects.filter(municipality=place, year=YEAR).count() == 1


def test_it_refuses_a_future_year(persona):
    with pytest.raises(ValidationError):
        indicators.save_year(persona("admin"), gmina(), 2999, {"population": Decimal("1")}, source="", version=0)


# --- Import ---------------------------------------------------------------------------------


def csv_text(*rows: str) -> str:
    return "\n".join(["gmina;year;indicator;value;source", *rows]) + "\n"


def test_it_imports_a_file_and_reports_every_row(persona):
    place = gmina()
    put(place, YEAR, population="8000")
    text = csv_text(
        f"{MIRZEC};{YEAR};population;8123;GUS",
        f"{MIRZEC};{YEAR};registered_unemployed;301,5;PUP",
        f"{MIRZEC};{YEAR + 1};population;8000;",
    )
    report = indicators.import_indicators(persona("lider.mirzec"), text)
    assert [result.outcome for result in report.results] == ["changed", "added", "added"]
    assert "changed from 8000 to 8123" in str(report.results[0])
    assert report.summary == "Added 2, changed 1, unchanged 0."
    assert indicators.year_figures(place, YEAR)["registered_unemployed"].value == Decimal("301.5")
    assert AuditEvent.objects.filter(object_type="community.import").latest("id").details["changed"] == 1


def test_it_takes_commas_between_cells_and_no_source_column(persona):
    text = f"gmina,year,indicator,value\n{MIRZEC},{YEAR},population,8000\n"
    report = indicators.import_indicators(persona("admin"), text)
    assert report.count("added") == 1


def test_it_imports_nothing_when_any_row_is_wrong(persona):
    text = csv_text(
        f"{MIRZEC};{YEAR};population;8000;GUS",
        f"9999999;{YEAR};population;8000;",
        f"{MIRZEC};{YEAR};no_such_thing;5;",
        f"{MIRZEC};{YEAR};registered_unemployed;-4;",
        f"{MIRZEC};1789;population;1;",
        f"{MIRZEC};{YEAR};population;8100;",
        f"{OKSA};{YEAR};population;6000;",
        "too;few",
    )
    with pytest.raises(IndicatorFileRejected) as rejected:
        indicators.import_indicators(persona("gops.mirzec"), text)
    problems = [str(problem) for problem in rejected.value.problems]
    assert "line 3: unknown gmina code 9999999 (give the 7-digit TERYT code)" in problems
    assert "line 4: unknown indicator code no_such_thing" in problems
    assert "line 5: value -4: A figure cannot be negative." in problems
    assert any(p.startswith("line 6: year 1789") for p in problems)
    assert f"line 7: duplicate: gmina {MIRZEC}, year {YEAR} and indicator population are already on line 2" in problems
    assert "line 8: you may not enter figures of gmina Oksa" in problems
    assert "line 9: expected 4 or 5 columns, found 2" in problems
    assert rejected.value.bad_lines == 7
    assert not CommunityIndicator.objects.filter(year=YEAR).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"kod;rok\n", "The first line must name the columns"),
        (b"gmina;year;indicator;value\n", "The file has no figures"),
        ("gmina;year;indicator;value\nŁódź".encode("cp1250"), "The file is not UTF-8 text"),
    ],
)
def test_it_refuses_a_file_that_is_not_a_table_of_figures(persona, data, message):
    with pytest.raises(IndicatorFileRejected) as rejected:
        indicators.import_indicators(persona("admin"), indicators.decode_file(data))
    assert str(rejected.value.problems[0]).startswith(message)


def test_the_command_line_imports_any_gmina(tmp_path):
    from django.core.management import call_command

    path = tmp_path / "figures.csv"
    path.write_text(csv_text(f"{OKSA};{YEAR};population;6000;GUS"), encoding="utf-8")
    call_command("import_indicators", str(path), stdout=__import__("io").StringIO())
    assert CommunityIndicator.objects.get(municipality__code=OKSA, year=YEAR).value == Decimal("6000")


# --- Comparison -----------------------------------------------------------------------------


def test_it_compares_gminas_by_year_with_rates_per_1000():
    mirzec, oksa = gmina(), gmina(OKSA)
    put(mirzec, YEAR, population="8000", registered_unemployed="400")
    put(oksa, YEAR, registered_unemployed="300")
    unemployed = IndicatorDefinition.objects.get(code="registered_unemployed")
    (table,) = indicators.compare([mirzec, oksa], [YEAR, YEAR + 1], [unemployed])
    (mirzec_row, oksa_row) = table.rows
    assert [(f.value, f.rate) for f in mirzec_row.figures] == [(Decimal("400"), Decimal("50.0")), (None, None)]
    assert oksa_row.figures[0].value == Decimal("300") and oksa_row.figures[0].rate is None
    assert indicators.comparison_rows([table])[0][2:] == [MIRZEC, "Mirzec", YEAR, Decimal("400"), Decimal("50.0")]


def test_the_yearly_report_gives_the_change_from_the_previous_year():
    place = gmina()
    put(place, YEAR, population="8000", registered_unemployed="400")
    put(place, YEAR + 1, population="7900", registered_unemployed="360")
    lines = {line.indicator.code: line for line in indicators.year_report(place, YEAR + 1)}
    unemployed = lines["registered_unemployed"]
    assert (unemployed.change, unemployed.change_percent, unemployed.rate) == (
        Decimal("-40"),
        Decimal("-10.0"),
        Decimal("45.6"),
    )
    assert lines["population"].rate is None


# --- Suppression of small cells -------------------------------------------------------------


def test_it_hides_small_cells_and_one_more_so_none_can_be_recovered():
    cells, total = protect({"a": 3, "b": 12, "c": 7}, 22)
    assert (cells["a"].hidden, cells["c"].hidden, cells["b"].hidden, total.hidden) == (True, True, False, False)
    assert str(cells["a"]) == "< 5"
    with translation.override("pl"):
        assert str(cells["c"]) == "ukryte"  # hidden only to protect "a": not itself small


def test_zeros_do_not_stop_a_small_cell_from_being_protected():
    # 13 − 6 − 6 − 0 would give away the 1 if only the 1 were hidden.
    cells, total = protect({"a": 6, "b": 6, "c": 0, "d": 1}, 13)
    assert str(cells["c"]) == "0"
    assert cells["d"].hidden and (cells["a"].hidden or cells["b"].hidden) and not total.hidden


def test_a_small_total_hides_every_cell_that_is_not_zero():
    cells, total = protect({"a": 2, "b": 0}, 2)
    assert cells["a"].hidden and not cells["b"].hidden and total.hidden


def test_it_shows_cells_of_five_and_more():
    cells, total = protect({"a": 5, "b": 6}, 11)
    assert not any(cell.hidden for cell in cells.values()) and not total.hidden


@given(st.dictionaries(st.sampled_from("abcdefg"), st.integers(0, 40), min_size=1))
def test_no_hidden_cells_can_be_recovered_by_subtraction(counts):
    total = sum(counts.values())
    cells, total_cell = protect(counts, total)
    shown = [cell.count for cell in cells.values() if not cell.hidden]
    assert all(count == 0 or count >= MIN_CELL for count in shown)
    assert total_cell.hidden or total - sum(shown) == 0 or total - sum(shown) >= MIN_CELL


def test_platform_figures_show_no_small_cell():
    demo_indicators.load(lambda message: None)
    figures = indicators.platform_figures(gmina(), 2025)
    for aggregate in (figures.needs, figures.reasons):
        cells: list[Cell] = [cell for _label, cell in aggregate.rows]
        assert all(cell.hidden or cell.count == 0 or cell.count >= MIN_CELL for cell in [*cells, aggregate.total])
    assert len(figures.reasons.rows) == len(SupportReason)


def test_the_demo_loads_plausible_figures_once():
    demo_indicators.load(lambda message: None)
    demo_indicators.load(lambda message: None)
    figures = CommunityIndicator.objects.filter(source=demo_indicators.SOURCE, indicator__code="population")
    assert figures.filter(municipality__code=MIRZEC).count() == 8
    assert all(6500 <= figure.value <= 10000 for figure in figures)
