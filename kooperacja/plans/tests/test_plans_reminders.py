"""Daily reminders: a plan review coming due and a goal coming due, each sent once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kooperacja.core.models import Notification
from kooperacja.core.tasks import SCHEDULES
from kooperacja.plans import reminders, services
from tests.helpers_plans import add_goal, make_plan, plan_case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def lead(persona):
    return persona("gops.mirzec")


def told(plan, kind: str) -> list[Notification]:
    """The reminders that link to this plan (the demo's plans have their own)."""
    url = reverse("plans:plan", kwargs={"public_id": plan.public_id})
    return list(Notification.objects.filter(kind=kind, url=url).select_related("recipient"))


def test_it_reminds_the_team_of_a_review_due_within_a_week_once(lead, persona):
    case = plan_case(lead, team=(persona("asystent.mirzec"),))
    plan = make_plan(lead, case, status="in_progress")
    services.schedule_review(lead, plan, due_on=TODAY() + dt.timedelta(days=3))
    reminders.remind_plan_reviews()
    reminders.remind_plan_reviews()
    sent = told(plan, "plan_review_due")
    assert sorted(n.recipient.username for n in sent) == ["asystent.mirzec", "gops.mirzec"]
    assert all("Planowa" not in n.title and "Przegląd planu" in n.title for n in sent)


def test_it_does_not_remind_of_a_review_far_ahead(lead):
    plan = make_plan(lead, plan_case(lead), status="in_progress", starts_on=TODAY())
    reminders.remind_plan_reviews()
    assert told(plan, "plan_review_due") == []


def test_it_reminds_the_responsible_person_of_a_goal_due(lead, persona):
    case = plan_case(lead)
    plan = make_plan(lead, case, status="in_progress")
    colleague = persona("kolega.mirzec")
    add_goal(lead, plan, due_on=TODAY() + dt.timedelta(days=2), responsible_user=colleague)
    add_goal(lead, plan, title="Daleki cel", due_on=TODAY() + dt.timedelta(days=60))
    reminders.remind_goals_due()
    reminders.remind_goals_due()
    assert sorted(n.recipient.username for n in told(plan, "goal_due")) == ["gops.mirzec", "kolega.mirzec"]


def test_it_is_scheduled_daily():
    job = next(job for job in SCHEDULES if job.name == "plan-reminders")
    assert job.func == "kooperacja.plans.reminders.send_plan_reminders"
    assert job.daily_at is not None
