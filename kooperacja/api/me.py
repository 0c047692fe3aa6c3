"""/api/v1/me: who a token acts as, its tokens, and the holder's own notification preference."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.pagination import paginate

from kooperacja.api.auth import ClientPrincipal
from kooperacja.api.errors import ApiError
from kooperacja.api.paging import PageNumberPaging
from kooperacja.api.schemas import InstitutionRef, MembershipOut
from kooperacja.core.models import NotificationMode, User
from kooperacja.core.notifications import set_notification_mode
from kooperacja.core.policies import memberships
from kooperacja.institutions.models import ApiToken, TokenScope
from kooperacja.institutions.tokens import TokenStatus, token_status

router = Router(tags=["me"])


class ClientRef(Schema):
    id: UUID
    name: str


class MeOut(Schema):
    """A personal token has `username`, an API client's token has `client`."""

    username: str | None = None
    client: ClientRef | None = None
    memberships: list[MembershipOut]
    scope: TokenScope


class TokenOut(Schema):
    id: UUID
    name: str
    prefix: str
    scope: TokenScope
    status: TokenStatus
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @staticmethod
    def resolve_id(token: ApiToken) -> UUID:
        return token.public_id

    @staticmethod
    def resolve_status(token: ApiToken) -> str:
        return token_status(token)


class NotificationPreferenceIn(Schema):
    mode: NotificationMode


class NotificationPreferenceOut(Schema):
    mode: NotificationMode


def _token(request: HttpRequest) -> ApiToken:
    token = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):  # only reachable if the operation was declared auth=None
        raise ApiError(401)
    return token


@router.get("", response=MeOut, exclude_none=True, summary="Who the token acts as")
def me(request: HttpRequest) -> dict[str, Any]:
    token = _token(request)
    principal = request.user
    answer: dict[str, Any] = {
        "scope": token.scope,
        "memberships": [
            {
                "institution": InstitutionRef(id=m.institution.public_id, name=m.institution.name),
                "role": m.role,
            }
            for m in memberships(principal)
        ],
    }
    if isinstance(principal, ClientPrincipal):
        answer["client"] = ClientRef(id=principal.client.public_id, name=principal.client.name)
    else:
        answer["username"] = principal.get_username()
    return answer


@router.get("/tokens", response=list[TokenOut], summary="The tokens of the token's holder")
@paginate(PageNumberPaging)
def my_tokens(request: HttpRequest) -> QuerySet[ApiToken]:
    """A person's personal tokens, or an API client's tokens; newest first."""
    token = _token(request)
    owner = {"user": token.user} if token.user_id else {"client": token.client}
    return ApiToken.objects.filter(**owner).select_related("client").order_by("-created_at", "-id")


@router.patch(
    "/notification-preference",
    response=NotificationPreferenceOut,
    summary="Set how the token's holder receives notification e-mails",
)
def set_notification_preference(request: HttpRequest, payload: NotificationPreferenceIn) -> dict[str, str]:
    """Only a person has notification e-mails: an API client's token gets 403."""
    user = request.user
    if not isinstance(user, User):
        raise ApiError(403, _("Only a personal token can change notification preferences."))
    set_notification_mode(user, payload.mode)
    return {"mode": user.notification_mode}
