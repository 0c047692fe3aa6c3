"""Bearer-token authentication of the API.

`Authorization: Bearer kop_…` — a personal token acts as its user with the user's
memberships; an API client's token acts for its institution in the client's role. A read
token may only read: any unsafe method answers 403. After authentication `request.auth` is
the ApiToken and `request.user` the acting principal, which the access policies accept.

Every refused token is audited (by `tokens.authenticate`). An address that sent too many
refused tokens within a few minutes gets 429 for every token until the window passes, so
that secrets cannot be guessed at speed.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.errors import Throttled
from ninja.security import HttpBearer

from kooperacja.api.errors import ApiError
from kooperacja.core import policies
from kooperacja.core.audit import client_ip
from kooperacja.institutions import tokens
from kooperacja.institutions.models import ApiClient, ApiToken, Membership, TokenScope

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Refused tokens one address may send per window. Honest programs fail rarely (an expired
# token, then a fix); a guesser needs millions of tries.
FAILURE_LIMIT = 20
FAILURE_WINDOW_SECONDS = 5 * 60


class ClientPrincipal:
    """Stands in for a user while an API client's token acts for its institution.

    It holds one membership (the client's institution and role) in the per-request cache
    of `kooperacja.core.policies.memberships`, so every policy treats it like a member of
    staff with that single role. It is no account: it has no primary key.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True
    pk = None
    id = None

    def __init__(self, client: ApiClient) -> None:
        self.client = client
        self.username = tokens.client_label(client)
        membership = Membership(institution=client.institution, role=client.role)
        policies.remember_memberships(self, [membership])

    def __str__(self) -> str:
        return self.client.name

    def get_username(self) -> str:
        return self.username


def principal_of(token: ApiToken) -> Any:
    """The user a personal token acts as, or the stand-in of an API client."""
    if token.client is not None:
        return ClientPrincipal(token.client)
    return token.user


def _failures_key(request: HttpRequest) -> str:
    return f"api-token-failures:{client_ip(request) or 'unknown'}"


def _count_failure(key: str) -> None:
    # The window starts with the first failure and is not extended by later ones.
    cache.add(key, 0, FAILURE_WINDOW_SECONDS)
    try:
        cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.set(key, 1, FAILURE_WINDOW_SECONDS)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        key = _failures_key(request)
        if cache.get(key, 0) >= FAILURE_LIMIT:
            raise Throttled(wait=FAILURE_WINDOW_SECONDS)
        api_token = tokens.authenticate(token.strip(), request=request)
        if api_token is None:
            _count_failure(key)
            return None
        if api_token.scope == TokenScope.READ and request.method not in SAFE_METHODS:
            raise ApiError(403, _("This token may only read; changes need a read-and-write token."))
        request.user = principal_of(api_token)
        return api_token


token_auth = TokenAuth()
