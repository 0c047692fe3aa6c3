"""Request types for views, so that mypy knows what middleware and decorators guarantee."""

from __future__ import annotations

from django.http import HttpRequest

from kooperacja.core.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind login_required (or role_required): its user is a signed-in User, and
    RequestIdMiddleware has named it. Only for annotations; Django builds the real request."""

    user: User
    request_id: str
