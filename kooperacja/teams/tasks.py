"""Tasks of a cooperation team: what a decision (or the team directly) gives an institution to
do, and, when named, one of its people; their status, comments, and the lists "my tasks" and
"the team's tasks".

Each change takes the acting user first; who may make it is decided by `policies.py` before
the call (creating and editing: those who run the team; status: `policies.may_update_task`).
A refused change raises `ValidationError` with a Polish-translatable message and saves
nothing; a change made on a stale version raises `StaleTask`. The responsible person (or,
when none is named, the institution's people in the team) is told of every assignment.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from kooperacja.core import audit, versioning
from kooperacja.core.models import AuditAction
from kooperacja.core.notifications import notify
from kooperacja.core.policies import memberships
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution, Membership
from kooperacja.teams import policies
from kooperacja.teams.models import OPEN_TASK_STATUSES, Decision, Task, TaskComment, TaskStatus, Team, TeamMember

COMMENT_MAX_LENGTH = 5000
# Fields an edit may change (the status has its own step).
EDITABLE_FIELDS = ("title", "description", "owner_institution", "owner_user", "due_on")


class StaleTask(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else saved this task while you were editing it.")


# --- Rules ------------------------------------------------------------------------------------


def _check_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": _("Write what is to be done.")}, code="no_title")
    if len(title) > Task._meta.get_field("title").max_length:  # type: ignore[operator]
        raise ValidationError({"title": _("The task is too long: keep it under 300 characters.")}, code="too_long")
    return title


def _check_owner(team: Team, owner_institution: Institution | None, owner_user: Any) -> Institution:
    """A task belongs to an institution that is a current member of the team, and its person
    (when named) works in that institution."""
    if owner_institution is None:
        raise ValidationError(
            {"owner_institution": _("Choose the institution responsible for the task.")}, code="no_owner"
        )
    if not TeamMember.objects.current().filter(team=team, institution=owner_institution).exists():
        raise ValidationError(
            {"owner_institution": _("The responsible institution must be a current member of the team.")},
            code="owner_not_member",
        )
    if owner_user is not None and not (
        Membership.objects.active().filter(user=owner_user, institution=owner_institution).exists()
        and owner_user.is_active
    ):
        raise ValidationError(
            {"owner_user": _("The responsible person must work in the responsible institution.")},
            code="person_not_staff",
        )
    return owner_institution


def _check_due_on(due_on: dt.date | None) -> None:
    """A due date given now lies ahead: a task cannot be due on a day already past. (An edit that
    leaves an old due date as it was does not ask: an overdue task can still be edited.)"""
    if due_on is not None and due_on < timezone.localdate():
        raise ValidationError(
            {"due_on": _("The due date cannot be in the past: choose today or a later day.")}, code="due_in_past"
        )


def _check_decision(team: Team, decision: Decision | None) -> None:
    if decision is not None and decision.meeting.team_id != team.pk:
        raise ValidationError(
            {"decision": _("This decision was taken by another team.")}, code="decision_of_other_team"
        )


def _audit(actor: Any, task: Task, action: str, **details: Any) -> None:
    audit.record(
        action,
        actor=actor,
        obj=task,
        institution_id=task.owner_institution_id,
        municipality_code=task.team.municipality.code,
        details=details,
    )


# --- Who hears about a task -------------------------------------------------------------------


def task_owners(task: Task) -> list[Any]:
    """Who answers for the task: the responsible person, or, when none is named, the people
    of the responsible institution named in the team (its managers when it named nobody)."""
    if task.owner_user is not None:
        return [task.owner_user] if task.owner_user.is_active else []
    named = (
        TeamMember.objects.current()
        .filter(team_id=task.team_id, institution_id=task.owner_institution_id, user__isnull=False)
        .select_related("user")
    )
    people = {person.pk: person for member in named if (person := member.user) is not None and person.is_active}
    if not people:
        managers = Membership.objects.active().filter(
            institution_id=task.owner_institution_id, role=Role.MANAGER, user__is_active=True
        )
        people = {membership.user.pk: membership.user for membership in managers.select_related("user")}
    return list(people.values())


def task_url(task: Task) -> str:
    return reverse("teams:task", kwargs={"public_id": task.public_id})


def _tell_owners(actor: Any, task: Task) -> None:
    with override("pl"):
        if task.owner_user is not None:
            title = _("You were given a task of the cooperation team %(team)s") % {"team": task.team.name}
        else:
            title = _("Your institution was given a task of the cooperation team %(team)s") % {"team": task.team.name}
    for person in task_owners(task):
        if person.pk != getattr(actor, "pk", None):
            notify(person, kind="team_task_assigned", title=title[:200], url=task_url(task))


# --- Changes ----------------------------------------------------------------------------------


@transaction.atomic
def create_task(
    actor: Any,
    team: Team,
    *,
    title: str,
    owner_institution: Institution | None,
    owner_user: Any = None,
    due_on: dt.date | None = None,
    description: str = "",
    decision: Decision | None = None,
) -> Task:
    """Give an institution of the team (and, when named, one of its people) a task, most often
    to carry out a decision of a meeting. Refused: a due date already past."""
    title = _check_title(title)
    institution = _check_owner(team, owner_institution, owner_user)
    _check_due_on(due_on)
    _check_decision(team, decision)
    task = Task.objects.create(
        team=team,
        decision=decision,
        title=title,
        description=description.strip(),
        owner_institution=institution,
        owner_user=owner_user,
        due_on=due_on,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _audit(actor, task, AuditAction.CREATE)
    _tell_owners(actor, task)
    return task


@transaction.atomic
def update_task(actor: Any, task: Task, version: int | None, **fields: Any) -> Task:
    """Change what the task is, whose it is and when it is due. A new owner is told; a new due
    date (refused when already past) earns new reminders."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"update_task cannot change {sorted(unknown)}")
    saved = Task.objects.select_for_update().select_related("team__municipality").get(pk=task.pk)
    versioning.check_version(saved, version, StaleTask)
    new = {name: fields.get(name, getattr(saved, name)) for name in EDITABLE_FIELDS}
    new["title"] = _check_title(new["title"])
    new["description"] = (new["description"] or "").strip()
    _check_owner(saved.team, new["owner_institution"], new["owner_user"])
    owner_changed = (new["owner_institution"].pk, getattr(new["owner_user"], "pk", None)) != (
        saved.owner_institution_id,
        saved.owner_user_id,
    )
    changed = ["title", "description", "owner_institution", "owner_user", "due_on"]
    if new["due_on"] != saved.due_on:
        _check_due_on(new["due_on"])
        saved.reminded_at = saved.overdue_reminded_at = None
        changed += ["reminded_at", "overdue_reminded_at"]
    for name, value in new.items():
        setattr(saved, name, value)
    saved.save(update_fields=[*changed, *versioning.bump(saved)])
    _audit(actor, saved, AuditAction.UPDATE)
    if owner_changed:
        _tell_owners(actor, saved)
    _refresh(task, saved)
    return task


@transaction.atomic
def set_status(actor: Any, task: Task, status: str, version: int | None) -> Task:
    """Move the task to another status; a task done records the day it was done."""
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Choose one of the statuses on the list.")}, code="bad_status")
    saved = Task.objects.select_for_update().select_related("team__municipality").get(pk=task.pk)
    versioning.check_version(saved, version, StaleTask)
    if status == saved.status:
        return task
    saved.status = status
    saved.done_on = timezone.localdate() if status == TaskStatus.DONE else None
    saved.save(update_fields=["status", "done_on", *versioning.bump(saved)])
    _audit(actor, saved, AuditAction.UPDATE, status=status)
    _refresh(task, saved)
    return task


@transaction.atomic
def add_comment(actor: Any, task: Task, text: str) -> TaskComment:
    """A comment on the task's work; the responsible people hear of comments by others."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the comment first.")}, code="empty")
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"text": _("The comment is too long: keep it under %(limit)s characters.") % {"limit": COMMENT_MAX_LENGTH}},
            code="too_long",
        )
    comment = TaskComment.objects.create(task=task, author=actor, text=text)
    with override("pl"):
        title = _("A new comment on a task of the cooperation team %(team)s") % {"team": task.team.name}
    for person in task_owners(task):
        if person.pk != actor.pk:
            notify(person, kind="team_task_comment", title=title[:200], url=task_url(task))
    return comment


def _refresh(task: Task, saved: Task) -> None:
    for field in (*EDITABLE_FIELDS, "status", "done_on", "version", "updated_at"):
        setattr(task, field, getattr(saved, field))


# --- Lists ------------------------------------------------------------------------------------


def for_list(tasks: QuerySet[Task], today: dt.date | None = None) -> QuerySet[Task]:
    """Tasks as lists show them: overdue first, then by due date (none last)."""
    today = today or timezone.localdate()
    overdue = Case(
        When(status__in=OPEN_TASK_STATUSES, due_on__lt=today, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    no_date_last = Case(When(due_on__isnull=True, then=Value(1)), default=Value(0), output_field=IntegerField())
    return (
        tasks.select_related("team", "owner_institution", "owner_user")
        .annotate(overdue_first=overdue, no_date_last=no_date_last)
        .order_by("overdue_first", "no_date_last", "due_on", "id")
    )


def my_tasks(user: Any) -> QuerySet[Task]:
    """Tasks of the user: those naming them, and those of their institutions naming nobody,
    in the teams they see."""
    staff_of = {m.institution_id for m in memberships(user) if m.role in policies.STAFF_ROLES}
    mine = Q(owner_user=user) | Q(owner_user__isnull=True, owner_institution_id__in=staff_of)
    return policies.visible_tasks(user).filter(mine)


def is_mine(user: Any, task: Task) -> bool:
    """Whether the task is on the user's "my tasks" (`my_tasks`), for a user who sees its team."""
    if task.owner_user_id is not None:
        return bool(task.owner_user_id == getattr(user, "pk", None))
    return any(
        m.institution_id == task.owner_institution_id and m.role in policies.STAFF_ROLES for m in memberships(user)
    )


def is_overdue(task: Task, today: dt.date | None = None) -> bool:
    return (
        task.status in OPEN_TASK_STATUSES and task.due_on is not None and task.due_on < (today or timezone.localdate())
    )


def open_tasks_of(user: Any, limit: int = 5) -> list[Task]:
    """The user's unfinished tasks, overdue first: for the home page."""
    return list(for_list(my_tasks(user).filter(status__in=OPEN_TASK_STATUSES))[:limit])
