"""Team activity: how the G-PZK teams of a territory work — meetings held, how many of the
invited institutions came, whether the tasks of their decisions were done on time, and whether
the parties kept the obligations of their agreements.

The rules are those of a team's own dashboard (`teams/dashboard.py`), summed over the teams
of the territory, and both read them from the same named queries: who counts as invited and
who came (`AttendanceQuerySet`), the tasks a period's decisions gave and which of them were
done on time (`TaskQuerySet.decided_between`, `done_on_time`). A team belongs to the territory
of its gmina. Attendance is of institutions at meetings, not of people in need of support: its
share is a share of things.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.evaluation.dashboard import Column, Headline, Row, Table
from kooperacja.evaluation.periods import Period
from kooperacja.evaluation.privacy import Kind, amount_share, things
from kooperacja.evaluation.scope import Level, Scope
from kooperacja.evaluation.sections.common import datetime_range
from kooperacja.teams.models import (
    Attendance,
    AttendanceQuerySet,
    Meeting,
    MeetingStatus,
    Obligation,
    ObligationStatus,
    Task,
    TaskQuerySet,
    Team,
)


def _held_meetings(scope: Scope, period: Period) -> QuerySet[Meeting]:
    start, end = datetime_range(period)
    return Meeting.objects.filter(scope.where(), status=MeetingStatus.HELD, starts_at__gte=start, starts_at__lt=end)


def _decision_tasks(period: Period) -> TaskQuerySet:
    """The tasks the decisions of the period's meetings gave, as a team's dashboard counts them."""
    return Task.objects.decided_between(*datetime_range(period))


def _obligations_due(scope: Scope, period: Period) -> QuerySet[Obligation]:
    """Obligations of the teams' agreements due in the period. An obligation records no day of
    its fulfilment, so its due day places it in a period; one without a due day is in none."""
    return Obligation.objects.filter(
        scope.where("agreement__team__municipality"), due_on__range=(period.start, period.end)
    )


def _per_team(queryset: QuerySet[Any], team_path: str, condition: Q | None = None) -> Coalesce:
    """A subquery counting the rows of `queryset` (those meeting `condition`) of the outer team,
    0 when none: the table of teams stays one query whatever the number of teams."""
    counted = (
        queryset.filter(**{team_path: OuterRef("pk")})
        .order_by()
        .values(team_path)
        .annotate(n=Count("pk", filter=condition or Q()))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


class TeamsSection:
    key = "teams"
    title = gettext_lazy("Team activity")

    def headlines(self, scope: Scope, period: Period) -> list[Headline]:
        meetings = _held_meetings(scope, period).aggregate(
            held=Count("pk", distinct=True),
            invited=Count("attendances", filter=AttendanceQuerySet.invited_condition("attendances__")),
            came=Count("attendances", filter=AttendanceQuerySet.came_condition("attendances__")),
        )
        tasks = (
            _decision_tasks(period)
            .filter(scope.where("team__municipality"))
            .aggregate(given=Count("pk"), on_time=Count("pk", filter=TaskQuerySet.done_on_time_condition()))
        )
        obligations = _obligations_due(scope, period).aggregate(
            due=Count("pk"), fulfilled=Count("pk", filter=Q(status=ObligationStatus.FULFILLED))
        )
        return [
            Headline(
                "meetings",
                _("Team meetings held"),
                things(meetings["held"]),
                _("Meetings of every kind, case conferences included, that took place in the period."),
            ),
            Headline(
                "attendance",
                _("Attendance of invited institutions"),
                amount_share(meetings["came"], meetings["invited"]),
                _("Of the institutions invited to the meetings held, the share that came."),
            ),
            Headline(
                "tasks_on_time",
                _("Decisions' tasks done on time"),
                amount_share(tasks["on_time"], tasks["given"]),
                _(
                    "Of the tasks given by the decisions of the period's meetings (cancelled ones left out), "
                    "the share done by their due day, or done at all when they had none."
                ),
            ),
            Headline(
                "obligations_fulfilled",
                _("Obligations fulfilled"),
                things(obligations["fulfilled"]),
                _("Obligations of the teams' agreements due in the period and marked fulfilled."),
            ),
        ]

    def tables(self, scope: Scope, period: Period) -> list[Table]:
        start, end = datetime_range(period)
        held = Meeting.objects.filter(status=MeetingStatus.HELD, starts_at__gte=start, starts_at__lt=end)
        attendance = Attendance.objects.filter(
            meeting__status=MeetingStatus.HELD, meeting__starts_at__gte=start, meeting__starts_at__lt=end
        )
        tasks = _decision_tasks(period)
        obligations = Obligation.objects.filter(due_on__range=(period.start, period.end))
        teams = (
            Team.objects.filter(scope.where())
            .annotate(
                held=_per_team(held, "team"),
                invited=_per_team(attendance.invited(), "meeting__team"),
                came=_per_team(attendance.came(), "meeting__team"),
                given=_per_team(tasks, "team"),
                on_time=_per_team(tasks.done_on_time(), "team"),
                obligations_due=_per_team(obligations, "agreement__team"),
                fulfilled=_per_team(obligations, "agreement__team", Q(status=ObligationStatus.FULFILLED)),
            )
            # A team that stopped working is listed only for a period it still met in.
            .filter(Q(is_active=True) | Q(held__gt=0))
            .values("name", "municipality__name", *_FIGURES)
            .order_by("municipality__name", "name", "pk")
        )
        rows = tuple(
            Row(
                _label(scope, team["name"], team["municipality__name"]),
                (
                    things(team["held"]),
                    amount_share(team["came"], team["invited"]),
                    things(team["given"]),
                    amount_share(team["on_time"], team["given"]),
                    things(team["obligations_due"]),
                    things(team["fulfilled"]),
                ),
            )
            for team in teams
        )
        columns = (
            Column(_("meetings held"), Kind.COUNT),
            Column(_("attendance of invited institutions"), Kind.SHARE),
            Column(_("decisions' tasks"), Kind.COUNT),
            Column(_("done on time"), Kind.SHARE),
            Column(_("obligations due"), Kind.COUNT),
            Column(_("obligations fulfilled"), Kind.COUNT),
        )
        return [
            Table(
                "teams-by-team",
                _("Activity of each team"),
                _("Team"),
                columns,
                rows,
                note=_("Every active team of the territory, and a team no longer active in a period it still met in."),
            )
        ]


_FIGURES = ("held", "invited", "came", "given", "on_time", "obligations_due", "fulfilled")


def _label(scope: Scope, name: str, gmina: str) -> str:
    """A team's name; above a gmina also its gmina, since names repeat from gmina to gmina."""
    return name if scope.level == Level.GMINA else f"{name} ({gmina})"


SECTIONS = [TeamsSection()]
