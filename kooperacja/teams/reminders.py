"""Daily reminders of cooperation teams (the schedule "team-reminders", teams/apps.py).

- A task due within one working day (`plans.deadlines`: weekdays except Polish public
  holidays) reminds those who answer for it (`tasks.task_owners`), once: `reminded_at`.
- An overdue task reminds them and the team's leader, once: `overdue_reminded_at`.
- An open obligation due within OBLIGATION_DAYS_AHEAD days reminds the team's leader and
  animator, once: `reminded_at`.

Meetings are not reminded of here: invitees got the invitation with its calendar event.
Each reminder is claimed by a conditional update before anyone is told, so the job may run
twice (or in two workers) and tell nobody twice. Titles never name a person.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from kooperacja.core.notifications import notify
from kooperacja.plans.deadlines import working_days_after
from kooperacja.teams.models import OPEN_OBLIGATION_STATUSES, Obligation, Task, TeamMember, TeamRole
from kooperacja.teams.tasks import task_owners, task_url

OBLIGATION_DAYS_AHEAD = 14


def _date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def _team_people(team_id: int, *roles: str) -> list[Any]:
    members = (
        TeamMember.objects.current()
        .filter(team_id=team_id, role__in=roles, user__isnull=False, user__is_active=True)
        .select_related("user")
    )
    return list({person.pk: person for member in members if (person := member.user) is not None}.values())


def _send(people: list[Any], kind: str, title: str, url: str) -> None:
    for person in {person.pk: person for person in people}.values():
        notify(person, kind=kind, title=title, url=url)


def _claim(model: Any, pk: int, field: str) -> bool:
    return bool(model.objects.filter(pk=pk, **{f"{field}__isnull": True}).update(**{field: timezone.now()}))


def remind_tasks_due(today: dt.date) -> int:
    """Tasks due today or by the next working day, not reminded of yet."""
    limit = working_days_after(today, 1)
    due = Task.objects.unfinished().filter(reminded_at__isnull=True, due_on__gte=today, due_on__lte=limit)
    count = 0
    for task in due.select_related("team", "owner_user"):
        with transaction.atomic():
            if not _claim(Task, task.pk, "reminded_at"):
                continue
            with override("pl"):
                title = _("A task of the cooperation team %(team)s is due on %(date)s") % {
                    "team": task.team.name,
                    "date": _date(task.due_on),  # type: ignore[arg-type]
                }
            _send(task_owners(task), "team_task_due", title[:200], task_url(task))
            count += 1
    return count


def remind_tasks_overdue(today: dt.date) -> int:
    """Tasks past their due date, not reminded of as overdue yet: their owners and the leader."""
    overdue = Task.objects.overdue(today).filter(overdue_reminded_at__isnull=True)
    count = 0
    for task in overdue.select_related("team", "owner_user"):
        with transaction.atomic():
            if not _claim(Task, task.pk, "overdue_reminded_at"):
                continue
            with override("pl"):
                title = _("A task of the cooperation team %(team)s is overdue since %(date)s") % {
                    "team": task.team.name,
                    "date": _date(task.due_on),  # type: ignore[arg-type]
                }
            people = task_owners(task) + _team_people(task.team_id, TeamRole.LEADER)
            _send(people, "team_task_overdue", title[:200], task_url(task))
            count += 1
    return count


def remind_obligations_due(today: dt.date) -> int:
    """Open obligations due in the next OBLIGATION_DAYS_AHEAD days: the team's leader and animator."""
    limit = today + dt.timedelta(days=OBLIGATION_DAYS_AHEAD)
    due = Obligation.objects.filter(
        status__in=OPEN_OBLIGATION_STATUSES, reminded_at__isnull=True, due_on__gte=today, due_on__lte=limit
    ).select_related("agreement__team")
    count = 0
    for obligation in due:
        with transaction.atomic():
            if not _claim(Obligation, obligation.pk, "reminded_at"):
                continue
            team = obligation.agreement.team
            with override("pl"):
                title = _("An obligation of an agreement of the team %(team)s is due on %(date)s") % {
                    "team": team.name,
                    "date": _date(obligation.due_on),  # type: ignore[arg-type]
                }
            url = reverse("teams:obligation", args=[obligation.public_id])
            _send(_team_people(team.pk, TeamRole.LEADER, TeamRole.ANIMATOR), "team_obligation_due", title[:200], url)
            count += 1
    return count


def send_team_reminders(today: dt.date | None = None) -> str:
    """The daily job: every kind of team reminder. Returns what it did, for the task log."""
    day = today or timezone.localdate()
    due = remind_tasks_due(day)
    overdue = remind_tasks_overdue(day)
    obligations = remind_obligations_due(day)
    return f"tasks due: {due}, tasks overdue: {overdue}, obligations due: {obligations}"
