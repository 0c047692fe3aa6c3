"""API tokens and API clients: who may hold them, issuing, revoking and authenticating.

A personal token acts as its user, with the user's memberships. An API client belongs to an
institution and its tokens act for that institution with the client's role, so they survive
staff changes (DESIGN.md §4). Only a SHA-256 hash of a secret is stored; the secret is shown
once, when the token is issued.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kooperacja.core.audit import record
from kooperacja.core.models import AuditAction
from kooperacja.core.policies import institution_ids_with_role, is_platform_admin
from kooperacja.core.roles import Role
from kooperacja.institutions.models import ApiClient, ApiToken, ApiTokenQuerySet, Institution, TokenScope
from kooperacja.institutions.policies import can_manage_staff, grantable_roles, grantable_roles_anywhere

SECRET_PREFIX = "kop_"  # noqa: S105 (a public marker that makes leaked tokens recognisable, not a secret)
# 30 random bytes are exactly 40 url-safe base64 characters, with no padding.
_SECRET_BYTES = 30
SECRET_LENGTH = len(SECRET_PREFIX) + 40
DISPLAY_PREFIX_LENGTH = 8
MAX_TOKEN_DAYS = 365

# Recording last use at most this often spares a database write on every API request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def client_roles(actor: Any, institution: Institution | None = None) -> list[tuple[str, str]]:
    """The roles an API client may act in: those the actor could give a person, never administrator.

    A client is staff that never leaves, so it gets no more power than its creator could grant.
    With an institution, the roles of its kind; without one, those the actor could give anywhere.
    """
    grantable = grantable_roles(actor, institution) if institution is not None else grantable_roles_anywhere(actor)
    return [(value, label) for value, label in grantable if value != Role.ADMIN]


def client_label(client: ApiClient) -> str:
    """How the audit log and the access policies name an API client: by its public id, which
    stays the same when the client is renamed."""
    return f"api-client:{client.public_id}"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(_SECRET_BYTES)


class TokenStatus(models.TextChoices):
    # In context: Polish agrees the adjective with "token" and "klient" (masculine).
    ACTIVE = "active", pgettext_lazy("API access status", "active")
    EXPIRED = "expired", pgettext_lazy("API access status", "expired")
    REVOKED = "revoked", pgettext_lazy("API access status", "revoked")


def token_status(token: ApiToken, now: datetime | None = None) -> str:
    if token.revoked_at is not None or (token.client is not None and token.client.revoked_at is not None):
        return TokenStatus.REVOKED
    if token.expires_at <= (now or timezone.now()):
        return TokenStatus.EXPIRED
    return TokenStatus.ACTIVE


def default_token_days() -> int:
    return min(settings.API_TOKEN_DAYS, MAX_TOKEN_DAYS)


def _expiry(days: int | None) -> datetime:
    days = default_token_days() if days is None else days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationError({"days": _("A token is valid for 1 to 365 days.")})
    return timezone.now() + timedelta(days=days)


def _check_scope(scope: str) -> None:
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("Choose read only or read and write.")})


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    return name[:120]


# --- Queries ----------------------------------------------------------------


def _managed_institutions(user: Any) -> QuerySet[Institution]:
    """The institutions whose API clients the user manages: the queryset form of can_manage_staff."""
    if is_platform_admin(user):
        return Institution.objects.all()
    return Institution.objects.filter(pk__in=institution_ids_with_role(user, Role.MANAGER))


def clients_visible_to(user: Any) -> QuerySet[ApiClient]:
    """API clients the user may see and manage: those of institutions it manages (all for admins)."""
    if not getattr(user, "is_authenticated", False):
        return ApiClient.objects.none()
    return ApiClient.objects.select_related("institution").filter(institution__in=_managed_institutions(user))


def tokens_visible_to(user: Any) -> ApiTokenQuerySet:
    """Tokens the user may see: its own personal tokens and the tokens of clients it manages."""
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.select_related("client__institution", "user").filter(
        Q(user=user) | Q(client__institution__in=_managed_institutions(user))
    )


def personal_tokens_of(user: Any) -> ApiTokenQuerySet:
    """The user's own personal tokens, newest first (the personal tokens page)."""
    return tokens_visible_to(user).filter(user=user).order_by("-created_at", "-id")


def client_tokens_of(user: Any, client: ApiClient) -> ApiTokenQuerySet:
    """The tokens of an API client the user manages, newest first (the client's page)."""
    return tokens_visible_to(user).filter(client=client).order_by("-created_at", "-id")


def clients_for_page(user: Any, institution: Institution) -> QuerySet[ApiClient]:
    """An institution's API clients with their number of usable tokens, active ones first."""
    now = timezone.now()
    return (
        clients_visible_to(user)
        .filter(institution=institution)
        .annotate(active_tokens=Count("tokens", filter=Q(tokens__revoked_at__isnull=True, tokens__expires_at__gt=now)))
        .select_related("created_by")
        .order_by("revoked_at", "name")
    )


# --- Services ---------------------------------------------------------------


def _audit(actor: Any, obj: ApiToken | ApiClient, event: str, request: HttpRequest | None, **details: Any) -> None:
    client = obj.client if isinstance(obj, ApiToken) else obj
    record(
        AuditAction.PERMISSION_CHANGE,
        request=request,
        actor=actor,
        obj=obj,
        institution_id=client.institution_id if client is not None else None,
        details={"event": event, **details},
    )


def _issue_token(
    actor: Any,
    *,
    owner: Any,
    name: str,
    scope: str,
    days: int | None,
    request: HttpRequest | None,
) -> tuple[ApiToken, str]:
    """Create a token of `owner` (a user or an ApiClient) once the caller has checked the right."""
    name = _check_name(name)
    _check_scope(scope)
    expires_at = _expiry(days)
    secret = _new_secret()
    holder = {"client": owner} if isinstance(owner, ApiClient) else {"user": owner}
    with transaction.atomic():
        token = ApiToken.objects.create(
            name=name,
            prefix=_prefix_of(secret),
            token_hash=hash_secret(secret),
            scope=scope,
            expires_at=expires_at,
            **holder,
        )
        _audit(actor, token, "token_issued", request, scope=scope, expires_at=expires_at.isoformat())
    return token, secret


def issue_personal_token(
    actor: Any,
    *,
    name: str,
    scope: str,
    days: int | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Any signed-in user may hold personal tokens; each acts as that user.

    Returns the token and its secret, which is not stored and cannot be shown again.
    """
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied
    return _issue_token(actor, owner=actor, name=name, scope=scope, days=days, request=request)


def create_api_client(
    actor: Any,
    institution: Institution,
    *,
    name: str,
    role: str,
    request: HttpRequest | None = None,
) -> ApiClient:
    """A manager of the institution (or a platform administrator) creates its API clients.

    The client acts for the institution in a role the actor could give a member of staff,
    never as an administrator; any other role is refused (PermissionDenied).
    """
    if not can_manage_staff(actor, institution):
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the client a name.")})
    if role not in Role.values:
        raise ValidationError({"role": _("Choose the role the client acts in.")})
    if role not in dict(client_roles(actor, institution)):
        raise PermissionDenied
    with transaction.atomic():
        client = ApiClient.objects.create(institution=institution, name=name[:120], role=role, created_by=actor)
        _audit(actor, client, "api_client_created", request, role=role)
    return client


def issue_client_token(
    actor: Any,
    client: ApiClient,
    *,
    name: str,
    scope: str,
    days: int | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """A manager of the client's institution (or an administrator) issues tokens of an active client.

    Returns the token and its secret, which is not stored and cannot be shown again.
    """
    if not can_manage_staff(actor, client.institution):
        raise PermissionDenied
    if client.revoked_at is not None:
        raise ValidationError(_("This client has been revoked; it cannot receive new tokens."), code="revoked")
    return _issue_token(actor, owner=client, name=name, scope=scope, days=days, request=request)


def _may_revoke(actor: Any, token: ApiToken) -> bool:
    if token.client is not None:
        return can_manage_staff(actor, token.client.institution)
    return bool(token.user_id == getattr(actor, "pk", None) or is_platform_admin(actor))


def revoke_token(actor: Any, token: ApiToken, *, request: HttpRequest | None = None) -> None:
    """The holder of a personal token, a manager of a client's institution, or an administrator
    revokes a token; from then on it authenticates nothing. Revoking twice changes nothing.
    """
    if not _may_revoke(actor, token):
        raise PermissionDenied
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _audit(actor, token, "token_revoked", request)


def revoke_api_client(actor: Any, client: ApiClient, *, request: HttpRequest | None = None) -> None:
    """A manager of the client's institution (or an administrator) revokes a client and all its tokens."""
    if not can_manage_staff(actor, client.institution):
        raise PermissionDenied
    if client.revoked_at is not None:
        return
    now = timezone.now()
    with transaction.atomic():
        client.revoked_at = now
        client.save(update_fields=["revoked_at"])
        revoked = client.tokens.filter(revoked_at__isnull=True).update(revoked_at=now)
        _audit(actor, client, "api_client_revoked", request, tokens_revoked=revoked)


# --- Authentication ---------------------------------------------------------


class Refusal(StrEnum):
    """Why a bearer secret authenticated nothing, as the audit log records it."""

    UNKNOWN = "unknown"
    REVOKED = "revoked"
    EXPIRED = "expired"
    INACTIVE_USER = "inactive user"


def _prefix_of(secret: str) -> str:
    """The public part of a well-formed secret ("" for anything else): what the token list shows."""
    if len(secret) != SECRET_LENGTH or not secret.startswith(SECRET_PREFIX):
        return ""
    return secret[len(SECRET_PREFIX) :][:DISPLAY_PREFIX_LENGTH]


def _refusal(token: ApiToken, now: datetime) -> Refusal | None:
    status = token_status(token, now)
    if status == TokenStatus.REVOKED:
        return Refusal.REVOKED
    if status == TokenStatus.EXPIRED:
        return Refusal.EXPIRED
    if token.user is not None and not token.user.is_active:
        return Refusal.INACTIVE_USER
    return None


def _holder(token: ApiToken) -> Any:
    """Who a token acts as, for the audit log: its user, or its client's label."""
    return token.user if token.client is None else client_label(token.client)


def authenticate(secret: str, *, request: HttpRequest | None = None) -> ApiToken | None:
    """The token a bearer secret belongs to, if it may be used now; None otherwise.

    A token is refused once revoked or expired, when its client is revoked, and when its
    user's account is inactive. Every refusal is audited as a failed sign-in with the reason
    and the secret's public prefix; use is recorded at most once a minute per token.
    """
    prefix = _prefix_of(secret)
    token = None
    if prefix:
        digest = hash_secret(secret)
        # The lookup is by the hash, which is unique and reveals nothing about how close a
        # wrong secret came; the final comparison is constant-time all the same.
        token = ApiToken.objects.select_related("user", "client__institution").filter(token_hash=digest).first()
        if token is not None and not hmac.compare_digest(token.token_hash, digest):
            token = None
    if token is None:
        _note_refusal(None, prefix, Refusal.UNKNOWN, request)
        return None
    refusal = _refusal(token, timezone.now())
    if refusal is not None:
        _note_refusal(token, prefix, refusal, request)
        return None
    _note_use(token, request)
    return token


def _note_refusal(token: ApiToken | None, prefix: str, refusal: Refusal, request: HttpRequest | None) -> None:
    # The secret itself never reaches the log: only its public prefix, which the holder's
    # token list shows too, so that the holder can tell which token was refused.
    details: dict[str, Any] = {"reason": str(refusal), "via": "api_token"}
    if prefix:
        details["prefix"] = prefix
    client = token.client if token is not None else None
    record(
        AuditAction.LOGIN_FAILED,
        request=request,
        actor=_holder(token) if token is not None else None,
        obj=token,
        institution_id=client.institution_id if client is not None else None,
        details=details,
    )


def _note_use(token: ApiToken, request: HttpRequest | None) -> None:
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    # The conditional UPDATE lets only one of several concurrent requests win, so both
    # last_used_at and the TOKEN_USE audit event are written at most once per token per
    # minute: the audit log shows that a token was in use, not every request it made.
    updated = (
        ApiToken.objects.filter(pk=token.pk)
        .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION))
        .update(last_used_at=now)
    )
    token.last_used_at = now
    if not updated:
        return
    client = token.client
    record(
        AuditAction.TOKEN_USE,
        request=request,
        actor=_holder(token),
        obj=token,
        institution_id=client.institution_id if client is not None else None,
        details={"prefix": token.prefix, "scope": token.scope},
    )
