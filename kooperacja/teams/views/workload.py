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
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kooperacja.core.exports import csv_response
from kooperacja.core.http import AuthenticatedHttpRequest
from kooperacja.core.pdf import render_pdf
from kooperacja.teams import dashboard as dashboards
from kooperacja.teams import workload as workloads
from kooperacja.teams.forms.workload import PeriodForm
from kooperacja.teams.models import Team, TeamMember
from kooperacja.teams.policies import TeamAccess, get_team_for_user
from kooperacja.teams.views.common import team_tabs


def _period(request: AuthenticatedHttpRequest) -> tuple[PeriodForm, workloads.Period, int]:
    form = PeriodForm(request.GET if request.GET.keys() - {"format"} else None)
    if form.is_bound and not form.is_valid():
        return form, workloads.Period.last_year(), 400
    return form, form.period(), 200


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


def _member(request: AuthenticatedHttpRequest, public_id: UUID, pk: int) -> tuple[TeamMember, TeamAccess]:
    team, access = get_team_for_user(request.user, public_id)
    try:
        member = TeamMember.objects.select_related("institution", "user").get(team=team, pk=pk)
    except TeamMember.DoesNotExist:
        raise Http404 from None
    member.team = team
    if not (access.sees_workload or (member.user_id and member.user_id == request.user.pk)):
        raise PermissionDenied
    return member, access


@require_safe
@login_required
def recognition(request: AuthenticatedHttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    member, access = _member(request, public_id, pk)
    form, period, status = _period(request)
    context = {
        **_base(member.team, access, form, period),
        "recognition": workloads.recognition(member, period),
        "query": request.GET.urlencode() if status == 200 else "",
    }
    return render(request, "teams/workload/recognition.html", context, status=status)


PDF_CSS = """
@page { size: A4; margin: 18mm 16mm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4; }
h1 { font-size: 16pt; margin: 0 0 3mm; } h2 { font-size: 12pt; margin: 6mm 0 2mm; }
dl { display: grid; grid-template-columns: 55mm auto; margin: 0; } dt { font-weight: bold; } dd { margin: 0 0 1mm; }
table { width: 100%; border-collapse: collapse; margin-bottom: 3mm; }
th, td { border: 0.5pt solid #777; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
.thanks { margin-top: 8mm; font-style: italic; }
"""


@require_safe
@login_required
def recognition_pdf(request: AuthenticatedHttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    member, _access = _member(request, public_id, pk)
    _form, period, status = _period(request)
    if status != 200:
        return HttpResponse(_("The period is not valid."), status=400, content_type="text/plain; charset=utf-8")
    html = render_to_string(
        "teams/workload/recognition_pdf.html",
        {"team": member.team, "recognition": workloads.recognition(member, period), "today": timezone.localdate()},
        request,
    )
    response = HttpResponse(render_pdf(html, css=PDF_CSS), content_type="application/pdf")
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
    path("<uuid:public_id>/members/<int:pk>/recognition/", recognition, name="recognition"),
    path("<uuid:public_id>/members/<int:pk>/recognition.pdf", recognition_pdf, name="recognition_pdf"),
    path("<uuid:public_id>/dashboard/", dashboard, name="dashboard"),
]
