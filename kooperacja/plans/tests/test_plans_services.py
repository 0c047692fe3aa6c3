"""Plan services: the plan's steps (a transition table), goals, progress, reviews, the timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from kooperacja.cases.models import TimelineEntry, TimelineKind
from kooperacja.plans import services
from kooperacja.plans.models import CooperationPlan, GoalStatus, PlanStatus
from tests.helpers_plans import add_goal, make_plan, plan_case, school_of

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def lead(persona):
    return persona("gops.mirzec")


@pytest.fixture
def case(lead):
    return plan_case(lead)


def _perform(actor, plan, action):
    if action == "agree":
        return services.agree_plan(actor, plan, version=plan.version, agreed_on=TODAY(), method="oral")
    if action == "start":
        return services.start_plan(actor, plan, version=plan.version)
    if action == "complete":
        return services.complete_plan(actor, plan, version=plan.version)
    return services.end_plan(actor, plan, version=plan.version, reason="Brak współpracy.")


ALLOWED = {
    ("draft", "agree"): "agreed",
    ("draft", "end"): "ended",
    ("agreed", "start"): "in_progress",
    ("agreed", "end"): "ended",
    ("in_progress", "complete"): "completed",
    ("in_progress", "end"): "ended",
}


@pytest.mark.parametrize("status", PlanStatus.values)
@pytest.mark.parametrize("action", ["agree", "start", "complete", "end"])
def test_it_allows_only_the_steps_of_the_transition_table(lead, case, status, action):
    plan = make_plan(lead, case, status=status)
    if status == "draft":
        add_goal(lead, plan)
    for goal in plan.goals.filter(status__in=services.OPEN_GOAL_STATUSES):
        services.record_progress(lead, goal, institution=case.institution, value="ok", status=GoalStatus.ACHIEVED)
    before = plan.version
    if (status, action) in ALLOWED:
        _perform(lead, plan, action)
        plan.refresh_from_db()
        assert plan.status == ALLOWED[(status, action)]
        assert plan.version == before + 1
        return
    with override("pl"), pytest.raises(ValidationError) as refused:
        _perform(lead, plan, action)
    assert "Ten krok nie jest teraz dozwolony" in " ".join(refused.value.messages)
    plan.refresh_from_db()
    assert (plan.status, plan.version) == (status, before)


def test_it_puts_every_plan_event_on_the_case_timeline(lead, case):
    plan = make_plan(lead, case, status="in_progress")  # with one goal, added before the agreement
    goal = plan.goals.get()
    services.record_progress(lead, goal, institution=case.institution, value="umowa", status=GoalStatus.ACHIEVED)
    services.complete_plan(lead, plan, version=plan.version)
    entries = TimelineEntry.objects.filter(case=case, kind=TimelineKind.PLAN)
    assert entries.count() == 6  # created, goal added, agreed, started, goal achieved, completed
    assert set(entries.values_list("category", flat=True)) == {"plan"}
    assert "Anna" not in " ".join(entries.values_list("title", flat=True))


def test_it_refuses_a_second_open_plan(lead, case):
    make_plan(lead, case)
    with override("pl"), pytest.raises(ValidationError, match="ma już otwarty plan"):
        services.create_plan(lead, case, starts_on=TODAY())
    assert CooperationPlan.objects.filter(case=case).count() == 1


def test_it_allows_a_new_plan_after_the_last_one_ended(lead, case):
    make_plan(lead, case, status="ended")
    plan = services.create_plan(lead, case, starts_on=TODAY())
    assert plan.status == PlanStatus.DRAFT


def test_it_refuses_a_plan_ending_before_it_starts(lead, case):
    with override("pl"), pytest.raises(ValidationError) as refused:
        services.create_plan(lead, case, starts_on=TODAY(), ends_on=TODAY() - dt.timedelta(days=1))
    assert "Planowany koniec nie może być przed początkiem planu." in refused.value.message_dict["ends_on"]
    assert not CooperationPlan.objects.filter(case=case).exists()


def test_it_refuses_ending_without_a_reason(lead, case):
    plan = make_plan(lead, case, status="in_progress")
    with override("pl"), pytest.raises(ValidationError) as refused:
        services.end_plan(lead, plan, version=plan.version, reason="  ")
    assert "Podaj, dlaczego plan kończy się bez realizacji." in refused.value.message_dict["reason"]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_PROGRESS


def test_it_refuses_a_goal_due_before_the_plan_starts(lead, case):
    plan = make_plan(lead, case)
    with override("pl"), pytest.raises(ValidationError) as refused:
        add_goal(lead, plan, due_on=plan.starts_on - dt.timedelta(days=1))
    assert "Cel nie może mieć terminu przed początkiem planu" in refused.value.message_dict["due_on"][0]
    assert not plan.goals.exists()


def test_it_refuses_a_responsible_institution_not_taking_part(lead, case, persona):
    plan = make_plan(lead, case)
    with pytest.raises(ValidationError) as refused:
        add_goal(lead, plan, responsible_institution=school_of(persona("szkola.mirzec")))
    assert "responsible_institution" in refused.value.message_dict


def test_it_refuses_a_responsible_person_of_another_institution(lead, case, persona):
    plan = make_plan(lead, case)
    with pytest.raises(ValidationError) as refused:
        add_goal(lead, plan, responsible_user=persona("gops.oksa"))
    assert "responsible_user" in refused.value.message_dict


def test_it_refuses_a_stale_plan_edit(lead, case):
    plan = make_plan(lead, case)
    services.update_plan(lead, plan, version=plan.version, starts_on=plan.starts_on, title="Nowy")
    with pytest.raises(services.StalePlan):
        services.update_plan(lead, plan, version=plan.version - 1, starts_on=plan.starts_on, title="Stary")
    plan.refresh_from_db()
    assert plan.title == "Nowy"


def test_it_schedules_the_next_review_after_one_is_held(lead, case):
    plan = make_plan(lead, case, status="in_progress")
    assert plan.next_review_on == plan.starts_on + dt.timedelta(weeks=12)
    services.record_review(lead, plan, held_on=TODAY(), summary="Cele aktualne.")
    plan.refresh_from_db()
    assert plan.next_review_on == TODAY() + dt.timedelta(weeks=plan.review_every_weeks)
    assert list(plan.reviews.values_list("held_on", flat=True)) == [TODAY(), None]


def test_it_marks_a_goal_in_progress_on_its_first_progress(lead, case):
    plan = make_plan(lead, case, status="in_progress")
    goal = add_goal(lead, plan)
    services.record_progress(lead, goal, institution=case.institution, value="rozmowa w PUP")
    goal.refresh_from_db()
    assert goal.status == GoalStatus.IN_PROGRESS
    assert goal.progress.get().value == "rozmowa w PUP"
