"""The community diagnosis: official figures of a gmina by year, and the platform's own
aggregates beside them.

* Definitions are data (`data/indicators.json`), synchronised after every migrate: missing
  ones are added, existing ones never changed (an administrator may have edited them on the
  definitions page). A definition figures record, or one the platform ships, keeps its code
  and is never deleted: it is taken out of use instead.
* Figures are entered a whole year at a time, or imported from CSV all or nothing; every
  change is audited. Access rules: `indicator_policies`.
* The platform's aggregates come from case files, so every cell under MIN_CELL is shown as
  "< 5", and a second cell (or the total) is hidden when one hidden cell could be recovered
  by subtracting the others from the total.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.assessment.models import Assessment, DomainScore, Instrument
from kooperacja.cases.models import Case, CaseReason, SupportReason
from kooperacja.community.indicator_policies import manages_definitions, may_enter
from kooperacja.community.models import CommunityIndicator, IndicatorDefinition, IndicatorGroup
from kooperacja.core.audit import record
from kooperacja.core.models import AuditAction
from kooperacja.core.versioning import StaleVersion
from kooperacja.territory.models import Municipality

DEFINITIONS_FILE = Path(__file__).parent / "data" / "indicators.json"
POPULATION = "population"
FIRST_YEAR = 1990
# The model keeps 14 digits, 2 of them decimals.
MAX_VALUE = Decimal("999999999999.99")
# Platform aggregates: smaller cells are not shown (statistical disclosure control).
MIN_CELL = 5
# How a cell hidden only to protect a small one reads (it is not necessarily small).
HIDDEN_WITH_ANOTHER = gettext_lazy("hidden")
# A domain scored at or below this level is a need (as `assessment.services.needs` counts).
NEED_THRESHOLD = 2
CSV_HEADER = ("gmina", "year", "indicator", "value", "source")
MAX_IMPORT_ROWS = 50_000


# --- Definitions ---------------------------------------------------------------------------


def sync_definitions(path: Path = DEFINITIONS_FILE) -> int:
    """Add the shipped definitions the database lacks; returns how many were added."""
    shipped = json.loads(path.read_text(encoding="utf-8"))["definitions"]
    known = set(IndicatorDefinition.objects.values_list("code", flat=True))
    missing = [IndicatorDefinition(**item) for item in shipped if item["code"] not in known]
    IndicatorDefinition.objects.bulk_create(missing)
    return len(missing)


def shipped_codes(path: Path = DEFINITIONS_FILE) -> set[str]:
    """The codes of the definitions shipped with the platform (they come back after migrate)."""
    return {item["code"] for item in json.loads(path.read_text(encoding="utf-8"))["definitions"]}


def definitions_in_use() -> list[IndicatorDefinition]:
    """Every definition with how many figures record it (`recorded`), in the groups' order (one query)."""
    order = {group: index for index, (group, _label) in enumerate(IndicatorGroup.choices)}
    definitions = IndicatorDefinition.objects.annotate(recorded=Count("values")).order_by("position", "code")
    return sorted(definitions, key=lambda d: order.get(d.group, len(order)))


DEFINITION_FIELDS = ("code", "name", "group", "unit", "description", "position", "is_active")


def definition_version(definition: IndicatorDefinition) -> int:
    """One number standing for what an administrator edits of a definition (the model keeps no
    version): it changes with any saved change, so a form opened before it is refused."""
    stamp = "\x1f".join(str(getattr(definition, name)) for name in DEFINITION_FIELDS)
    return zlib.crc32(stamp.encode())


class StaleDefinition(StaleVersion):
    default_message = gettext_lazy("Someone else saved this indicator meanwhile.")
    default_code = "stale"


def code_locked(definition: IndicatorDefinition) -> str:
    """Why the definition's code may not change and it may not be deleted, or "" when it may:
    recorded figures name it, or it ships with the platform (a migrate would bring it back)."""
    if definition.pk and definition.values.exists():
        return _(
            "Figures are recorded for this indicator: its code cannot change and it cannot be deleted. "
            "Take it out of use instead."
        )
    if definition.pk and definition.code in shipped_codes():
        return _(
            "This indicator ships with the platform and would come back after the next update: "
            "its code cannot change and it cannot be deleted. Take it out of use instead."
        )
    return ""


def _require_admin(actor: Any) -> None:
    if not manages_definitions(actor):
        raise PermissionDenied


@transaction.atomic
def save_definition(
    actor: Any,
    definition: IndicatorDefinition | None,
    data: Mapping[str, Any],
    *,
    version: int | None = None,
    request: HttpRequest | None = None,
) -> IndicatorDefinition:
    """Add a definition (`definition` None) or change one. Refused: a code another definition
    has, a changed code of a definition that is locked (`code_locked`), a stale form."""
    _require_admin(actor)
    if definition is None:
        definition = IndicatorDefinition()
        before = None
    else:
        definition = IndicatorDefinition.objects.select_for_update().get(pk=definition.pk)
        if definition_version(definition) != version:
            raise StaleDefinition()
        before = {name: getattr(definition, name) for name in DEFINITION_FIELDS}
    code = str(data.get("code", definition.code) or "").strip()
    if before is not None and code != before["code"]:
        locked = code_locked(definition)
        if locked:
            raise ValidationError({"code": locked})
    if IndicatorDefinition.objects.filter(code=code).exclude(pk=definition.pk).exists():
        raise ValidationError({"code": _("Another indicator has this code.")})
    for name in DEFINITION_FIELDS:
        if name in data:
            setattr(definition, name, data[name])
    definition.code = code
    definition.full_clean()
    definition.save()
    changed = [name for name in DEFINITION_FIELDS if before is None or before[name] != getattr(definition, name)]
    record(
        AuditAction.CREATE if before is None else AuditAction.UPDATE,
        request=request,
        actor=actor,
        object_type="community.indicator_definition",
        object_id=definition.code,
        details={"changed": changed, **({"previous_code": before["code"]} if before and "code" in changed else {})},
    )
    return definition


@transaction.atomic
def delete_definition(actor: Any, definition: IndicatorDefinition, *, request: HttpRequest | None = None) -> None:
    """Delete a definition no figure records and the platform does not ship."""
    _require_admin(actor)
    definition = IndicatorDefinition.objects.select_for_update().get(pk=definition.pk)
    locked = code_locked(definition)
    if locked:
        raise ValidationError(locked)
    code = definition.code
    definition.delete()
    record(
        AuditAction.DELETE,
        request=request,
        actor=actor,
        object_type="community.indicator_definition",
        object_id=code,
    )


def active_definitions() -> list[IndicatorDefinition]:
    return list(IndicatorDefinition.objects.filter(is_active=True))


def latest_year() -> int:
    """The last year figures may be given for: the current one."""
    return timezone.localdate().year


def parse_value(text: str) -> Decimal:
    """A figure as people type it: a comma or a dot before the decimals, spaces between the
    thousands. Refuses (ValidationError) anything else, negatives and more than 2 decimals."""
    cleaned = "".join(text.split()).replace("\u00a0", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(_("Give a number, for example 1234 or 12,5."), code="not_a_number") from None
    if not value.is_finite():
        raise ValidationError(_("Give a number, for example 1234 or 12,5."), code="not_a_number")
    if value < 0:
        raise ValidationError(_("A figure cannot be negative."), code="negative")
    if value != value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP):
        raise ValidationError(_("Give at most 2 decimal places."), code="decimals")
    if value > MAX_VALUE:
        raise ValidationError(_("The figure is too large."), code="too_large")
    return value.quantize(Decimal("0.01"))


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= latest_year():
        raise ValidationError(
            _("Give a year from %(first)d to %(last)d.") % {"first": FIRST_YEAR, "last": latest_year()},
            code="year",
        )


def plain(value: Decimal | None) -> str:
    """A figure as the form shows it: no trailing zeros, a decimal comma."""
    if value is None:
        return ""
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return text.replace(".", ",")


# --- A gmina's year -------------------------------------------------------------------------


class StaleYear(StaleVersion):
    default_message = _("Someone else saved the figures of this year meanwhile.")
    default_code = "stale"


def year_figures(gmina: Municipality, year: int) -> dict[str, CommunityIndicator]:
    """The figures of a gmina's year, by indicator code."""
    rows = CommunityIndicator.objects.filter(municipality=gmina, year=year).select_related("indicator")
    return {row.indicator.code: row for row in rows}


def year_version(figures: Iterable[CommunityIndicator]) -> int:
    """One number standing for the versions of all figures of a year: it changes whenever a
    figure is added, changed or removed, so a form opened before the change is refused."""
    stamp = ";".join(sorted(f"{row.pk}:{row.version}" for row in figures))
    return zlib.crc32(stamp.encode())


@dataclass
class YearChange:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


@transaction.atomic
def save_year(
    actor: Any,
    gmina: Municipality,
    year: int,
    values: Mapping[str, Decimal | None],
    *,
    source: str,
    version: int,
    request: HttpRequest | None = None,
) -> YearChange:
    """Save all figures of a gmina's year at once: an empty value removes the figure. Refused
    when someone saved the year after the form was opened (`version`, see `year_version`)."""
    if not may_enter(actor, gmina):
        raise PermissionDenied
    check_year(year)
    saved = {
        row.indicator.code: row
        for row in CommunityIndicator.objects.select_for_update()
        .filter(municipality=gmina, year=year)
        .select_related("indicator")
    }
    if year_version(saved.values()) != version:
        raise StaleYear()
    definitions = {d.code: d for d in IndicatorDefinition.objects.filter(code__in=values)}
    change = YearChange()
    now = timezone.now()
    for code, value in values.items():
        row = saved.get(code)
        if value is None:
            if row is not None:
                row.delete()
                change.removed.append(code)
        elif row is None:
            CommunityIndicator.objects.create(
                municipality=gmina,
                year=year,
                indicator=definitions[code],
                value=value,
                source=source,
                entered_by=actor,
                entered_at=now,
            )
            change.added.append(code)
        elif row.value != value or row.source != source:
            _replace(row, value, source, actor, now)
            change.changed.append(code)
    if change.any:
        record(
            AuditAction.UPDATE,
            request=request,
            actor=actor,
            object_type="community.year",
            object_id=f"{gmina.code}/{year}",
            municipality_code=gmina.code,
            details={"added": change.added, "changed": change.changed, "removed": change.removed},
        )
    return change


def _replace(row: CommunityIndicator, value: Decimal, source: str, actor: Any, now: dt.datetime) -> None:
    row.value, row.source, row.entered_by, row.entered_at = value, source, actor, now
    row.version += 1
    row.save(update_fields=["value", "source", "entered_by", "entered_at", "version"])


# --- Import from CSV ------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    line: int
    message: str

    def __str__(self) -> str:
        if self.line:
            return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}
        return self.message


class IndicatorFileRejected(Exception):
    """Something in the file is wrong: nothing of it is imported."""

    def __init__(self, problems: Iterable[ImportProblem]) -> None:
        self.problems = sorted(problems, key=lambda problem: problem.line)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @property
    def bad_lines(self) -> int:
        return len({problem.line for problem in self.problems if problem.line})


def _rejected(message: str) -> IndicatorFileRejected:
    return IndicatorFileRejected([ImportProblem(0, message)])


@dataclass(frozen=True)
class ImportRow:
    line: int
    gmina: Municipality
    year: int
    indicator: IndicatorDefinition
    value: Decimal
    source: str


class Outcome:
    ADDED = "added"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class RowResult:
    row: ImportRow
    outcome: str
    previous: Decimal | None = None

    def __str__(self) -> str:
        what = {"gmina": self.row.gmina.name, "year": self.row.year, "indicator": self.row.indicator.name}
        if self.outcome == Outcome.ADDED:
            text = _("%(gmina)s, %(year)d, %(indicator)s: added %(value)s") % {**what, "value": plain(self.row.value)}
        elif self.outcome == Outcome.CHANGED:
            text = _("%(gmina)s, %(year)d, %(indicator)s: changed from %(old)s to %(value)s") % {
                **what,
                "old": plain(self.previous),
                "value": plain(self.row.value),
            }
        else:
            text = _("%(gmina)s, %(year)d, %(indicator)s: unchanged") % what
        return str(ImportProblem(self.row.line, text))


@dataclass
class ImportReport:
    results: list[RowResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for result in self.results if result.outcome == outcome)

    @property
    def summary(self) -> str:
        return _("Added %(added)d, changed %(changed)d, unchanged %(unchanged)d.") % {
            "added": self.count(Outcome.ADDED),
            "changed": self.count(Outcome.CHANGED),
            "unchanged": self.count(Outcome.UNCHANGED),
        }


def decode_file(data: bytes) -> str:
    """The file's text (UTF-8, with or without a byte order mark), or a refusal."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    if text is None or "\x00" in text:
        raise _rejected(_("The file is not UTF-8 text. Save it as CSV in UTF-8 and send it again."))
    return text


def _records(text: str) -> list[tuple[int, list[str]]]:
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise _rejected(_("The file is empty. Its first line must be: %(header)s.") % {"header": ";".join(CSV_HEADER)})
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [cell.strip().lower() for cell in next(reader)]
    if header[:4] != list(CSV_HEADER[:4]) or header[4:] not in ([], ["source"]):
        raise _rejected(
            _("The first line must name the columns: %(header)s (source may be left out).")
            % {"header": ";".join(CSV_HEADER)}
        )
    records = [(reader.line_num, row) for row in reader if any(cell.strip() for cell in row)]
    if not records:
        raise _rejected(_("The file has no figures below its first line."))
    if len(records) > MAX_IMPORT_ROWS:
        raise _rejected(_("The file has more than %(limit)d rows; split it.") % {"limit": MAX_IMPORT_ROWS})
    return records


@dataclass
class _Known:
    gminas: dict[str, Municipality]
    indicators: dict[str, IndicatorDefinition]
    enterable: dict[int, bool] = field(default_factory=dict)


def _parse_record(actor: Any, line: int, cells: list[str], known: _Known) -> tuple[ImportRow | None, list[str]]:
    if len(cells) not in (4, 5):
        return None, [_("expected 4 or 5 columns, found %(count)d") % {"count": len(cells)}]
    code, year_text, indicator_code, value_text = (cell.strip() for cell in cells[:4])
    source = cells[4].strip() if len(cells) == 5 else ""
    problems: list[str] = []
    gmina = known.gminas.get(code)
    if gmina is None:
        problems.append(_("unknown gmina code %(code)s (give the 7-digit TERYT code)") % {"code": code or "—"})
    elif actor is not None and not known.enterable.setdefault(gmina.pk, may_enter(actor, gmina)):
        problems.append(_("you may not enter figures of gmina %(gmina)s") % {"gmina": gmina.name})
    year = int(year_text) if year_text.isdigit() else 0
    if not FIRST_YEAR <= year <= latest_year():
        problems.append(
            _("year %(year)s is not a year from %(first)d to %(last)d")
            % {"year": year_text or "—", "first": FIRST_YEAR, "last": latest_year()}
        )
    indicator = known.indicators.get(indicator_code)
    if indicator is None:
        problems.append(_("unknown indicator code %(code)s") % {"code": indicator_code or "—"})
    try:
        value = parse_value(value_text)
    except ValidationError as refusal:
        problems.append(
            _("value %(value)s: %(problem)s") % {"value": value_text or "—", "problem": refusal.messages[0]}
        )
    if len(source) > CommunityIndicator._meta.get_field("source").max_length:  # type: ignore[operator]
        problems.append(_("the source is longer than 300 characters"))
    if problems or gmina is None or indicator is None:
        return None, problems
    return ImportRow(line, gmina, year, indicator, value, source), []


def parse_file(actor: Any, text: str) -> list[ImportRow]:
    """Every row of the file checked, or a refusal naming every problem by its line: unknown
    gminas and indicators, bad years and values, a gmina the actor may not enter, and the same
    gmina, year and indicator twice. `actor` None is the command line (any gmina)."""
    records = _records(text)
    known = _Known(
        gminas={g.code: g for g in Municipality.objects.select_related("county__voivodeship")},
        indicators={d.code: d for d in IndicatorDefinition.objects.filter(is_active=True)},
    )
    rows: list[ImportRow] = []
    problems: list[ImportProblem] = []
    first_line: dict[tuple[int, int, int], int] = {}
    for line, cells in records:
        row, found = _parse_record(actor, line, cells, known)
        problems += [ImportProblem(line, message) for message in found]
        if row is None:
            continue
        key = (row.gmina.pk, row.year, row.indicator.pk)
        if key in first_line:
            message = _(
                "duplicate: gmina %(gmina)s, year %(year)d and indicator %(indicator)s are already on line %(first)d"
            )
            problems.append(
                ImportProblem(
                    line,
                    message
                    % {
                        "gmina": row.gmina.code,
                        "year": row.year,
                        "indicator": row.indicator.code,
                        "first": first_line[key],
                    },
                )
            )
            continue
        first_line[key] = line
        rows.append(row)
    if problems:
        raise IndicatorFileRejected(problems)
    return rows


@transaction.atomic
def import_indicators(actor: Any, text: str, *, request: HttpRequest | None = None) -> ImportReport:
    """Import a CSV file of figures, all or nothing (see `parse_file`); a figure already saved
    is replaced and reported as changed. One audit event with the counts and the gminas."""
    rows = parse_file(actor, text)
    saved = _saved_for(rows)
    report = ImportReport()
    now = timezone.now()
    for row in rows:
        existing = saved.get((row.gmina.pk, row.year, row.indicator.pk))
        if existing is None:
            CommunityIndicator.objects.create(
                municipality=row.gmina,
                year=row.year,
                indicator=row.indicator,
                value=row.value,
                source=row.source,
                entered_by=actor,
                entered_at=now,
            )
            report.results.append(RowResult(row, Outcome.ADDED))
        elif existing.value != row.value or existing.source != row.source:
            previous = existing.value
            _replace(existing, row.value, row.source, actor, now)
            report.results.append(RowResult(row, Outcome.CHANGED, previous))
        else:
            report.results.append(RowResult(row, Outcome.UNCHANGED))
    record(
        AuditAction.UPDATE,
        request=request,
        actor=actor,
        object_type="community.import",
        details={
            "added": report.count(Outcome.ADDED),
            "changed": report.count(Outcome.CHANGED),
            "unchanged": report.count(Outcome.UNCHANGED),
            "gminas": sorted({row.gmina.code for row in rows}),
        },
    )
    return report


def _saved_for(rows: Sequence[ImportRow]) -> dict[tuple[int, int, int], CommunityIndicator]:
    gminas = {row.gmina.pk for row in rows}
    years = {row.year for row in rows}
    saved = CommunityIndicator.objects.select_for_update().filter(municipality_id__in=gminas, year__in=years)
    return {(s.municipality_id, s.year, s.indicator_id): s for s in saved}


# --- Comparison -----------------------------------------------------------------------------


def rate(value: Decimal | None, population: Decimal | None) -> Decimal | None:
    """Per 1000 inhabitants, to one decimal; None without a population."""
    if value is None or not population:
        return None
    return (value * 1000 / population).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figure:
    year: int
    value: Decimal | None
    rate: Decimal | None


@dataclass(frozen=True)
class GminaRow:
    gmina: Municipality
    figures: list[Figure]


@dataclass(frozen=True)
class IndicatorTable:
    indicator: IndicatorDefinition
    rows: list[GminaRow]
    # Rates are given for every indicator but the population itself.
    has_rates: bool


def compare(
    gminas: Sequence[Municipality], years: Sequence[int], indicators: Sequence[IndicatorDefinition]
) -> list[IndicatorTable]:
    """For each indicator, its figures for the gminas by year, with rates per 1000 inhabitants
    where the population of that gmina and year is known. Two queries whatever the size."""
    codes = {d.code for d in indicators} | {POPULATION}
    values: dict[tuple[str, int, int], Decimal] = {
        (code, gmina_id, year): value
        for code, gmina_id, year, value in CommunityIndicator.objects.filter(
            municipality__in=gminas, year__in=years, indicator__code__in=codes
        ).values_list("indicator__code", "municipality_id", "year", "value")
    }
    tables = []
    for definition in indicators:
        with_rates = definition.code != POPULATION
        rows = [
            GminaRow(
                gmina,
                [
                    Figure(
                        year,
                        values.get((definition.code, gmina.pk, year)),
                        rate(values.get((definition.code, gmina.pk, year)), values.get((POPULATION, gmina.pk, year)))
                        if with_rates
                        else None,
                    )
                    for year in years
                ],
            )
            for gmina in gminas
        ]
        tables.append(IndicatorTable(definition, rows, with_rates))
    return tables


def comparison_rows(tables: Sequence[IndicatorTable]) -> list[list[Any]]:
    """The comparison as spreadsheet rows: one per indicator, gmina and year."""
    return [
        [
            table.indicator.code,
            table.indicator.name,
            row.gmina.code,
            row.gmina.name,
            figure.year,
            figure.value,
            figure.rate,
        ]
        for table in tables
        for row in table.rows
        for figure in row.figures
    ]


# --- Platform aggregates --------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A count of people or cases. Hidden when small ("< 5"), or hidden with a small one so that
    no subtraction gives it away ("ukryte": `secondary`). Zero is shown: it is nobody."""

    count: int
    hidden: bool
    secondary: bool = False

    def __str__(self) -> str:
        if not self.hidden:
            return str(self.count)
        return str(HIDDEN_WITH_ANOTHER) if self.secondary else f"< {MIN_CELL}"


def _small(count: int) -> bool:
    return 0 < count < MIN_CELL


def protect(counts: Mapping[str, int], total: int) -> tuple[dict[str, Cell], Cell]:
    """Cells from 1 to MIN_CELL - 1 hidden; then, while what the hidden cells add up to (the
    total less the shown cells) is itself from 1 to MIN_CELL - 1, the smallest shown cell is
    hidden too — or the total, when no cell is left to hide — so that no subtraction of shown
    figures recovers a hidden group. Zeros stay shown."""
    cells = {key: Cell(count, _small(count)) for key, count in counts.items()}
    if _small(total):
        return {key: Cell(cell.count, cell.hidden or cell.count > 0) for key, cell in cells.items()}, Cell(total, True)
    while any(cell.hidden for cell in cells.values()):
        rest = total - sum(cell.count for cell in cells.values() if not cell.hidden)
        if not _small(rest):
            break
        shown = sorted((cell.count, key) for key, cell in cells.items() if not cell.hidden and cell.count > 0)
        if not shown:
            return cells, Cell(total, True, secondary=True)
        key = shown[0][1]
        cells[key] = Cell(cells[key].count, True, secondary=True)
    return cells, Cell(total, False)


@dataclass(frozen=True)
class Aggregate:
    """One table of platform figures: labelled cells and their total."""

    rows: list[tuple[str, Cell]]
    total: Cell


@dataclass(frozen=True)
class PlatformFigures:
    year: int
    needs: Aggregate
    reasons: Aggregate


def _latest_assessments(gmina: Municipality, year: int) -> list[int]:
    """The latest assessment of each subject (a person, or a household as a whole) assessed in
    the gmina in the year."""
    assessed = (
        Assessment.objects.filter(municipality=gmina, assessed_on__year=year)
        .order_by("case_id", "person_id", "assessed_on", "id")
        .values_list("case_id", "person_id", "id")
    )
    latest = {(case_id, person_id): pk for case_id, person_id, pk in assessed}
    return list(latest.values())


def _needs(gmina: Municipality, year: int) -> Aggregate:
    latest = _latest_assessments(gmina, year)
    scores = DomainScore.objects.filter(assessment_id__in=latest, level__lte=NEED_THRESHOLD)
    by_domain = dict(scores.values_list("domain__code").annotate(n=Count("assessment_id", distinct=True)).order_by())
    people = scores.values("assessment_id").distinct().count()
    instrument = Instrument.objects.current().first()
    domains = list(instrument.domains.all()) if instrument else []
    cells, total = protect({d.code: by_domain.get(d.code, 0) for d in domains}, people)
    return Aggregate([(d.name, cells[d.code]) for d in domains], total)


def _reasons(gmina: Municipality, year: int) -> Aggregate:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    open_cases = Case.objects.filter(municipality=gmina, opened_on__lte=last).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=first)
    )
    by_reason = dict(
        CaseReason.objects.filter(case__in=open_cases).values_list("reason").annotate(n=Count("id")).order_by()
    )
    cells, total = protect({r.value: by_reason.get(r.value, 0) for r in SupportReason}, open_cases.count())
    return Aggregate([(str(r.label), cells[r.value]) for r in SupportReason], total)


def platform_figures(gmina: Municipality, year: int) -> PlatformFigures:
    """What the platform itself knows of the gmina in the year: people whose latest diagnosis
    in the year shows a need in each domain, and cases open in the year by reason for support.
    Only for users `indicator_policies.sees_platform_figures` lets see them."""
    return PlatformFigures(year, _needs(gmina, year), _reasons(gmina, year))


# --- A gmina's overview and the yearly report ----------------------------------------------


@dataclass(frozen=True)
class YearLine:
    indicator: IndicatorDefinition
    value: Decimal | None
    previous: Decimal | None
    rate: Decimal | None

    @property
    def change(self) -> Decimal | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_percent(self) -> Decimal | None:
        if self.change is None or not self.previous:
            return None
        return (self.change * 100 / self.previous).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def year_report(gmina: Municipality, year: int) -> list[YearLine]:
    """Every indicator of the year beside the previous year's figure and the rate per 1000."""
    rows = CommunityIndicator.objects.filter(municipality=gmina, year__in=(year, year - 1)).values_list(
        "indicator_id", "year", "value"
    )
    figures: dict[tuple[int, int], Decimal] = {(indicator_id, y): value for indicator_id, y, value in rows}
    definitions = active_definitions()
    population_id = next((d.pk for d in definitions if d.code == POPULATION), None)
    population = figures.get((population_id, year)) if population_id else None
    return [
        YearLine(
            d,
            figures.get((d.pk, year)),
            figures.get((d.pk, year - 1)),
            rate(figures.get((d.pk, year)), population) if d.code != POPULATION else None,
        )
        for d in definitions
    ]


def years_with_figures(gmina: Municipality) -> list[int]:
    return list(
        CommunityIndicator.objects.filter(municipality=gmina)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def gminas_with_figures() -> list[Municipality]:
    """The gminas that have any figure, with how many years they have (`years`)."""
    return list(
        Municipality.objects.filter(indicators__isnull=False)
        .annotate(years=Count("indicators__year", distinct=True))
        .select_related("county__voivodeship")
        .order_by("county__voivodeship__code", "name", "code")
    )
