"""Who sees and runs a cooperation team (DESIGN.md §1).

- A team is seen by the people named in it (current representatives), by the staff of its
  current member institutions (any role but the regional analyst's: analysts see aggregates
  only), by animators (membership role) of its powiat, and by platform administrators.
- It is run — settings, members, agreements, obligations, meetings, decisions, tasks,
  surveys — by its leader and animator (team roles), by animators of its powiat and by
  administrators.
- Workload and recognition are seen by those who run it and by managers of member institutions.
- Only named current members answer the partner survey and attend meetings as members.

Everything outside the user's teams is "not found" (404); an action the user may not take on
a team they see is "forbidden" (403). Cases discussed at a case conference are shown only
through the cases app's own access rules (`cases.policies.case_access`), never through these.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kooperacja.cases.policies import listed_cases, visible_cases, with_seen_as
from kooperacja.core.policies import institution_ids_with_role, is_platform_admin, memberships
from kooperacja.core.roles import Role
from kooperacja.teams.models import (
    RUNNING_ROLES,
    Agreement,
    Meeting,
    MeetingCase,
    MeetingKind,
    Obligation,
    Survey,
    Task,
    Team,
    TeamDocument,
    TeamMember,
    TeamQuerySet,
)

# Membership roles whose staff see the teams their institution belongs to.
STAFF_ROLES = frozenset({Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT, Role.MANAGER, Role.PARTNER_STAFF, Role.ANIMATOR})


def uses_teams(user: Any) -> bool:
    """Whether the user has any role that may see teams at all (for lists and menus)."""
    return is_platform_admin(user) or any(m.role in STAFF_ROLES for m in memberships(user))


def _animated_county_ids(user: Any) -> set[int]:
    return {m.institution.county_id for m in memberships(user) if m.role == Role.ANIMATOR and m.institution.county_id}


def _scope(user: Any) -> Q:
    today = timezone.localdate()
    staff_of = institution_ids_with_role(user, *STAFF_ROLES)
    # An institution's API client is no person (its key is None): it is never a named member.
    scope = Q(pk__in=[])
    if user.pk is not None:
        scope = Q(Exists(TeamMember.objects.current(today).filter(team=OuterRef("pk"), user_id=user.pk)))
    if staff_of:
        member_institution = TeamMember.objects.current(today).filter(team=OuterRef("pk"), institution_id__in=staff_of)
        scope |= Q(Exists(member_institution))
    counties = _animated_county_ids(user)
    if counties:
        scope |= Q(county_id__in=counties)
    return scope


def visible_teams(user: Any) -> TeamQuerySet:
    """Every team the user may open."""
    if not getattr(user, "is_authenticated", False):
        return Team.objects.none()
    if is_platform_admin(user):
        return Team.objects.all()
    if not uses_teams(user):
        return Team.objects.none()
    return Team.objects.filter(_scope(user))


@dataclass(frozen=True)
class TeamAccess:
    """What the user may do in one team they see."""

    runs: bool
    member: TeamMember | None
    sees_workload: bool
    # Institutions the user works in that are members of the team (tasks may be theirs).
    member_institution_ids: frozenset[int]

    @property
    def is_named_member(self) -> bool:
        return self.member is not None


def team_access(user: Any, team: Team) -> TeamAccess | None:
    """The user's access to a team, or None when it is outside their scope."""
    if not getattr(user, "is_authenticated", False):
        return None
    today = timezone.localdate()
    current = list(TeamMember.objects.current(today).filter(team=team))
    # A member without a named representative is nobody's: an API client (no key) is not it.
    mine = next((m for m in current if m.user_id is not None and m.user_id == user.pk), None)
    member_institutions = {m.institution_id for m in current}
    staff_of = institution_ids_with_role(user, *STAFF_ROLES)
    animates = team.county_id in _animated_county_ids(user)
    admin = is_platform_admin(user)
    if not (admin or mine or animates or staff_of & member_institutions):
        return None
    runs = admin or animates or (mine is not None and mine.role in RUNNING_ROLES)
    managers_of = institution_ids_with_role(user, Role.MANAGER)
    return TeamAccess(
        runs=runs,
        member=mine,
        sees_workload=runs or bool(managers_of & member_institutions),
        member_institution_ids=frozenset(staff_of & member_institutions),
    )


def require_runs(access: TeamAccess) -> None:
    """403 unless the user runs the team (for every page that changes it)."""
    if not access.runs:
        raise PermissionDenied


def get_team_for_user(user: Any, public_id: UUID | str) -> tuple[Team, TeamAccess]:
    """(team, access) for a user who may open it; 404 for anyone else."""
    try:
        team = Team.objects.select_related("municipality", "county").get(public_id=public_id)
    except (Team.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    access = team_access(user, team)
    if access is None:
        raise Http404
    return team, access


def _team_object(
    user: Any, queryset: QuerySet[Any], *, team_path: str = "team", **lookup: Any
) -> tuple[Any, TeamAccess]:
    """The object `lookup` names with the user's access to its team (`team_path` leads from
    the object to the team); 404 when there is no such object or the team is not theirs."""
    try:
        found = queryset.select_related(f"{team_path}__municipality", f"{team_path}__county").get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    access = team_access(user, attrgetter(team_path.replace("__", "."))(found))
    if access is None:
        raise Http404
    return found, access


def get_meeting_for_user(user: Any, public_id: UUID | str) -> tuple[Meeting, TeamAccess]:
    return _team_object(user, Meeting.objects.all(), public_id=public_id)


def get_task_for_user(user: Any, public_id: UUID | str) -> tuple[Task, TeamAccess]:
    return _team_object(user, Task.objects.select_related("owner_institution", "owner_user"), public_id=public_id)


def get_agreement_for_user(user: Any, public_id: UUID | str) -> tuple[Agreement, TeamAccess]:
    return _team_object(user, Agreement.objects.all(), public_id=public_id)


def get_obligation_for_user(user: Any, public_id: UUID | str) -> tuple[Obligation, TeamAccess]:
    return _team_object(
        user, Obligation.objects.select_related("party"), team_path="agreement__team", public_id=public_id
    )


def get_member_for_user(
    user: Any, team_public_id: UUID | str, member_public_id: UUID | str
) -> tuple[TeamMember, TeamAccess]:
    """A membership (current or past) of a team the user sees; 404 when either is not found
    or the member is of another team."""
    return _team_object(
        user,
        TeamMember.objects.select_related("institution", "user"),
        public_id=member_public_id,
        team__public_id=team_public_id,
    )


def get_document_for_user(user: Any, public_id: UUID | str) -> tuple[TeamDocument, TeamAccess]:
    return _team_object(user, TeamDocument.objects.all(), public_id=public_id)


def get_survey_for_user(user: Any, public_id: UUID | str) -> tuple[Survey, TeamAccess]:
    return _team_object(user, Survey.objects.all(), public_id=public_id)


def may_update_task(user: Any, task: Task, access: TeamAccess) -> bool:
    """Those who run the team, the responsible person, and staff of the responsible institution
    when no person is named, may change a task's status. An institution's API client is no
    person (its key is None): it is never the responsible person, only staff of its institution."""
    if access.runs:
        return True
    if task.owner_user_id is not None:
        return task.owner_user_id == getattr(user, "pk", None)
    return task.owner_institution_id in access.member_institution_ids


def sees_conference_text(user: Any, meeting: Meeting) -> bool:
    """Whether the user may read what the team wrote about a meeting: its title, agenda,
    minutes, decisions (and the tasks they gave) and attachments. A case conference's text may
    name a family, so it is read only by the one who planned it and by those the cases app
    lets know who one of its cases is about; everyone else who sees the team sees only when
    and where it is held."""
    return meeting.pk in conference_texts_read(user, [meeting])


def conference_texts_read(user: Any, meetings: Iterable[Meeting]) -> set[int]:
    """The keys of the meetings whose text the user may read (`sees_conference_text`'s rule),
    for a whole page of them in a fixed number of queries. A linked case names its family to the
    user as the list of cases would (`listed_cases`: the whole view, or the shared view with
    consent for identity from every person of the case)."""
    meetings = list(meetings)
    me = getattr(user, "pk", None)
    readable = {
        meeting.pk
        for meeting in meetings
        if meeting.kind != MeetingKind.CASE_CONFERENCE or (me is not None and meeting.created_by_id == me)
    }
    conferences = {meeting.pk for meeting in meetings} - readable
    if not conferences:
        return readable
    links = list(MeetingCase.objects.filter(meeting_id__in=conferences).values_list("meeting_id", "case_id"))
    if not links:
        return readable
    cases = with_seen_as(user, visible_cases(user).filter(pk__in={case_id for _meeting, case_id in links}))
    named = {row.case.pk for row in listed_cases(user, list(cases)) if row.named}
    return readable | {meeting_id for meeting_id, case_id in links if case_id in named}


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    """Meetings of every team the user sees (for calendars and feeds)."""
    return Meeting.objects.filter(team__in=visible_teams(user))


def visible_tasks(user: Any) -> QuerySet[Task]:
    return Task.objects.filter(team__in=visible_teams(user))
