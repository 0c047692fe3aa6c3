"""Who may see and do what: the one access mechanism every view and API endpoint uses.

Rights come from active memberships (user × institution × role, DESIGN.md §1), never from
Django's is_staff or global permissions. Object-level helpers follow one rule: an object
outside the user's scope is "not found" (404, no hint it exists); an object in scope whose
action is not allowed is "forbidden" (403).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from kooperacja.core.models import AuditEvent, AuditEventQuerySet
from kooperacja.core.roles import Role

if TYPE_CHECKING:
    from kooperacja.institutions.models import Membership

_CACHE_ATTR = "_kooperacja_memberships"

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def memberships(user: Any) -> list[Membership]:
    """The user's active memberships in active institutions, read once per request.

    An institution that stopped working (is_active off) gives its staff no rights any more."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            user.memberships.filter(revoked_at__isnull=True, institution__is_active=True)
            .select_related("institution__municipality", "institution__county", "institution__voivodeship")
            .order_by("institution__name", "role")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def remember_memberships(principal: Any, known: list[Membership]) -> None:
    """Set the memberships a principal acts with (an API client acts with its one membership)."""
    setattr(principal, _CACHE_ATTR, known)


def forget_memberships(user: Any) -> None:
    """Drop the per-request cache after a change of the user's memberships."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles(user: Any) -> set[str]:
    return {m.role for m in memberships(user)}


def has_role(user: Any, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


def institution_ids_with_role(user: Any, *wanted: str) -> set[int]:
    """Ids of the institutions in which the user holds one of the wanted roles."""
    return {m.institution_id for m in memberships(user) if m.role in wanted}


def is_platform_admin(user: Any) -> bool:
    return has_role(user, Role.ADMIN)


def role_required(*wanted: str) -> Callable[[ViewFunc], ViewFunc]:
    """View decorator: anonymous users go to the login page, users without the role get 403."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *wanted):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def audit_events_visible_to(user: Any) -> AuditEventQuerySet:
    """The audit log a user may read: everything for a platform admin; for a manager, the
    events recorded for their institution, and the sign-ins and other events of its staff
    that belong to no institution; nothing for anyone else. What the staff did in another
    institution stays that institution's."""
    if is_platform_admin(user):
        return AuditEvent.objects.all()
    managed = institution_ids_with_role(user, Role.MANAGER)
    if not managed:
        return AuditEvent.objects.none()
    staff = (
        get_user_model()
        .objects.filter(memberships__institution_id__in=managed, memberships__revoked_at__isnull=True)
        .values("pk")
    )
    return AuditEvent.objects.filter(Q(institution_id__in=managed) | Q(institution_id__isnull=True, actor_id__in=staff))
