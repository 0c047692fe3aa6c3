"""Dashboards of a territory: the page, each table as CSV or XLSX, and the PDF report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kooperacja.core.audit import record
from kooperacja.core.exports import csv_response, xlsx_response
from kooperacja.core.http import AuthenticatedHttpRequest
from kooperacja.core.models import AuditAction
from kooperacja.core.pdf import REPORT_CSS, render_pdf
from kooperacja.evaluation import dashboard, periods
from kooperacja.evaluation.periods import Period
from kooperacja.evaluation.policies import get_scope_for_user, may_read, own_scopes
from kooperacja.evaluation.scope import Scope, ancestors


def period_from(request: HttpRequest) -> Period:
    """The period asked for in `?period=`, the running year when none; 404 for a malformed one."""
    text = request.GET.get("period", "")
    if not text:
        return periods.default(timezone.localdate())
    try:
        return periods.parse(text)
    except ValueError:
        raise Http404 from None


def _scope_and_period(request: AuthenticatedHttpRequest, level: str, code: str) -> tuple[Scope, Period]:
    return get_scope_for_user(request.user, level, code), period_from(request)


@require_safe
@login_required
def hub(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "evaluation/hub.html", {"scopes": own_scopes(request.user)})


@require_safe
@login_required
def territory(request: AuthenticatedHttpRequest, level: str, code: str) -> HttpResponse:
    scope = get_scope_for_user(request.user, level, code)
    today = timezone.localdate()
    try:
        period = period_from(request)
    except Http404:
        # A mistyped period on the page itself: say so and show the running year.
        messages.warning(
            request,
            _(
                "There is no period „%(text)s”: choose a year, half, quarter or month that has begun. "
                "The running year is shown."
            )
            % {"text": request.GET.get("period", "")[:20]},
        )
        period = periods.default(today)
    context: dict[str, Any] = {
        "scope": scope,
        "ancestors": [up for up in ancestors(scope) if may_read(request.user, up)],
        "board": dashboard.build(scope, period),
        "period_choices": periods.choices(today),
        "running": period.is_running(today),
    }
    return render(request, "evaluation/dashboard.html", context)


EXPORT_FORMATS = ("csv", "xlsx")


@require_safe
@login_required
def table_export(request: AuthenticatedHttpRequest, level: str, code: str, key: str, fmt: str) -> HttpResponse:
    scope, period = _scope_and_period(request, level, code)
    if fmt not in EXPORT_FORMATS:
        raise Http404
    try:
        table = dashboard.table(scope, period, key)
    except LookupError:
        raise Http404 from None
    record(
        AuditAction.EXPORT,
        request=request,
        object_type="evaluation.table",
        object_id=f"{scope.key()}/{period.slug}/{key}",
    )
    filename = f"{key}-{scope.code}-{period.slug}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, table.header(), table.export_rows())
    return xlsx_response(filename, table.title, table.header(), table.export_rows())


@require_safe
@login_required
def report(request: AuthenticatedHttpRequest, level: str, code: str) -> HttpResponse:
    """The territory's report for a period, in Polish, for a council session."""
    scope, period = _scope_and_period(request, level, code)
    with translation.override("pl"):
        board = dashboard.build(scope, period)
        html = render_to_string("evaluation/report_pdf.html", {"board": board, "today": timezone.localdate()}, request)
    pdf = render_pdf(html, css=REPORT_CSS + PDF_CSS)
    record(
        AuditAction.PRINT,
        request=request,
        object_type="evaluation.report",
        object_id=f"{scope.key()}/{period.slug}",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ewaluacja-{scope.code}-{period.slug}.pdf"'
    return response


PDF_CSS = """
h2 { break-after: avoid; margin-top: 6mm; }
h3 { break-after: avoid; }
table { break-inside: auto; width: 100%; table-layout: auto; }
tr { break-inside: avoid; }
th, td { overflow-wrap: anywhere; }
td.numeric, th.numeric { text-align: right; white-space: nowrap; }
svg.chart { width: 110mm; height: auto; display: block; margin: 2mm 0; }
.chart-scroll { break-inside: avoid; }
p.empty-state { color: #555; font-style: italic; }
"""


urls = [
    path("", hub, name="hub"),
    path("<str:level>/<str:code>/", territory, name="dashboard"),
    path("<str:level>/<str:code>/report.pdf", report, name="report"),
    path("<str:level>/<str:code>/tables/<slug:key>.<str:fmt>", table_export, name="table_export"),
]
