"""What 'Moja praca' (the home page) shows each role.

Each section says what waits for the user. Sections of features that have not arrived yet
are empty states that say what will appear there, so a new user learns the platform's shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kooperacja.core.policies import has_role, memberships
from kooperacja.core.roles import Role


@dataclass(frozen=True)
class Link:
    url_name: str
    label: str | Promise
    args: tuple[Any, ...] = ()
    query: str = ""

    def url(self) -> str | None:
        try:
            path = reverse(self.url_name, args=self.args)
        except NoReverseMatch:
            return None  # the feature has not arrived in this deployment
        return f"{path}?{self.query}" if self.query else path


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    empty: str | Promise
    links: list[Link] = field(default_factory=list)


CASES = Section(
    "cases",
    _("My cases"),
    _("The families and persons you lead or work on in a case team, and every case of your institution."),
    links=[
        Link("cases:list", _("The cases I work on"), query="mine=1"),
        Link("cases:list", _("All cases of my institution")),
        Link("cases:transfers", _("Cases handed over to my institution")),
    ],
)
REFERRALS_IN = Section(
    "referrals",
    _("Referrals waiting for an answer"),
    _("Referrals sent to your institution will appear here until someone accepts or declines them."),
    links=[
        Link("plans:inbox", _("Referrals waiting for our answer")),
        Link("plans:outbox", _("Referrals we sent")),
    ],
)
TASKS = Section(
    "tasks",
    _("My tasks"),
    _("Tasks from cooperation team decisions and case plans assigned to you will appear here."),
)
ASSIGNED = Section(
    "assigned",
    _("Families assigned to me"),
    _("The families whose case team you belong to as a family assistant."),
    links=[Link("cases:list", _("The cases I work on"), query="mine=1")],
)
TEAMS = Section(
    "teams",
    _("Cooperation teams"),
    _("The G-PZK teams you lead, animate or belong to will appear here, with their next meetings."),
)
DIRECTORY = Section(
    "directory",
    _("My institution's services"),
    _(
        "Keep your institution's entries in the service directory accurate: residents and other institutions "
        "rely on them."
    ),
    [Link("directory:manage", _("Our services in the directory")), Link("directory:gaps", _("Resource map"))],
)
AGGREGATES = Section(
    "aggregates",
    _("Regional figures"),
    _("Aggregates for your voivodeship (never a single person) will appear here: cases, plans, referrals and teams."),
)


def _institution_section(user: Any) -> Section:
    managed = [m.institution for m in memberships(user) if m.role == Role.MANAGER]
    links = [Link("institutions:staff", _("Staff of %(name)s") % {"name": i.name}, (i.public_id,)) for i in managed]
    links.append(Link("core:audit", _("Audit log")))
    return Section(
        "institution",
        _("My institution"),
        _("Invite staff, change their roles and see who looked at which data."),
        links,
    )


def _admin_section() -> Section:
    return Section(
        "platform",
        _("Platform administration"),
        _("Territory, institutions, locked accounts and background tasks."),
        [
            Link("institutions:list", _("Institutions")),
            Link("territory:list", _("Territory (TERYT)")),
            Link("directory:taxonomy", _("Service categories")),
            Link("lockouts", _("Sign-in lockouts")),
            Link("core:tasks", _("Background tasks")),
            Link("core:audit", _("Audit log")),
        ],
    )


def _date(day: Any) -> str:
    return day.strftime("%d.%m.%Y")


def _task_label(task: Any, today: Any) -> str:
    if task.due_on is None:
        return _("%(task)s — no due date") % {"task": task.title}
    if task.due_on < today:
        return _("%(task)s — overdue since %(date)s") % {"task": task.title, "date": _date(task.due_on)}
    return _("%(task)s — due on %(date)s") % {"task": task.title, "date": _date(task.due_on)}


def _tasks_section(user: Any) -> Section:
    """My open tasks of cooperation teams, overdue first, and the way to all of them."""
    # core stands below teams (DESIGN.md §3): the teams app is asked only when the page is built.
    from kooperacja.teams.tasks import open_tasks_of

    today = timezone.localdate()
    links = [Link("teams:task", _task_label(task, today), (task.public_id,)) for task in open_tasks_of(user)]
    return Section(TASKS.key, TASKS.title, TASKS.empty, [*links, Link("teams:my_tasks", _("All my tasks"))])


def _teams_section(user: Any) -> Section:
    """My teams, each with its next planned meeting, and the calendar."""
    from kooperacja.teams.feeds import teams_with_next_meeting

    links = []
    for team in teams_with_next_meeting(user):
        next_meeting_at = getattr(team, "next_meeting_at", None)
        if next_meeting_at is None:
            label = _("%(team)s — no meeting planned") % {"team": team.name}
        else:
            when = timezone.localtime(next_meeting_at).strftime("%d.%m.%Y %H:%M")
            label = _("%(team)s — next meeting %(when)s") % {"team": team.name, "when": when}
        links.append(Link("teams:detail", label, (team.public_id,)))
    if links:
        links.append(Link("teams:calendar", _("Calendar of meetings")))
    return Section(TEAMS.key, TEAMS.title, TEAMS.empty, links)


def sections_for(user: Any) -> list[Section]:
    """The home page sections for the user's roles, most pressing first, without repeats."""
    chosen: list[Section] = []
    if has_role(user, Role.SOCIAL_WORKER):
        chosen += [CASES, REFERRALS_IN, TASKS]
    if has_role(user, Role.FAMILY_ASSISTANT):
        chosen += [ASSIGNED, TASKS]
    if has_role(user, Role.MANAGER):
        chosen += [_institution_section(user), CASES, DIRECTORY, TASKS]
    if has_role(user, Role.PARTNER_STAFF):
        chosen += [REFERRALS_IN, DIRECTORY, TASKS]
    if has_role(user, Role.ANIMATOR):
        chosen += [TEAMS]
    if has_role(user, Role.REGIONAL_ANALYST):
        chosen += [AGGREGATES]
    if has_role(user, Role.ADMIN):
        chosen += [_admin_section()]
    unique: dict[str, Section] = {}
    for section in chosen:
        unique.setdefault(section.key, section)
    if TASKS.key in unique:
        unique[TASKS.key] = _tasks_section(user)
    teams = _teams_section(user)
    if teams.links or TEAMS.key in unique:
        unique[TEAMS.key] = teams
    return list(unique.values())
