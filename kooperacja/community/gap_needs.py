"""People in need beside services in the directory's resource map (issue #9, part 1).

The directory (below every app that knows needs, DESIGN.md §3) owns the matrix and its
extension point; community registers this provider from its `AppConfig.ready` because it is
the lowest app holding all three things the column needs: the diagnoses (assessment), the
mapping from needs to the directory's categories (plans `Need`/`NeedCategory`), and the rule
and the protection of the platform's own aggregates (`indicator_policies`, `protect`) — so
nothing is written twice.

For each main category of the matrix, a column beside its services: how many people (subjects
of a diagnosis: a person, or a household assessed as a whole) whose latest diagnosis in the
last 12 months scores a domain at level 2 or lower, the domain being the need that category is
made for (weight 3 in `data/needs.json`); and at the end the people with any such need. Cells
are protected per gmina exactly as the community diagnosis protects its aggregates
(`indicators.protect`): 1–4 read "< 5", and another cell is hidden while subtraction could give
a hidden one away. Shown only for the gminas the user may see platform figures of; when that is
none of the matrix's gminas, the columns are absent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kooperacja.assessment.models import Assessment, DomainScore
from kooperacja.community.indicator_policies import gminas_with_platform_figures
from kooperacja.community.indicators import NEED_THRESHOLD, Cell, protect
from kooperacja.directory.gaps import CategoryColumns, Column, Masked
from kooperacja.plans.models import NeedCategory
from kooperacja.territory.models import Municipality

PREFIX = "needs"
TOTAL_KEY = f"{PREFIX}:total"
# Diagnoses older than this no longer describe a need today.
PERIOD_DAYS = 365
# Only the categories a need is made for (weights 1–2 "may help" would count everyone everywhere).
MADE_FOR_IT = 3
# What a gmina the user may not see platform figures of shows in these columns.
NOT_AVAILABLE = "—"


def needs_provider(
    user: Any, categories: CategoryColumns, gminas: Sequence[Municipality]
) -> NeedsBesideServices | None:
    """The provider for the user's matrix, or None when the user may see the needs of none of its gminas."""
    allowed = gminas_with_platform_figures(user, gminas)
    return NeedsBesideServices(categories, allowed) if allowed else None


class NeedsBesideServices:
    """People in need by main category, each column beside that category's services."""

    def __init__(self, categories: CategoryColumns, allowed: set[int]) -> None:
        self.categories = categories
        self.allowed = allowed

    def columns(self) -> list[Column]:
        columns = [
            Column(
                key=f"{PREFIX}:{column.category}",
                label=_("people in need"),
                group=column.group,
                group_key=column.group_key,
                counts_gaps=False,
                beside=column.key,
            )
            for column in self.categories.columns()
            if column.depth == 0
        ]
        label = _("People in need in total")
        return [*columns, Column(key=TOTAL_KEY, label=label, group=label, group_key=TOTAL_KEY, counts_gaps=False)]

    def values(self, gmina_ids: Sequence[int]) -> dict[tuple[int, str], int | Masked]:
        """Three queries: the diagnoses of the period, their needs, and what each need is made for."""
        keys = [column.key for column in self.columns()]
        found: dict[tuple[int, str], int | Masked] = {
            (gmina_id, key): Masked(NOT_AVAILABLE)
            for gmina_id in gmina_ids
            if gmina_id not in self.allowed
            for key in keys
        }
        ids = [gmina_id for gmina_id in gmina_ids if gmina_id in self.allowed]
        if not ids:
            return found
        people = self._people(ids)
        for gmina_id in ids:
            by_column = people.get(gmina_id, {})
            counts = {key: len(by_column.get(key, ())) for key in keys if key != TOTAL_KEY}
            cells, total = protect(counts, len(by_column.get(TOTAL_KEY, ())))
            for key, cell in [*cells.items(), (TOTAL_KEY, total)]:
                found[(gmina_id, key)] = _shown(cell)
        return found

    def _people(self, gmina_ids: list[int]) -> dict[int, dict[str, set[int]]]:
        """{gmina id: {column key: the latest diagnoses (one per subject) showing its need}}."""
        since = timezone.localdate() - dt.timedelta(days=PERIOD_DAYS)
        in_period = Assessment.objects.filter(municipality_id__in=gmina_ids, assessed_on__gte=since)
        latest: dict[tuple[int, int | None], tuple[int, int]] = {}
        for case_id, person_id, pk, gmina_id in in_period.order_by(
            "case_id", "person_id", "assessed_on", "id"
        ).values_list("case_id", "person_id", "id", "municipality_id"):
            latest[(case_id, person_id)] = (pk, gmina_id)
        gmina_of = dict(latest.values())
        columns_of = self._columns_by_domain()
        people: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
        scores = DomainScore.objects.filter(
            assessment__municipality_id__in=gmina_ids, assessment__assessed_on__gte=since, level__lte=NEED_THRESHOLD
        ).values_list("assessment_id", "domain__code")
        for assessment_id, domain in scores:
            found = gmina_of.get(assessment_id)
            if found is None or domain not in columns_of:
                continue
            for key in columns_of[domain]:
                people[found][key].add(assessment_id)
            people[found][TOTAL_KEY].add(assessment_id)
        return people

    def _columns_by_domain(self) -> dict[str, set[str]]:
        """For each diagnosis domain, the needs columns of the categories its need is made for."""
        subtrees = {
            f"{PREFIX}:{column.category}": self.categories.subtree(column.key)
            for column in self.categories.columns()
            if column.depth == 0
        }
        mapping = NeedCategory.objects.filter(need__is_active=True, weight=MADE_FOR_IT).values_list(
            "need__domain_code", "need__code", "term_id"
        )
        by_domain: dict[str, set[str]] = defaultdict(set)
        for domain_code, need_code, term_id in mapping:
            by_domain[domain_code or need_code] |= {key for key, terms in subtrees.items() if term_id in terms}
        return {domain: keys for domain, keys in by_domain.items() if keys}


def _shown(cell: Cell) -> int | Masked:
    # A hidden cell always stands for at least one person (zeros stay shown).
    return Masked(str(cell), positive=True) if cell.hidden else cell.count
