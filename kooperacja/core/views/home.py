"""'Moja praca': the signed-in user's home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from kooperacja.core.home import sections_for
from kooperacja.core.http import AuthenticatedHttpRequest
from kooperacja.core.models import Notification
from kooperacja.core.policies import memberships

LATEST_NOTIFICATIONS = 5


@require_safe
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    latest = list(Notification.objects.for_user(request.user).unread()[:LATEST_NOTIFICATIONS])
    sections = [
        {"section": section, "links": [(link.label, url) for link in section.links if (url := link.url())]}
        for section in sections_for(request.user)
    ]
    return render(
        request,
        "core/home.html",
        {"sections": sections, "memberships": memberships(request.user), "latest_notifications": latest},
    )
