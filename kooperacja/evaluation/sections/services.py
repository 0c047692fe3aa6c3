"""Services and gaps: the help residents of the territory can reach, the institutions offering
it, and the main categories of help nobody offers them — the resource map (`directory.gaps`).

A service counts in the territory by the resource map's rule: it is listed (active or
temporarily closed, of an active institution) and its service areas reach a gmina of the
territory, wherever the institution itself stands (a PCPR's service counts in each gmina of its
powiat). These are things, not people: figures are shown as they are (`privacy.things`).

The directory keeps when a service was added (`created_at`) but not when it was withdrawn or
when its areas or categories changed, so the listing at the end of a past period cannot be
rebuilt: the figures of the listing are today's for every period (the comparison with the
previous period then shows no change, and each such headline says so). Only "services added in
the period" is a figure of the period itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.directory.gaps import CategoryColumns, GapMatrix, build_matrix
from kooperacja.directory.models import ServedMunicipality, Service, ServiceAttribute
from kooperacja.evaluation.dashboard import Chart, Column, Headline, Row, Table, remember
from kooperacja.evaluation.periods import Period
from kooperacja.evaluation.privacy import Figure, Kind, things
from kooperacja.evaluation.scope import Level, Scope
from kooperacja.evaluation.sections.common import datetime_range, unit_table
from kooperacja.territory.models import Municipality


def _listed_in(scope: Scope) -> QuerySet[Service]:
    """Listed services whose areas reach a gmina of the territory (each once)."""
    reaching = ServedMunicipality.objects.filter(scope.where("municipality"), service_id=OuterRef("pk"))
    return Service.objects.listed().filter(Exists(reaching))


def _main_categories_without(matrix: GapMatrix) -> int:
    """Main categories in which no gmina of the territory has a service (a gmina's own gaps
    when the territory is one gmina)."""
    if not matrix.rows:
        return 0
    return sum(1 for without in matrix.gminas_without if without == len(matrix.rows))


def _per_category(scope: Scope, categories: CategoryColumns) -> dict[str, int]:
    """Listed services of the territory in each main category, counting a service once however
    many categories below the main one it carries (one query; the subtrees are the resource
    map's own)."""
    columns = categories.columns()
    if not columns:
        return {}
    aliases = {f"c{index}": column.key for index, column in enumerate(columns)}
    counts = {
        alias: Count("service_id", distinct=True, filter=Q(taxonomy_term_id__in=categories.subtree(key)))
        for alias, key in aliases.items()
    }
    every_term = set().union(*(categories.subtree(key) for key in aliases.values()))
    found = ServiceAttribute.objects.filter(taxonomy_term_id__in=every_term, service__in=_listed_in(scope)).aggregate(
        **counts
    )
    return {key: found[alias] or 0 for alias, key in aliases.items()}


def _categories() -> CategoryColumns:
    """The main categories (read once per dashboard build)."""
    return remember("services-categories", CategoryColumns)


def _matrix(scope: Scope, categories: CategoryColumns) -> GapMatrix:
    """The resource map's gaps of the territory's gminas by main category: today's, the same
    for every period, so built once per dashboard build (headlines of both periods, tables)."""
    return remember(("services-matrix", scope), lambda: build_matrix(scope.gminas(), [categories]))


def _unit_of(scope: Scope, gmina: Municipality) -> int:
    """The id of the unit one level down that holds the gmina (the key `scope.child_key` groups by)."""
    if scope.level == Level.POWIAT:
        return gmina.pk
    if scope.level == Level.VOIVODESHIP:
        return gmina.county_id
    return gmina.county.voivodeship_id


TODAY_HELP = gettext_lazy(
    "Today's directory: it keeps no dates of withdrawal, so the previous period shows today's figure too."
)


class ServicesSection:
    key = "services"
    title = gettext_lazy("Services and gaps")

    def headlines(self, scope: Scope, period: Period) -> list[Headline]:
        start, end = datetime_range(period)
        found = _listed_in(scope).aggregate(
            services=Count("pk"),
            institutions=Count("institution", distinct=True),
            added=Count("pk", filter=Q(created_at__gte=start, created_at__lt=end)),
        )
        matrix = _matrix(scope, _categories())
        headlines = [
            Headline("services", _("Services residents can use"), things(found["services"]), help=str(TODAY_HELP)),
            Headline(
                "institutions", _("Institutions offering services"), things(found["institutions"]), help=str(TODAY_HELP)
            ),
            Headline(
                "categories_without",
                _("Main categories with no service"),
                things(_main_categories_without(matrix)),
                help=str(TODAY_HELP),
            ),
        ]
        if scope.level != Level.GMINA:
            headlines.append(
                Headline(
                    "gaps",
                    _("Gaps on the resource map"),
                    things(matrix.gap_count),
                    help=_("Pairs of a gmina and a main category in which its residents can use no service. %(today)s")
                    % {"today": TODAY_HELP},
                )
            )
        headlines.append(
            Headline(
                "added",
                _("Services added in the period"),
                things(found["added"]),
                help=_("Services listed today that were entered in the directory in the period."),
            )
        )
        return headlines

    def tables(self, scope: Scope, period: Period) -> list[Table]:
        categories = _categories()
        per_category = _per_category(scope, categories)
        if scope.level == Level.GMINA:
            return [self._category_table(categories, per_category, None)]
        matrix = _matrix(scope, categories)
        return [
            self._category_table(categories, per_category, matrix),
            *self._unit_table(scope, period, matrix),
        ]

    def _category_table(
        self, categories: CategoryColumns, per_category: dict[str, int], matrix: GapMatrix | None
    ) -> Table:
        """Services per main category; above a gmina also how many gminas have none in it."""
        columns = [Column(_("services"), Kind.COUNT)]
        if matrix is not None:
            columns.append(Column(_("gminas without a service"), Kind.COUNT))
        rows = []
        for index, column in enumerate(categories.columns()):
            figures = [things(per_category.get(column.key, 0))]
            if matrix is not None:
                figures.append(things(matrix.gminas_without[index] or 0))
            rows.append(Row(column.label, tuple(figures)))
        return Table(
            "services-by-category",
            _("Services by main category"),
            _("Category"),
            tuple(columns),
            tuple(rows),
            note=_("A service counts once in each main category it or a category below it belongs to. %(today)s")
            % {"today": TODAY_HELP},
            chart=Chart.BARS,
            chart_column=0,
        )

    def _unit_table(self, scope: Scope, period: Period, matrix: GapMatrix) -> list[Table]:
        group = scope.child_key("municipality")
        if group is None:
            return []
        rows = (
            ServedMunicipality.objects.filter(scope.where("municipality"), service__in=Service.objects.listed())
            .values(group)
            .annotate(services=Count("service_id", distinct=True))
            .order_by()
        )
        services = {row[group]: row["services"] for row in rows}
        gaps: dict[int, int] = defaultdict(int)
        for row in matrix.rows:
            gaps[_unit_of(scope, row.gmina)] += sum(1 for cell in row.cells if cell.is_gap)
        values = {unit: (services.get(unit, 0), gaps.get(unit, 0)) for unit in {*services, *gaps}}
        return unit_table(
            scope,
            period,
            key="services-by-unit",
            title=_("Services by unit"),
            columns=(
                Column(_("services residents can use"), Kind.COUNT),
                Column(_("gaps on the resource map"), Kind.COUNT),
            ),
            values=values,
            figures=_unit_figures,
            note=str(TODAY_HELP),
        )


def _unit_figures(counts: Sequence[int]) -> tuple[Figure, ...]:
    return tuple(things(count) for count in counts)


SECTIONS = [ServicesSection()]
