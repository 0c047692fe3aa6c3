"""Who opens, uploads and keeps the materials of the library.

- Anyone, also without signing in, opens a `public` material; every signed-in user a `staff`
  one; a `region` one the staff of institutions in its voivodeship (an active membership in
  an institution there). Platform administrators open everything.
- Administrators and regional analysts upload. An analyst's material belongs to the
  voivodeship of the analyst's institution (a `region` material only to that voivodeship).
- A material's metadata is changed, and the material deleted, by administrators and by the
  regional analysts of the material's voivodeship (the uploader's).

A material the user may not open is "not found" (404), except for anonymous users, who are
sent to sign in for anything that is not public (whether or not it exists: that reveals
nothing). One they open but may not keep is "forbidden" (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from kooperacja.core.policies import institution_ids_with_role, is_platform_admin, memberships
from kooperacja.core.roles import Role
from kooperacja.learning.models import AccessLevel, Material
from kooperacja.territory.models import Voivodeship


class SignInFirst(Exception):
    """An anonymous user asked for something that is not public: the view sends them to sign in."""


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def member_voivodeship_ids(user: Any) -> set[int]:
    """Voivodeships of every institution the user works in (any active membership)."""
    return {m.institution.voivodeship_id for m in memberships(user)}


def analyst_voivodeship_ids(user: Any) -> set[int]:
    """Voivodeships of the institutions where the user is a regional analyst."""
    analyst_of = institution_ids_with_role(user, Role.REGIONAL_ANALYST)
    return {m.institution.voivodeship_id for m in memberships(user) if m.institution_id in analyst_of}


def visible_materials(user: Any) -> QuerySet[Material]:
    """The materials the user may open (see the module's rules)."""
    materials = Material.objects.all()
    if not _signed_in(user):
        return materials.filter(access_level=AccessLevel.PUBLIC)
    if is_platform_admin(user):
        return materials
    return materials.filter(
        Q(access_level__in=[AccessLevel.PUBLIC, AccessLevel.STAFF])
        | Q(access_level=AccessLevel.REGION, voivodeship_id__in=member_voivodeship_ids(user))
    )


def may_upload(user: Any) -> bool:
    return _signed_in(user) and (is_platform_admin(user) or bool(analyst_voivodeship_ids(user)))


def upload_voivodeships(user: Any) -> QuerySet[Voivodeship]:
    """The voivodeships a user may give a material: every one for administrators, their own
    institution's for analysts."""
    if is_platform_admin(user):
        return Voivodeship.objects.order_by("name")
    return Voivodeship.objects.filter(pk__in=analyst_voivodeship_ids(user)).order_by("name")


def home_voivodeship(user: Any) -> Voivodeship | None:
    """The voivodeship an analyst's material belongs to when they name none (so that it stays
    theirs to keep); None for administrators and for analysts of several voivodeships."""
    if is_platform_admin(user):
        return None
    own = list(upload_voivodeships(user)[:2])
    return own[0] if len(own) == 1 else None


@dataclass(frozen=True)
class Keeper:
    """What the user may do with the materials of the library, decided once per request."""

    admin: bool
    voivodeship_ids: frozenset[int]

    def keeps(self, material: Material) -> bool:
        return self.admin or (material.voivodeship_id is not None and material.voivodeship_id in self.voivodeship_ids)

    @property
    def uploads(self) -> bool:
        return self.admin or bool(self.voivodeship_ids)


def keeper(user: Any) -> Keeper:
    if not _signed_in(user):
        return Keeper(admin=False, voivodeship_ids=frozenset())
    return Keeper(admin=is_platform_admin(user), voivodeship_ids=frozenset(analyst_voivodeship_ids(user)))


def get_material_for_user(user: Any, public_id: UUID | str) -> tuple[Material, bool]:
    """(material, whether the user keeps it); 404 when the user may not open it (anonymous
    users asking for anything but a public material: SignInFirst)."""
    try:
        return _found(user, public_id)
    except Http404:
        if not _signed_in(user):
            raise SignInFirst from None
        raise


def _found(user: Any, public_id: UUID | str) -> tuple[Material, bool]:
    try:
        material = visible_materials(user).select_related("voivodeship").get(public_id=public_id)
    except (Material.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    return material, keeper(user).keeps(material)


def require_keeps(keeps: bool) -> None:
    if not keeps:
        raise PermissionDenied
