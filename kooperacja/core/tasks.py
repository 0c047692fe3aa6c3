"""Background work: queueing tasks and declaring the periodic jobs (django-q2, ORM broker).

The rule every task follows: **it is idempotent.** The ORM broker hands a task out again
when the worker that took it does not acknowledge it within Q_CLUSTER["retry"] seconds (the
worker was killed, the machine rebooted), and keeps doing so until the task has run
Q_CLUSTER["max_attempts"] times. So any task may run twice: it checks the state it is about
to change (a notification already e-mailed, a digest already sent today) instead of assuming
it runs once. Arguments are plain data (ids, strings, numbers), never model instances: the
task reads the rows it needs when it runs, which may be minutes later.

With the ORM broker a task is queued inside the caller's database transaction: if that
transaction rolls back, the task was never queued.

Periodic jobs are declared with `register_schedule` (core registers its own below; other
apps call it from their AppConfig.ready) and written to django-q's Schedule table by
`manage.py ensure_schedules`, which `serve_with_worker` and deployments run on start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task

# Keywords that django-q takes for itself: a task function cannot receive them.
_RESERVED_KEYWORDS = frozenset(
    {
        "hook",
        "group",
        "save",
        "sync",
        "cached",
        "ack_failure",
        "iter_count",
        "iter_cached",
        "chain",
        "broker",
        "cluster",
        "timeout",
        "q_options",
        "task_name",
    }
)

# Schedule rows whose name starts with this are ours: ensure_schedules creates, updates and
# removes them. Schedules an administrator adds by hand (other names) are left alone.
SCHEDULE_PREFIX = "kooperacja:"


def enqueue(func: str, *args: Any, task_name: str | None = None, **kwargs: Any) -> str:
    """Queue `func` (a dotted path) to run in the worker with these arguments; return the task id.

    The function must be idempotent (see the module docstring). In tests (Q_CLUSTER "sync")
    it runs at once, in this process, and its exception reaches the caller.
    """
    if not isinstance(func, str) or "." not in func:
        raise TypeError(f"enqueue() needs the dotted path of a function, not {func!r}")
    clashing = _RESERVED_KEYWORDS & kwargs.keys()
    if clashing:
        raise TypeError(f"enqueue({func}): keyword arguments {sorted(clashing)} are reserved by django-q; rename them")
    q_options: dict[str, Any] = {}
    if task_name:
        q_options["task_name"] = task_name[:100]
    return str(async_task(func, *args, q_options=q_options, **kwargs))


@dataclass(frozen=True)
class PeriodicJob:
    """A job the worker runs on a schedule: every `minutes`, or daily at `daily_at` local time."""

    name: str
    func: str
    minutes: int | None = None
    daily_at: dt.time | None = None

    @property
    def row_name(self) -> str:
        return SCHEDULE_PREFIX + self.name

    @property
    def schedule_type(self) -> str:
        return Schedule.DAILY if self.daily_at is not None else Schedule.MINUTES

    def first_run(self, now: dt.datetime) -> dt.datetime:
        """When the job first runs after being declared: its next daily time, or at once."""
        if self.daily_at is None:
            return now
        local_now = timezone.localtime(now)
        candidate = timezone.make_aware(dt.datetime.combine(local_now.date(), self.daily_at))
        if candidate <= local_now:
            candidate = timezone.make_aware(dt.datetime.combine(local_now.date() + dt.timedelta(days=1), self.daily_at))
        return candidate


SCHEDULES: list[PeriodicJob] = []


def register_schedule(name: str, func: str, *, minutes: int | None = None, daily_at: str | None = None) -> PeriodicJob:
    """Declare a periodic job: `minutes=15` (every 15 minutes) or `daily_at="07:00"` (local time,
    Europe/Warsaw; the worker keeps the hour across daylight saving changes).

    Registering the same job again is a no-op; reusing a name for a different job is an error.
    Cron expressions are not offered: django-q needs the croniter package for them.
    """
    if (minutes is None) == (daily_at is None):
        raise ValueError(f"schedule {name!r}: give exactly one of minutes= or daily_at=")
    if minutes is not None and not 1 <= minutes <= 32767:
        raise ValueError(f"schedule {name!r}: minutes must be between 1 and 32767")
    if "." not in func:
        raise ValueError(f"schedule {name!r}: func must be a dotted path, not {func!r}")
    if len(SCHEDULE_PREFIX + name) > 100:
        raise ValueError(f"schedule {name!r}: the name is too long")
    at = dt.time.fromisoformat(daily_at) if daily_at is not None else None
    job = PeriodicJob(name=name, func=func, minutes=minutes, daily_at=at)
    for existing in SCHEDULES:
        if existing.name == name:
            if existing != job:
                raise ValueError(f"schedule {name!r} is already registered as {existing}")
            return existing
    SCHEDULES.append(job)
    return job


@dataclass
class ScheduleChanges:
    created: list[str]
    updated: list[str]
    removed: list[str]
    unchanged: list[str]


def ensure_schedules(now: dt.datetime | None = None) -> ScheduleChanges:
    """Make django-q's Schedule rows match SCHEDULES: create the missing, update the changed and
    remove ours that are no longer registered. Running it again changes nothing."""
    now = now or timezone.now()
    changes = ScheduleChanges(created=[], updated=[], removed=[], unchanged=[])
    wanted = {job.row_name: job for job in SCHEDULES}
    with transaction.atomic():
        rows = {row.name: row for row in Schedule.objects.filter(name__startswith=SCHEDULE_PREFIX)}
        for row_name, row in rows.items():
            if row_name not in wanted:
                row.delete()
                changes.removed.append(row_name)
        for row_name, job in wanted.items():
            row = rows.get(row_name)
            if row is None:
                Schedule.objects.create(
                    name=row_name,
                    func=job.func,
                    schedule_type=job.schedule_type,
                    minutes=job.minutes,
                    repeats=-1,
                    next_run=job.first_run(now),
                )
                changes.created.append(row_name)
                continue
            timing_changed = (
                row.schedule_type != job.schedule_type
                or row.minutes != job.minutes
                or (job.daily_at is not None and _local_time(row.next_run) != job.daily_at)
            )
            if not timing_changed and row.func == job.func and row.repeats == -1:
                changes.unchanged.append(row_name)
                continue
            row.func = job.func
            row.schedule_type = job.schedule_type
            row.minutes = job.minutes
            row.repeats = -1
            if timing_changed:
                row.next_run = job.first_run(now)
            row.save()
            changes.updated.append(row_name)
    return changes


def _local_time(moment: dt.datetime | None) -> dt.time | None:
    if moment is None:
        return None
    return timezone.localtime(moment).time().replace(second=0, microsecond=0)


# Core's own periodic jobs.
register_schedule("notification-digest", "kooperacja.core.notifications.send_daily_digests", daily_at="07:00")
# Monthly audit partitions ahead, then retention (DESIGN.md §3).
register_schedule("audit-maintenance", "kooperacja.core.audit_storage.maintain", daily_at="02:30")
