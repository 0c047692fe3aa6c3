"""The team's dashboard: how the cooperation goes, at a glance.

Obligations by status, the meetings held in the period and how many of the invited came,
the decisions taken and how many of their tasks are done (and done on time), overdue tasks,
the next meetings, and the latest result of the partner survey (when the survey module offers
one). A fixed number of queries for any team.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from kooperacja.teams.models import (
    Attendance,
    Decision,
    Meeting,
    MeetingStatus,
    Obligation,
    ObligationStatus,
    Task,
    TaskQuerySet,
    TaskStatus,
    Team,
)
from kooperacja.teams.workload import Period

UPCOMING_SHOWN = 5
OVERDUE_SHOWN = 10


# The bar chart's geometry, in the units of its SVG viewBox. The chart scales to the width of
# the screen (no fixed width), so its text is large enough to stay readable on a phone.
BAR_ROW = 24
BAR_MAX = 200
CHART_WIDTH = 420


@dataclass(frozen=True)
class Bar:
    """One row of a bar chart: its label and value, the bar's width against the largest value
    of the chart and its row's top."""

    label: str
    value: int
    width: int
    y: int


def bars(figures: list[tuple[str, int]]) -> list[Bar]:
    largest = max((value for _label, value in figures), default=0) or 1
    return [
        Bar(str(label), value, round(BAR_MAX * value / largest), index * BAR_ROW)
        for index, (label, value) in enumerate(figures)
    ]


def share(part: int, whole: int) -> int | None:
    """Per cent, rounded; None when there is nothing to count."""
    return round(100 * part / whole) if whole else None


@dataclass
class Dashboard:
    period: Period
    obligations: list[Bar]
    obligations_total: int
    meetings_held: int
    invited: int
    came: int
    decisions: int
    decision_tasks: int
    decision_tasks_done: int
    decision_tasks_on_time: int
    overdue: list[Task]
    overdue_total: int
    upcoming: list[Meeting]
    survey: Any

    @property
    def chart_height(self) -> int:
        return BAR_ROW * len(self.obligations)

    @property
    def chart_width(self) -> int:
        return CHART_WIDTH

    @property
    def attendance_rate(self) -> int | None:
        return share(self.came, self.invited)

    @property
    def done_rate(self) -> int | None:
        return share(self.decision_tasks_done, self.decision_tasks)

    @property
    def on_time_rate(self) -> int | None:
        return share(self.decision_tasks_on_time, self.decision_tasks)


def _obligations(team: Team) -> list[tuple[str, int]]:
    counts = dict(
        Obligation.objects.filter(agreement__team=team).values_list("status").annotate(n=Count("id")).order_by()
    )
    return [(str(status.label), counts.get(status.value, 0)) for status in ObligationStatus]


def _attendance(team: Team, since: dt.datetime, until: dt.datetime) -> dict[str, int]:
    """Of those invited to the held meetings of the period, how many came
    (`AttendanceQuerySet` says who counts as invited)."""
    return Attendance.objects.filter(
        meeting__team=team,
        meeting__status=MeetingStatus.HELD,
        meeting__starts_at__gte=since,
        meeting__starts_at__lt=until,
    ).counts()


def _decision_tasks(team: Team, since: dt.datetime, until: dt.datetime) -> dict[str, int]:
    """The tasks of the period's decisions: how many, how many done, how many done on time."""
    return (
        Task.objects.filter(team=team)
        .decided_between(since, until)
        .aggregate(
            total=Count("id"),
            done=Count("id", filter=Q(status=TaskStatus.DONE)),
            on_time=Count("id", filter=TaskQuerySet.done_on_time_condition()),
        )
    )


def latest_survey(team: Team) -> Any:
    """The latest partner survey result, when the survey module offers one (else None)."""
    try:
        surveys = import_module("kooperacja.teams.surveys")
    except ImportError:
        return None
    latest = getattr(surveys, "latest_results", None)
    return latest(team) if latest is not None else None


def dashboard(team: Team, period: Period | None = None, *, with_survey: bool = True) -> Dashboard:
    period = period or Period.last_year()
    since, until = period.moments()
    obligations = _obligations(team)
    attendance = _attendance(team, since, until)
    tasks = _decision_tasks(team, since, until)
    overdue = Task.objects.filter(team=team).overdue().select_related("owner_institution", "owner_user")
    overdue_shown = list(overdue.order_by("due_on", "id")[:OVERDUE_SHOWN])
    return Dashboard(
        period=period,
        obligations=bars(obligations),
        obligations_total=sum(value for _label, value in obligations),
        meetings_held=Meeting.objects.filter(
            team=team, status=MeetingStatus.HELD, starts_at__gte=since, starts_at__lt=until
        ).count(),
        invited=attendance["invited"],
        came=attendance["came"],
        decisions=Decision.objects.filter(
            meeting__team=team, meeting__starts_at__gte=since, meeting__starts_at__lt=until
        ).count(),
        decision_tasks=tasks["total"],
        decision_tasks_done=tasks["done"],
        decision_tasks_on_time=tasks["on_time"],
        overdue=overdue_shown,
        overdue_total=overdue.count(),
        upcoming=list(
            Meeting.objects.filter(team=team, status=MeetingStatus.PLANNED, starts_at__gte=timezone.now()).order_by(
                "starts_at", "id"
            )[:UPCOMING_SHOWN]
        ),
        survey=latest_survey(team) if with_survey else None,
    )
