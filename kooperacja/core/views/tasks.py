"""Background task status for platform administrators: what is queued, what failed and why."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pprint import pformat
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe
from django_q.models import OrmQ, Task

from kooperacja.core.forms.tasks import TaskFilterForm, TaskState
from kooperacja.core.policies import role_required
from kooperacja.core.roles import Role

PAGE_SIZE = 50
# Task ids are django-q's uuid4 hex.
_TASK_ID = re.compile(r"^[0-9a-f]{32}$")
# A result or an argument is shown up to this many characters; the page must stay usable.
_SHOWN_CHARS = 20_000


@require_safe
@role_required(Role.ADMIN)
def task_list(request: HttpRequest) -> HttpResponse:
    form = TaskFilterForm(request.GET)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    rows: Any
    if state == TaskState.QUEUED:
        rows = OrmQ.objects.order_by("id")
    else:
        # The pickled arguments and results can be large: the list decodes none of them.
        rows = Task.objects.defer("args", "kwargs", "result").order_by("-stopped", "-started")
        if state == TaskState.FAILED:
            rows = rows.filter(success=False)
        elif state == TaskState.SUCCEEDED:
            rows = rows.filter(success=True)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = Task.objects.aggregate(
        failed=Count("id", filter=Q(success=False)), succeeded=Count("id", filter=Q(success=True))
    )
    return render(
        request,
        "core/tasks/list.html",
        {
            "form": form,
            "state": state,
            "page_obj": page,
            "queued_count": OrmQ.objects.count(),
            "failed_count": counts["failed"],
            "succeeded_count": counts["succeeded"],
            "now": timezone.now(),
            "page_query": f"state={state}" if state else "",
        },
    )


@dataclass
class TaskView:
    """One task as the detail page shows it, whether it is still queued or has run."""

    id: str
    name: str
    func: str
    state: str
    args: str
    kwargs: str
    result: str = ""
    started: Any = None
    stopped: Any = None
    attempt_count: int | None = None
    locked_until: Any = None


@require_safe
@role_required(Role.ADMIN)
def task_detail(request: HttpRequest, task_id: str) -> HttpResponse:
    if not _TASK_ID.match(task_id):
        raise Http404
    task = Task.objects.filter(id=task_id).first()
    if task is not None:
        shown = TaskView(
            id=task.id,
            name=task.name,
            func=task.func,
            state=TaskState.SUCCEEDED if task.success else TaskState.FAILED,
            args=_shown(task.args),
            kwargs=_shown(task.kwargs),
            result=task.result if isinstance(task.result, str) else _shown(task.result),
            started=task.started,
            stopped=task.stopped,
            attempt_count=task.attempt_count,
        )
    else:
        shown = _queued(task_id)
    return render(request, "core/tasks/detail.html", {"task": shown, "states": TaskState, "now": timezone.now()})


def _queued(task_id: str) -> TaskView:
    # The queue holds signed packages, not searchable columns: read them one by one. The queue
    # is short when the worker runs; when it is long, finding why is what this page is for.
    for row in OrmQ.objects.order_by("id").iterator():
        if row.task_id() == task_id:
            return TaskView(
                id=task_id,
                name=row.name() or "",
                func=row.func() or "",
                state=TaskState.QUEUED,
                args=_shown(row.args()),
                kwargs=_shown(row.kwargs()),
                started=row.task.get("started"),
                locked_until=row.lock,
            )
    raise Http404


def _shown(value: Any) -> str:
    text = pformat(value, width=100, sort_dicts=False)
    if len(text) > _SHOWN_CHARS:
        text = text[:_SHOWN_CHARS] + " …"
    return text
