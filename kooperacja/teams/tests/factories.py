"""Building teams for tests. Each helper makes new rows (never relies on the demo's team), so
tests filter by their own objects: by default a team of Mirzec led by `lider.mirzec`, animated
by `pcpr.starachowice`, with `policja.mirzec` and `szkola.mirzec` as members."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from kooperacja.institutions.models import Institution
from kooperacja.teams.models import (
    Meeting,
    MeetingKind,
    Task,
    Team,
    TeamMember,
    TeamRole,
)
from kooperacja.territory.models import Municipality

MIRZEC = "2611032"
_numbers = itertools.count(1)


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def institution_of(username: str) -> Institution:
    """The (first) institution the persona works in."""
    return user(username).memberships.select_related("institution").order_by("id").first().institution


def make_team(
    gmina_code: str = MIRZEC,
    *,
    name: str | None = None,
    leader: str | None = "lider.mirzec",
    animator: str | None = "pcpr.starachowice",
    members: tuple[str, ...] = ("policja.mirzec", "szkola.mirzec"),
    **fields: Any,
) -> Team:
    """A new team of the gmina with the named personas in their team roles."""
    gmina = Municipality.objects.select_related("county").get(code=gmina_code)
    team = Team.objects.create(
        name=name or f"Zespół testowy {next(_numbers)}",
        municipality=gmina,
        county=gmina.county,
        purpose=fields.pop("purpose", "Wspólna praca instytucji gminy."),
        **fields,
    )
    joined = timezone.localdate() - dt.timedelta(days=30)
    for username, role in [(leader, TeamRole.LEADER), (animator, TeamRole.ANIMATOR)] + [
        (username, TeamRole.MEMBER) for username in members
    ]:
        if username:
            add_member(team, username, role, joined_on=joined)
    return team


def add_member(team: Team, username: str, role: str = TeamRole.MEMBER, **fields: Any) -> TeamMember:
    return TeamMember.objects.create(
        team=team, institution=institution_of(username), user=user(username), role=role, **fields
    )


def make_meeting(
    team: Team,
    *,
    starts_at: dt.datetime | None = None,
    hours: float = 2,
    kind: str = MeetingKind.TEAM_MEETING,
    **fields: Any,
) -> Meeting:
    """A planned meeting of the team, a week from now by default."""
    start = starts_at or (timezone.now() + dt.timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    fields.setdefault("title", f"Spotkanie zespołu {next(_numbers)}")
    fields.setdefault("place", "Urząd Gminy, sala narad")
    return Meeting.objects.create(
        team=team,
        municipality_id=team.municipality_id,
        kind=kind,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        **fields,
    )


def make_task(team: Team, *, owner: str | None = "policja.mirzec", **fields: Any) -> Task:
    """An open task of the team for the owner's institution (and the owner, when named)."""
    institution = fields.pop("owner_institution", None) or institution_of(owner or "lider.mirzec")
    fields.setdefault("title", f"Zadanie {next(_numbers)}")
    fields.setdefault("due_on", timezone.localdate() + dt.timedelta(days=14))
    return Task.objects.create(
        team=team, owner_institution=institution, owner_user=user(owner) if owner else None, **fields
    )
