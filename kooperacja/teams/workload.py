"""Workload and recognition: what each member and each institution gives the team.

The sources name overload and the lack of any gratification as reasons partners drop out; the
leader and the managers see who carries the team (open and overdue tasks, meetings attended,
hours given), and each member gets a summary of what they contributed. Hours are those
recorded for held meetings (`Attendance.hours`), or the meeting's length when the person came
and no hours were written. Figures are computed in a fixed number of queries for any team.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from kooperacja.institutions.models import Institution
from kooperacja.teams.models import (
    OPEN_TASK_STATUSES,
    Attendance,
    Decision,
    Meeting,
    MeetingStatus,
    Obligation,
    ObligationStatus,
    Task,
    TaskStatus,
    Team,
    TeamMember,
)


@dataclass(frozen=True)
class Period:
    """Days from `start` to `end`, both included."""

    start: dt.date
    end: dt.date

    @classmethod
    def last_year(cls, today: dt.date | None = None) -> Period:
        """The default: the last 12 months up to today."""
        end = today or timezone.localdate()
        try:
            start = end.replace(year=end.year - 1) + dt.timedelta(days=1)
        except ValueError:  # 29 February
            start = end.replace(year=end.year - 1, day=28) + dt.timedelta(days=1)
        return cls(start, end)

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as [from, until) moments in local time, for filtering meetings."""
        tz = timezone.get_current_timezone()
        since = dt.datetime.combine(self.start, dt.time.min, tzinfo=tz)
        until = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return since, until


@dataclass
class Load:
    """What one member or institution gives: tasks now, and meetings and hours in the period."""

    open_tasks: int = 0
    overdue_tasks: int = 0
    meetings_attended: int = 0
    hours: Decimal = Decimal(0)


@dataclass
class MemberLoad:
    member: TeamMember
    load: Load


@dataclass
class InstitutionLoad:
    institution: Institution
    load: Load
    members: list[MemberLoad] = field(default_factory=list)


@dataclass
class Workload:
    period: Period
    members: list[MemberLoad]
    institutions: list[InstitutionLoad]


def members_in(team: Team, period: Period) -> list[TeamMember]:
    """Members at some day of the period (those who left meanwhile included: they gave too)."""
    return list(
        TeamMember.objects.filter(team=team, joined_on__lte=period.end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gte=period.start))
        .select_related("institution", "user")
        .order_by("institution__name", "joined_on", "id")
    )


def attended_rows(team: Team, period: Period) -> list[dict[str, Any]]:
    """Who came to the team's held meetings in the period, with the hours they gave."""
    since, until = period.moments()
    rows = Attendance.objects.filter(
        meeting__team=team,
        meeting__status=MeetingStatus.HELD,
        meeting__starts_at__gte=since,
        meeting__starts_at__lt=until,
        attended=True,
    ).values("user_id", "institution_id", "hours", "meeting_id", "meeting__starts_at", "meeting__ends_at")
    return [{**row, "given": given_hours(row)} for row in rows]


def given_hours(row: Mapping[str, Any]) -> Decimal:
    return _given(row["hours"], row["meeting__starts_at"], row["meeting__ends_at"])


def _given(hours: Any, starts_at: dt.datetime, ends_at: dt.datetime) -> Decimal:
    """The hours recorded for the attendee, or else the length of the meeting."""
    if hours is not None:
        return Decimal(hours)
    seconds = (ends_at - starts_at).total_seconds()
    return Decimal(round(seconds / 3600, 1)).quantize(Decimal("0.1"))


def _task_counts(team: Team, today: dt.date) -> list[Any]:
    return list(
        Task.objects.filter(team=team, status__in=OPEN_TASK_STATUSES)
        .values("owner_user_id", "owner_institution_id")
        .annotate(open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
    )


def workload(team: Team, period: Period | None = None, today: dt.date | None = None) -> Workload:
    """Per member (a representative, or an institution not yet represented) and per
    institution: open and overdue tasks (now), meetings attended and hours given (in the
    period). Tasks of an institution without a named person count for its unnamed member row
    and for the institution. Four queries."""
    today = today or timezone.localdate()
    period = period or Period.last_year(today)
    members = members_in(team, period)
    by_person: dict[int | None, Load] = defaultdict(Load)
    by_institution: dict[int, Load] = defaultdict(Load)
    unnamed: dict[int, Load] = defaultdict(Load)
    for row in _task_counts(team, today):
        for load in (by_institution[row["owner_institution_id"]],) + (
            (by_person[row["owner_user_id"]],) if row["owner_user_id"] else (unnamed[row["owner_institution_id"]],)
        ):
            load.open_tasks += row["open"]
            load.overdue_tasks += row["overdue"]
    meetings: dict[int, set[int]] = defaultdict(set)
    for row in attended_rows(team, period):
        target = by_person[row["user_id"]] if row["user_id"] else unnamed[row["institution_id"]]
        target.meetings_attended += 1
        target.hours += row["given"]
        by_institution[row["institution_id"]].hours += row["given"]
        meetings[row["institution_id"]].add(row["meeting_id"])
    for institution_id, held in meetings.items():
        by_institution[institution_id].meetings_attended = len(held)
    member_loads = []
    institutions: dict[int, InstitutionLoad] = {}
    seen_people: set[int] = set()
    for member in members:
        if member.user_id:
            # A person who was a member twice is counted once, on their first row.
            load = by_person[member.user_id] if member.user_id not in seen_people else Load()
            seen_people.add(member.user_id)
        else:
            load = unnamed.pop(member.institution_id, Load())
        member_loads.append(MemberLoad(member, load))
        group = institutions.setdefault(
            member.institution_id, InstitutionLoad(member.institution, by_institution[member.institution_id])
        )
        group.members.append(member_loads[-1])
    return Workload(period=period, members=member_loads, institutions=list(institutions.values()))


# --- Recognition ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendedMeeting:
    meeting: Meeting
    given: Decimal


@dataclass
class Recognition:
    """What one member contributed in the period."""

    member: TeamMember
    period: Period
    meetings: list[AttendedMeeting]
    hours: Decimal
    tasks_done: list[Task]
    tasks_on_time: int
    decisions: list[Decision]
    obligations_fulfilled: list[Obligation]


def on_time(task: Task) -> bool:
    return task.done_on is not None and (task.due_on is None or task.done_on <= task.due_on)


def _member_tasks(member: TeamMember) -> Any:
    if member.user_id:
        return Task.objects.filter(team_id=member.team_id, owner_user_id=member.user_id)
    return Task.objects.filter(
        team_id=member.team_id, owner_institution_id=member.institution_id, owner_user__isnull=True
    )


def recognition(member: TeamMember, period: Period | None = None) -> Recognition:
    """The meetings the member came to and the hours given, the tasks done (and how many on
    time), the decisions those tasks came from, and the obligations of the member's
    institution fulfilled — in the period."""
    period = period or Period.last_year()
    since, until = period.moments()
    attendance = Attendance.objects.filter(
        meeting__team_id=member.team_id,
        meeting__status=MeetingStatus.HELD,
        meeting__starts_at__gte=since,
        meeting__starts_at__lt=until,
        attended=True,
    )
    if member.user_id:
        attendance = attendance.filter(user_id=member.user_id)
    else:
        attendance = attendance.filter(institution_id=member.institution_id, user__isnull=True)
    meetings = [
        AttendedMeeting(row.meeting, _given(row.hours, row.meeting.starts_at, row.meeting.ends_at))
        for row in attendance.select_related("meeting").order_by("meeting__starts_at", "meeting_id")
    ]
    done = list(
        _member_tasks(member)
        .filter(status=TaskStatus.DONE, done_on__gte=period.start, done_on__lte=period.end)
        .select_related("decision__meeting")
        .order_by("done_on", "id")
    )
    decisions = list({task.decision_id: task.decision for task in done if task.decision is not None}.values())
    fulfilled = list(
        Obligation.objects.filter(
            agreement__team_id=member.team_id,
            party__institution_id=member.institution_id,
            status=ObligationStatus.FULFILLED,
            updated_at__gte=since,
            updated_at__lt=until,
        ).select_related("agreement")
    )
    return Recognition(
        member=member,
        period=period,
        meetings=meetings,
        hours=sum((row.given for row in meetings), Decimal(0)),
        tasks_done=done,
        tasks_on_time=sum(1 for task in done if on_time(task)),
        decisions=decisions,
        obligations_fulfilled=fulfilled,
    )
