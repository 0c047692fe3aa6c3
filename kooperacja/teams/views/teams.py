"""Team pages: the list of the user's teams, founding a team, its overview, its settings, its
members with their history, and its documents.

Teams are fetched through `teams.policies` (404 outside the user's teams, 403 for a change by
someone who sees the team but does not run it)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kooperacja.core import audit
from kooperacja.core.forms.conflicts import differences, put_refusal, rebound
from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest, landing, serve_private_file
from kooperacja.core.models import AuditAction
from kooperacja.teams import policies, services
from kooperacja.teams.forms.teams import (
    DocumentForm,
    MemberAddForm,
    MemberLeaveForm,
    MemberRoleForm,
    TeamCreateForm,
    TeamEditForm,
)
from kooperacja.teams.models import (
    OPEN_OBLIGATION_STATUSES,
    Meeting,
    MeetingStatus,
    Obligation,
    Task,
    Team,
    TeamDocument,
    TeamMember,
)
from kooperacja.teams.policies import TeamAccess
from kooperacja.teams.views.common import team_tabs

UPCOMING_MEETINGS = 5


def team_page(team: Team, access: TeamAccess, **context: Any) -> dict[str, Any]:
    """The context every page of a team starts from: the team, the user's access and the tabs."""
    return {"team": team, "access": access, "tabs": team_tabs(team, access), **context}


# --- The list and founding a team --------------------------------------------------------------


@require_safe
@login_required
def team_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policies.uses_teams(request.user):
        raise PermissionDenied
    teams = (
        policies.visible_teams(request.user)
        .with_member_count()
        .select_related("municipality", "county")
        .order_by("-is_active", "name", "id")
    )
    context = {"teams": teams, "may_create": services.may_create_teams(request.user)}
    return render(request, "teams/team/list.html", context)


def _form_page(
    request: AuthenticatedHttpRequest,
    form: forms.Form,
    heading: str,
    back: str,
    *,
    team: Team | None = None,
    status: int = 200,
    conflict: Any = None,
    submit: str = "",
    multipart: bool = False,
) -> HttpResponse:
    context = {
        "team": team,
        "form": form,
        "heading": heading,
        "back": back,
        "conflict": conflict,
        "submit": submit or _("Save"),
        "multipart": multipart,
    }
    return render(request, "teams/team/form.html", context, status=status)


@require_http_methods(GET_POST)
@login_required
def team_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not services.may_create_teams(request.user):
        raise PermissionDenied
    heading, back = _("Found a cooperation team"), reverse("teams:list")
    if request.method != "POST":
        return _form_page(request, TeamCreateForm(actor=request.user), heading, back, submit=_("Found the team"))
    form = TeamCreateForm(request.POST, actor=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            team = services.create_team(
                request.user,
                municipality=data["municipality"],
                name=data["name"],
                purpose=data["purpose"],
                founded_on=data["founded_on"],
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The team was founded. Add its member institutions."))
            return redirect("teams:members", public_id=team.public_id)
    return _form_page(request, form, heading, back, status=400, submit=_("Found the team"))


# --- The overview and settings -----------------------------------------------------------------


def current_members(team: Team) -> list[TeamMember]:
    return list(
        TeamMember.objects.current().filter(team=team).select_related("institution", "user").order_by("role", "id")
    )


@require_safe
@login_required
def team_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    team, access = policies.get_team_for_user(request.user, public_id)
    today = timezone.localdate()
    tasks = Task.objects.filter(team=team).unfinished()
    obligations = Obligation.objects.filter(agreement__team=team, status__in=OPEN_OBLIGATION_STATUSES)
    upcoming = Meeting.objects.filter(team=team, status=MeetingStatus.PLANNED, ends_at__gte=timezone.now()).order_by(
        "starts_at"
    )[:UPCOMING_MEETINGS]
    context = team_page(
        team,
        access,
        members=current_members(team),
        upcoming=list(upcoming),
        open_tasks=tasks.count(),
        overdue_tasks=tasks.filter(due_on__lt=today).count(),
        open_obligations=obligations.count(),
        overdue_obligations=obligations.filter(due_on__lt=today).count(),
        agreement_count=team.agreements.count(),
    )
    return render(request, "teams/team/detail.html", context)


@require_http_methods(GET_POST)
@login_required
def team_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    team, access = policies.get_team_for_user(request.user, public_id)
    policies.require_runs(access)
    heading, back = _("Edit the team"), reverse("teams:detail", args=[team.public_id])
    if request.method != "POST":
        return _form_page(request, TeamEditForm(initial=TeamEditForm.initial_for(team)), heading, back, team=team)
    form = TeamEditForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        fields = {key: data[key] for key in services.TEAM_FIELDS}
        try:
            services.update_team(request.user, team, data["version"], **fields)
        except services.StaleTeam:
            team.refresh_from_db()
            conflict = differences(form, TeamEditForm.initial_for(team))
            again = rebound(TeamEditForm, request.POST, team.version)
            return _form_page(request, again, heading, back, team=team, status=409, conflict=conflict)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("teams:detail", public_id=team.public_id)
    return _form_page(request, form, heading, back, team=team, status=400)


# --- Members -----------------------------------------------------------------------------------


def _members_page(
    request: AuthenticatedHttpRequest, team: Team, access: TeamAccess, form: MemberAddForm | None, status: int = 200
) -> HttpResponse:
    rows = list(
        TeamMember.objects.filter(team=team)
        .select_related("institution", "user", "added_by")
        .order_by("institution__name", "joined_on", "id")
    )
    today = timezone.localdate()

    def is_current(member: TeamMember) -> bool:
        return member.joined_on <= today and (member.left_on is None or member.left_on > today)

    context = team_page(
        team,
        access,
        current=[row for row in rows if is_current(row)],
        history=[row for row in rows if not is_current(row)],
        form=form,
    )
    return render(request, "teams/team/members.html", context, status=status)


@require_http_methods(GET_POST)
@login_required
def members(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    team, access = policies.get_team_for_user(request.user, public_id)
    if request.method != "POST":
        return _members_page(request, team, access, MemberAddForm(team=team) if access.runs else None)
    policies.require_runs(access)
    form = MemberAddForm(request.POST, team=team)
    if form.is_valid():
        data = form.cleaned_data
        try:
            added = services.add_member(
                request.user,
                team,
                institution=data["institution"],
                user=data["user"],
                role=data["role"],
                joined_on=data["joined_on"],
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The member was added to the team."))
            return landing("teams:members", f"member-{added.public_id}", public_id=team.public_id)
    return _members_page(request, team, access, form, status=400)


def _member_page(
    request: AuthenticatedHttpRequest,
    team: Team,
    access: TeamAccess,
    member: TeamMember,
    role_form: MemberRoleForm,
    status: int = 200,
) -> HttpResponse:
    context = team_page(team, access, member=member, role_form=role_form)
    return render(request, "teams/team/member.html", context, status=status)


@require_http_methods(GET_POST)
@login_required
def member_change(request: AuthenticatedHttpRequest, public_id: UUID, member: UUID) -> HttpResponse:
    """A member's team role; ending the membership has its own confirmation page (`member_leave`)."""
    membership, access = policies.get_member_for_user(request.user, public_id, member)
    policies.require_runs(access)
    team = membership.team
    if request.method != "POST":
        return _member_page(request, team, access, membership, MemberRoleForm(initial={"role": membership.role}))
    form = MemberRoleForm(request.POST)
    if form.is_valid():
        try:
            services.change_member_role(request.user, membership, form.cleaned_data["role"])
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The team role was changed."))
            return landing("teams:members", f"member-{membership.public_id}", public_id=team.public_id)
    return _member_page(request, team, access, membership, form, status=400)


def is_own(request: AuthenticatedHttpRequest, membership: TeamMember) -> bool:
    return membership.user_id == request.user.pk


def _leave_page(
    request: AuthenticatedHttpRequest,
    access: TeamAccess,
    membership: TeamMember,
    form: MemberLeaveForm,
    status: int = 200,
) -> HttpResponse:
    context = team_page(membership.team, access, member=membership, form=form, own=is_own(request, membership))
    return render(request, "teams/team/leave.html", context, status=status)


@require_http_methods(GET_POST)
@login_required
def member_leave(request: AuthenticatedHttpRequest, public_id: UUID, member: UUID) -> HttpResponse:
    """End a membership after saying what that means: those who run the team end anyone's, a
    named member their own (leaving the team); for the others who see the team, 403."""
    membership, access = policies.get_member_for_user(request.user, public_id, member)
    if not (access.runs or is_own(request, membership)):
        raise PermissionDenied
    if request.method != "POST":
        return _leave_page(request, access, membership, MemberLeaveForm())
    form = MemberLeaveForm(request.POST)
    if form.is_valid():
        try:
            services.end_membership(request.user, membership, form.cleaned_data["left_on"])
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            return _after_leaving(request, membership)
    return _leave_page(request, access, membership, form, status=400)


def _after_leaving(request: AuthenticatedHttpRequest, membership: TeamMember) -> HttpResponse:
    team = membership.team
    if is_own(request, membership):
        messages.success(request, _("You left the team; your membership stays in its history."))
        if policies.team_access(request.user, team) is None:
            return landing("teams:list")
    else:
        messages.success(request, _("The membership was ended; it stays in the history."))
    return landing("teams:members", f"member-{membership.public_id}", public_id=team.public_id)


# --- Documents ---------------------------------------------------------------------------------


def _documents_page(
    request: AuthenticatedHttpRequest, team: Team, access: TeamAccess, form: DocumentForm | None, status: int = 200
) -> HttpResponse:
    documents = TeamDocument.objects.filter(team=team).select_related("meeting", "uploaded_by")
    context = team_page(team, access, documents=documents, form=form)
    return render(request, "teams/team/documents.html", context, status=status)


@require_http_methods(GET_POST)
@login_required
def documents(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    team, access = policies.get_team_for_user(request.user, public_id)
    if request.method != "POST":
        return _documents_page(request, team, access, DocumentForm() if access.runs else None)
    policies.require_runs(access)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.add_document(
                request.user, team, form.cleaned_data["file"], title=form.cleaned_data["title"]
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The document was added."))
            return landing("teams:documents", f"document-{document.public_id}", public_id=team.public_id)
    return _documents_page(request, team, access, form, status=400)


@require_safe
@login_required
def document_download(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponseBase:
    document, _access = policies.get_document_for_user(request.user, public_id)
    if document.meeting is not None and not policies.sees_conference_text(request.user, document.meeting):
        raise PermissionDenied
    audit.record(AuditAction.VIEW, request=request, obj=document, municipality_code=document.team.municipality.code)
    return serve_private_file(document.file, filename=document.original_name, content_type=document.content_type)


urls: list[URLPattern] = [
    path("", team_list, name="list"),
    path("new/", team_create, name="create"),
    path("<uuid:public_id>/", team_detail, name="detail"),
    path("<uuid:public_id>/edit/", team_edit, name="edit"),
    path("<uuid:public_id>/members/", members, name="members"),
    path("<uuid:public_id>/members/<uuid:member>/", member_change, name="member_change"),
    path("<uuid:public_id>/members/<uuid:member>/leave/", member_leave, name="member_leave"),
    path("<uuid:public_id>/documents/", documents, name="documents"),
    path("documents/<uuid:public_id>/", document_download, name="document"),
]
