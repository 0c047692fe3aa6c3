"""Every change to a cooperation team (G-PZK), its members and its documents.

Each function takes the acting user first; whether the actor runs the team is decided by
`policies.py` before the call (`TeamAccess.runs`), except creating a team, whose rule lives
here (`may_create_team_in`) because there is no team yet to ask. A refused change raises
`ValidationError` with a Polish message and saves nothing; a change made on a stale version
raises `StaleTeam`. Every change writes one audit event; membership changes are recorded as
permission changes, since team roles give rights.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.cases.consent import check_upload
from kooperacja.core import audit, versioning
from kooperacja.core.models import AuditAction
from kooperacja.core.policies import is_platform_admin, memberships
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution, Membership
from kooperacja.teams.models import Meeting, Team, TeamDocument, TeamMember, TeamRole
from kooperacja.territory.models import Municipality


class StaleTeam(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else saved this team while you were editing it.")


def _audit(action: str, actor: Any, team: Team, obj: Any = None, **details: Any) -> None:
    audit.record(
        action,
        actor=actor,
        obj=obj if obj is not None else team,
        municipality_code=team.municipality.code,
        details={"team": str(team.public_id), **{key: str(value) for key, value in details.items()}},
    )


# --- Teams -----------------------------------------------------------------------------------


def creatable_gminas(actor: Any) -> QuerySet[Municipality]:
    """The gminas in which the actor may found a team: any for a platform administrator; the
    gmina of an institution they manage; the gminas of the powiat of an institution where they
    are an animator (membership role)."""
    if is_platform_admin(actor):
        return Municipality.objects.with_parents()
    managed = {m.institution.municipality_id for m in memberships(actor) if m.role == Role.MANAGER}
    animated = {m.institution.county_id for m in memberships(actor) if m.role == Role.ANIMATOR}
    managed.discard(None)
    animated.discard(None)
    if not (managed or animated):
        return Municipality.objects.none()
    return Municipality.objects.with_parents().filter(Q(pk__in=managed) | Q(county_id__in=animated))


def may_create_team_in(actor: Any, municipality: Municipality) -> bool:
    return creatable_gminas(actor).filter(pk=municipality.pk).exists()


def may_create_teams(actor: Any) -> bool:
    return creatable_gminas(actor).exists()


NAME_TAKEN = gettext_lazy("This gmina already has a team of this name. Choose another name.")


def _name_free(municipality: Municipality, name: str, team: Team | None = None) -> None:
    others = Team.objects.filter(municipality=municipality, name__iexact=name)
    if team is not None:
        others = others.exclude(pk=team.pk)
    if others.exists():
        raise ValidationError({"name": [NAME_TAKEN]})


def _founder_role(actor: Any, municipality: Municipality) -> tuple[Institution, str] | None:
    """The founder joins the new team so that someone runs it: a manager of a gmina institution
    as its leader, an animator of the powiat as its animator. An administrator does not join."""
    for membership in memberships(actor):
        if membership.role == Role.MANAGER and membership.institution.municipality_id == municipality.pk:
            return membership.institution, TeamRole.LEADER
    for membership in memberships(actor):
        if membership.role == Role.ANIMATOR and membership.institution.county_id == municipality.county_id:
            return membership.institution, TeamRole.ANIMATOR
    return None


def create_team(
    actor: Any, *, municipality: Municipality, name: str, purpose: str, founded_on: dt.date | None = None
) -> Team:
    """Found the G-PZK of a gmina (one team per name in a gmina); its founder joins it."""
    if not may_create_team_in(actor, municipality):
        raise ValidationError({"municipality": [_("You may not found a team in this gmina.")]})
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Give the team a name.")]})
    _name_free(municipality, name)
    try:
        with transaction.atomic():
            team = Team.objects.create(
                name=name,
                municipality=municipality,
                county_id=municipality.county_id,
                purpose=purpose.strip(),
                founded_on=founded_on,
            )
            founder = _founder_role(actor, municipality)
            if founder is not None:
                TeamMember.objects.create(
                    team=team, institution=founder[0], user=actor, role=founder[1], added_by=actor
                )
            _audit(AuditAction.CREATE, actor, team)
    except IntegrityError:  # the same name saved at the same moment by someone else
        raise ValidationError({"name": [NAME_TAKEN]}) from None
    return team


TEAM_FIELDS = ("name", "purpose", "founded_on", "is_active")


def update_team(actor: Any, team: Team, version: int | None, **fields: Any) -> Team:
    """Change the team's name, purpose, founding date or whether it still works."""
    unknown = set(fields) - set(TEAM_FIELDS)
    if unknown:
        raise TypeError(f"update_team: unknown fields {sorted(unknown)}")
    if "name" in fields:
        fields["name"] = fields["name"].strip()
        if not fields["name"]:
            raise ValidationError({"name": [_("Give the team a name.")]})
    if "purpose" in fields:
        fields["purpose"] = fields["purpose"].strip()
    try:
        with transaction.atomic():
            saved = Team.objects.select_for_update().select_related("municipality").get(pk=team.pk)
            versioning.check_version(saved, version, StaleTeam)
            if "name" in fields:
                _name_free(saved.municipality, fields["name"], saved)
            for field, value in fields.items():
                setattr(saved, field, value)
            saved.save(update_fields=[*fields, *versioning.bump(saved)])
            _audit(AuditAction.UPDATE, actor, saved, fields=",".join(sorted(fields)))
    except IntegrityError:
        raise ValidationError({"name": [NAME_TAKEN]}) from None
    return saved


# --- Members ---------------------------------------------------------------------------------


def candidate_institutions(team: Team) -> QuerySet[Institution]:
    """Institutions that may join a team: active ones of its powiat (gmina or powiat level) and
    the regional ones of its voivodeship (no powiat, such as a ROPS)."""
    return Institution.objects.filter(is_active=True).filter(
        Q(county_id=team.county_id) | Q(county__isnull=True, voivodeship_id=team.county.voivodeship_id)
    )


def is_staff_of(user: Any, institution: Institution) -> bool:
    return Membership.objects.active().filter(user=user, institution=institution).exists()


def _check_new_member(team: Team, institution: Institution, user: Any, role: str, joined_on: dt.date) -> None:
    if role not in TeamRole.values:
        raise ValidationError({"role": [_("Choose a team role.")]})
    if not candidate_institutions(team).filter(pk=institution.pk).exists():
        raise ValidationError(
            {
                "institution": [
                    _(
                        "%(institution)s works outside the powiat of this team (%(county)s). Only institutions of "
                        "the powiat and regional institutions of its voivodeship can join."
                    )
                    % {"institution": institution.name, "county": team.county.name}
                ]
            }
        )
    if user is not None and not is_staff_of(user, institution):
        raise ValidationError(
            {
                "user": [
                    _("%(person)s does not work in %(institution)s. Choose a person of that institution.")
                    % {"person": user.get_full_name() or user.username, "institution": institution.name}
                ]
            }
        )
    if joined_on > timezone.localdate():
        raise ValidationError({"joined_on": [_("The joining date cannot be in the future.")]})
    current = TeamMember.objects.filter(team=team, left_on__isnull=True)
    if user is not None and current.filter(user=user).exists():
        raise ValidationError({"user": [_("This person is already a member of the team.")]})
    if user is None and current.filter(institution=institution, user__isnull=True).exists():
        raise ValidationError(
            {"institution": [_("This institution is already a member without a named representative.")]}
        )


def add_member(
    actor: Any,
    team: Team,
    *,
    institution: Institution,
    user: Any = None,
    role: str = TeamRole.MEMBER,
    joined_on: dt.date | None = None,
) -> TeamMember:
    """Add an institution to the team, through one of its staff (its representative) or, until
    it names one, without a person. Refused: a person who is not staff of the institution, a
    person already a member, an institution already an unnamed member, an institution outside
    the team's powiat (regional institutions of the voivodeship may join), a date in the future."""
    joined_on = joined_on or timezone.localdate()
    _check_new_member(team, institution, user, role, joined_on)
    try:
        with transaction.atomic():
            member = TeamMember.objects.create(
                team=team, institution=institution, user=user, role=role, joined_on=joined_on, added_by=actor
            )
            _audit(AuditAction.PERMISSION_CHANGE, actor, team, member, change="joined", role=role)
    except IntegrityError:  # the same member added at the same moment by someone else
        raise ValidationError({"user": [_("This person is already a member of the team.")]}) from None
    return member


def _lock_current(member: TeamMember) -> TeamMember:
    saved = TeamMember.objects.select_for_update().select_related("team__municipality").get(pk=member.pk)
    if saved.left_on is not None:
        raise ValidationError(_("This member has already left the team."))
    return saved


def change_member_role(actor: Any, member: TeamMember, role: str) -> TeamMember:
    """Give a current member another team role (leader, animator, member)."""
    if role not in TeamRole.values:
        raise ValidationError({"role": [_("Choose a team role.")]})
    with transaction.atomic():
        saved = _lock_current(member)
        if saved.role == role:
            return saved
        before, saved.role = saved.role, role
        saved.save(update_fields=["role"])
        _audit(AuditAction.PERMISSION_CHANGE, actor, saved.team, saved, change="role", before=before, role=role)
    return saved


def end_membership(actor: Any, member: TeamMember, left_on: dt.date | None = None) -> TeamMember:
    """A member leaves the team on a day (today by default); the row stays as history.
    Refused: leaving before joining, a date in the future, a member who already left."""
    left_on = left_on or timezone.localdate()
    with transaction.atomic():
        saved = _lock_current(member)
        if left_on < saved.joined_on:
            raise ValidationError(
                {
                    "left_on": [
                        _("A member cannot leave before joining (joined on %(date)s).")
                        % {"date": saved.joined_on.strftime("%d.%m.%Y")}
                    ]
                }
            )
        if left_on > timezone.localdate():
            raise ValidationError({"left_on": [_("The leaving date cannot be in the future.")]})
        saved.left_on = left_on
        saved.save(update_fields=["left_on"])
        _audit(AuditAction.PERMISSION_CHANGE, actor, saved.team, saved, change="left", left_on=left_on)
    return saved


def is_member_on(team: Team, user: Any, day: dt.date) -> bool:
    """Whether the user was a named member of the team on the day."""
    if not getattr(user, "pk", None):
        return False
    return TeamMember.objects.current(day).filter(team=team, user=user).exists()


# --- Documents -------------------------------------------------------------------------------


def add_document(
    actor: Any, team: Team, upload: UploadedFile, *, title: str, meeting: Meeting | None = None
) -> TeamDocument:
    """Keep a file of the team (a meeting's attachment when `meeting` is given) in the private
    store, with its SHA-256, size and original name. Refused (nothing stored) when the title is
    empty, the meeting is another team's, or `check_upload` refuses the file."""
    title = title.strip()
    if not title:
        raise ValidationError({"title": [_("Give the document a title.")]})
    if meeting is not None and meeting.team_id != team.pk:
        raise ValidationError(_("The meeting belongs to another team."))
    checked = check_upload(upload)
    document = TeamDocument(
        team=team,
        meeting=meeting,
        title=title[:200],
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    document.file.save(checked.original_name, checked.file, save=False)
    try:
        with transaction.atomic():
            document.save()
            _audit(AuditAction.CREATE, actor, team, document, size=document.size, type=document.content_type)
    except BaseException:
        document.file.storage.delete(str(document.file.name))
        raise
    return document
