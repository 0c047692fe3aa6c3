"""Properties of the TERC reader and import: any corrupted file is refused whole; valid files
import, and importing them again changes nothing."""

from __future__ import annotations

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kooperacja.territory.models import County, Municipality, MunicipalityPart, Voivodeship
from kooperacja.territory.services import Level, TercFileRejected, import_terc, parse_terc
from kooperacja.territory.tests.conftest import terc, territory_snapshot

LETTERS = "abcdefghijklmnoprstuwyząćęłńóśźżABCDEFGHIJKLMNOPRSTUWYZĄĆĘŁŃÓŚŹŻ"
names = st.lists(st.text(alphabet=LETTERS, min_size=1, max_size=12), min_size=1, max_size=3).map(" ".join)
two_digits = st.integers(min_value=1, max_value=99).map(lambda n: f"{n:02d}")
DATE = "2024-01-01"


@st.composite
def terc_rows(draw: st.DrawFn) -> list[str]:
    """The rows of a valid TERC file, in any order, in voivodeships 80-99 (no real unit has them)."""
    rows: list[str] = []
    for woj in draw(st.sets(st.integers(80, 99).map(str), min_size=1, max_size=2)):
        rows.append(f"{woj};;;;{draw(names).upper()};województwo;{DATE}")
        for pow_ in draw(st.sets(two_digits, min_size=0, max_size=3)):
            rows.append(f"{woj};{pow_};;;{draw(names)};powiat;{DATE}")
            gmis = draw(st.lists(two_digits, min_size=0, max_size=6, unique=True))
            half = len(gmis) // 2
            gminas, districts = gmis[: max(half, 1)], gmis[max(half, 1) :]
            kinds = [draw(st.sampled_from("123")) for _ in gminas]
            for gmi, kind in zip(gminas, kinds, strict=True):
                name = draw(names)
                rows.append(f"{woj};{pow_};{gmi};{kind};{name};gmina;{DATE}")
                if kind == "3":
                    rows.append(f"{woj};{pow_};{gmi};4;{name};miasto;{DATE}")
                    if draw(st.booleans()):
                        rows.append(f"{woj};{pow_};{gmi};5;{name};obszar wiejski;{DATE}")
            if kinds.count("1") == 1:
                for gmi in districts:
                    kind = draw(st.sampled_from("89"))
                    rows.append(f"{woj};{pow_};{gmi};{kind};{draw(names)};dzielnica;{DATE}")
    return draw(st.permutations(rows))


def _replace_column(row: str, index: int, value: str) -> str:
    cells = row.split(";")
    cells[index] = value
    return ";".join(cells)


CORRUPTIONS = {
    "missing column": lambda row: row.rsplit(";", 1)[0],
    "extra column": lambda row: row + ";x",
    "letter in a code": lambda row: _replace_column(row, 0, "8X"),
    "code too long": lambda row: _replace_column(row, 1, "123"),
    "unknown RODZ": lambda row: _replace_column(row, 3, "7"),
    "empty name": lambda row: _replace_column(row, 4, " "),
}


@st.composite
def corrupted_files(draw: st.DrawFn) -> tuple[str, int]:
    """A valid file with one row spoilt (or one bad row added), and the line number of that row."""
    rows = draw(terc_rows())
    how = draw(st.sampled_from([*CORRUPTIONS, "duplicate code", "unknown parent"]))
    if how == "duplicate code":
        rows.append(_replace_column(draw(st.sampled_from(rows)), 4, "Duplikat"))
        return terc(*rows), len(rows) + 1
    if how == "unknown parent":
        rows.append(f"01;01;01;2;Sierota;gmina wiejska;{DATE}")
        return terc(*rows), len(rows) + 1
    index = draw(st.integers(0, len(rows) - 1))
    rows[index] = CORRUPTIONS[how](rows[index])
    return terc(*rows), index + 2


@given(terc_rows())
def test_it_reads_every_row_of_a_valid_file(rows):
    units = parse_terc(terc(*rows))

    assert len(units) == len(rows)
    assert {unit.code for unit in units} == {"".join(row.split(";")[:4]) for row in rows}


@given(corrupted_files())
def test_it_refuses_any_file_with_a_corrupted_row_naming_its_line(case):
    text, line = case

    with pytest.raises(TercFileRejected) as rejected:
        parse_terc(text)

    assert line in {problem.line for problem in rejected.value.problems}


DB_SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.mark.django_db
@DB_SETTINGS
@given(corrupted_files())
def test_it_leaves_the_database_unchanged_when_it_refuses_a_file(case):
    text, _line = case
    before = territory_snapshot()

    with pytest.raises(TercFileRejected):
        import_terc(None, text)

    assert territory_snapshot() == before


@pytest.mark.django_db
@DB_SETTINGS
@given(terc_rows())
def test_it_imports_a_valid_file_and_changes_nothing_the_second_time(rows):
    with transaction.atomic():
        text = terc(*rows)
        first = import_terc(None, text)
        after_first = territory_snapshot()

        second = import_terc(None, text)

        assert first.added == len(rows)
        assert (second.added, second.changed) == (0, 0)
        assert sum(counts.unchanged for counts in second.counts.values()) == len(rows)
        assert territory_snapshot() == after_first
        units = {unit.code: unit for unit in parse_terc(text)}
        stored = {
            **dict(Voivodeship.objects.filter(code__in=units).values_list("code", "name")),
            **dict(County.objects.filter(code__in=units).values_list("code", "name")),
            **dict(Municipality.objects.filter(code__in=units).values_list("code", "name")),
            **dict(MunicipalityPart.objects.filter(code__in=units).values_list("code", "name")),
        }
        assert stored == {code: unit.name for code, unit in units.items()}
        assert second.counts[Level.PART].unchanged == sum(1 for u in units.values() if u.level is Level.PART)
        transaction.set_rollback(True)
