"""The in-app inbox and notification preferences (stub, filled by the notifications work)."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse


def inbox(request: HttpRequest) -> HttpResponse:
    raise Http404


def mark_all_read(request: HttpRequest) -> HttpResponse:
    raise Http404


def preferences(request: HttpRequest) -> HttpResponse:
    raise Http404


def mark_read(request: HttpRequest, public_id: UUID) -> HttpResponse:
    raise Http404
