"""Daily reminders of the plans: a plan review coming due and a goal coming due.

Each reminder goes to the people who carry the plan out — the case's lead worker and the
current case-team members of the owning institution (a goal's responsible person too) — once:
the review's `reminded_at` and the goal's `due_reminded_at` mark it sent, so the job may run
twice (core.tasks: every task is idempotent). Titles never name a person.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from kooperacja.core.models import User
from kooperacja.core.notifications import notify
from kooperacja.plans.models import OPEN_PLAN_STATUSES, CooperationPlan, Goal, PlanReview
from kooperacja.plans.services import OPEN_GOAL_STATUSES

# How many days ahead of the date a reminder is sent.
REMIND_DAYS_AHEAD = 7


def _today(now: dt.datetime | None) -> dt.date:
    return timezone.localdate(now or timezone.now())


def plan_workers(plan: CooperationPlan) -> list[User]:
    """The lead worker of the plan's case and the current team members of the owning institution."""
    case = plan.case
    found: dict[int, User] = {}
    if case.lead_worker is not None and case.lead_worker.is_active:
        found[case.lead_worker.pk] = case.lead_worker
    for member in case.team.current().filter(institution_id=case.institution_id).select_related("user"):
        if member.user.is_active:
            found.setdefault(member.user.pk, member.user)
    return list(found.values())


def _send(recipients: list[Any], kind: str, title: str, url: str) -> None:
    with override("pl"):
        for user in recipients:
            notify(user, kind=kind, title=title, url=url)


def remind_plan_reviews(now: dt.datetime | None = None) -> int:
    """Remind of every review due within REMIND_DAYS_AHEAD days (or overdue) of an open plan
    not held and not reminded of yet. Returns how many reviews were reminded of."""
    limit = _today(now) + dt.timedelta(days=REMIND_DAYS_AHEAD)
    due = PlanReview.objects.filter(
        held_on__isnull=True, reminded_at__isnull=True, due_on__lte=limit, plan__status__in=OPEN_PLAN_STATUSES
    ).select_related("plan", "plan__case", "plan__case__lead_worker")
    count = 0
    for review in due:
        with transaction.atomic():
            unclaimed = PlanReview.objects.filter(pk=review.pk, reminded_at__isnull=True)
            claimed = unclaimed.update(reminded_at=timezone.now())
            if not claimed:
                continue
            with override("pl"):
                title = _("A review of a cooperation plan is due on %(date)s") % {
                    "date": review.due_on.strftime("%d.%m.%Y")
                }
            url = reverse("plans:plan", kwargs={"public_id": review.plan.public_id})
            _send(plan_workers(review.plan), "plan_review_due", title, url)
            count += 1
    return count


def remind_goals_due(now: dt.datetime | None = None) -> int:
    """Remind of every goal of an open plan, not yet achieved, due within REMIND_DAYS_AHEAD days
    (or overdue), not reminded of yet: its responsible person and the plan's workers."""
    limit = _today(now) + dt.timedelta(days=REMIND_DAYS_AHEAD)
    due = Goal.objects.filter(
        status__in=OPEN_GOAL_STATUSES,
        due_reminded_at__isnull=True,
        due_on__lte=limit,
        plan__status__in=OPEN_PLAN_STATUSES,
    ).select_related("plan", "plan__case", "plan__case__lead_worker", "responsible_user")
    count = 0
    for goal in due:
        with transaction.atomic():
            claimed = Goal.objects.filter(pk=goal.pk, due_reminded_at__isnull=True).update(
                due_reminded_at=timezone.now()
            )
            if not claimed:
                continue
            recipients = {user.pk: user for user in plan_workers(goal.plan)}
            if goal.responsible_user is not None and goal.responsible_user.is_active:
                recipients.setdefault(goal.responsible_user.pk, goal.responsible_user)
            with override("pl"):
                due_on = goal.due_on.strftime("%d.%m.%Y")
                title = _("A goal of a cooperation plan is due on %(date)s") % {"date": due_on}
            url = reverse("plans:plan", kwargs={"public_id": goal.plan.public_id})
            _send(list(recipients.values()), "goal_due", title, url)
            count += 1
    return count


def send_plan_reminders(now: dt.datetime | None = None) -> int:
    """The daily job: both kinds of reminders."""
    return remind_plan_reviews(now) + remind_goals_due(now)
