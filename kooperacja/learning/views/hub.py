"""The learning hub: one page leading to trainings, e-learning, the library, good practices,
support for teams, the consultations of the model and the Księga Rekomendacji."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_safe

from kooperacja.core.http import AuthenticatedHttpRequest


@require_safe
@login_required
def hub(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "learning/hub.html")


urls: list[URLPattern] = [path("", hub, name="hub")]
