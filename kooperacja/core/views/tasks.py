"""Background task status for platform administrators (stub)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def task_list(request: HttpRequest) -> HttpResponse:
    raise Http404


def task_detail(request: HttpRequest, task_id: str) -> HttpResponse:
    raise Http404
