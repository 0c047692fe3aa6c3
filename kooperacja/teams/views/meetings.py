"""Meeting pages: a team's meetings and planning one, the meeting page (agenda, invitations and
answers, attendance, minutes, decisions, attachments), changing and cancelling it, inviting
members, the invitee's answer, the attendance form, the minutes, the minutes as a PDF and the
meeting as an `.ics` file.

Meetings are fetched through `teams.policies` (404 outside the user's teams); changes are for
those who run the team (403 for anyone else), the answer to an invitation for the invitee.
A case conference's text (title, agenda, minutes, decisions, attachments) may name a family:
it is shown, printed and changed only by those `policies.sees_conference_text` lets read it;
the others see when and where it is held, and get 403 on the pages of its text.
Every change goes through `teams.meetings`, whose refusals the pages show on the form they
came from, changing nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kooperacja.core import audit
from kooperacja.core.forms.conflicts import differences, put_refusal, rebound
from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest
from kooperacja.core.models import AuditAction
from kooperacja.core.pdf import REPORT_CSS, render_pdf
from kooperacja.teams import ics, services
from kooperacja.teams import meetings as service
from kooperacja.teams.forms.meetings import (
    AttachmentForm,
    AttendanceForm,
    DecisionForm,
    InviteForm,
    MeetingForm,
    MinutesForm,
    RespondForm,
    VersionForm,
)
from kooperacja.teams.models import Decision, Meeting, MeetingKind, MeetingStatus, Team, TeamDocument
from kooperacja.teams.policies import (
    TeamAccess,
    get_meeting_for_user,
    get_team_for_user,
    require_runs,
    sees_conference_text,
)
from kooperacja.teams.views.common import team_tabs


def _meeting_to_run(request: AuthenticatedHttpRequest, public_id: UUID) -> Meeting:
    meeting, access = get_meeting_for_user(request.user, public_id)
    require_runs(access)
    return meeting


def _require_text(request: AuthenticatedHttpRequest, meeting: Meeting) -> None:
    """403 for a page that shows or changes what a case conference's text says, unless the
    user may read it (running the team is not enough: the text may name a family)."""
    if not sees_conference_text(request.user, meeting):
        raise PermissionDenied


def _text_to_run(request: AuthenticatedHttpRequest, public_id: UUID) -> Meeting:
    meeting = _meeting_to_run(request, public_id)
    _require_text(request, meeting)
    return meeting


def _shown_title(request: AuthenticatedHttpRequest, meeting: Meeting) -> str:
    return meeting.title if sees_conference_text(request.user, meeting) else meeting.listed_title


def _to_meeting(meeting: Meeting, anchor: str = "") -> HttpResponse:
    return redirect(reverse("teams:meeting", args=[meeting.public_id]) + anchor)


# --- A team's meetings ------------------------------------------------------------------------


@require_safe
@login_required
def meeting_list(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    team, access = get_team_for_user(request.user, public_id)
    now = timezone.now()
    meetings = list(
        team.meetings.annotate(
            invited=Count("attendances", filter=Q(attendances__invited_at__isnull=False)),
            came=Count("attendances", filter=Q(attendances__attended=True)),
        ).order_by("-starts_at", "-id")
    )
    context = {
        "team": team,
        "access": access,
        "tabs": team_tabs(team, access),
        "upcoming": sorted((m for m in meetings if m.ends_at >= now), key=lambda m: (m.starts_at, m.pk)),
        "past": [m for m in meetings if m.ends_at < now],
    }
    return render(request, "teams/meeting/list.html", context)


def _form_page(
    request: AuthenticatedHttpRequest,
    form: forms.BaseForm,
    heading: str,
    *,
    team: Team,
    meeting: Meeting | None = None,
    status: int = 200,
    conflict: Any = None,
    intro: str = "",
    submit: str = "",
) -> HttpResponse:
    context = {
        "team": team,
        "meeting": meeting,
        "meeting_title": _shown_title(request, meeting) if meeting else "",
        "form": form,
        "heading": heading,
        "status_code": status,
        "conflict": conflict,
        "intro": intro,
        "submit": submit or _("Save"),
    }
    return render(request, "teams/meeting/form.html", context, status=status)


@require_http_methods(GET_POST)
@login_required
def meeting_create(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    team, access = get_team_for_user(request.user, public_id)
    require_runs(access)
    heading = _("Plan a meeting")
    if request.method != "POST":
        start = (timezone.localtime() + dt.timedelta(days=7)).replace(hour=10, minute=0, second=0, microsecond=0)
        initial = {
            "starts_at": start.replace(tzinfo=None),
            "ends_at": (start + dt.timedelta(hours=2)).replace(tzinfo=None),
        }
        return _form_page(request, MeetingForm(initial=initial), heading, team=team)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting = service.create_meeting(request.user, team, **form.meeting_data())
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The meeting was planned. Invite the members from its page."))
            return _to_meeting(meeting)
    return _form_page(request, form, heading, team=team, status=400)


# --- The meeting page -------------------------------------------------------------------------


def meeting_details(meeting: Meeting, *, with_text: bool = True) -> dict[str, Any]:
    """Attendance, decisions and attachments of a meeting, in a fixed number of queries;
    without the decisions and attachments when the user may not read the meeting's text."""
    attendances = list(meeting.attendances.select_related("institution", "user").order_by("institution__name", "id"))
    decisions = list(meeting.decisions.order_by("number", "id")) if with_text else []
    attachments = TeamDocument.objects.filter(meeting=meeting).order_by("uploaded_at", "id") if with_text else []
    return {
        "attendances": attendances,
        "invitations": [row for row in attendances if row.invited_at is not None],
        "present": [row for row in attendances if row.attended],
        "absent": [row for row in attendances if row.attended is False],
        "decisions": decisions,
        "attachments": list(attachments),
    }


def _not_recorded(meeting: Meeting, attendances: list[Any]) -> list[service.Attendee]:
    """Who could be recorded at a meeting that has started but has no attendance yet, so the
    page tells them apart from those recorded as absent."""
    if meeting.starts_at > timezone.now() or meeting.status == MeetingStatus.CANCELLED:
        return []
    recorded = {
        f"u{row.user_id}" if row.user_id else f"i{row.institution_id}"
        for row in attendances
        if row.attended is not None
    }
    return [person for person in service.attendees(meeting) if person.key not in recorded]


def _decision_rows(team: Team, decisions: list[Decision]) -> list[dict[str, Any]]:
    create = reverse("teams:task_create", args=[team.public_id])
    return [{"decision": d, "task_url": f"{create}?decision={d.public_id}"} for d in decisions]


def _detail_forms(meeting: Meeting, access: TeamAccess, invitation: Any, *, started: bool) -> dict[str, Any]:
    planned = meeting.status == MeetingStatus.PLANNED
    return {
        "respond_form": (
            RespondForm(initial={"answer": invitation.response})
            if invitation and service.takes_answers(meeting)
            else None
        ),
        "invite_form": InviteForm(meeting=meeting) if access.runs and planned and not started else None,
        "cancel_form": VersionForm(initial={"version": meeting.version}),
        "decision_form": DecisionForm(),
        "attachment_form": AttachmentForm(),
    }


@require_safe
@login_required
def meeting_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting, access = get_meeting_for_user(request.user, public_id)
    team = meeting.team
    sees_text = sees_conference_text(request.user, meeting)
    details = meeting_details(meeting, with_text=sees_text)
    invitation = next((row for row in details["invitations"] if row.user_id == request.user.pk), None)
    started = meeting.starts_at <= timezone.now()
    conference = meeting.kind == MeetingKind.CASE_CONFERENCE
    context = {
        "team": team,
        "access": access,
        "tabs": team_tabs(team, access),
        "meeting": meeting,
        "meeting_title": meeting.title if sees_text else meeting.listed_title,
        "sees_text": sees_text,
        **details,
        "decision_rows": _decision_rows(team, details["decisions"]),
        "not_recorded": _not_recorded(meeting, details["attendances"]),
        "started": started,
        "planned": meeting.status == MeetingStatus.PLANNED,
        "cancelled": meeting.status == MeetingStatus.CANCELLED,
        "invitation": invitation,
        **_detail_forms(meeting, access, invitation, started=started),
        "cases_url": reverse("teams:conference_cases", args=[meeting.public_id]) if conference else "",
    }
    return render(request, "teams/meeting/detail.html", context)


# --- Changing and cancelling ------------------------------------------------------------------


def _when(value: Any) -> str:
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.strftime("%d.%m.%Y %H:%M")
    return ""


@require_http_methods(GET_POST)
@login_required
def meeting_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting = _text_to_run(request, public_id)
    team = meeting.team
    heading = _("Change the meeting")
    if meeting.status == MeetingStatus.CANCELLED:
        messages.info(request, _("The meeting was cancelled: it cannot be changed any more."))
        return _to_meeting(meeting)
    if request.method != "POST":
        return _form_page(
            request, MeetingForm(initial=MeetingForm.initial_for(meeting)), heading, team=team, meeting=meeting
        )
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            service.update_meeting(request.user, meeting, form.cleaned_data["version"], **form.meeting_data())
        except service.StaleMeeting:
            meeting.refresh_from_db()
            conflict = differences(
                form, MeetingForm.initial_for(meeting), readers={"starts_at": _when, "ends_at": _when}
            )
            again = rebound(MeetingForm, request.POST, meeting.version)
            return _form_page(request, again, heading, team=team, meeting=meeting, status=409, conflict=conflict)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The changes were saved."))
            return _to_meeting(meeting)
    return _form_page(request, form, heading, team=team, meeting=meeting, status=400)


@require_POST
@login_required
def meeting_cancel(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting = _meeting_to_run(request, public_id)
    form = VersionForm(request.POST)
    heading = _("Cancel the meeting")
    status = 400
    if form.is_valid():
        try:
            service.cancel_meeting(request.user, meeting, form.cleaned_data["version"])
        except service.StaleMeeting as stale:
            meeting.refresh_from_db()
            form = rebound(VersionForm, request.POST, meeting.version)
            form.add_error(None, stale)
            status = 409
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The meeting was cancelled. The invited members were told."))
            return _to_meeting(meeting)
    intro = _("Cancelling tells every invited member and removes the meeting from their calendars.")
    return _form_page(
        request, form, heading, team=meeting.team, meeting=meeting, status=status, intro=intro, submit=heading
    )


# --- Invitations and answers ------------------------------------------------------------------


@require_POST
@login_required
def meeting_invite(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting = _meeting_to_run(request, public_id)
    form = InviteForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            invited = service.invite(request.user, meeting, list(form.cleaned_data["members"]))
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(
                request,
                _("Invitations sent: %(count)s. Invited people got an e-mail with the event.")
                % {"count": len(invited)},
            )
            return _to_meeting(meeting, "#invitations")
    return _form_page(
        request, form, _("Invite members"), team=meeting.team, meeting=meeting, status=400, submit=_("Send invitations")
    )


@require_POST
@login_required
def meeting_respond(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting, _access = get_meeting_for_user(request.user, public_id)
    if service.invitation_of(request.user, meeting) is None:
        raise PermissionDenied
    form = RespondForm(request.POST)
    if form.is_valid():
        try:
            service.respond(request.user, meeting, form.cleaned_data["answer"])
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("Your answer was saved."))
            return _to_meeting(meeting)
    return _form_page(request, form, _("Your answer to the invitation"), team=meeting.team, meeting=meeting, status=400)


# --- Attendance -------------------------------------------------------------------------------


@require_http_methods(GET_POST)
@login_required
def meeting_attendance(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting = _meeting_to_run(request, public_id)
    people = service.attendees(meeting)
    if request.method != "POST":
        return _attendance_page(request, meeting, AttendanceForm(meeting=meeting, people=people))
    form = AttendanceForm(request.POST, meeting=meeting, people=people)
    if form.is_valid():
        try:
            service.record_attendance(request.user, meeting, form.attendance_rows(), form.cleaned_data["version"])
        except service.StaleMeeting:
            meeting.refresh_from_db()
            saved_now = AttendanceForm(meeting=meeting, people=people).saved_values()
            again = rebound(AttendanceForm, request.POST, meeting.version, meeting=meeting, people=people)
            return _attendance_page(request, meeting, again, status=409, conflict=differences(form, saved_now))
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The attendance was saved."))
            return _to_meeting(meeting, "#attendance")
    return _attendance_page(request, meeting, form, status=400)


def _attendance_page(
    request: AuthenticatedHttpRequest,
    meeting: Meeting,
    form: AttendanceForm,
    *,
    status: int = 200,
    conflict: Any = None,
) -> HttpResponse:
    context = {
        "team": meeting.team,
        "meeting": meeting,
        "meeting_title": _shown_title(request, meeting),
        "form": form,
        "hours": meeting.hours,
        "conflict": conflict,
    }
    return render(request, "teams/meeting/attendance.html", context, status=status)


# --- Minutes, decisions, attachments ----------------------------------------------------------


@require_http_methods(GET_POST)
@login_required
def meeting_minutes(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting = _text_to_run(request, public_id)
    team = meeting.team
    heading = _("Minutes of the meeting")
    intro = _("Saving the minutes marks the meeting as held.")
    if request.method != "POST":
        form = MinutesForm(initial={"minutes": meeting.minutes, "version": meeting.version})
        return _form_page(request, form, heading, team=team, meeting=meeting, intro=intro)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            service.record_minutes(request.user, meeting, form.cleaned_data["minutes"], form.cleaned_data["version"])
        except service.StaleMeeting:
            meeting.refresh_from_db()
            conflict = differences(form, {"minutes": meeting.minutes})
            again = rebound(MinutesForm, request.POST, meeting.version)
            return _form_page(request, again, heading, team=team, meeting=meeting, status=409, conflict=conflict)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The minutes were saved and the meeting marked as held."))
            return _to_meeting(meeting, "#minutes")
    return _form_page(request, form, heading, team=team, meeting=meeting, status=400, intro=intro)


@require_POST
@login_required
def decision_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting = _text_to_run(request, public_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decision = service.add_decision(request.user, meeting, form.cleaned_data["text"])
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("Decision no. %(number)s was recorded.") % {"number": decision.number})
            return _to_meeting(meeting, "#decisions")
    return _form_page(
        request,
        form,
        _("Record a decision"),
        team=meeting.team,
        meeting=meeting,
        status=400,
        submit=_("Add the decision"),
    )


@require_POST
@login_required
def attachment_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting = _text_to_run(request, public_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_document(
                request.user, meeting.team, form.cleaned_data["file"], title=form.cleaned_data["title"], meeting=meeting
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The attachment was added."))
            return _to_meeting(meeting, "#attachments")
    return _form_page(
        request, form, _("Add an attachment"), team=meeting.team, meeting=meeting, status=400, submit=_("Add the file")
    )


# --- The PDF and the calendar file ------------------------------------------------------------


@require_safe
@login_required
def meeting_pdf(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting, _access = get_meeting_for_user(request.user, public_id)
    _require_text(request, meeting)
    details = meeting_details(meeting)
    audit.record(AuditAction.PRINT, request=request, obj=meeting, municipality_code=meeting.team.municipality.code)
    html = render_to_string(
        "teams/meeting/pdf.html",
        {"meeting": meeting, "team": meeting.team, "today": timezone.localdate(), **details},
        request,
    )
    response = HttpResponse(render_pdf(html, css=REPORT_CSS), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="protokol-spotkania.pdf"'
    return response


@require_safe
@login_required
def meeting_ics(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    meeting, _access = get_meeting_for_user(request.user, public_id)
    response = HttpResponse(ics.event_ics(meeting, method="PUBLISH"), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="spotkanie.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


urls: list[URLPattern] = [
    path("<uuid:public_id>/meetings/", meeting_list, name="meetings"),
    path("<uuid:public_id>/meetings/new/", meeting_create, name="meeting_create"),
    path("meetings/<uuid:public_id>/", meeting_detail, name="meeting"),
    path("meetings/<uuid:public_id>/edit/", meeting_edit, name="meeting_edit"),
    path("meetings/<uuid:public_id>/cancel/", meeting_cancel, name="meeting_cancel"),
    path("meetings/<uuid:public_id>/invite/", meeting_invite, name="meeting_invite"),
    path("meetings/<uuid:public_id>/respond/", meeting_respond, name="meeting_respond"),
    path("meetings/<uuid:public_id>/attendance/", meeting_attendance, name="meeting_attendance"),
    path("meetings/<uuid:public_id>/minutes/", meeting_minutes, name="meeting_minutes"),
    path("meetings/<uuid:public_id>/decisions/", decision_add, name="decision_add"),
    path("meetings/<uuid:public_id>/attachments/", attachment_add, name="attachment_add"),
    path("meetings/<uuid:public_id>/minutes.pdf", meeting_pdf, name="meeting_pdf"),
    path("meetings/<uuid:public_id>/meeting.ics", meeting_ics, name="meeting_ics"),
]
