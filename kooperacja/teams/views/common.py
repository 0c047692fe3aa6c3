"""What every team page shares: the team's section tabs."""

from __future__ import annotations

from typing import NamedTuple

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kooperacja.teams.models import Team
from kooperacja.teams.policies import TeamAccess


class Tab(NamedTuple):
    key: str
    label: str | Promise
    url: str


# (key, URL name, label, shown to whom: "all" or "workload" for those who see workload).
_TABS = [
    ("overview", "teams:detail", _("Overview"), "all"),
    ("members", "teams:members", _("Members"), "all"),
    ("agreements", "teams:agreements", _("Agreements"), "all"),
    ("meetings", "teams:meetings", _("Meetings"), "all"),
    ("tasks", "teams:team_tasks", _("Tasks"), "all"),
    ("documents", "teams:documents", _("Documents"), "all"),
    ("surveys", "teams:surveys", _("Partner survey"), "all"),
    ("dashboard", "teams:dashboard", _("Dashboard"), "all"),
    ("workload", "teams:workload", _("Workload"), "workload"),
]


def team_tabs(team: Team, access: TeamAccess) -> list[Tab]:
    """The sections of a team the user may open, in order."""
    return [
        Tab(key, label, reverse(url_name, args=[team.public_id]))
        for key, url_name, label, shown_to in _TABS
        if shown_to == "all" or access.sees_workload
    ]
