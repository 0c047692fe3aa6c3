"""Public pages: start page, accessibility statement, privacy clause, help."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from kooperacja.core.roles import Role

# The dates the accessibility statement must give (ustawa o dostępności cyfrowej, art. 10);
# change ACCESSIBILITY_UPDATED with every significant change of the pages or the statement.
ACCESSIBILITY_PUBLISHED = datetime.date(2026, 11, 27)
ACCESSIBILITY_UPDATED = datetime.date(2026, 11, 27)
ACCESSIBILITY_PREPARED = datetime.date(2026, 11, 27)


@dataclass(frozen=True)
class Operator:
    """Who runs this installation: named by the accessibility statement and the privacy clause."""

    name: str
    email: str
    phone: str
    address: str


def operator() -> Operator:
    # Each deployment names itself in settings; an installation that has not yet done so
    # still shows a complete statement that points people to their institution.
    return Operator(
        name=settings.OPERATOR_NAME,
        email=settings.OPERATOR_EMAIL,
        phone=settings.OPERATOR_PHONE,
        address=settings.OPERATOR_ADDRESS,
    )


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "core/start.html")


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/pages/accessibility.html",
        {
            "operator": operator(),
            "site_url": settings.SITE_URL,
            "published": ACCESSIBILITY_PUBLISHED,
            "updated": ACCESSIBILITY_UPDATED,
            "prepared": ACCESSIBILITY_PREPARED,
        },
    )


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/pages/privacy.html", {"operator": operator()})


@require_safe
def help_index(request: HttpRequest) -> HttpResponse:
    return render(request, "core/pages/help_index.html", {"roles": Role.choices})


@require_safe
def help_role(request: HttpRequest, role: str) -> HttpResponse:
    if role not in Role.values:
        raise Http404
    return render(
        request,
        f"core/pages/help/{role}.html",
        {"role": role, "role_label": Role(role).label, "roles": Role.choices},
    )
