"""/api/v1/teams, /meetings, /tasks: the cooperation teams (G-PZK), their meetings and tasks.

Everything is read through `kooperacja.teams.policies`, with the access the HTML pages have:
a team is seen by its named members, the staff of its member institutions, the animators of
its powiat and administrators; anyone else gets 404. A case conference's text (its title,
agenda, minutes and decisions) may name a family: lists show it as "Case conference", and a
meeting's page gives the text only to those `sees_conference_text` lets read it — the others
get when and where it is held, with `text_hidden: true`. The cases a conference discusses are
never given here (they belong to the cases app's access rules).

A task a case conference's decision gave is that conference's text too: its title and details
go only to those who read the conference's text; the others get it as "Task of a case
conference" with `text_hidden: true` (who does it, by when and its status stay visible, so the
team's work can be followed).

One change is offered, as on the site: the status of a task, by those who run the team, its
responsible person, or staff of its responsible institution when no person is named (403 for
anyone else who sees the team), all as `may_update_task` decides; an institution's API client
is no person, so it acts as staff of its institution in its role. It carries the `version` the
client read: 409 when the task changed meanwhile.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from kooperacja.api.errors import ApiError
from kooperacja.api.lists import UnitRef, check_gmina_code, known_gmina, page_of, unit
from kooperacja.api.paging import PageNumberPaging
from kooperacja.api.schemas import InstitutionRef
from kooperacja.teams import tasks as task_service
from kooperacja.teams.models import (
    Attendance,
    AttendanceQuerySet,
    InvitationResponse,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Task,
    TaskStatus,
    Team,
    TeamMember,
    TeamRole,
)
from kooperacja.teams.policies import (
    conference_texts_read,
    get_meeting_for_user,
    get_task_for_user,
    get_team_for_user,
    may_update_task,
    sees_conference_text,
    uses_teams,
    visible_teams,
)

router = Router(tags=["teams"])


# --- Schemas ------------------------------------------------------------------------------------


class TeamRefOut(Schema):
    id: UUID
    name: str


class TeamItemOut(Schema):
    id: UUID
    name: str
    gmina: UnitRef
    powiat: UnitRef
    founded_on: dt.date | None
    is_active: bool
    member_count: int = Field(description="Current member institutions' memberships.")


class PersonRef(Schema):
    """A member of staff (never a person of a case): the name shown on the team's pages."""

    name: str


class MemberOut(Schema):
    id: UUID
    institution: InstitutionRef
    representative: PersonRef | None
    role: TeamRole
    joined_on: dt.date


class TeamOut(TeamItemOut):
    purpose: str
    members: list[MemberOut] = Field(description="The current members.")
    runs: bool = Field(description="Whether the token's holder runs the team (leader, animator, administrator).")


class TeamPageOut(Schema):
    items: list[TeamItemOut]
    count: int


class MeetingItemOut(Schema):
    id: UUID
    kind: MeetingKind
    title: str = Field(description='A case conference is listed as "Case conference": its own title may name a family.')
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    status: MeetingStatus
    invited: int = Field(description="Attendance rows counted as invited: sent an invitation, or recorded at all.")
    attended: int


class MeetingPageOut(Schema):
    items: list[MeetingItemOut]
    count: int


class AttendanceOut(Schema):
    institution: InstitutionRef
    person: PersonRef | None
    invited: bool = Field(description="Whether an invitation was sent.")
    response: InvitationResponse
    attended: bool | None = Field(description="null: not recorded.")
    hours: Decimal | None


class DecisionOut(Schema):
    id: UUID
    number: int
    text: str


class MeetingOut(MeetingItemOut):
    team: TeamRefOut
    text_hidden: bool = Field(
        description="True for a case conference whose text the token's holder may not read: "
        "title, agenda, minutes and decisions are then left out."
    )
    agenda: str | None
    minutes: str | None
    minutes_at: dt.datetime | None
    decisions: list[DecisionOut]
    attendance: list[AttendanceOut]
    version: int


class DecisionRef(Schema):
    id: UUID
    number: int
    meeting: UUID


class TaskOut(Schema):
    id: UUID
    team: TeamRefOut
    title: str = Field(description='"Task of a case conference" when `text_hidden`.')
    description: str = Field(description="Empty when `text_hidden`.")
    text_hidden: bool = Field(
        description="True for a task of a case conference's decision whose text the token's holder may not read."
    )
    owner_institution: InstitutionRef
    owner: PersonRef | None = Field(description="The responsible person; null: the whole institution.")
    due_on: dt.date | None
    status: TaskStatus
    done_on: dt.date | None
    overdue: bool
    decision: DecisionRef | None
    version: int


class TaskPageOut(Schema):
    items: list[TaskOut]
    count: int


class TaskStatusIn(Schema):
    status: TaskStatus
    version: int = Field(..., ge=1, description="The version of the task the client read.")


# --- Filters ------------------------------------------------------------------------------------


class TeamFilters(Schema):
    gmina: str | None = Field(None, pattern=r"^\d{7}$", description="7-digit TERYT code of the team's gmina.")
    active: bool | None = Field(None, description="true: only active teams; false: only teams no longer active.")

    @field_validator("gmina", mode="before")
    @classmethod
    def _gmina_code(cls, value: Any) -> Any:
        return check_gmina_code(value)


class MeetingFilters(Schema):
    status: MeetingStatus | None = Field(None, description="Only meetings in this state.")
    kind: MeetingKind | None = Field(None, description="Only meetings of this kind.")
    starts_from: dt.date | None = Field(None, description="Only meetings starting on or after this day.")
    starts_until: dt.date | None = Field(None, description="Only meetings starting on or before this day.")


class TaskFilters(Schema):
    status: TaskStatus | None = Field(None, description="Only tasks in this state (all when left out).")
    unfinished: bool | None = Field(None, description="true: only tasks to do or in progress.")
    overdue: bool | None = Field(None, description="true: only unfinished tasks past their due date.")
    owner: UUID | None = Field(None, description="Only tasks of this responsible institution (its id).")


# --- Building answers ---------------------------------------------------------------------------


def _institution(institution: Any) -> dict[str, Any]:
    return {"id": institution.public_id, "name": institution.name}


def _person(user: Any) -> dict[str, str] | None:
    return {"name": user.get_full_name() or user.get_username()} if user is not None else None


def _team_item(team: Team) -> dict[str, Any]:
    return {
        "id": team.public_id,
        "name": team.name,
        "gmina": unit(team.municipality),
        "powiat": unit(team.county),
        "founded_on": team.founded_on,
        "is_active": team.is_active,
        "member_count": getattr(team, "member_count", 0),
    }


def _meeting_item(meeting: Meeting, title: str) -> dict[str, Any]:
    return {
        "id": meeting.public_id,
        "kind": meeting.kind,
        "title": title,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": meeting.place,
        "status": meeting.status,
        "invited": getattr(meeting, "invited", 0),
        "attended": getattr(meeting, "came", 0),
    }


def _with_attendance_counts(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """The counts of a team's dashboard (`AttendanceQuerySet`), per meeting."""
    return meetings.annotate(
        invited=Count("attendances", filter=AttendanceQuerySet.invited_condition("attendances__")),
        came=Count("attendances", filter=AttendanceQuerySet.came_condition("attendances__")),
    )


def _hidden_texts(user: Any, tasks: list[Task]) -> set[int]:
    """The keys of the tasks whose text is a case conference's the user may not read (the tasks
    read with `decision__meeting`)."""
    meetings = {task.decision.meeting.pk: task.decision.meeting for task in tasks if task.decision is not None}
    readable = conference_texts_read(user, meetings.values())
    return {task.pk for task in tasks if task.decision is not None and task.decision.meeting_id not in readable}


def _task(task: Task, today: dt.date, hidden: bool) -> dict[str, Any]:
    decision = task.decision
    return {
        "id": task.public_id,
        "team": {"id": task.team.public_id, "name": task.team.name},
        "title": str(_("Task of a case conference")) if hidden else task.title,
        "description": "" if hidden else task.description,
        "text_hidden": hidden,
        "owner_institution": _institution(task.owner_institution),
        "owner": _person(task.owner_user),
        "due_on": task.due_on,
        "status": task.status,
        "done_on": task.done_on,
        "overdue": task_service.is_overdue(task, today),
        "decision": (
            {"id": decision.public_id, "number": decision.number, "meeting": decision.meeting.public_id}
            if decision is not None
            else None
        ),
        "version": task.version,
    }


# --- Teams --------------------------------------------------------------------------------------


@router.get("/teams", response=TeamPageOut, summary="The cooperation teams the token's holder sees")
def team_list(
    request: HttpRequest, filters: Query[TeamFilters], paging: Query[PageNumberPaging.Input]
) -> dict[str, Any]:
    """Active teams first, by name. 403 for a holder with no role that sees teams (regional
    analysts read aggregates only)."""
    if not uses_teams(request.user):
        raise ApiError(403)
    teams = visible_teams(request.user)
    gmina = known_gmina(filters.gmina)
    if gmina is not None:
        teams = teams.filter(municipality=gmina)
    if filters.active is not None:
        teams = teams.filter(is_active=filters.active)
    teams = teams.with_member_count().select_related("municipality", "county").order_by("-is_active", "name", "id")
    page, count = page_of(teams, paging)
    return {"items": [_team_item(team) for team in page], "count": count}


@router.get("/teams/{id}", response=TeamOut, summary="One team with its current members")
def team_detail(request: HttpRequest, id: UUID) -> dict[str, Any]:
    team, access = get_team_for_user(request.user, id)
    members = (
        TeamMember.objects.current()
        .filter(team=team)
        .select_related("institution", "user")
        .order_by("role", "joined_on", "id")
    )
    rows = list(members)
    return {
        **_team_item(team),
        "member_count": len(rows),
        "purpose": team.purpose,
        "members": [
            {
                "id": member.public_id,
                "institution": _institution(member.institution),
                "representative": _person(member.user),
                "role": member.role,
                "joined_on": member.joined_on,
            }
            for member in rows
        ],
        "runs": access.runs,
    }


# --- Meetings -----------------------------------------------------------------------------------


@router.get("/teams/{id}/meetings", response=MeetingPageOut, summary="A team's meetings, newest first")
def team_meetings(
    request: HttpRequest, id: UUID, filters: Query[MeetingFilters], paging: Query[PageNumberPaging.Input]
) -> dict[str, Any]:
    """With how many were invited and how many came. A case conference is listed by its kind,
    never by its own title."""
    team, _access = get_team_for_user(request.user, id)
    meetings = team.meetings.all()
    if filters.status:
        meetings = meetings.filter(status=filters.status)
    if filters.kind:
        meetings = meetings.filter(kind=filters.kind)
    if filters.starts_from:
        meetings = meetings.filter(starts_at__date__gte=filters.starts_from)
    if filters.starts_until:
        meetings = meetings.filter(starts_at__date__lte=filters.starts_until)
    page, count = page_of(_with_attendance_counts(meetings).order_by("-starts_at", "-id"), paging)
    return {"items": [_meeting_item(meeting, meeting.listed_title) for meeting in page], "count": count}


@router.get("/meetings/{id}", response=MeetingOut, summary="One meeting: attendance, minutes and decisions")
def meeting_detail(request: HttpRequest, id: UUID) -> dict[str, Any]:
    """The minutes, agenda and decisions of a case conference only for those who may read its
    text on the site; the others get `text_hidden: true` and null or empty values."""
    meeting, _access = get_meeting_for_user(request.user, id)
    sees_text = sees_conference_text(request.user, meeting)
    attendances = list(meeting.attendances.select_related("institution", "user").order_by("institution__name", "id"))
    counts = Attendance.objects.filter(meeting=meeting).counts()
    meeting.invited, meeting.came = counts["invited"], counts["came"]  # type: ignore[attr-defined]
    decisions = list(meeting.decisions.order_by("number", "id")) if sees_text else []
    return {
        **_meeting_item(meeting, meeting.title if sees_text else meeting.listed_title),
        "team": {"id": meeting.team.public_id, "name": meeting.team.name},
        "text_hidden": not sees_text,
        "agenda": meeting.agenda if sees_text else None,
        "minutes": meeting.minutes if sees_text else None,
        "minutes_at": meeting.minutes_at if sees_text else None,
        "decisions": [{"id": d.public_id, "number": d.number, "text": d.text} for d in decisions],
        "attendance": [
            {
                "institution": _institution(row.institution),
                "person": _person(row.user),
                "invited": row.invited_at is not None,
                "response": row.response,
                "attended": row.attended,
                "hours": row.hours,
            }
            for row in attendances
        ],
        "version": meeting.version,
    }


# --- Tasks --------------------------------------------------------------------------------------


@router.get("/teams/{id}/tasks", response=TaskPageOut, summary="A team's tasks, overdue first")
def team_tasks(
    request: HttpRequest, id: UUID, filters: Query[TaskFilters], paging: Query[PageNumberPaging.Input]
) -> dict[str, Any]:
    """Overdue first, then by due date (none last). Every task when no filter is given."""
    team, _access = get_team_for_user(request.user, id)
    today = timezone.localdate()
    tasks = Task.objects.filter(team=team)
    if filters.status:
        tasks = tasks.filter(status=filters.status)
    if filters.unfinished:
        tasks = tasks.unfinished()
    if filters.overdue:
        tasks = tasks.overdue(today)
    if filters.owner:
        tasks = tasks.filter(owner_institution__public_id=filters.owner)
    listed = task_service.for_list(tasks, today).select_related("decision__meeting")
    page, count = page_of(listed, paging)
    hidden = _hidden_texts(request.user, page)
    return {"items": [_task(task, today, task.pk in hidden) for task in page], "count": count}


@router.post("/tasks/{id}/status", response=TaskOut, summary="Change the status of a task")
def task_status(request: HttpRequest, id: UUID, payload: TaskStatusIn) -> dict[str, Any]:
    """As on the task's page: for those who run the team, the responsible person, and staff of
    the responsible institution when no person is named. A task done records the day."""
    task, access = get_task_for_user(request.user, id)
    if not may_update_task(request.user, task, access):
        raise ApiError(403, _("Only those who run the team or are responsible for the task change its status."))
    try:
        task_service.set_status(request.user, task, payload.status, payload.version)
    except task_service.StaleTask as stale:
        raise ApiError(409, stale.messages[0]) from None
    except DjangoValidationError as refused:
        raise ApiError(422, refused.messages[0], [(None, message) for message in refused.messages]) from None
    task = Task.objects.select_related("team", "owner_institution", "owner_user", "decision__meeting").get(pk=task.pk)
    return _task(task, timezone.localdate(), task.pk in _hidden_texts(request.user, [task]))
