"""Public pages: start page, accessibility statement, privacy clause, help."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "core/start.html")


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    raise Http404


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    raise Http404


@require_safe
def help_index(request: HttpRequest) -> HttpResponse:
    raise Http404


@require_safe
def help_role(request: HttpRequest, role: str) -> HttpResponse:
    raise Http404
