"""Request id, the two-factor requirement and the page language."""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import get_script_prefix, reverse
from django.utils import translation

from kooperacja.core import accounts

_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")


class RequestIdMiddleware:
    """Gives each request an id (or takes X-Request-ID from the proxy) for the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only our own reverse proxy may name the request; a client could plant any text in the log.
        incoming = request.headers.get("X-Request-ID", "") if settings.BEHIND_PROXY else ""
        request.request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


class TwoFactorRequiredMiddleware:
    """Holds a signed-in user at the second factor until it is passed or, where required, set up.

    After the password, a user with a confirmed device may reach only the verify page; a user
    whom REQUIRE_2FA covers (ROLES_REQUIRING_2FA) and who has no device yet may reach only the
    set-up page. Sign-out, static files, language switching and help stay open in both cases.
    The API authenticates with tokens and /healthz with nothing, so neither is held here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        redirect_to = self._held_at(request)
        if redirect_to is not None:
            return redirect_to
        return self.get_response(request)

    def _held_at(self, request: HttpRequest) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or _always_open(request.path):
            return None
        if user.is_verified():
            return None
        if accounts.has_two_factor(user):
            target = "two_factor_verify"
        elif accounts.two_factor_required(user):
            target = "two_factor_setup"
        else:
            return None
        target_path = reverse(target)
        if request.path == target_path:
            return None
        if request.method in ("GET", "HEAD"):
            return redirect(f"{target_path}?{urlencode({'next': request.get_full_path()})}")
        return redirect(target_path)


def _always_open(path: str) -> bool:
    return path.startswith(_open_prefixes())


@functools.cache
def _open_prefixes() -> tuple[str, ...]:
    # Resolved once: the URL map does not change while the process runs.
    return (
        get_script_prefix() + "api/",
        reverse("healthz"),
        reverse("logout"),
        settings.STATIC_URL or "/static/",
        get_script_prefix() + "i18n/",
        reverse("core:help"),
    )


class PolishFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are in Polish unless the person chose English with the language switch (its
    cookie); a browser set to English does not change that, because the platform serves
    Polish institutions and a half-understood English page helps no one there. API clients
    carry no cookie, so for /api/ the Accept-Language header decides, as Django's own does."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith("/api/"):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
