"""The cooperation network of a territory: its picture and tables (see `network`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from kooperacja.core.http import AuthenticatedHttpRequest
from kooperacja.evaluation.policies import get_scope_for_user


@require_safe
@login_required
def network(request: AuthenticatedHttpRequest, level: str, code: str) -> HttpResponse:
    scope = get_scope_for_user(request.user, level, code)
    return render(request, "evaluation/network.html", {"scope": scope})


urls = [
    path("<str:level>/<str:code>/network/", network, name="network"),
]
