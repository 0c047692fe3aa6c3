"""Bearer-token authentication of the API.

`Authorization: Bearer kop_…` — a personal token acts as its user with the user's
memberships; an API client's token acts for its institution in the client's role. A read
token may only read: any unsafe method answers 403. After authentication `request.auth` is
the ApiToken and `request.user` the acting principal, which the access policies accept.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer

from kooperacja.api.errors import ApiError
from kooperacja.core import policies
from kooperacja.institutions import tokens
from kooperacja.institutions.models import ApiClient, ApiToken, Membership, TokenScope

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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
        self.username = f"api-client:{client.public_id}"
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


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = tokens.authenticate(token.strip(), request=request)
        if api_token is None:
            return None
        if api_token.scope == TokenScope.READ and request.method not in SAFE_METHODS:
            raise ApiError(403, _("This token may only read; changes need a read-and-write token."))
        request.user = principal_of(api_token)
        return api_token


token_auth = TokenAuth()
