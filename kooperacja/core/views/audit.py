"""The audit log for managers and admins (stub)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def audit_list(request: HttpRequest) -> HttpResponse:
    raise Http404


def audit_export(request: HttpRequest) -> HttpResponse:
    raise Http404
