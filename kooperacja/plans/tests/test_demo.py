"""The demo of plans and referrals (issue #7 point 7): loaded with every test database."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kooperacja.plans import demo
from kooperacja.plans.models import (
    BasketItemStatus,
    CooperationPlan,
    Goal,
    PlanReview,
    PlanStatus,
    Referral,
    ReferralStatus,
)

pytestmark = pytest.mark.django_db


def test_it_shows_plans_and_referrals_in_every_state():
    assert set(CooperationPlan.objects.values_list("status", flat=True)) == set(PlanStatus.values)
    assert set(Referral.objects.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert set(CooperationPlan.objects.values_list("basket__status", flat=True)) - {None} == set(
        BasketItemStatus.values
    )


def test_it_has_overdue_work_a_forwarded_chain_and_threads_of_both_sides():
    today = timezone.localdate()
    # Unanswered in time: expired by the nightly job; others wait, the nearest due within days.
    assert Referral.objects.filter(status=ReferralStatus.EXPIRED, answer_due__lt=today).exists()
    assert Referral.objects.filter(status=ReferralStatus.SENT, answer_due__gte=today).exists()
    assert Goal.objects.filter(status__in=["planned", "in_progress"], due_on__lt=today).exists()
    assert PlanReview.objects.filter(held_on=None, due_on__lt=today).exists()
    forwarded = Referral.objects.get(previous__isnull=False)
    assert forwarded.previous is not None and forwarded.previous.status == ReferralStatus.DECLINED
    talked = Referral.objects.filter(messages__isnull=False).distinct()
    assert any(
        {m.institution_id for m in referral.messages.all()}
        == {referral.from_institution_id, referral.to_institution_id}
        for referral in talked
    )


def test_it_dates_the_stories_back_and_loads_once():
    oldest = Referral.objects.exclude(sent_at=None).order_by("sent_at").first()
    assert oldest is not None and oldest.sent_at is not None
    assert (timezone.now() - oldest.sent_at).days > 60
    before = (CooperationPlan.objects.count(), Referral.objects.count())
    lines: list[str] = []

    demo.load(lines.append)

    assert (CooperationPlan.objects.count(), Referral.objects.count()) == before
    assert lines == ["Plans: 0 demo plans and 0 referrals."]
