"""The audit helper every app calls when personal data is read, changed, exported or printed.

A list view records one event naming every person it showed; a detail view one event for
its person (DESIGN.md §3). Logins, failed logins, permission changes and token use are
recorded here too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from kooperacja.core.models import AuditAction, AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: behind our reverse proxy (BEHIND_PROXY), the last hop it added to
    X-Forwarded-For, which a client cannot forge; otherwise the connection's address. Used by
    the audit log and by the login lockout alike."""
    if request is None:
        return None
    if settings.BEHIND_PROXY:
        forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: AuditAction | str,
    *,
    request: HttpRequest | None = None,
    actor: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    persons: Iterable[int] = (),
    institution_id: int | None = None,
    municipality_code: str = "",
    reason: str = "",
    details: dict[str, Any] | None = None,
    actor_from_request: bool = True,
) -> AuditEvent:
    """Append one audit event. The actor defaults to the request's user, unless
    actor_from_request is off (a failed sign-in is not done by whoever is signed in)."""
    if actor is None and actor_from_request and request is not None and request.user.is_authenticated:
        actor = request.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "public_id", None) or obj.pk)
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=(getattr(actor, "username", "") or str(actor or ""))[:200],
        action=action,
        object_type=object_type,
        object_id=object_id,
        persons=sorted(set(persons)),
        institution_id=institution_id,
        municipality_code=municipality_code,
        request_id=getattr(request, "request_id", "") if request is not None else "",
        ip=client_ip(request),
        reason=reason[:500],
        details=details or {},
    )
