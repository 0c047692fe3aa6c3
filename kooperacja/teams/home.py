"""What the teams app puts on 'Moja praca' (core/home.py) and in the menu (core/navigation.py):
core stands below teams (DESIGN.md §3), so `TeamsConfig.ready()` registers these."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.core.home import Link, register_section_content
from kooperacja.core.navigation import register_entry
from kooperacja.teams.feeds import teams_with_next_meeting
from kooperacja.teams.models import Task
from kooperacja.teams.policies import uses_teams
from kooperacja.teams.tasks import open_tasks_of


def _task_label(task: Task, today: dt.date) -> str:
    if task.due_on is None:
        return _("%(task)s — no due date") % {"task": task.title}
    date = task.due_on.strftime("%d.%m.%Y")
    if task.due_on < today:
        return _("%(task)s — overdue since %(date)s") % {"task": task.title, "date": date}
    return _("%(task)s — due on %(date)s") % {"task": task.title, "date": date}


def task_links(user: Any) -> list[Link]:
    """My open tasks of cooperation teams, overdue first, and the way to all of them."""
    today = timezone.localdate()
    links = [Link("teams:task", _task_label(task, today), (task.public_id,)) for task in open_tasks_of(user)]
    return [*links, Link("teams:my_tasks", gettext_lazy("All my tasks"))]


def _team_label(team: Any) -> str:
    next_meeting_at = getattr(team, "next_meeting_at", None)
    if next_meeting_at is None:
        return _("%(team)s — no meeting planned") % {"team": team.name}
    when = timezone.localtime(next_meeting_at).strftime("%d.%m.%Y %H:%M")
    return _("%(team)s — next meeting %(when)s") % {"team": team.name, "when": when}


def team_links(user: Any) -> list[Link]:
    """My teams, each with its next planned meeting, and the calendar (nothing without a team)."""
    links = [Link("teams:detail", _team_label(team), (team.public_id,)) for team in teams_with_next_meeting(user)]
    if links:
        links.append(Link("teams:calendar", gettext_lazy("Calendar of meetings")))
    return links


def register() -> None:
    register_section_content("tasks", task_links)
    register_section_content("teams", team_links, shown_when_filled=True)
    register_entry("teams:list", gettext_lazy("Cooperation teams"), uses_teams, after="plans:outbox")
