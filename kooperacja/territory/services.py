"""Reading the official TERC register (GUS TERYT) and bringing the territory tables in line with it.

The file is the one GUS publishes: `WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA`, UTF-8 with or
without BOM. A row with WOJ only is a voivodeship, WOJ+POW a county (powiat), WOJ+POW+GMI+RODZ
a gmina (RODZ 1 urban, 2 rural, 3 urban-rural) or a part of one (RODZ 4/5: town and rural area
of an urban-rural gmina; 8/9: districts of Warsaw and delegations of big cities, kept under the
city's RODZ 1 gmina). Imports are all-or-nothing: the whole file is checked first and any bad
row refuses it, with every problem reported by its line number.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kooperacja.core.audit import record
from kooperacja.core.models import AuditAction
from kooperacja.territory.models import County, Municipality, MunicipalityPart, Voivodeship
from kooperacja.territory.policies import can_manage_territory

HEADER = ("WOJ", "POW", "GMI", "RODZ", "NAZWA", "NAZWA_DOD", "STAN_NA")
GMINA_KINDS = frozenset("123")
PART_KINDS = frozenset("4589")
NAME_MAX_LENGTH = 100
# Our own copies of the register say where they come from in comment lines before the header;
# the files GUS publishes have none.
COMMENT_PREFIX = "#"

UnitModel = TypeVar("UnitModel", bound=models.Model)


class Level(StrEnum):
    VOIVODESHIP = "voivodeship"
    COUNTY = "county"
    GMINA = "gmina"
    PART = "part"


LEVEL_LABELS: Mapping[Level, Promise] = {
    Level.VOIVODESHIP: gettext_lazy("Voivodeships"),
    Level.COUNTY: gettext_lazy("Counties (powiats)"),
    Level.GMINA: gettext_lazy("Gminas"),
    Level.PART: gettext_lazy("Parts of gminas"),
}


@dataclass(frozen=True)
class TercUnit:
    """One valid row of the register, with the code of the unit it belongs to."""

    line: int
    level: Level
    code: str
    kind: str
    name: str
    parent_code: str


@dataclass(frozen=True)
class TercProblem:
    line: int
    message: str

    def __str__(self) -> str:
        if self.line:
            return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


class TercFileRejected(Exception):
    """The file breaks the format somewhere: nothing of it may be imported."""

    def __init__(self, problems: Iterable[TercProblem]) -> None:
        self.problems = sorted(problems, key=lambda problem: problem.line)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @property
    def bad_lines(self) -> int:
        """How many lines of the file are wrong (one line may break several rules); a problem of
        the whole file (its encoding, or no content) is no line's."""
        return len({problem.line for problem in self.problems if problem.line})


@dataclass(frozen=True)
class KnownUnits:
    """Units already in the database, which rows of a partial file may name as parents."""

    voivodeships: frozenset[str] = frozenset()
    counties: frozenset[str] = frozenset()
    gminas: Mapping[str, str] = field(default_factory=dict)  # code -> RODZ

    @classmethod
    def from_database(cls) -> KnownUnits:
        return cls(
            voivodeships=frozenset(Voivodeship.objects.values_list("code", flat=True)),
            counties=frozenset(County.objects.values_list("code", flat=True)),
            gminas=dict(Municipality.objects.values_list("code", "kind")),
        )


@dataclass
class LevelCounts:
    added: int = 0
    changed: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    counts: dict[Level, LevelCounts] = field(default_factory=lambda: {level: LevelCounts() for level in Level})

    @property
    def added(self) -> int:
        return sum(counts.added for counts in self.counts.values())

    @property
    def changed(self) -> int:
        return sum(counts.changed for counts in self.counts.values())

    def lines(self) -> list[str]:
        return [
            _("%(level)s: added %(added)d, changed %(changed)d, unchanged %(unchanged)d")
            % {
                "level": LEVEL_LABELS[level],
                "added": counts.added,
                "changed": counts.changed,
                "unchanged": counts.unchanged,
            }
            for level, counts in self.counts.items()
        ]


def decode_terc(data: bytes) -> str:
    """The file's text; GUS publishes UTF-8, sometimes with a byte order mark.

    A file in another encoding (Windows-1250) or not text at all (a spreadsheet, a ZIP) is
    refused with that one problem, before any line is read.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    # A NUL byte never occurs in text, but decodes without complaint.
    if text is None or "\x00" in text:
        raise TercFileRejected(
            [
                TercProblem(
                    0,
                    _(
                        "The file is not UTF-8 text (perhaps a spreadsheet, or a CSV saved in Windows-1250). "
                        "Save the TERC register as CSV in UTF-8 and send it again."
                    ),
                )
            ]
        )
    return text


def _digits(value: str, width: int) -> bool:
    return len(value) == width and value.isascii() and value.isdigit()


def _check_code_column(column: str, value: str, width: int, problems: list[str]) -> None:
    if value and not _digits(value, width):
        problems.append(
            ngettext(
                "%(column)s must be %(width)d digit, found “%(value)s”",
                "%(column)s must be %(width)d digits, found “%(value)s”",
                width,
            )
            % {"column": column, "width": width, "value": value}
        )


def _parse_row(line: int, cells: list[str]) -> tuple[TercUnit | None, list[str]]:
    """A row's unit (its parent not yet resolved for RODZ 8/9) or what is wrong with it."""
    if len(cells) != len(HEADER):
        return None, [
            ngettext(
                "expected %(expected)d column separated by “;”, found %(found)d",
                "expected %(expected)d columns separated by “;”, found %(found)d",
                len(HEADER),
            )
            % {"expected": len(HEADER), "found": len(cells)}
        ]
    woj, pow_, gmi, rodz, name, _extra, stan_na = (cell.strip() for cell in cells)
    problems: list[str] = []
    if not woj:
        problems.append(_("WOJ is empty"))
    _check_code_column("WOJ", woj, 2, problems)
    _check_code_column("POW", pow_, 2, problems)
    _check_code_column("GMI", gmi, 2, problems)
    _check_code_column("RODZ", rodz, 1, problems)
    if not name:
        problems.append(_("the name (NAZWA) is empty"))
    elif len(name) > NAME_MAX_LENGTH:
        problems.append(
            ngettext(
                "the name is longer than %(max)d character",
                "the name is longer than %(max)d characters",
                NAME_MAX_LENGTH,
            )
            % {"max": NAME_MAX_LENGTH}
        )
    if stan_na:
        try:
            datetime.date.fromisoformat(stan_na)
        except ValueError:
            problems.append(_("STAN_NA must be a date written YYYY-MM-DD, found “%(value)s”") % {"value": stan_na})
    if problems:
        return None, problems

    if not pow_ and not gmi and not rodz:
        return TercUnit(line, Level.VOIVODESHIP, woj, "", name.lower(), ""), []
    if pow_ and not gmi and not rodz:
        return TercUnit(line, Level.COUNTY, woj + pow_, "", name, woj), []
    if not (pow_ and gmi and rodz):
        return None, [_("a gmina row needs WOJ, POW, GMI and RODZ; a county row WOJ and POW only")]
    code = woj + pow_ + gmi + rodz
    if rodz in GMINA_KINDS:
        return TercUnit(line, Level.GMINA, code, rodz, name, woj + pow_), []
    if rodz in {"4", "5"}:
        return TercUnit(line, Level.PART, code, rodz, name, woj + pow_ + gmi + "3"), []
    if rodz in {"8", "9"}:
        # The city's gmina has another GMI number (Warszawa 1465011, Bemowo 1465028): found later.
        return TercUnit(line, Level.PART, code, rodz, name, ""), []
    return None, [_("unknown RODZ “%(value)s” (expected 1, 2, 3, 4, 5, 8 or 9)") % {"value": rodz}]


def _rows(text: str) -> tuple[list[tuple[int, list[str]]], list[TercProblem]]:
    """Numbered data rows after the header, or the problem with the header."""
    lines = text.splitlines()
    index = 0
    while index < len(lines) and (lines[index].startswith(COMMENT_PREFIX) or not lines[index].strip()):
        index += 1
    if index == len(lines):
        return [], [TercProblem(0, _("The file is empty: it has no TERC header and no rows."))]
    header = lines[index].strip()
    if tuple(header.split(";")) != HEADER:
        return [], [
            TercProblem(
                index + 1,
                _("the first line must be the TERC header %(header)s, found “%(found)s”")
                % {"header": ";".join(HEADER), "found": header[:120]},
            )
        ]
    rows = []
    for offset, raw in enumerate(lines[index + 1 :], start=index + 2):
        if not raw.strip():
            continue
        rows.append((offset, next(csv.reader(io.StringIO(raw), delimiter=";"))))
    return rows, []


def parse_terc(text: str, known: KnownUnits | None = None) -> list[TercUnit]:
    """Every unit of a TERC file, or TercFileRejected listing every bad line.

    Rows may come in any order; a parent may be in the file or among the known units.
    """
    known = known or KnownUnits()
    rows, problems = _rows(text)
    if problems:
        raise TercFileRejected(problems)

    units: list[TercUnit] = []
    first_line: dict[str, int] = {}
    for line, cells in rows:
        unit, messages = _parse_row(line, cells)
        problems.extend(TercProblem(line, message) for message in messages)
        if unit is None:
            continue
        if unit.code in first_line:
            problems.append(
                TercProblem(
                    line,
                    _("the code %(code)s already appears on line %(first)d")
                    % {"code": unit.code, "first": first_line[unit.code]},
                )
            )
            continue
        first_line[unit.code] = line
        units.append(unit)

    voivodeships = known.voivodeships | {u.code for u in units if u.level is Level.VOIVODESHIP}
    counties = known.counties | {u.code for u in units if u.level is Level.COUNTY}
    gmina_kinds = dict(known.gminas) | {u.code: u.kind for u in units if u.level is Level.GMINA}
    urban_by_county: dict[str, list[str]] = {}
    for code, kind in gmina_kinds.items():
        if kind == "1":
            urban_by_county.setdefault(code[:4], []).append(code)

    resolved: list[TercUnit] = []
    for unit in units:
        problem = None
        if unit.level is Level.COUNTY and unit.parent_code not in voivodeships:
            problem = _("its voivodeship %(code)s is neither in the file nor in the database")
        elif unit.level is Level.GMINA and unit.parent_code not in counties:
            problem = _("its county %(code)s is neither in the file nor in the database")
        elif unit.level is Level.PART and unit.kind in {"4", "5"}:
            if gmina_kinds.get(unit.parent_code) != "3":
                problem = _(
                    "a town or rural area (RODZ 4/5) needs its urban-rural gmina %(code)s (RODZ 3), "
                    "which is neither in the file nor in the database"
                )
        elif unit.level is Level.PART:
            cities = urban_by_county.get(unit.code[:4], [])
            if len(cities) != 1:
                problem = _(
                    "a district or delegation (RODZ 8/9) needs exactly one urban gmina (RODZ 1) "
                    "in its county %(code)s; found %(count)d"
                )
                problems.append(TercProblem(unit.line, problem % {"code": unit.code[:4], "count": len(cities)}))
                continue
            unit = TercUnit(unit.line, unit.level, unit.code, unit.kind, unit.name, cities[0])
        if problem:
            problems.append(TercProblem(unit.line, problem % {"code": unit.parent_code}))
            continue
        resolved.append(unit)

    if problems:
        raise TercFileRejected(problems)
    return resolved


@transaction.atomic
def import_terc(actor: Any, text: str, *, request: HttpRequest | None = None) -> ImportReport:
    """Bring the territory tables in line with a TERC file, all or nothing (DESIGN.md §4).

    New codes are added and renamed units updated; units missing from the file stay, since
    institutions and cases keep pointing at them. Only a platform administrator imports;
    `actor` None is the command line or the demo loader. The audit log gets one change
    event with the counts of each level.
    """
    if actor is not None and not can_manage_territory(actor):
        raise PermissionDenied
    units = parse_terc(text, KnownUnits.from_database())
    report = ImportReport()
    by_level: dict[Level, list[TercUnit]] = {level: [] for level in Level}
    for unit in units:
        by_level[unit.level].append(unit)

    voivodeships = {v.code: v for v in Voivodeship.objects.all()}
    _sync(
        by_level[Level.VOIVODESHIP],
        voivodeships,
        report.counts[Level.VOIVODESHIP],
        lambda unit: Voivodeship(code=unit.code, name=unit.name),
        lambda unit: {"name": unit.name},
    )
    counties = {c.code: c for c in County.objects.all()}
    _sync(
        by_level[Level.COUNTY],
        counties,
        report.counts[Level.COUNTY],
        lambda unit: County(code=unit.code, name=unit.name, voivodeship=voivodeships[unit.parent_code]),
        lambda unit: {"name": unit.name, "voivodeship_id": voivodeships[unit.parent_code].pk},
    )
    gminas = {g.code: g for g in Municipality.objects.all()}
    _sync(
        by_level[Level.GMINA],
        gminas,
        report.counts[Level.GMINA],
        lambda unit: Municipality(code=unit.code, name=unit.name, kind=unit.kind, county=counties[unit.parent_code]),
        lambda unit: {"name": unit.name, "kind": unit.kind, "county_id": counties[unit.parent_code].pk},
    )
    parts = {p.code: p for p in MunicipalityPart.objects.all()}
    _sync(
        by_level[Level.PART],
        parts,
        report.counts[Level.PART],
        lambda unit: MunicipalityPart(
            code=unit.code, name=unit.name, kind=unit.kind, municipality=gminas[unit.parent_code]
        ),
        lambda unit: {"name": unit.name, "kind": unit.kind, "municipality_id": gminas[unit.parent_code].pk},
    )
    record(
        AuditAction.UPDATE,
        request=request,
        actor=actor,
        object_type="territory.terc",
        details={"counts": {level.value: asdict(counts) for level, counts in report.counts.items()}},
    )
    return report


def _sync(
    units: list[TercUnit],
    existing: dict[str, UnitModel],
    counts: LevelCounts,
    build: Callable[[TercUnit], UnitModel],
    wanted: Callable[[TercUnit], dict[str, Any]],
) -> None:
    """Create the new units of one level and update the changed ones, in bulk."""
    new: list[UnitModel] = []
    changed: list[UnitModel] = []
    fields: set[str] = set()
    for unit in units:
        obj = existing.get(unit.code)
        if obj is None:
            new.append(build(unit))
            continue
        differences = {name: value for name, value in wanted(unit).items() if getattr(obj, name) != value}
        if differences:
            for name, value in differences.items():
                setattr(obj, name, value)
            fields.update(differences)
            changed.append(obj)
        else:
            counts.unchanged += 1
    if new:
        # SQLite and PostgreSQL both return the new keys, which the next level needs.
        for obj in type(new[0])._default_manager.bulk_create(new):
            existing[obj.code] = obj  # type: ignore[attr-defined]
    if changed:
        type(changed[0])._default_manager.bulk_update(changed, sorted(fields), batch_size=500)
    counts.added += len(new)
    counts.changed += len(changed)
