"""Diagnoses (diagnoza): whether the people a worker diagnosed again are better off than at their
first diagnosis.

A subject is what a diagnosis is about: a person of a case, or a household case's household as
a whole (no person) — as `community.indicators` reads them. A subject counts in a period when
it has at least two assessments up to the period's end and the latest of them falls in the
period; its first and its latest assessment (by day, then by entry) are compared domain by
domain, over the domains (by code, stable across instrument versions) scored in both. Levels
go from 1 (crisis) to 5 (independence), so a higher level is better: a subject *improved* when
its mean level over those domains rose, which is when the sum of the domains' changes is above
zero. Everything is computed in the database: a window over each subject's assessments finds
its first and latest, and one statement aggregates the domain scores of those pairs per subject
and per domain (shared by the headlines and the table of a dashboard build).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet, RowRange, Window
from django.db.models.functions import FirstValue, LastValue
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.assessment.models import Assessment, Domain, DomainScore
from kooperacja.evaluation.dashboard import Chart, Column, Headline, Row, Table, remember
from kooperacja.evaluation.periods import Period
from kooperacja.evaluation.privacy import Figure, Kind, average, people, share
from kooperacja.evaluation.scope import Scope

SCALE_NOTE = gettext_lazy(
    "Levels go from 1 (crisis) to 5 (independence). The first and the latest diagnosis of each person "
    "(or household as a whole) are compared in the domains scored in both; a household counts as one."
)

# The domain scores of each pair (first, latest) in the domains scored in both, and the change
# of level from the first to the latest. `{pairs}` is the window query of `_pairs`.
_CHANGES = """
WITH pairs AS ({pairs}),
changes AS (
    SELECT pairs.latest_id AS subject, latest_domain.code AS domain_code, latest_domain.name AS domain_name,
           latest.level - earliest.level AS delta
    FROM pairs
    JOIN {score} latest ON latest.assessment_id = pairs.latest_id
    JOIN {domain} latest_domain ON latest_domain.id = latest.domain_id
    JOIN {score} earliest ON earliest.assessment_id = pairs.first_id
    JOIN {domain} earliest_domain
      ON earliest_domain.id = earliest.domain_id AND earliest_domain.code = latest_domain.code
)
"""

# One statement for the headlines and the table: the row with no domain code is the subjects'
# (how many were compared, how many improved), each other row a domain's (compared, improved,
# the sum of the changes). A subject's scores are read once for both.
_SUBJECTS_AND_DOMAINS = """
SELECT NULL AS domain_code, NULL AS domain_name, COUNT(*) AS compared,
       COALESCE(SUM(CASE WHEN total > 0 THEN 1 ELSE 0 END), 0) AS improved, 0 AS total_change
FROM (SELECT subject, SUM(delta) AS total FROM changes GROUP BY subject) per_subject
UNION ALL
SELECT domain_code, MIN(domain_name), COUNT(*), SUM(CASE WHEN delta > 0 THEN 1 ELSE 0 END), SUM(delta)
FROM changes GROUP BY domain_code
"""


def _pairs(scope: Scope, period: Period) -> QuerySet[Any, Any]:
    """The first and the latest assessment of each subject of the territory assessed at least
    twice up to the period's end whose latest assessment falls in the period (one row each)."""
    whole_series = RowRange(start=None, end=None)

    def over_subject(expression: FirstValue | LastValue) -> Window:
        # NULL persons (households as a whole) partition together per case, as a subject should.
        return Window(
            expression,
            partition_by=[F("case_id"), F("person_id")],
            order_by=[F("assessed_on").asc(), F("id").asc()],
            frame=whole_series,
        )

    # Only cases with an assessment in the period can count; keeping whole cases keeps every
    # subject's series whole, so the window sorts what matters in a month, not all history.
    in_period = Q(assessed_on__range=(period.start, period.end))
    assessed_in_period = Assessment.objects.filter(scope.where(), in_period).values("case_id")
    return (
        Assessment.objects.filter(scope.where(), assessed_on__lte=period.end, case_id__in=assessed_in_period)
        .annotate(
            first_id=over_subject(FirstValue("id")),
            latest_id=over_subject(LastValue("id")),
            latest_on=over_subject(LastValue("assessed_on")),
        )
        # Conditions on the window's values are applied after it (the whole series is seen).
        .filter(id=F("latest_id"), latest_on__gte=period.start)
        .exclude(first_id=F("latest_id"))
        .values("first_id", "latest_id")
    )


@dataclass(frozen=True)
class _Changes:
    """What the statement found: subjects compared and improved, and per domain code its name
    and (compared, improved, sum of the changes)."""

    compared: int
    improved: int
    domains: dict[str, tuple[str, tuple[int, int, int]]]


def _changes(scope: Scope, period: Period) -> _Changes:
    """The subjects' and the domains' figures of the period (one statement, once per build)."""

    def compute() -> _Changes:
        pairs_sql, params = _pairs(scope, period).query.sql_with_params()
        changes = _CHANGES.format(pairs=pairs_sql, score=DomainScore._meta.db_table, domain=Domain._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(changes + _SUBJECTS_AND_DOMAINS, params)
            rows = list(cursor.fetchall())
        # The subjects' row is always there (an aggregate without grouping), the domains' only when scored.
        subjects = next(row for row in rows if row[0] is None)
        domains = {
            code: (name, (int(compared), int(improved), int(total_change)))
            for code, name, compared, improved, total_change in rows
            if code is not None
        }
        return _Changes(int(subjects[2] or 0), int(subjects[3] or 0), domains)

    return remember(("assessments-changes", scope, period), compute)


class AssessmentsSection:
    key = "assessments"
    title = gettext_lazy("Diagnoses")

    def headlines(self, scope: Scope, period: Period) -> list[Headline]:
        found = _changes(scope, period)
        compared, improved = found.compared, found.improved
        return [
            Headline(
                "assessed_twice",
                _("People diagnosed twice or more"),
                people(compared),
                help=_(
                    "People (or households as a whole) whose latest diagnosis in the period follows an earlier one."
                ),
            ),
            Headline(
                "improved",
                _("People whose diagnosis improved"),
                people(improved),
                help=_(
                    "The mean level over the domains scored in both the first and the latest diagnosis rose "
                    "(1 = crisis, 5 = independence)."
                ),
            ),
            Headline("improved_share", _("Share whose diagnosis improved"), share(improved, compared)),
        ]

    def tables(self, scope: Scope, period: Period) -> list[Table]:
        found = _changes(scope, period).domains
        # Every domain of the current instrument in its order, then those only older versions had.
        current = Domain.objects.filter(instrument__is_current=True).order_by("position", "id")
        names = dict(current.values_list("code", "name"))
        for code in sorted(found):
            names.setdefault(code, found[code][0])
        rows = tuple(
            Row(name, _figures(found[code][1] if code in found else (0, 0, 0))) for code, name in names.items()
        )
        columns = (
            Column(_("people compared"), Kind.PEOPLE),
            Column(_("improved"), Kind.PEOPLE),
            Column(_("share improved"), Kind.SHARE),
            Column(_("average change of level"), Kind.SCORE),
        )
        return [
            Table(
                "assessments-by-domain",
                _("Change of the diagnosis by domain"),
                _("Domain"),
                columns,
                rows,
                note=str(SCALE_NOTE),
                chart=Chart.BARS,
                chart_column=2,
            )
        ]


def _figures(counts: Sequence[int]) -> tuple[Figure, ...]:
    compared, improved, total_change = counts
    return (
        people(compared),
        people(improved),
        share(improved, compared),
        average(total_change, compared, kind=Kind.SCORE),
    )


SECTIONS = [AssessmentsSection()]
