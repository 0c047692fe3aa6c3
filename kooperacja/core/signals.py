"""Signal receivers of the core app: every sign-in, failed sign-in and sign-out is audited."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from kooperacja.core import audit
from kooperacja.core.models import AuditAction


@receiver(user_logged_in, dispatch_uid="kooperacja.audit_login")
def audit_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit.record(AuditAction.LOGIN, request=request, actor=user, details={"step": "password"})


@receiver(user_login_failed, dispatch_uid="kooperacja.audit_login_failed")
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the name someone tried: the password (even Django's masked copy) never reaches the log.
    username = str(credentials.get("username") or "")[:150]
    details: dict[str, Any] = {"username": username}
    if request is not None and getattr(request, "axes_locked_out", False):
        details["locked_out"] = True
    # The object is the account someone tried to enter; who tried is unknown, even when the
    # browser is still signed in as someone else.
    audit.record(
        AuditAction.LOGIN_FAILED,
        request=request,
        actor_from_request=False,
        object_type="core.user",
        object_id=username[:64],
        details=details,
    )


@receiver(user_logged_out, dispatch_uid="kooperacja.audit_logout")
def audit_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    audit.record(AuditAction.LOGOUT, request=request, actor=user)
