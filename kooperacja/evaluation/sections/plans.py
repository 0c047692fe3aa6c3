"""Cooperation programmes (IPW): families working on an agreed programme, programmes completed or
ended without completion, and the goals achieved — the model's headline result (in the rural
pilot 140 of 172 families completed their IPW).

What counts in a period: a family (a case) *has an IPW under way* when one of its programmes was
agreed (`agreed_on`) by the period's end and had not finished (`ended_on`) before it began —
agreed or in progress at some time in the period. A programme is *completed* or *ended without
completion* when it reached that state with its `ended_on` in the period; only agreed programmes
count (a draft thrown away was never an IPW). The share completed is over the programmes that
finished either way in the period.

A goal's outcome (achieved, partly achieved, not achieved) counts on the day it was recorded.
The goal keeps no date of its own for that, so the day is read as its last change
(`updated_at`, which every change of status stamps and which stays put once the plan is
closed, for a closed plan's goals cannot change), but no later than its plan's end: goals left
open are settled as not achieved when the plan ends, and that day may be dated back. Progress
updates (`GoalProgress`) are not used: they record an indicator's value, not the goal's status.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, Least, TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.evaluation.dashboard import Column, Headline, Row, Table
from kooperacja.evaluation.periods import Period
from kooperacja.evaluation.privacy import Figure, Kind, people, share
from kooperacja.evaluation.scope import Scope
from kooperacja.evaluation.sections.common import unit_table
from kooperacja.plans.models import CooperationPlan, Goal, GoalStatus, PlanStatus

OUTCOMES = (GoalStatus.ACHIEVED, GoalStatus.PARTLY, GoalStatus.NOT_ACHIEVED)


def _plan_counts(period: Period) -> dict[str, Count]:
    """The programmes each figure counts in the period (the rules of the module docstring)."""
    start, end = period.start, period.end
    agreed = Q(agreed_on__isnull=False)
    running = agreed & Q(agreed_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    finished = agreed & Q(ended_on__range=(start, end))
    return {
        "running": Count("case", distinct=True, filter=running),
        "completed": Count("pk", filter=finished & Q(status=PlanStatus.COMPLETED)),
        "ended": Count("pk", filter=finished & Q(status=PlanStatus.ENDED)),
    }


def _goal_outcomes(scope: Scope, period: Period) -> dict[str, int]:
    """Goals of the territory by the outcome recorded in the period (one query)."""
    recorded_on = Least(TruncDate("updated_at"), Coalesce("plan__ended_on", TruncDate("updated_at")))
    goals = (
        Goal.objects.filter(scope.where(), status__in=OUTCOMES)
        .alias(recorded_on=recorded_on)
        .filter(recorded_on__range=(period.start, period.end))
    )
    return goals.aggregate(**{str(status): Count("pk", filter=Q(status=status)) for status in OUTCOMES})


def _unit_figures(counts: Sequence[int]) -> tuple[Figure, ...]:
    running, completed, ended, finished = counts
    return people(running), people(completed), people(ended), share(completed, finished)


class PlansSection:
    key = "plans"
    title = gettext_lazy("Cooperation programmes (IPW)")

    def headlines(self, scope: Scope, period: Period) -> list[Headline]:
        plans = CooperationPlan.objects.filter(scope.where()).aggregate(**_plan_counts(period))
        goals = _goal_outcomes(scope, period)
        completed, ended = plans["completed"], plans["ended"]
        achieved, with_outcome = goals[GoalStatus.ACHIEVED], sum(goals.values())
        return [
            Headline(
                "running",
                _("Families with an IPW under way"),
                people(plans["running"]),
                help=_("Families whose cooperation programme was agreed or in progress at some time in the period."),
            ),
            Headline("completed", _("IPWs completed"), people(completed)),
            Headline("ended", _("IPWs ended without completion"), people(ended)),
            Headline(
                "completed_share",
                _("Share of IPWs completed"),
                share(completed, completed + ended),
                help=_("Of the programmes that finished in the period, completed or not."),
            ),
            Headline(
                "goals_achieved",
                _("Goals achieved"),
                people(achieved),
                help=_("Goals whose achievement was recorded in the period (at the latest when their IPW ended)."),
            ),
            Headline(
                "goals_achieved_share",
                _("Share of goals achieved"),
                share(achieved, with_outcome),
                help=_("Of the goals whose outcome was recorded in the period: achieved, partly or not achieved."),
            ),
        ]

    def tables(self, scope: Scope, period: Period) -> list[Table]:
        return [*self._by_unit(scope, period), self._goals(scope, period)]

    def _by_unit(self, scope: Scope, period: Period) -> list[Table]:
        group = scope.child_key()
        if group is None:
            return []
        rows = CooperationPlan.objects.filter(scope.where()).values(group).annotate(**_plan_counts(period)).order_by()
        values = {
            row[group]: (row["running"], row["completed"], row["ended"], row["completed"] + row["ended"])
            for row in rows
        }
        columns = (
            Column(_("families with an IPW under way"), Kind.PEOPLE),
            Column(_("IPWs completed"), Kind.PEOPLE),
            Column(_("IPWs ended without completion"), Kind.PEOPLE),
            Column(_("share completed"), Kind.SHARE),
        )
        return unit_table(
            scope,
            period,
            key="plans-by-unit",
            title=_("Cooperation programmes (IPW) by unit"),
            columns=columns,
            values=values,
            figures=_unit_figures,
        )

    def _goals(self, scope: Scope, period: Period) -> Table:
        goals = _goal_outcomes(scope, period)
        whole = sum(goals.values())
        rows = tuple(
            Row(str(GoalStatus(status).label), (people(goals[status]), share(goals[status], whole)))
            for status in OUTCOMES
        )
        return Table(
            "plans-goals",
            _("Goals of the IPWs by outcome"),
            _("Outcome"),
            (Column(_("goals"), Kind.PEOPLE), Column(_("share"), Kind.SHARE)),
            rows,
            note=_("Goals whose outcome was recorded in the period, at the latest when their IPW ended."),
            total=Row(_("All goals with an outcome"), (people(whole), share(whole, whole))),
        )


SECTIONS = [PlansSection()]
