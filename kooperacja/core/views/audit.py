"""The audit log: managers read their institution's events, platform admins all of them."""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kooperacja.core import audit
from kooperacja.core.exports import csv_response
from kooperacja.core.forms.audit import AuditFilterForm
from kooperacja.core.http import AuthenticatedHttpRequest
from kooperacja.core.models import AuditAction
from kooperacja.core.policies import audit_events_visible_to, role_required
from kooperacja.core.roles import Role

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
CSV_COLUMNS = [
    "at", "actor_label", "action", "object_type", "object_id", "persons", "institution_id",
    "municipality_code", "request_id", "ip", "reason",
]  # fmt: skip


@require_safe
@role_required(Role.MANAGER, Role.ADMIN)
def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = form.filter(audit_events_visible_to(request.user).for_list())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request, "core/audit/list.html", {"form": form, "page": page, "query": query.urlencode()}, status=status
    )


@require_safe
@role_required(Role.MANAGER, Role.ADMIN)
def audit_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        # The page explains what is wrong with the filters; no file is made from them.
        return render(request, "core/audit/list.html", {"form": form, "page": None, "query": ""}, status=400)
    events = form.filter(audit_events_visible_to(request.user)).order_by("-at", "-id")
    if events.count() > EXPORT_LIMIT:
        # A file cut short would look complete; ask for narrower filters instead.
        messages.error(
            request,
            _("More than %(limit)s events match. Narrow the dates or other filters to download them.")
            % {"limit": EXPORT_LIMIT},
        )
        return render(request, "core/audit/list.html", {"form": form, "page": None, "query": ""}, status=400)
    audit.record(AuditAction.EXPORT, request=request, object_type="core.auditevent", details=dict(request.GET.items()))
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    # Integer keys stay inside: the file names institutions by their public id.
    public_ids = dict(apps.get_model("institutions", "Institution").objects.values_list("pk", "public_id"))

    def rows() -> Iterator[list[object]]:
        for event in events.values_list(*CSV_COLUMNS).iterator(chunk_size=2000):
            row = list(event)
            row[0] = timezone.localtime(row[0]).isoformat(timespec="seconds")
            row[5] = ",".join(str(person) for person in row[5])
            row[6] = public_ids.get(row[6], "")
            yield row

    # Actor labels and reasons are typed by people: csv_response neutralises formulas in them.
    return csv_response(f"audit-{stamp}.csv", [*CSV_COLUMNS[:6], "institution", *CSV_COLUMNS[7:]], rows())
