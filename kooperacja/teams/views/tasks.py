"""Task pages: "my tasks", a team's tasks, a new task (from a decision or directly), one task
with its comments and status, and editing it.

Teams and tasks are fetched through `teams.policies` (404 outside the user's teams, 403 for an
action the user may not take); every change goes through `teams.tasks`, whose refusals the
pages show on the form they came from, changing nothing.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kooperacja.core.forms.conflicts import differences, put_refusal, rebound
from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest, landing
from kooperacja.teams import tasks as service
from kooperacja.teams.forms.tasks import CommentForm, StatusForm, TaskFilterForm, TaskForm
from kooperacja.teams.models import OPEN_TASK_STATUSES, Decision, Task, Team
from kooperacja.teams.policies import (
    TeamAccess,
    get_task_for_user,
    get_team_for_user,
    may_update_task,
    require_runs,
    uses_teams,
)
from kooperacja.teams.views.common import team_tabs

PAGE_SIZE = 50


# --- Lists ------------------------------------------------------------------------------------


def _filtered(tasks: QuerySet[Task], form: TaskFilterForm) -> QuerySet[Task]:
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or ""
    if status == "":
        tasks = tasks.filter(status__in=OPEN_TASK_STATUSES)
    elif status != "all":
        tasks = tasks.filter(status=status)
    if data.get("overdue"):
        tasks = tasks.overdue()  # type: ignore[attr-defined]
    if data.get("owner"):
        tasks = tasks.filter(owner_institution=data["owner"])
    return tasks


def _list_context(request: AuthenticatedHttpRequest, tasks: QuerySet[Task], form: TaskFilterForm) -> dict[str, Any]:
    today = timezone.localdate()
    page = Paginator(service.for_list(_filtered(tasks, form), today), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "rows": [{"task": task, "overdue": service.is_overdue(task, today)} for task in page],
        "page": page,
        "query": query.urlencode(),
        "filters": form,
    }


@require_safe
@login_required
def my_tasks(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not uses_teams(request.user):
        raise PermissionDenied
    form = TaskFilterForm(request.GET, team=None)
    context = _list_context(request, service.my_tasks(request.user), form)
    return render(request, "teams/task/mine.html", context, status=200 if form.is_valid() else 400)


@require_safe
@login_required
def team_tasks(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    team, access = get_team_for_user(request.user, public_id)
    form = TaskFilterForm(request.GET, team=team)
    context = {
        "team": team,
        "access": access,
        "tabs": team_tabs(team, access),
        **_list_context(request, Task.objects.filter(team=team), form),
    }
    return render(request, "teams/task/team.html", context, status=200 if form.is_valid() else 400)


# --- A new task and editing -------------------------------------------------------------------


def _form_page(
    request: AuthenticatedHttpRequest,
    team: Team,
    form: TaskForm,
    heading: str,
    *,
    task: Task | None = None,
    status: int = 200,
    conflict: Any = None,
) -> HttpResponse:
    context = {"team": team, "task": task, "form": form, "heading": heading, "conflict": conflict}
    return render(request, "teams/task/form.html", context, status=status)


def _from_decision(team: Team, raw: str | None) -> dict[str, Any]:
    """The new task's form filled from a decision of the team (`?decision=<its public id>`, the
    link beside each decision of a meeting). An address naming no decision of this team fills
    nothing: the empty form is still the right page, and it tells nothing about other teams."""
    try:
        public_id = UUID(raw or "")
    except ValueError:
        return {}
    decision = Decision.objects.filter(public_id=public_id, meeting__team=team).first()
    if decision is None:
        return {}
    return {"decision": decision.public_id, "title": " ".join(decision.text.split())[:300]}


@require_http_methods(GET_POST)
@login_required
def task_create(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    team, access = get_team_for_user(request.user, public_id)
    require_runs(access)
    heading = _("A new task")
    if request.method != "POST":
        form = TaskForm(team=team, initial=_from_decision(team, request.GET.get("decision")))
        return _form_page(request, team, form, heading)
    form = TaskForm(request.POST, team=team)
    if form.is_valid():
        try:
            task = service.create_task(request.user, team, decision=form.cleaned_data["decision"], **form.task_data())
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The task was added and its owner was told."))
            return redirect("teams:task", public_id=task.public_id)
    return _form_page(request, team, form, heading, status=400)


@require_http_methods(GET_POST)
@login_required
def task_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    task, access = get_task_for_user(request.user, public_id)
    require_runs(access)
    team = task.team
    heading = _("Edit the task")
    if request.method != "POST":
        form = TaskForm(team=team, editing=True, initial=TaskForm.initial_for(task))
        return _form_page(request, team, form, heading, task=task)
    form = TaskForm(request.POST, team=team, editing=True)
    if form.is_valid():
        try:
            service.update_task(request.user, task, form.cleaned_data["version"], **form.task_data())
        except service.StaleTask:
            task.refresh_from_db()
            conflict = differences(form, TaskForm.initial_for(task))
            again = rebound(TaskForm, request.POST, task.version, team=team, editing=True)
            return _form_page(request, team, again, heading, task=task, status=409, conflict=conflict)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("teams:task", public_id=task.public_id)
    return _form_page(request, team, form, heading, task=task, status=400)


# --- One task ---------------------------------------------------------------------------------


def _detail(
    request: AuthenticatedHttpRequest,
    task: Task,
    access: TeamAccess,
    *,
    status_form: StatusForm | None = None,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_update = may_update_task(request.user, task, access)
    context = {
        "task": task,
        "team": task.team,
        "access": access,
        "overdue": service.is_overdue(task),
        "mine": service.is_mine(request.user, task),
        "decision": _decision_of(task),
        "comments": task.comments.select_related("author"),
        "status_form": (status_form or StatusForm(initial={"status": task.status, "version": task.version}))
        if may_update
        else None,
        "comment_form": comment_form or CommentForm(),
    }
    return render(request, "teams/task/detail.html", context, status=status)


def _decision_of(task: Task) -> Decision | None:
    decision_id = task.decision_id
    if decision_id is None:
        return None
    return Decision.objects.select_related("meeting").filter(pk=decision_id).first()


@require_safe
@login_required
def task_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    task, access = get_task_for_user(request.user, public_id)
    return _detail(request, task, access)


@require_POST
@login_required
def task_status(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    task, access = get_task_for_user(request.user, public_id)
    if not may_update_task(request.user, task, access):
        raise PermissionDenied
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            service.set_status(request.user, task, form.cleaned_data["status"], form.cleaned_data["version"])
        except service.StaleTask as stale:
            task.refresh_from_db()
            again = rebound(StatusForm, request.POST, task.version)
            again.add_error(None, stale)
            return _detail(request, task, access, status_form=again, status=409)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The status of the task was changed."))
            return landing("teams:task", public_id=task.public_id)
    return _detail(request, task, access, status_form=form, status=400)


@require_POST
@login_required
def task_comment(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    task, access = get_task_for_user(request.user, public_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            service.add_comment(request.user, task, form.cleaned_data["text"])
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The comment was added."))
            return landing("teams:task", f"comment-{task.comments.count()}", public_id=task.public_id)
    return _detail(request, task, access, comment_form=form, status=400)


urls: list[URLPattern] = [
    path("tasks/", my_tasks, name="my_tasks"),
    path("<uuid:public_id>/tasks/", team_tasks, name="team_tasks"),
    path("<uuid:public_id>/tasks/new/", task_create, name="task_create"),
    path("tasks/<uuid:public_id>/", task_detail, name="task"),
    path("tasks/<uuid:public_id>/edit/", task_edit, name="task_edit"),
    path("tasks/<uuid:public_id>/status/", task_status, name="task_status"),
    path("tasks/<uuid:public_id>/comments/", task_comment, name="task_comment"),
]
