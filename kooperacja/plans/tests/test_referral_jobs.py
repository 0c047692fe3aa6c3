"""The daily jobs of referrals: expiry of unanswered ones, and the reminder before the deadline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kooperacja.cases.models import Participation
from kooperacja.core.models import Notification
from kooperacja.core.tasks import SCHEDULES
from kooperacja.plans import referrals
from kooperacja.plans.deadlines import previous_working_day
from kooperacja.plans.models import ReferralEvent, ReferralStatus
from kooperacja.plans.tests.factories import make_referral, user

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 7) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_it_registers_both_jobs_daily() -> None:
    funcs = {job.func for job in SCHEDULES if job.daily_at is not None}
    assert {"kooperacja.plans.referrals.expire_overdue", "kooperacja.plans.referrals.remind_due"} <= funcs


def about(referral, **filters) -> int:
    """Notifications linking to this referral (the demo has referrals of its own)."""
    return Notification.objects.filter(url=referrals.referral_url(referral), **filters).count()


def test_it_expires_an_unanswered_referral_once_and_tells_both_sides() -> None:
    referral = make_referral()
    assert referral.answer_due is not None
    referrals.expire_overdue(at(referral.answer_due))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT  # the due day itself still counts
    after = at(referral.answer_due + dt.timedelta(days=1))
    referrals.expire_overdue(after)
    referrals.expire_overdue(after)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.EXPIRED and referral.closed_at is not None
    assert ReferralEvent.objects.filter(referral=referral, to_status=ReferralStatus.EXPIRED).count() == 1
    assert (
        not Participation.objects.active()
        .filter(source_id=str(referral.public_id), source_type="plans.referral")
        .exists()
    )
    for username in ("gops.mirzec", "szkola.mirzec"):
        assert about(referral, recipient=user(username), title__icontains="wygasło") == 1


def test_it_leaves_answered_referrals_alone() -> None:
    referral = make_referral(status=ReferralStatus.ACCEPTED)
    assert referral.answer_due is not None
    referrals.expire_overdue(at(referral.answer_due + dt.timedelta(days=30)))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def test_it_reminds_the_receivers_once_a_working_day_before_the_deadline() -> None:
    referral = make_referral()
    assert referral.answer_due is not None
    receiver = user("szkola.mirzec")
    told = about(referral, recipient=receiver)  # of the new referral
    eve = previous_working_day(referral.answer_due)
    referrals.remind_due(at(previous_working_day(eve)))
    assert about(referral, recipient=receiver) == told
    referrals.remind_due(at(eve))
    referrals.remind_due(at(eve))
    referrals.remind_due(at(referral.answer_due))
    assert about(referral, recipient=receiver) == told + 1
    referral.refresh_from_db()
    assert referral.due_reminded_at is not None
    assert referral.status == ReferralStatus.SENT


def test_it_does_not_remind_about_an_answered_referral() -> None:
    referral = make_referral(status=ReferralStatus.DECLINED)
    assert referral.answer_due is not None
    receiver = user("szkola.mirzec")
    told = about(referral, recipient=receiver)
    referrals.remind_due(at(previous_working_day(referral.answer_due)))
    assert about(referral, recipient=receiver) == told
    referral.refresh_from_db()
    assert referral.due_reminded_at is None
