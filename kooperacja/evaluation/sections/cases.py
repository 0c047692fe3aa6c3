"""Cases: opened, active at the end of the period, closed — the workload the model starts from."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.cases.models import Case
from kooperacja.evaluation.dashboard import Column, Headline, Table
from kooperacja.evaluation.periods import Period
from kooperacja.evaluation.privacy import Figure, Kind, people
from kooperacja.evaluation.scope import Scope
from kooperacja.evaluation.sections.common import unit_table


def _counts(period: Period) -> dict[str, Count]:
    start, end = period.start, period.end
    return {
        "opened": Count("pk", filter=Q(opened_on__range=(start, end))),
        "active": Count("pk", filter=Q(opened_on__lte=end) & (Q(closed_on__isnull=True) | Q(closed_on__gt=end))),
        "closed": Count("pk", filter=Q(closed_on__range=(start, end))),
    }


def _figures(counts: Sequence[int]) -> tuple[Figure, ...]:
    return tuple(people(count) for count in counts)


class CasesSection:
    key = "cases"
    title = gettext_lazy("Cases")

    def headlines(self, scope: Scope, period: Period) -> list[Headline]:
        found = Case.objects.filter(scope.where()).aggregate(**_counts(period))
        return [
            Headline("opened", _("Cases opened"), people(found["opened"])),
            Headline("active", _("Cases worked on at the end of the period"), people(found["active"])),
            Headline("closed", _("Cases closed"), people(found["closed"])),
        ]

    def tables(self, scope: Scope, period: Period) -> list[Table]:
        group = scope.child_key()
        if group is None:
            return []
        rows = Case.objects.filter(scope.where()).values(group).annotate(**_counts(period)).order_by()
        values = {row[group]: (row["opened"], row["active"], row["closed"]) for row in rows}
        columns = (
            Column(_("opened"), Kind.PEOPLE),
            Column(_("worked on at the end"), Kind.PEOPLE),
            Column(_("closed in the period"), Kind.PEOPLE),
        )
        return unit_table(
            scope,
            period,
            key="cases-by-unit",
            title=_("Cases by unit"),
            columns=columns,
            values=values,
            figures=_figures,
        )


SECTIONS = [CasesSection()]
