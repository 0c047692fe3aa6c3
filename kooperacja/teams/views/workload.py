"""Workload, recognition and the dashboard of a team.

The team is fetched through `teams.policies` (404 outside the user's teams). The workload is
for those who see it (`TeamAccess.sees_workload`: those who run the team and managers of its
member institutions; 403 for the rest); a member's recognition also for the member themselves.
The dashboard is for everyone who sees the team. Each page takes a period (`?start=&end=`,
the last 12 months by default); a bad period answers 400 with the default figures.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kooperacja.core import audit
from kooperacja.core.exports import csv_response
from kooperacja.core.http import AuthenticatedHttpRequest
from kooperacja.core.models import AuditAction
from kooperacja.core.pdf import REPORT_CSS, render_pdf
from kooperacja.teams import dashboard as dashboards
from kooperacja.teams import workload as workloads
from kooperacja.teams.forms.workload import PeriodForm
from kooperacja.teams.models import Team, TeamMember
from kooperacja.teams.policies import TeamAccess, get_member_for_user, get_team_for_user
from kooperacja.teams.views.common import team_tabs


def _period(request: AuthenticatedHttpRequest) -> tuple[PeriodForm, workloads.Period, int]:
    form = PeriodForm(request.GET if request.GET.keys() - {"format"} else None)
    if form.is_bound and not form.is_valid():
        return form, workloads.Period.last_year(), 400
    return form, form.period(), 200


def _period_details(period: workloads.Period) -> dict[str, str]:
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}


def _base(team: Team, access: TeamAccess, form: PeriodForm, period: workloads.Period) -> dict[str, Any]:
    return {"team": team, "tabs": team_tabs(team, access), "period_form": form, "period": period}


@require_safe
@login_required
def workload(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    team, access = get_team_for_user(request.user, public_id)
    if not access.sees_workload:
        raise PermissionDenied
    form, period, status = _period(request)
    figures = workloads.workload(team, period)
    if request.GET.get("format") == "csv" and status == 200:
        # The file carries staff data out of the platform: it is on the record who took it.
        audit.record(
            AuditAction.EXPORT,
            request=request,
            obj=team,
            municipality_code=team.municipality.code,
            details={"workload": "csv", **_period_details(period)},
        )
        return _csv(team, figures)
    context = {**_base(team, access, form, period), "workload": figures}
    return render(request, "teams/workload/workload.html", context, status=status)


def _csv(team: Team, figures: workloads.Workload) -> HttpResponse:
    header = [
        _("Institution"),
        _("Representative"),
        _("Team role"),
        _("Open tasks"),
        _("Overdue tasks"),
        _("Meetings attended"),
        _("Hours given"),
    ]
    rows: list[list[Any]] = []
    for group in figures.institutions:
        for row in group.members:
            member, load = row.member, row.load
            rows.append(
                [
                    group.institution.name,
                    member.user.get_full_name() if member.user else "",
                    member.get_role_display(),
                    load.open_tasks,
                    load.overdue_tasks,
                    load.meetings_attended,
                    load.hours,
                ]
            )
        load = group.load
        rows.append(
            [
                group.institution.name,
                _("the whole institution"),
                "",
                load.open_tasks,
                load.overdue_tasks,
                load.meetings_attended,
                load.hours,
            ]
        )
    period = figures.period
    filename = f"obciazenie-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}.csv"
    return csv_response(filename, header, rows)


def _member(request: AuthenticatedHttpRequest, public_id: UUID, member_id: UUID) -> tuple[TeamMember, TeamAccess]:
    member, access = get_member_for_user(request.user, public_id, member_id)
    if not (access.sees_workload or (member.user_id and member.user_id == request.user.pk)):
        raise PermissionDenied
    return member, access


@require_safe
@login_required
def recognition(request: AuthenticatedHttpRequest, public_id: UUID, member: UUID) -> HttpResponse:
    found, access = _member(request, public_id, member)
    form, period, status = _period(request)
    context = {
        **_base(found.team, access, form, period),
        "recognition": workloads.recognition(found, period),
        "query": request.GET.urlencode() if status == 200 else "",
    }
    return render(request, "teams/workload/recognition.html", context, status=status)


@require_safe
@login_required
def recognition_pdf(request: AuthenticatedHttpRequest, public_id: UUID, member: UUID) -> HttpResponse:
    found, _access = _member(request, public_id, member)
    _form, period, status = _period(request)
    if status != 200:
        return HttpResponse(_("The period is not valid."), status=400, content_type="text/plain; charset=utf-8")
    html = render_to_string(
        "teams/workload/recognition_pdf.html",
        {"team": found.team, "recognition": workloads.recognition(found, period), "today": timezone.localdate()},
        request,
    )
    audit.record(
        AuditAction.PRINT,
        request=request,
        obj=found,
        municipality_code=found.team.municipality.code,
        details={"team": str(found.team.public_id), "recognition": "pdf", **_period_details(period)},
    )
    response = HttpResponse(render_pdf(html, css=REPORT_CSS), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="podziekowanie.pdf"'
    return response


@require_safe
@login_required
def dashboard(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    team, access = get_team_for_user(request.user, public_id)
    form, period, status = _period(request)
    # The survey's results are for those the survey module shows them to (leaders, managers, named members).
    figures = dashboards.dashboard(team, period, with_survey=access.sees_workload or access.is_named_member)
    context = {**_base(team, access, form, period), "dashboard": figures}
    return render(request, "teams/dashboard/dashboard.html", context, status=status)


urls: list[URLPattern] = [
    path("<uuid:public_id>/workload/", workload, name="workload"),
    path("<uuid:public_id>/members/<uuid:member>/recognition/", recognition, name="recognition"),
    path("<uuid:public_id>/members/<uuid:member>/recognition.pdf", recognition_pdf, name="recognition_pdf"),
    path("<uuid:public_id>/dashboard/", dashboard, name="dashboard"),
]
