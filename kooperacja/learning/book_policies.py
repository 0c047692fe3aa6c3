"""Who reads and who publishes the Księga Rekomendacji.

- Every signed-in user reads every published version and downloads its PDF: the book holds
  recommendations, remarks and institutions, no person of a case. Anonymous users sign in first.
- A new version of a programme's book is published (and previewed) by platform administrators
  and by the regional analysts of the programme's leader (ROPS Rzeszów for „Liderzy
  kooperacji”), who edits the book for all partners.

An unknown version or programme is "not found" (404); publishing by anyone else is "forbidden"
(403).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404

from kooperacja.community.models import PartnerRole, Programme, ProgrammePartner
from kooperacja.core.policies import institution_ids_with_role, is_platform_admin
from kooperacja.core.roles import Role
from kooperacja.learning.models import RecommendationBook


def programmes_published_by(user: Any) -> QuerySet[Programme]:
    """The programmes whose book the user may publish."""
    if not getattr(user, "is_authenticated", False):
        return Programme.objects.none()
    if is_platform_admin(user):
        return Programme.objects.all()
    analyst_of = institution_ids_with_role(user, Role.REGIONAL_ANALYST)
    if not analyst_of:
        return Programme.objects.none()
    led = ProgrammePartner.objects.filter(role=PartnerRole.LEADER, institution_id__in=analyst_of)
    return Programme.objects.filter(pk__in=led.values("programme_id"))


def may_publish(user: Any, programme: Programme) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if is_platform_admin(user):
        return True
    return programmes_published_by(user).filter(pk=programme.pk).exists()


def publisher_institution(user: Any, programme: Programme) -> str:
    """The name the version is published under: the leader's, or the platform administration's."""
    analyst_of = institution_ids_with_role(user, Role.REGIONAL_ANALYST)
    leader = (
        ProgrammePartner.objects.filter(programme=programme, role=PartnerRole.LEADER, institution_id__in=analyst_of)
        .select_related("institution")
        .first()
    )
    return leader.institution.name if leader else ""


def get_programme_to_publish(user: Any, public_id: UUID | str) -> Programme:
    """The programme whose book the user publishes or previews: 404 when there is no such
    programme, 403 when the user may not publish its book."""
    try:
        programme = Programme.objects.get(public_id=public_id)
    except (Programme.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    if not may_publish(user, programme):
        raise PermissionDenied
    return programme


def get_book_for_user(user: Any, public_id: UUID | str) -> RecommendationBook:
    """A published version for a signed-in user; 404 when there is no such version."""
    try:
        return RecommendationBook.objects.select_related("programme").get(public_id=public_id)
    except (RecommendationBook.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
