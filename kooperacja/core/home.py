"""What 'Moja praca' (the home page) shows each role.

Each section says what waits for the user. Sections of features that have not arrived yet
are empty states that say what will appear there, so a new user learns the platform's shape.
Apps above core (DESIGN.md §3: core imports none of them) fill a section with their links
through `register_section_content`, from their `ready()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.urls import NoReverseMatch, reverse
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


# The sections an app may fill, by key.
_SECTIONS = {section.key: section for section in (CASES, REFERRALS_IN, TASKS, ASSIGNED, TEAMS, DIRECTORY, AGGREGATES)}


@dataclass(frozen=True)
class _Content:
    links: Callable[[Any], list[Link]]
    shown_when_filled: bool


_CONTENT: dict[str, _Content] = {}


def register_section_content(key: str, links: Callable[[Any], list[Link]], *, shown_when_filled: bool = False) -> None:
    """Let an app fill the section `key` with its links for a user (asked only when the page is
    built). With `shown_when_filled` the section also appears to a user whose roles do not pick
    it whenever the app gives links (a teacher who belongs to a cooperation team)."""
    if key not in _SECTIONS:
        raise ValueError(f"No home section {key!r}")
    _CONTENT[key] = _Content(links, shown_when_filled)


def _filled(section: Section, user: Any) -> Section:
    return replace(section, links=[*section.links, *_CONTENT[section.key].links(user)])


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
    for key, content in _CONTENT.items():
        if key in unique:
            unique[key] = _filled(unique[key], user)
        elif content.shown_when_filled and (filled := _filled(_SECTIONS[key], user)).links:
            unique[key] = filled
    return list(unique.values())
