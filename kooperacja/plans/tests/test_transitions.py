"""The transition table of referrals: every state × action × side. Allowed ones succeed and
move the referral; every other one is refused with a message and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from kooperacja.plans import referrals
from kooperacja.plans.models import Referral, ReferralEvent, ReferralOutcome, ReferralStatus
from kooperacja.plans.tests.factories import allow, make_referral, police, receiver_of, school, user

pytestmark = pytest.mark.django_db

S = ReferralStatus
STATES = list(S.values)
ACTIONS = ["send", "accept", "decline", "start", "complete", "cancel", "expire", "forward"]
SIDES = ["sender", "receiver", "system"]

# What the issue allows (written out here, not read from TRANSITIONS): (state, action, side) -> new state.
ALLOWED: dict[tuple[str, str, str], str] = {
    (S.DRAFT, "send", "sender"): S.SENT,
    (S.SENT, "accept", "receiver"): S.ACCEPTED,
    (S.SENT, "decline", "receiver"): S.DECLINED,
    (S.ACCEPTED, "start", "receiver"): S.IN_PROGRESS,
    (S.ACCEPTED, "complete", "receiver"): S.COMPLETED,
    (S.IN_PROGRESS, "complete", "receiver"): S.COMPLETED,
    (S.ACCEPTED, "complete", "sender"): S.COMPLETED,
    (S.IN_PROGRESS, "complete", "sender"): S.COMPLETED,
    (S.DRAFT, "cancel", "sender"): S.CANCELLED,
    (S.SENT, "cancel", "sender"): S.CANCELLED,
    (S.ACCEPTED, "cancel", "sender"): S.CANCELLED,
    (S.IN_PROGRESS, "cancel", "sender"): S.CANCELLED,
    (S.SENT, "expire", "system"): S.EXPIRED,
    (S.DECLINED, "forward", "sender"): S.DECLINED,
    (S.EXPIRED, "forward", "sender"): S.EXPIRED,
    (S.SENT, "forward", "receiver"): S.DECLINED,
}


def test_it_declares_exactly_the_allowed_transitions() -> None:
    declared = {
        (state, name, side)
        for name, transition in referrals.TRANSITIONS.items()
        for side in transition.sides
        for state in transition.by[side]
    }
    assert declared == set(ALLOWED)
    assert set(referrals.TRANSITIONS) == set(ACTIONS)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("side", SIDES)
def test_it_allows_or_refuses_each_transition(state: str, action: str, side: str) -> None:
    referral = make_referral(status=state)
    allow(referral.case, police())
    actor: Any = {"sender": user("gops.mirzec"), "receiver": receiver_of(school()), "system": None}[side]
    before = (referral.status, referral.version, ReferralEvent.objects.filter(referral=referral).count())
    count = Referral.objects.count()
    kwargs: dict[str, Any] = {
        "reason": "Powód",
        "outcome": ReferralOutcome.PARTLY,
        "note": "Uwagi",
        "to_institution": police(),
    }
    expected = ALLOWED.get((state, action, side))
    with translation.override("pl"):
        if expected is None:
            with pytest.raises((ValidationError, PermissionDenied)) as refused:
                referrals.act(actor, referral, action, version=referral.version, **kwargs)
            if isinstance(refused.value, ValidationError):
                assert all(message.strip() for message in refused.value.messages)
            referral.refresh_from_db()
            after = (referral.status, referral.version, ReferralEvent.objects.filter(referral=referral).count())
            assert after == before
            assert Referral.objects.count() == count
            return
        result = referrals.act(actor, referral, action, version=referral.version, **kwargs)
    referral.refresh_from_db()
    assert referral.status == expected
    assert referral.version > before[1]
    if action == "forward":
        assert result.previous == referral
        assert result.status == S.SENT and result.to_institution == police()
    else:
        assert result.pk == referral.pk


def test_it_refuses_to_accept_a_cancelled_referral_with_a_polish_message() -> None:
    referral = make_referral(status=S.CANCELLED)
    with translation.override("pl"), pytest.raises(ValidationError) as refused:
        referrals.act(receiver_of(school()), referral, "accept", version=referral.version)
    assert refused.value.messages  # the Polish wording comes with the lead's translation merge
    referral.refresh_from_db()
    assert referral.status == S.CANCELLED


def test_it_refuses_completion_without_an_outcome() -> None:
    referral = make_referral(status=S.IN_PROGRESS)
    with pytest.raises(ValidationError) as refused:
        referrals.act(receiver_of(school()), referral, "complete", version=referral.version, note="Bez wyniku")
    assert "outcome" in refused.value.message_dict
    referral.refresh_from_db()
    assert referral.status == S.IN_PROGRESS and referral.outcome == ""


def test_it_refuses_a_decline_without_a_reason() -> None:
    referral = make_referral()
    with pytest.raises(ValidationError) as refused:
        referrals.act(receiver_of(school()), referral, "decline", version=referral.version, reason="  ")
    assert "reason" in refused.value.message_dict
    referral.refresh_from_db()
    assert referral.status == S.SENT


def test_it_refuses_an_action_on_a_referral_changed_meanwhile() -> None:
    referral = make_referral()
    opened = referral.version
    referrals.post_message(receiver_of(school()), referral, text="Pytanie")  # a message is no change
    referrals.act(user("gops.mirzec"), referral, "cancel", version=opened, reason="Rodzina wyjechała")
    with pytest.raises(referrals.StaleReferral):
        referrals.act(receiver_of(school()), referral, "accept", version=opened)
    referral.refresh_from_db()
    assert referral.status == S.CANCELLED


def test_it_forwards_a_declined_referral_once_and_keeps_the_chain() -> None:
    referral = make_referral(status=S.DECLINED)
    allow(referral.case, police())
    forwarded = referrals.act(
        user("gops.mirzec"), referral, "forward", version=referral.version, to_institution=police()
    )
    assert forwarded.previous_id == referral.pk
    assert list(referral.forwarded_as.all()) == [forwarded]
    assert forwarded.reason == referral.reason and forwarded.created_by == referral.created_by
    referral.refresh_from_db()
    with pytest.raises(ValidationError):
        referrals.act(user("gops.mirzec"), referral, "forward", version=referral.version, to_institution=police())
    assert Referral.objects.filter(previous=referral).count() == 1


def test_it_lets_the_receiver_decline_and_forward_in_one_step() -> None:
    referral = make_referral()
    allow(referral.case, police())
    forwarded = referrals.act(
        receiver_of(school()),
        referral,
        "forward",
        version=referral.version,
        reason="Nie nasz zakres",
        to_institution=police(),
    )
    referral.refresh_from_db()
    assert referral.status == S.DECLINED and referral.decline_reason == "Nie nasz zakres"
    assert forwarded.status == S.SENT and forwarded.from_institution == referral.from_institution
    assert forwarded.created_by == user("gops.mirzec")
