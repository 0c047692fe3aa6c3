"""The resource map and gap analysis: which help residents of each gmina can reach, and where none.

The matrix has a row per gmina and a column per question asked of it. Columns come from a
list of *column providers* (`ColumnProvider`): each provider names its columns and fills
them for all the matrix's gminas at once, in a fixed number of queries whatever the number of
gminas or services. The directory's own provider is `CategoryColumns` (services available to
residents, by category). Apps above the directory (DESIGN.md §3) add theirs without the
directory importing them: they `register_provider` a factory from their `AppConfig.ready`, and
the page asks every factory for a provider for its user and gminas (community adds people in
need beside the services of each main category). A provider's column says whether a zero in
it is a gap (for services it is; for a count of needs it is not), and may stand `beside`
another column; a value it must not show as a number (a small count) is `Masked`.

A service counts in a gmina when its residents may use it (`ServedMunicipality`, built from
the service areas), and in a category when it carries that category or any category below it,
so a legal counselling service counts for "specialist counselling" and for "social
assistance" as well, once however many of their subcategories it carries. Only categories in
use are columns: a retired category has none, and a service counts under a column through the
categories in use it carries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from kooperacja.core.policies import memberships
from kooperacja.directory import search
from kooperacja.directory.models import ServedMunicipality, Service, ServiceAttribute, TaxonomyTerm
from kooperacja.directory.services import tree
from kooperacja.territory.models import County, Municipality, Voivodeship

# What shows every subcategory (instead of naming top-level categories one by one).
EXPAND_ALL = "all"


@dataclass(frozen=True)
class Column:
    """One column of the matrix.

    `key` is unique in the matrix (the provider's prefix and its own code); `group` is the
    header above the column (its top-level category); `depth` 0 is the group's own column,
    deeper ones are its subcategories. `category` is the code the public directory filters
    by, empty when the cell has nothing to link to. `counts_gaps`: a zero in the column is a
    gap to highlight and count."""

    key: str
    label: str
    group: str
    group_key: str
    depth: int = 0
    category: str = ""
    counts_gaps: bool = True
    # Whether the group's subcategories can be shown (only on a group's own column).
    expandable: bool = False
    expanded: bool = False
    # The key of the column this one stands right after (another provider's), if any.
    beside: str = ""


@dataclass(frozen=True)
class Masked:
    """A value shown as words instead of its number ("< 5", "hidden", "—"); `positive` says
    whether the number behind it is above zero (so a need beside a gap is still unmet)."""

    text: str
    positive: bool = False


class ColumnProvider(Protocol):
    """A source of matrix columns. `values` returns {(gmina id, column key): number or Masked}
    for the given gminas (missing pairs are 0), in a number of queries that does not grow with them."""

    def columns(self) -> list[Column]: ...

    def values(self, gmina_ids: Sequence[int]) -> Mapping[tuple[int, str], int | Masked]: ...


# A factory of an app above the directory: a provider for this user and these gminas, or None
# when the user may see none of its columns (then the columns are absent).
ProviderFactory = Callable[[Any, "CategoryColumns", Sequence[Municipality]], "ColumnProvider | None"]
_FACTORIES: list[ProviderFactory] = []


def register_provider(factory: ProviderFactory) -> None:
    """Let an app add columns to the matrix (called from its `AppConfig.ready`; once per factory)."""
    if factory not in _FACTORIES:
        _FACTORIES.append(factory)


def extra_providers(user: Any, categories: CategoryColumns, gminas: Sequence[Municipality]) -> list[ColumnProvider]:
    """The registered apps' providers for the user's matrix of these gminas."""
    found = (factory(user, categories, gminas) for factory in _FACTORIES)
    return [provider for provider in found if provider is not None]


def _tree_order(terms: Iterable[TaxonomyTerm]) -> list[tuple[TaxonomyTerm, int, TaxonomyTerm]]:
    """The terms depth first in their order, each with its depth and its top-level ancestor."""
    ordered: list[tuple[TaxonomyTerm, int, TaxonomyTerm]] = []
    root: TaxonomyTerm | None = None
    for term, depth in tree(terms):
        if depth == 0 or root is None:
            root = term
        ordered.append((term, depth, root))
    return ordered


class CategoryColumns:
    """Services available to residents, one column per top-level category of the shipped
    category taxonomy; an expanded category adds a column for each category below it."""

    prefix = "category"

    def __init__(self, expand: Iterable[str] = ()) -> None:
        self.expand = set(expand)
        self._ordered_terms: list[tuple[TaxonomyTerm, int, TaxonomyTerm]] | None = None
        self._columns: list[Column] | None = None
        self._subtrees: dict[str, set[int]] = {}

    def top_level(self) -> list[TaxonomyTerm]:
        """The top-level categories (the terms are read once per provider)."""
        return [term for term, depth, _root in self._ordered() if depth == 0]

    def _ordered(self) -> list[tuple[TaxonomyTerm, int, TaxonomyTerm]]:
        if self._ordered_terms is None:
            # Retired categories are no column: nobody plans help by a term no longer offered.
            terms = TaxonomyTerm.objects.categories().in_use().only("id", "code", "name", "parent_id", "position")
            self._ordered_terms = _tree_order(terms.order_by("position", "code"))
        return self._ordered_terms

    def columns(self) -> list[Column]:
        """The columns in tree order (read once; `collapse` starts them again)."""
        if self._columns is not None:
            return self._columns
        ordered = self._ordered()
        # Every term's own column counts the terms below it too.
        ancestors: dict[int, list[int]] = {}
        parents = {term.pk: term.parent_id for term, _depth, _root in ordered}
        for term, _depth, _root in ordered:
            chain: list[int] = []
            current: int | None = term.pk
            steps = 0
            while current is not None and current in parents and steps <= len(parents):
                chain.append(current)
                current = parents[current]
                steps += 1
            ancestors[term.pk] = chain
        has_children = {parent for parent in parents.values() if parent is not None}
        columns: list[Column] = []
        subtrees: dict[str, set[int]] = defaultdict(set)
        by_id = {term.pk: term for term, _depth, _root in ordered}
        for term, _depth, _root in ordered:
            for ancestor in ancestors[term.pk]:
                subtrees[f"{self.prefix}:{by_id[ancestor].code}"].add(term.pk)
        expand_all = EXPAND_ALL in self.expand
        for term, depth, root in ordered:
            expanded = expand_all or root.code in self.expand
            if depth and not expanded:
                continue
            columns.append(
                Column(
                    key=f"{self.prefix}:{term.code}",
                    label=term.name,
                    group=root.name,
                    group_key=f"{self.prefix}:{root.code}",
                    depth=depth,
                    category=term.code,
                    expandable=depth == 0 and term.pk in has_children,
                    expanded=depth == 0 and expanded and term.pk in has_children,
                )
            )
        self._columns = columns
        self._subtrees = dict(subtrees)
        return columns

    def subtree(self, key: str) -> set[int]:
        """The ids of the column's category and every category below it."""
        self.columns()
        return self._subtrees.get(key, set())

    def collapse(self) -> None:
        """Show top-level categories only from now on (the terms already read are kept)."""
        self.expand = set()
        self._columns = None

    def values(self, gmina_ids: Sequence[int]) -> dict[tuple[int, str], int]:
        """One query: for each gmina, the distinct listed services of each column's subtree."""
        columns = self.columns()
        if not columns or not gmina_ids:
            return {}
        aliases = {f"c{index}": column.key for index, column in enumerate(columns)}
        counts = {
            alias: Count("service_id", distinct=True, filter=Q(taxonomy_term_id__in=self._subtrees[key]))
            for alias, key in aliases.items()
        }
        every_term = set().union(*(self._subtrees[key] for key in aliases.values()))
        rows = (
            ServiceAttribute.objects.filter(
                taxonomy_term_id__in=every_term,
                service__in=Service.objects.listed(),
                service__served_municipalities__municipality_id__in=list(gmina_ids),
            )
            .values("service__served_municipalities__municipality_id")
            .annotate(**counts)
            .order_by()
        )
        found: dict[tuple[int, str], int] = {}
        for row in cast(Iterable[dict[str, Any]], rows):
            gmina_id = row["service__served_municipalities__municipality_id"]
            for alias, key in aliases.items():
                if row[alias]:
                    found[(gmina_id, key)] = row[alias]
        return found


@dataclass
class Cell:
    """One gmina's number in one column. `text` replaces a number not to be shown; `unmet`: the
    cell counts people in need (above zero) beside a column with a gap."""

    column: Column
    value: int
    text: str = ""
    unmet: bool = False

    @property
    def is_gap(self) -> bool:
        return self.column.counts_gaps and self.value == 0 and not self.text

    @property
    def shown(self) -> str:
        return self.text or str(self.value)

    @property
    def export_value(self) -> int | str:
        return self.text or self.value


@dataclass
class Row:
    """One gmina: its cells in column order and its services in total."""

    gmina: Municipality
    cells: list[Cell]
    # Listed services open to the gmina's residents, each once whatever its categories.
    total: int


@dataclass
class GapMatrix:
    """The columns, a row per gmina (in Polish alphabetical order), and the count of gminas without."""

    columns: list[Column]
    rows: list[Row]
    # Per column (in order): how many gminas have nothing in it (None where zero is no gap).
    gminas_without: list[int | None] = field(default_factory=list)

    @property
    def gap_count(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell.is_gap)

    @property
    def unmet_count(self) -> int:
        """Cells of people in need beside a gap."""
        return sum(1 for row in self.rows for cell in row.cells if cell.unmet)


def services_per_gmina(gmina_ids: Sequence[int]) -> dict[int, int]:
    """How many listed services residents of each gmina can use (one query)."""
    if not gmina_ids:
        return {}
    rows = (
        ServedMunicipality.objects.filter(municipality_id__in=list(gmina_ids), service__in=Service.objects.listed())
        .values("municipality_id")
        .annotate(services=Count("service_id"))
        .order_by()
    )
    return {row["municipality_id"]: row["services"] for row in rows}


def gmina_order(gmina: Municipality) -> tuple[str, str]:
    """Gminas in alphabetical order as people read it ("Łoniów" beside "Łopuszno", not after "Z")."""
    return (search.fold(gmina.name), gmina.code)


def first_county(voivodeship: Voivodeship) -> County | None:
    """The voivodeship's first powiat (by TERYT code) that has gminas."""
    return County.objects.filter(voivodeship=voivodeship, municipalities__isnull=False).order_by("code").first()


def default_territory(user: Any) -> tuple[Voivodeship | None, County | None]:
    """Where a user's matrix opens: the powiat of their institution, else its voivodeship's
    first powiat, else the first voivodeship that has gminas."""
    for membership in memberships(user):
        institution = membership.institution
        if institution.county_id:
            return institution.voivodeship, institution.county
    for membership in memberships(user):
        own = membership.institution.voivodeship
        return own, first_county(own)
    found = Voivodeship.objects.filter(counties__municipalities__isnull=False).order_by("code").first()
    return found, first_county(found) if found else None


def gminas_of(voivodeship: Voivodeship | None, county: County | None) -> list[Municipality]:
    """The matrix's gminas: the powiat's, else the whole voivodeship's (with their powiats)."""
    gminas = Municipality.objects.select_related("county")
    if county is not None:
        return list(gminas.filter(county=county))
    if voivodeship is not None:
        return list(gminas.filter(county__voivodeship=voivodeship))
    return []


def build_matrix(gminas: Iterable[Municipality], providers: Sequence[ColumnProvider]) -> GapMatrix:
    """The gmina × column matrix for the given gminas, with the columns of every provider in
    turn. Queries: one per provider's columns and values, and one for the row totals."""
    gminas = sorted(gminas, key=gmina_order)
    ids = [gmina.pk for gmina in gminas]
    given: list[Column] = []
    values: dict[tuple[int, str], int | Masked] = {}
    for provider in providers:
        given += provider.columns()
        values.update(provider.values(ids))
    columns = _placed(given)
    totals = services_per_gmina(ids)
    rows = [
        Row(gmina=gmina, cells=_cells(gmina.pk, columns, values), total=totals.get(gmina.pk, 0)) for gmina in gminas
    ]
    without = [
        sum(1 for row in rows if row.cells[index].is_gap) if column.counts_gaps else None
        for index, column in enumerate(columns)
    ]
    return GapMatrix(columns=columns, rows=rows, gminas_without=without)


def _placed(columns: list[Column]) -> list[Column]:
    """The columns in their providers' order, each `beside` column right after the column it
    names (after any placed there before it); one naming no column present goes last."""
    keys = {column.key for column in columns}
    besides: dict[str, list[Column]] = defaultdict(list)
    for column in columns:
        if column.beside and column.beside in keys:
            besides[column.beside].append(column)
    placed: list[Column] = []

    def place(column: Column) -> None:
        placed.append(column)
        for follower in besides.get(column.key, []):
            place(follower)

    for column in columns:
        if not (column.beside and column.beside in keys):
            place(column)
    return placed


def _cells(gmina_id: int, columns: list[Column], values: Mapping[tuple[int, str], int | Masked]) -> list[Cell]:
    cells: list[Cell] = []
    by_key: dict[str, Cell] = {}
    for column in columns:
        found = values.get((gmina_id, column.key), 0)
        cell = Cell(column, found) if isinstance(found, int) else Cell(column, 0, text=found.text)
        positive = found > 0 if isinstance(found, int) else found.positive
        neighbour = by_key.get(column.beside)
        cell.unmet = positive and neighbour is not None and neighbour.is_gap
        by_key[column.key] = cell
        cells.append(cell)
    return cells


# Headers of the exported files (the page has its own, translated in the template).
EXPORT_GMINA = _("Gmina")
EXPORT_TERYT = _("TERYT code")
EXPORT_COUNTY = _("County")
EXPORT_TOTAL = _("Services in total")
EXPORT_WITHOUT = _("Gminas without a service")


def export_table(matrix: GapMatrix) -> tuple[list[str], list[list[object]]]:
    """The matrix as a header and rows for a CSV or XLSX file: a row per gmina, then the row of
    gminas without a service. A subcategory's header names its top-level category too."""
    header = [
        str(EXPORT_TERYT),
        str(EXPORT_GMINA),
        str(EXPORT_COUNTY),
        *[
            column.label if column.depth == 0 and not column.beside else f"{column.group}: {column.label}"
            for column in matrix.columns
        ],
        str(EXPORT_TOTAL),
    ]
    rows: list[list[object]] = [
        [row.gmina.code, row.gmina.name, row.gmina.county.name, *[cell.export_value for cell in row.cells], row.total]
        for row in matrix.rows
    ]
    rows.append(["", str(EXPORT_WITHOUT), "", *["" if n is None else n for n in matrix.gminas_without], ""])
    return header, rows
