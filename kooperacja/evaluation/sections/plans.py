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

Privacy: a family (its case) is the person behind every figure. Programmes and goals only stand
for families (one family may have six goals), so each count is judged also by the distinct cases
behind it (`privacy.people(distinct=…)`, `privacy.share(part_distinct=…, rest_distinct=…)`),
counted in the same statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, Least, TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.evaluation.dashboard import Column, Headline, Row, Table, remember
from kooperacja.evaluation.periods import Period
from kooperacja.evaluation.privacy import Figure, Kind, people, share
from kooperacja.evaluation.scope import Scope
from kooperacja.evaluation.sections.common import unit_table
from kooperacja.plans.models import CooperationPlan, Goal, GoalStatus, PlanStatus

OUTCOMES = (GoalStatus.ACHIEVED, GoalStatus.PARTLY, GoalStatus.NOT_ACHIEVED)
ALL = "all"  # the key of every goal with an outcome in `_goal_outcomes`


def _plan_counts(period: Period) -> dict[str, Count]:
    """The programmes each figure counts in the period (the rules of the module docstring)."""
    start, end = period.start, period.end
    agreed = Q(agreed_on__isnull=False)
    running = agreed & Q(agreed_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    finished = agreed & Q(ended_on__range=(start, end))
    completed = finished & Q(status=PlanStatus.COMPLETED)
    ended = finished & Q(status=PlanStatus.ENDED)
    return {
        "running": Count("case", distinct=True, filter=running),
        "completed": Count("pk", filter=completed),
        "ended": Count("pk", filter=ended),
        # The families behind the programmes (a family may finish two in one period).
        "completed_cases": Count("case", distinct=True, filter=completed),
        "ended_cases": Count("case", distinct=True, filter=ended),
    }


_PLAN_FIELDS = ("running", "completed", "ended", "completed_cases", "ended_cases")


@dataclass(frozen=True)
class _Outcome:
    """The goals of one outcome, the families (cases) they belong to, and the families with
    goals of another outcome (the rest of a share)."""

    goals: int
    cases: int
    other_cases: int


def _goal_outcomes(scope: Scope, period: Period) -> dict[str, _Outcome]:
    """Goals of the territory by the outcome recorded in the period, with the distinct cases
    behind each (one query, once per dashboard build)."""

    def compute() -> dict[str, _Outcome]:
        recorded_on = Least(TruncDate("updated_at"), Coalesce("plan__ended_on", TruncDate("updated_at")))
        goals = (
            Goal.objects.filter(scope.where(), status__in=OUTCOMES)
            .alias(recorded_on=recorded_on)
            .filter(recorded_on__range=(period.start, period.end))
        )
        counts: dict[str, Count] = {"all_cases": Count("plan__case", distinct=True)}
        for status in OUTCOMES:
            counts[f"{status}_goals"] = Count("pk", filter=Q(status=status))
            counts[f"{status}_cases"] = Count("plan__case", distinct=True, filter=Q(status=status))
            counts[f"{status}_others"] = Count("plan__case", distinct=True, filter=~Q(status=status))
        found = goals.aggregate(**counts)
        outcomes = {
            str(status): _Outcome(found[f"{status}_goals"], found[f"{status}_cases"], found[f"{status}_others"])
            for status in OUTCOMES
        }
        outcomes[ALL] = _Outcome(sum(outcome.goals for outcome in outcomes.values()), found["all_cases"], 0)
        return outcomes

    return remember(("plans-goal-outcomes", scope, period), compute)


def _goal_share(outcome: _Outcome, every: _Outcome) -> Figure:
    return share(outcome.goals, every.goals, part_distinct=outcome.cases, rest_distinct=outcome.other_cases)


def _completed_share(completed: int, ended: int, completed_cases: int, ended_cases: int) -> Figure:
    """Of the programmes that finished in the period, the share completed."""
    return share(completed, completed + ended, part_distinct=completed_cases, rest_distinct=ended_cases)


def _unit_figures(counts: Sequence[int]) -> tuple[Figure, ...]:
    # A unit without programmes comes as zeros of the columns' width: pad it to every field.
    running, completed, ended, completed_cases, ended_cases = (*counts, 0, 0, 0, 0, 0)[: len(_PLAN_FIELDS)]
    return (
        people(running),
        people(completed, distinct=completed_cases),
        people(ended, distinct=ended_cases),
        _completed_share(completed, ended, completed_cases, ended_cases),
    )


class PlansSection:
    key = "plans"
    title = gettext_lazy("Cooperation programmes (IPW)")

    def headlines(self, scope: Scope, period: Period) -> list[Headline]:
        plans = CooperationPlan.objects.filter(scope.where()).aggregate(**_plan_counts(period))
        goals = _goal_outcomes(scope, period)
        achieved = goals[GoalStatus.ACHIEVED]
        return [
            Headline(
                "running",
                _("Families with an IPW under way"),
                people(plans["running"]),
                help=_("Families whose cooperation programme was agreed or in progress at some time in the period."),
            ),
            Headline("completed", _("IPWs completed"), people(plans["completed"], distinct=plans["completed_cases"])),
            Headline(
                "ended", _("IPWs ended without completion"), people(plans["ended"], distinct=plans["ended_cases"])
            ),
            Headline(
                "completed_share",
                _("Share of IPWs completed"),
                _completed_share(plans["completed"], plans["ended"], plans["completed_cases"], plans["ended_cases"]),
                help=_("Of the programmes that finished in the period, completed or not."),
            ),
            Headline(
                "goals_achieved",
                _("Goals achieved"),
                people(achieved.goals, distinct=achieved.cases),
                help=_("Goals whose achievement was recorded in the period (at the latest when their IPW ended)."),
            ),
            Headline(
                "goals_achieved_share",
                _("Share of goals achieved"),
                _goal_share(achieved, goals[ALL]),
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
        values = {row[group]: tuple(row[name] for name in _PLAN_FIELDS) for row in rows}
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
        every = goals[ALL]
        rows = tuple(
            Row(
                str(GoalStatus(status).label),
                (people(goals[status].goals, distinct=goals[status].cases), _goal_share(goals[status], every)),
            )
            for status in OUTCOMES
        )
        return Table(
            "plans-goals",
            _("Goals of the IPWs by outcome"),
            _("Outcome"),
            (Column(_("goals"), Kind.PEOPLE), Column(_("share"), Kind.SHARE)),
            rows,
            note=_("Goals whose outcome was recorded in the period, at the latest when their IPW ended."),
            total=Row(
                _("All goals with an outcome"),
                (people(every.goals, distinct=every.cases), _goal_share(every, every)),
            ),
        )


SECTIONS = [PlansSection()]
