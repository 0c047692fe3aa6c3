"""Case conference pages: the cases of a conference (and bringing one), and one case's part of
the minutes.

The meeting is fetched through `teams.policies` (404 outside the user's teams); each case
through the cases app's `case_access`: a case the user may not see is shown only as "a case
(no consent to share with your institution)", and its own page answers 404. Only those who
edit the case bring it, write its minutes or take it off (403 for its other readers).
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kooperacja.cases.models import ConsentCategory
from kooperacja.cases.policies import CaseAccess, case_access, knows_identity
from kooperacja.cases.services import audit_case
from kooperacja.core.forms.conflicts import Difference, put_refusal
from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest
from kooperacja.core.models import AuditAction
from kooperacja.teams import conferences
from kooperacja.teams.forms.conferences import AddCaseForm, CaseMinutesForm, may_bring_cases
from kooperacja.teams.models import Meeting, MeetingCase, MeetingKind
from kooperacja.teams.policies import TeamAccess, get_meeting_for_user
from kooperacja.teams.views.common import team_tabs


def _conference(request: AuthenticatedHttpRequest, public_id: UUID) -> tuple[Meeting, TeamAccess]:
    meeting, access = get_meeting_for_user(request.user, public_id)
    if meeting.kind != MeetingKind.CASE_CONFERENCE:
        raise Http404
    return meeting, access


@require_http_methods(GET_POST)
@login_required
def conference_cases(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting, access = _conference(request, public_id)
    may_bring = may_bring_cases(request.user)
    form = None
    status = 200
    if request.method == "POST":
        if not may_bring:
            raise PermissionDenied
        form = AddCaseForm(request.POST, user=request.user, meeting=meeting)
        if form.is_valid():
            try:
                conferences.add_case(request.user, meeting, form.cleaned_data["case"])
            except ValidationError as refusal:
                put_refusal(form, refusal)
            else:
                messages.success(request, _("The case was added to the conference."))
                return redirect("teams:conference_cases", public_id=meeting.public_id)
        status = 400
    elif may_bring:
        form = AddCaseForm(user=request.user, meeting=meeting)
    shown = conferences.conference_cases(request.user, meeting, request=request)
    context = {
        "team": meeting.team,
        "tabs": team_tabs(meeting.team, access),
        "meeting": meeting,
        "rows": shown.rows,
        "gaps": shown.gaps,
        "present": shown.present,
        "form": form if form is not None and form.fields["case"].queryset.exists() else None,  # type: ignore[attr-defined]
        "offered": form is not None,
    }
    return render(request, "teams/conference/cases.html", context, status=status)


def _meeting_case(
    request: AuthenticatedHttpRequest, public_id: UUID, case_id: UUID
) -> tuple[MeetingCase, CaseAccess, TeamAccess]:
    meeting, team_access = _conference(request, public_id)
    try:
        link = MeetingCase.objects.select_related(
            "case__person", "case__household", "case__institution", "case__municipality"
        ).get(meeting=meeting, case__public_id=case_id)
    except MeetingCase.DoesNotExist:
        raise Http404 from None
    link.meeting = meeting
    access = case_access(request.user, link.case)
    if access is None or not knows_identity(access):
        raise Http404
    return link, access, team_access


@require_http_methods(GET_POST)
@login_required
def conference_case(request: AuthenticatedHttpRequest, public_id: UUID, case_id: UUID) -> HttpResponse:
    link, access, team_access = _meeting_case(request, public_id, case_id)
    if request.method != "POST":
        form = CaseMinutesForm(initial={"minutes": link.minutes, "seen": conferences.minutes_digest(link.minutes)})
        return _case_page(request, link, access, team_access, form)
    if not access.can_edit:
        raise PermissionDenied
    action = request.POST.get("action")
    form = CaseMinutesForm(request.POST)
    if action == "remove":
        try:
            conferences.remove_case(request.user, link)
        except ValidationError as refusal:
            form.is_valid()
            put_refusal(form, refusal)
            return _case_page(request, link, access, team_access, form, status=400)
        messages.success(request, _("The case was taken off the conference."))
        return redirect("teams:conference_cases", public_id=link.meeting.public_id)
    if action != "save":
        form.is_valid()
        form.add_error(None, _("Choose what to do: save the minutes or take the case off the conference."))
        return _case_page(request, link, access, team_access, form, status=400)
    if not form.is_valid():
        return _case_page(request, link, access, team_access, form, status=400)
    try:
        conferences.record_case_minutes(
            request.user, link, form.cleaned_data["minutes"], seen=form.cleaned_data["seen"]
        )
    except conferences.StaleCaseMinutes:
        again = request.POST.copy()
        again["seen"] = conferences.minutes_digest(link.minutes)
        typed = form.cleaned_data["minutes"]
        form = CaseMinutesForm(again)
        form.is_valid()
        conflict = [Difference(label=_("Minutes about this case"), saved=link.minutes, typed=typed)]
        return _case_page(request, link, access, team_access, form, status=409, conflict=conflict)
    except ValidationError as refusal:
        put_refusal(form, refusal)
        return _case_page(request, link, access, team_access, form, status=400)
    messages.success(request, _("The minutes about this case were saved."))
    return redirect("teams:conference_case", public_id=link.meeting.public_id, case_id=link.case.public_id)


def _case_page(
    request: AuthenticatedHttpRequest,
    link: MeetingCase,
    access: CaseAccess,
    team_access: TeamAccess,
    form: CaseMinutesForm,
    *,
    status: int = 200,
    conflict: list[Difference] | None = None,
) -> HttpResponse:
    audit_case(AuditAction.VIEW, link.case, obj=link, request=request, meeting=link.meeting.public_id)
    team = link.meeting.team
    context = {
        "team": team,
        "tabs": team_tabs(team, team_access),
        "meeting": link.meeting,
        "link": link,
        "case": link.case,
        "access": access,
        "sees_minutes": access.sees_all(ConsentCategory.PLAN),
        "form": form if access.can_edit else None,
        "conflict": conflict,
    }
    return render(request, "teams/conference/case.html", context, status=status)


urls: list[URLPattern] = [
    path("meetings/<uuid:public_id>/cases/", conference_cases, name="conference_cases"),
    path("meetings/<uuid:public_id>/cases/<uuid:case_id>/", conference_case, name="conference_case"),
]
