"""Accounts: the second sign-in factor, recovery codes, login lockouts and account e-mail.

Every change of a user's sign-in security goes through these functions, which write the
audit log; views only parse input and render.
"""

from __future__ import annotations

import re
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import segno
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kooperacja.core import audit
from kooperacja.core.crypto import seal, unseal
from kooperacja.core.models import AuditAction
from kooperacja.core.policies import has_role, is_platform_admin
from kooperacja.core.roles import ROLES_REQUIRING_2FA
from kooperacja.core.tasks import enqueue

if TYPE_CHECKING:
    from kooperacja.core.models import User

RECOVERY_CODE_COUNT = 10
TOTP_ISSUER = "Kooperacja"
TOTP_CODE = re.compile(r"^\d{6}$")
# StaticToken.random_token() gives 8 characters of lowercase base32.
RECOVERY_CODE = re.compile(r"^[a-z2-7]{8}$")


# --- The second factor --------------------------------------------------------


def two_factor_required(user: Any) -> bool:
    """REQUIRE_2FA applies to the user: one of its roles can see personal data (DESIGN.md §4)."""
    return bool(settings.REQUIRE_2FA) and has_role(user, *ROLES_REQUIRING_2FA)


def totp_device(user: Any) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def has_two_factor(user: Any) -> bool:
    """A confirmed device of any kind means the user must pass the second step at each sign-in."""
    if not getattr(user, "is_authenticated", False):
        return False
    # One query: the middleware asks this on every request of a not-yet-verified session.
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).values("pk")
    static = StaticDevice.objects.filter(user=user, confirmed=True).values("pk")
    return totp.union(static).exists()


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed device of a set-up in progress; reused so a reload keeps the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=gettext("Authenticator app"), confirmed=False)
    return device


def base32_secret(device: TOTPDevice) -> str:
    """The secret in the groups of four that authenticator apps accept for typing in."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_config_url(device: TOTPDevice) -> str:
    """The otpauth:// URL of the QR code, naming the platform so the app's entry is recognisable."""
    label = f"{TOTP_ISSUER}:{device.user.get_username()}"
    params = {
        "secret": b32encode(device.bin_key).decode("ascii").rstrip("="),
        "issuer": TOTP_ISSUER,
        "algorithm": "SHA1",
        "digits": device.digits,
        "period": device.step,
    }
    return f"otpauth://totp/{quote(label)}?{urlencode(params)}"


def qr_svg(data: str, title: str) -> str:
    """An inline SVG QR code (no image request, nothing the CSP must allow)."""
    svg: str = segno.make(data, error="m").svg_inline(
        scale=5, border=4, dark="#000", light="#fff", title=title, svgclass="qr-code"
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)


def normalize_code(raw: str) -> str:
    """Codes are read from a phone or paper: spaces and dashes are noise, case does not matter."""
    return re.sub(r"[\s\-]", "", raw or "").lower()


@dataclass(frozen=True)
class FactorCheck:
    """The answer to a second-factor code: the device that accepted it, or when to try again."""

    device: Device | None
    retry_at: datetime | None = None


def _check_devices(devices: list[Device], code: str) -> FactorCheck:
    retry_at: datetime | None = None
    for device in devices:
        allowed, data = device.verify_is_allowed()
        if not allowed:
            locked_until = (data or {}).get("locked_until")
            retry_at = max(filter(None, [retry_at, locked_until]), default=None)
            continue
        if device.verify_token(code):
            return FactorCheck(device)
    return FactorCheck(None, retry_at)


def check_second_factor(user: User, raw_code: str) -> FactorCheck:
    """A 6-digit code goes to the authenticator app; anything else is tried as a recovery code.

    Sending each code only to its own kind of device keeps a typo from counting as a failure
    on both, so django-otp's throttling (waits doubling after each failure) stays fair.
    A recovery code that matches is deleted: each works once.
    """
    code = normalize_code(raw_code)
    with transaction.atomic():
        if TOTP_CODE.match(code):
            devices: list[Device] = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
        elif RECOVERY_CODE.match(code):
            devices = list(StaticDevice.objects.select_for_update().filter(user=user, confirmed=True))
        else:
            return FactorCheck(None)
        return _check_devices(devices, code)


def verify_second_factor(request: HttpRequest, raw_code: str) -> FactorCheck:
    """Second step of the sign-in: a correct code marks the session as verified (django-otp).

    Each failure is audited like a failed password, under the username.
    """
    user: User = request.user  # type: ignore[assignment]
    result = check_second_factor(user, raw_code)
    if result.device is not None:
        otp_login(request, result.device)
        method = "recovery_code" if isinstance(result.device, StaticDevice) else "totp"
        audit.record(
            AuditAction.LOGIN, request=request, actor=user, details={"step": "second_factor", "method": method}
        )
    else:
        audit.record(
            AuditAction.LOGIN_FAILED,
            request=request,
            actor=user,
            details={"username": user.get_username(), "step": "second_factor"},
        )
    return result


def create_recovery_codes(user: User) -> list[str]:
    """Replace all recovery codes of the user with a fresh set of RECOVERY_CODE_COUNT.

    Old codes stop working at once, so a lost sheet can be made useless by making a new one.
    """
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=gettext("Recovery codes"), confirmed=True)
        codes: list[str] = []
        while len(codes) < RECOVERY_CODE_COUNT:
            token = StaticToken.random_token()
            if token not in codes:
                codes.append(token)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=token) for token in codes)
    return codes


def confirm_totp_device(request: HttpRequest, device: TOTPDevice, raw_code: str) -> list[str] | None:
    """Finish the set-up: the first correct code from the app turns two-factor sign-in on.

    Returns the new recovery codes (shown once) or None when the code was wrong. The
    session counts as verified with the new device, so the user can go on working.
    """
    user: User = request.user  # type: ignore[assignment]
    code = normalize_code(raw_code)
    if device.user_id != user.pk or device.confirmed or not TOTP_CODE.match(code):
        return None
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not locked.verify_token(code):
            return None
        # One authenticator per user: a set-up replaces whatever was there before.
        TOTPDevice.objects.filter(user=user).exclude(pk=locked.pk).delete()
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        codes = create_recovery_codes(user)
    otp_login(request, locked)
    audit.record(AuditAction.UPDATE, request=request, obj=user, details={"two_factor": "enabled"})
    return codes


def regenerate_recovery_codes(request: HttpRequest) -> list[str]:
    """New recovery codes on the user's request; the old ones are void."""
    user: User = request.user  # type: ignore[assignment]
    codes = create_recovery_codes(user)
    audit.record(AuditAction.UPDATE, request=request, obj=user, details={"two_factor": "recovery_codes_regenerated"})
    return codes


def disable_two_factor(request: HttpRequest) -> None:
    """Turn two-factor sign-in off: every device and recovery code of the user is removed.

    The caller has checked the password and that REQUIRE_2FA does not apply to the user.
    """
    user: User = request.user  # type: ignore[assignment]
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    audit.record(AuditAction.UPDATE, request=request, obj=user, details={"two_factor": "disabled"})


def reset_two_factor(request: HttpRequest, user: User) -> int:
    """A platform administrator removes a user's authenticator and recovery codes, for someone
    who lost both: the user signs in with the password and sets two-factor sign-in up again.

    Recorded as a permission change; returns how many devices were removed.
    """
    if not is_platform_admin(request.user):
        raise PermissionDenied
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
    audit.record(
        AuditAction.PERMISSION_CHANGE, request=request, obj=user, details={"two_factor": "reset", "devices": removed}
    )
    return removed


def password_changed(request: HttpRequest, user: Any, *, how: str) -> None:
    """Audit a new password: `how` is "changed" (knowing the old one) or "reset" (by e-mail link)."""
    audit.record(AuditAction.UPDATE, request=request, actor=user, obj=user, details={"password": how})


# --- Redirects ----------------------------------------------------------------


def safe_next(request: HttpRequest, candidate: str | None, default: str) -> str:
    """`next` only when it points back into this site; anything else falls back to default."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


# --- Login lockouts (django-axes) ---------------------------------------------


@dataclass(frozen=True)
class Lockout:
    """A username and address that django-axes refuses until `until` (or until unlocked)."""

    username: str
    ip_address: str
    failures: int
    last_attempt: datetime
    until: datetime | None


def current_lockouts() -> list[Lockout]:
    """Username + IP pairs with AXES_FAILURE_LIMIT or more failures within the cool-off time.

    Axes keeps one row per user agent, so the failures of a pair are summed as axes does.
    """
    cool_off: timedelta | None = get_cool_off()
    attempts = AccessAttempt.objects.all()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    rows = (
        attempts.values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_attempt", "username")
    )
    return [
        Lockout(
            username=row["username"] or "",
            ip_address=row["ip_address"] or "",
            failures=row["failures"],
            last_attempt=row["last_attempt"],
            until=row["last_attempt"] + cool_off if cool_off is not None else None,
        )
        for row in rows
    ]


def unlock_login(request: HttpRequest, *, username: str, ip_address: str) -> bool:
    """A platform administrator lifts a lockout: the failed attempts of the pair are forgotten.

    Recorded as a permission change (DESIGN.md §3). Returns False when no such lockout is
    current any more (it ended or someone unlocked it first); nothing changes then.
    """
    if not any(lockout.username == username and lockout.ip_address == ip_address for lockout in current_lockouts()):
        return False
    if not username and not ip_address:
        return False
    # An empty username or address would widen the reset to every pair: pass None instead.
    removed = axes_reset(ip=ip_address or None, username=username or None)
    audit.record(
        AuditAction.PERMISSION_CHANGE,
        request=request,
        object_type="axes.accessattempt",
        object_id=username[:64],
        details={"unlocked": {"username": username, "ip_address": ip_address}, "attempts_removed": removed},
    )
    return True


# --- Account e-mail -----------------------------------------------------------


def deliver_email(sealed: str) -> None:
    """Background task: send one account e-mail (password reset). A retry may send it twice,
    which is harmless: both links work until the first is used."""
    parts = unseal(sealed)
    message = EmailMultiAlternatives(parts["subject"], parts["body"], settings.DEFAULT_FROM_EMAIL, parts["to"])
    if parts["html"]:
        message.attach_alternative(parts["html"], "text/html")
    message.send()


def queue_email(subject: str, body: str, to: list[str], html: str | None = None) -> str:
    """Send through the task queue, so a slow or failing mail server never holds up a page.

    The message is rendered by the caller, in the language of the page, and waits in the
    queue sealed: the reset link in it would let anyone who reads the task table take over
    the account.
    """
    sealed = seal({"subject": subject, "body": body, "to": to, "html": html})
    return enqueue("kooperacja.core.accounts.deliver_email", sealed, task_name="e-mail password reset")
