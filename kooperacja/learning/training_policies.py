"""Who reads and who organises a training („Szkoła kooperacji”, workshops), and who holds a
certificate.

- Every signed-in user reads every training: it holds no personal data of a case, only staff
  taking part. Anonymous users are sent to sign in.
- A training is organised (created, edited, sessions kept, enrolments and attendance kept,
  certificates issued or revoked, cancelled) by platform administrators and by the users with
  role regional analyst, manager or animator in its organiser institution.
- A training is for a team only when its organiser works with that team: the organiser is a
  current member institution of the team, or it supports the team's territory (a ROPS the teams
  of its voivodeship, a PCPR those of its powiat). The same rule holds for administrators, and
  only such a training is offered as evidence of the team's obligations.
- A certificate is read (its PDF) by its holder, the organisers of its training and
  administrators; anyone else is told it does not exist (404).

An unknown training, session or certificate is "not found" (404); an organiser's page asked by
someone who only reads the training is "forbidden" (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kooperacja.core.policies import institution_ids_with_role, is_platform_admin
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution, InstitutionKind
from kooperacja.learning.models import Certificate, Training, TrainingSession
from kooperacja.teams.models import Team, TeamMember

ORGANISER_ROLES = (Role.REGIONAL_ANALYST, Role.MANAGER, Role.ANIMATOR)


@dataclass(frozen=True)
class TrainingAccess:
    """What the user may do with one training they read."""

    organises: bool


def organiser_ids(user: Any) -> set[int]:
    """The institutions whose trainings the user organises (not counting administrators)."""
    return institution_ids_with_role(user, *ORGANISER_ROLES)


def may_create(user: Any) -> bool:
    """Administrators, and regional analysts, managers and animators for their institution."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_platform_admin(user) or bool(organiser_ids(user))


def organiser_choices(user: Any) -> QuerySet[Institution]:
    """The institutions the user may name as a training's organiser (any for administrators)."""
    institutions = Institution.objects.filter(is_active=True).order_by("name")
    if is_platform_admin(user):
        return institutions
    return institutions.filter(pk__in=organiser_ids(user))


def _teams_served_by(institutions: list[Institution]) -> Q:
    """The teams these institutions may hold a training for: those they are current members of,
    and those of the territory they support (a ROPS: its voivodeship; a PCPR: its powiat)."""
    today = timezone.localdate()
    ids = [one.pk for one in institutions]
    served = Q(Exists(TeamMember.objects.current(today).filter(team=OuterRef("pk"), institution_id__in=ids)))
    voivodeships = {one.voivodeship_id for one in institutions if one.kind == InstitutionKind.ROPS}
    counties = {one.county_id for one in institutions if one.kind == InstitutionKind.PCPR and one.county_id}
    if voivodeships:
        served |= Q(county__voivodeship_id__in=voivodeships)
    if counties:
        served |= Q(county_id__in=counties)
    return served


def serves_team(organiser: Institution, team: Team) -> bool:
    """Whether `organiser` may hold a training for `team` (the rule of the module docstring)."""
    return Team.objects.filter(pk=team.pk).filter(_teams_served_by([organiser])).exists()


def organised_for(team: Team) -> Q:
    """Trainings (a filter on `Training`) whose organiser may hold a training for `team`."""
    member = TeamMember.objects.current(timezone.localdate()).filter(team=team, institution=OuterRef("organiser"))
    return (
        Q(Exists(member))
        | Q(organiser__kind=InstitutionKind.ROPS, organiser__voivodeship_id=team.county.voivodeship_id)
        | Q(organiser__kind=InstitutionKind.PCPR, organiser__county_id=team.county_id)
    )


def team_choices(user: Any, organiser: Institution | None = None) -> QuerySet[Team]:
    """The active teams the user may name as a training's team: those the organiser (or, not yet
    chosen, any institution the user organises for) may hold a training for. An administrator,
    who may name any organiser, is offered every team until the organiser is known; the service
    still refuses a team its organiser does not serve."""
    teams = Team.objects.filter(is_active=True).order_by("name")
    if organiser is None:
        if is_platform_admin(user):
            return teams
        organisers = list(organiser_choices(user))
    else:
        organisers = [organiser]
    if not organisers:
        return teams.none()
    return teams.filter(_teams_served_by(organisers))


def training_access(user: Any, training: Training) -> TrainingAccess:
    return TrainingAccess(organises=is_platform_admin(user) or training.organiser_id in organiser_ids(user))


def require_organises(access: TrainingAccess) -> None:
    if not access.organises:
        raise PermissionDenied


def get_training_for_user(user: Any, public_id: UUID | str) -> tuple[Training, TrainingAccess]:
    """(training, access) for a signed-in user; 404 when there is no such training."""
    try:
        training = Training.objects.select_related("organiser", "team").get(public_id=public_id)
    except (Training.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    return training, training_access(user, training)


def get_session_for_user(user: Any, public_id: UUID | str) -> tuple[TrainingSession, TrainingAccess]:
    try:
        session = TrainingSession.objects.select_related("training__organiser").get(public_id=public_id)
    except (TrainingSession.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    return session, training_access(user, session.training)


@dataclass(frozen=True)
class CertificateAccess:
    revokes: bool


def get_certificate_for_user(user: Any, public_id: UUID | str) -> tuple[Certificate, CertificateAccess]:
    """(certificate, access): its holder, the organisers of its training and administrators read
    it; organisers of the training and administrators revoke it. Anyone else: 404."""
    try:
        certificate = Certificate.objects.select_related("training__organiser", "course").get(public_id=public_id)
    except (Certificate.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    admin = is_platform_admin(user)
    organises = certificate.training is not None and certificate.training.organiser_id in organiser_ids(user)
    if not (admin or organises or certificate.user_id == user.pk):
        raise Http404
    return certificate, CertificateAccess(revokes=admin or organises)
