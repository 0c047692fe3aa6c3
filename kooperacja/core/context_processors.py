"""What every page's shell needs: the menu and the unread notification count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from kooperacja.core.models import Notification
from kooperacja.core.navigation import nav_items


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    signed_in = bool(getattr(user, "is_authenticated", False))
    return {
        "nav_items": nav_items(user),
        "unread_notifications": (
            Notification.objects.for_user(user).unread().count() if signed_in else 0  # type: ignore[arg-type]
        ),
    }
