"""Who reads and who keeps the consultations of the model and the recommendations drawn from them.

- Nothing here is personal data: every signed-in user reads every consultation (with its
  participants and remarks), every recommendation and the summary. Anonymous users are sent
  to sign in.
- A consultation, its participants and its remarks are kept by administrators and by the
  regional analysts of its organiser (a ROPS or the MCPS). A new one may be organised by an
  institution where the user is a regional analyst (any ROPS/MCPS for administrators).
- A recommendation is kept (created, edited, its remarks chosen, decided) by administrators
  and by the regional analysts of its region, the ROPS/MCPS that keeps it. Any remark of any
  consultation may feed it.

An unknown consultation, remark or recommendation is "not found" (404); an action the user
may not take on a record they read is "forbidden" (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404

from kooperacja.core.policies import institution_ids_with_role, is_platform_admin
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution, InstitutionKind
from kooperacja.learning.models import Consultation, Recommendation, Remark


@dataclass(frozen=True)
class Access:
    """What the user may do with one consultation or recommendation they read."""

    keeps: bool


def regions() -> QuerySet[Institution]:
    """Every regional centre (ROPS, and the MCPS, which the platform records as the same kind)."""
    return Institution.objects.filter(kind=InstitutionKind.ROPS, is_active=True).order_by("name")


def own_regions(user: Any) -> QuerySet[Institution]:
    """The regional centres the user may organise a consultation for or keep recommendations
    of: those where the user is a regional analyst, every one for administrators."""
    if is_platform_admin(user):
        return regions()
    return regions().filter(pk__in=institution_ids_with_role(user, Role.REGIONAL_ANALYST))


def _keeps(user: Any, institution_id: int) -> bool:
    return is_platform_admin(user) or institution_id in institution_ids_with_role(user, Role.REGIONAL_ANALYST)


def may_create(user: Any) -> bool:
    """Whether the user may record a consultation or a recommendation at all."""
    return getattr(user, "is_authenticated", False) and own_regions(user).exists()


def require_keeps(access: Access) -> None:
    if not access.keeps:
        raise PermissionDenied


def consultation_access(user: Any, consultation: Consultation) -> Access:
    return Access(keeps=_keeps(user, consultation.organiser_id))


def recommendation_access(user: Any, recommendation: Recommendation) -> Access:
    return Access(keeps=_keeps(user, recommendation.region_id))


def get_consultation_for_user(user: Any, public_id: UUID | str) -> tuple[Consultation, Access]:
    """(consultation, access) for a signed-in user; 404 when there is no such consultation."""
    try:
        consultation = Consultation.objects.select_related("organiser", "programme").get(public_id=public_id)
    except (Consultation.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    return consultation, consultation_access(user, consultation)


def get_remark_for_user(user: Any, public_id: UUID | str) -> tuple[Remark, Access]:
    """(remark, access to its consultation); 404 when there is no such remark."""
    try:
        remark = Remark.objects.select_related("consultation").get(public_id=public_id)
    except (Remark.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    return remark, consultation_access(user, remark.consultation)


def get_recommendation_for_user(user: Any, public_id: UUID | str) -> tuple[Recommendation, Access]:
    """(recommendation, access) for a signed-in user; 404 when there is no such recommendation."""
    try:
        recommendation = Recommendation.objects.select_related("region", "programme").get(public_id=public_id)
    except (Recommendation.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    return recommendation, recommendation_access(user, recommendation)
