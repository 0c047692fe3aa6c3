"""Scale data of cooperation plans (IPW), generated with the referrals: plans for a share of
the cases, in realistic states, with goals, outcomes and reviews."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from kooperacja.cases.models import Case, CaseStatus, TimelineEntry
from kooperacja.plans.models import OPEN_PLAN_STATUSES, CooperationPlan, Goal, GoalStatus, PlanReview, PlanStatus
from kooperacja.plans.scale import PLAN_SHARE

pytestmark = pytest.mark.django_db

CASES = 900
SCALE = {"plan__created_by__username__startswith": "scale."}


class Rollback(Exception):
    pass


def generate(seed: int = 3, cases: int = CASES, referrals: int = 50) -> str:
    out = StringIO()
    call_command(
        "generate_scale_data", "--seed", str(seed), "--gminas", "20", "--services", "100", "--persons",
        str(cases * 2), "--cases", str(cases), "--referrals", str(referrals), stdout=out, stderr=StringIO(),
    )  # fmt: skip
    return out.getvalue()


def generated_plans():
    return CooperationPlan.objects.filter(created_by__username__startswith="scale.")


def generated_with(seed: int) -> list[tuple[object, ...]]:
    try:
        with transaction.atomic():
            generate(seed)
            taken = list(generated_plans().order_by("id").values_list("public_id", "case_id", "status", "starts_on"))
            raise Rollback
    except Rollback:
        pass
    return taken


def test_it_gives_a_share_of_the_cases_a_plan_when_referrals_are_asked():
    generate()

    with_plan = CooperationPlan.objects.order_by().values("case").distinct().count()
    assert with_plan == round(PLAN_SHARE * Case.objects.count())
    assert generated_plans().count() >= with_plan - 20


def test_it_generates_no_plans_without_referrals():
    before = CooperationPlan.objects.count()
    call_command(
        "generate_scale_data", "--gminas", "20", "--services", "0", "--persons", "200", "--cases", "80",
        stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip

    assert CooperationPlan.objects.count() == before


def test_it_ends_about_four_in_five_finished_plans_completed():
    generate()

    finished = generated_plans().filter(status__in=[PlanStatus.COMPLETED, PlanStatus.ENDED])
    completed = finished.filter(status=PlanStatus.COMPLETED).count()
    assert 0.72 <= completed / finished.count() <= 0.9
    assert generated_plans().filter(status=PlanStatus.IN_PROGRESS).exists()
    assert not finished.filter(ended_on__isnull=True).exists()
    # A closed case has no running plan; an open case at most one (the database's rule too).
    assert not generated_plans().filter(case__status=CaseStatus.CLOSED, status__in=OPEN_PLAN_STATUSES).exists()


def test_it_gives_each_plan_two_to_five_goals_whose_outcome_follows_the_plan():
    generate()

    counts = generated_plans().annotate(goal_count=Count("goals")).values_list("goal_count", flat=True)
    assert min(counts) >= 2 and max(counts) <= 5
    completed = Goal.objects.filter(plan__status=PlanStatus.COMPLETED, **SCALE)
    ended = Goal.objects.filter(plan__status=PlanStatus.ENDED, **SCALE)
    assert completed.filter(status=GoalStatus.ACHIEVED).count() / completed.count() > 0.45
    assert ended.filter(status=GoalStatus.ACHIEVED).count() / max(1, ended.count()) < 0.35
    assert not Goal.objects.filter(plan__status=PlanStatus.DRAFT, **SCALE).exclude(status=GoalStatus.PLANNED).exists()
    assert not Goal.objects.filter(domain_code="", **SCALE).exists()


def test_it_dates_plans_reviews_and_entries_within_the_case():
    generate()

    today = timezone.localdate()
    for plan in generated_plans().select_related("case").order_by("id")[:100]:
        case = plan.case
        assert case.opened_on <= plan.starts_on <= plan.ends_on
        assert plan.ended_on is None or plan.ended_on <= min(today, case.closed_on or today)
        assert plan.municipality_id == case.municipality_id
        for review in plan.reviews.all():
            assert plan.starts_on < review.due_on
            assert review.held_on is None or review.held_on <= today
        assert TimelineEntry.objects.filter(case=case, source_id=str(plan.public_id)).exists()
    assert PlanReview.objects.filter(held_on__isnull=False, **SCALE).exists()
    # A goal's outcome is dated by its last change: never ahead, and within its plan's life.
    assert not Goal.objects.filter(updated_at__gt=timezone.now(), **SCALE).exists()
    settled = Goal.objects.filter(status=GoalStatus.ACHIEVED, plan__status=PlanStatus.IN_PROGRESS, **SCALE)
    assert settled.filter(updated_at__date__gt=F("plan__starts_on")).exists()


def test_it_writes_rows_the_forms_would_accept():
    generate()

    for plan in generated_plans().order_by("id")[:30]:
        plan.full_clean()
    for goal in Goal.objects.filter(**SCALE).order_by("id")[:60]:
        goal.full_clean()


def test_it_adds_nothing_when_run_again_and_extends_without_repeating():
    generate()
    plans = CooperationPlan.objects.count()
    out = generate()

    assert CooperationPlan.objects.count() == plans
    assert "none added" in out

    generate(cases=CASES * 2)

    assert CooperationPlan.objects.order_by().values("case").distinct().count() == round(
        PLAN_SHARE * Case.objects.count()
    )
    assert CooperationPlan.objects.values("public_id").distinct().count() == CooperationPlan.objects.count()


def test_it_writes_the_same_plans_for_the_same_seed():
    first = generated_with(5)

    assert first == generated_with(5)
    assert first != generated_with(6)
