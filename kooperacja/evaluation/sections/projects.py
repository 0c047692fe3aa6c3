"""Social projects' budget execution: the budgets planned for the projects (the pilot's
56 000 zł social packages and later local projects) that run in the period, what they spent in
it, and how much of their budgets was spent by its end.

A project belongs to the territory of its gmina. A project runs in the period when its dates
overlap it; a cancelled project runs in none. Money is shown as it is (no rounding for privacy).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.community.models import BudgetLine, Expense, ProjectStatus, SocialProject, SocialProjectQuerySet
from kooperacja.evaluation.dashboard import Chart, Column, Headline, Row, Table
from kooperacja.evaluation.periods import Period
from kooperacja.evaluation.privacy import Kind, amount_share, money
from kooperacja.evaluation.scope import Level, Scope

ZERO = Decimal(0)


def _running(scope: Scope, period: Period) -> SocialProjectQuerySet:
    """Projects of the territory whose dates overlap the period, except cancelled ones."""
    return SocialProject.objects.filter(scope.where(), starts_on__lte=period.end, ends_on__gte=period.start).exclude(
        status=ProjectStatus.CANCELLED
    )


def _spending(period: Period) -> dict[str, Any]:
    return {
        "spent": Sum("amount", filter=Q(spent_on__range=(period.start, period.end))),
        "spent_by_end": Sum("amount", filter=Q(spent_on__lte=period.end)),
    }


class ProjectsSection:
    key = "projects"
    title = gettext_lazy("Social projects' budget execution")

    def headlines(self, scope: Scope, period: Period) -> list[Headline]:
        running = _running(scope, period)
        planned = BudgetLine.objects.filter(project__in=running).aggregate(total=Sum("planned"))["total"] or ZERO
        spending = Expense.objects.filter(project__in=running).aggregate(**_spending(period))
        spent_by_end = spending["spent_by_end"] or ZERO
        return [
            Headline(
                "planned",
                _("Budget of the projects running"),
                money(planned),
                _("The whole planned budget of the social projects whose dates overlap the period."),
            ),
            Headline(
                "spent",
                _("Spent in the period"),
                money(spending["spent"]),
                _("Expenses of those projects dated in the period."),
            ),
            Headline(
                "executed",
                _("Budget executed by the end of the period"),
                amount_share(spent_by_end, planned),
                _("All expenses of those projects up to the end of the period, as a share of their planned budget."),
            ),
        ]

    def tables(self, scope: Scope, period: Period) -> list[Table]:
        projects = (
            _running(scope, period)
            .with_totals(period)
            # The stubs do not see the annotations a QuerySet method adds.
            .values("title", "municipality__name", "planned_total", "spent_in_period", "spent_total")  # type: ignore[misc]
            .order_by("municipality__name", "title", "pk")
        )
        rows = tuple(
            Row(
                _label(scope, project["title"], project["municipality__name"]),
                (
                    money(project["planned_total"]),
                    money(project["spent_in_period"]),
                    money(project["spent_total"]),
                    amount_share(project["spent_total"], project["planned_total"]),
                ),
            )
            for project in projects
        )
        columns = (
            Column(_("planned budget"), Kind.MONEY),
            Column(_("spent in the period"), Kind.MONEY),
            Column(_("spent by the end of the period"), Kind.MONEY),
            Column(_("budget executed"), Kind.SHARE),
        )
        return [
            Table(
                "projects-by-project",
                _("Budget execution of each project"),
                _("Social project"),
                columns,
                rows,
                note=_("Projects whose dates overlap the period; cancelled projects are left out."),
                chart=Chart.BARS,
                chart_column=3,
            )
        ]


def _label(scope: Scope, title: str, gmina: str) -> str:
    """A project's title; above a gmina also its gmina."""
    return title if scope.level == Level.GMINA else f"{title} ({gmina})"


SECTIONS = [ProjectsSection()]
