"""Who sees a referral, from which side, and what the inbox costs."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import Http404

from kooperacja.cases.models import ConsentCategory
from kooperacja.core.models import AuditEvent
from kooperacja.plans import referrals
from kooperacja.plans.models import ReferralStatus
from kooperacja.plans.referral_policies import case_referrals, get_referral_for_user, inbox, outbox, record_list
from kooperacja.plans.tests.factories import make_referral, user

pytestmark = pytest.mark.django_db


def test_it_shows_the_referral_to_both_sides_and_nobody_else() -> None:
    referral = make_referral()
    _, sender = get_referral_for_user(user("gops.mirzec"), referral.public_id)
    assert sender.side == "sender" and sender.can_act and sender.allowed_actions == ["cancel"]
    _, reader = get_referral_for_user(user("kolega.mirzec"), referral.public_id)
    assert reader.side == "sender" and not reader.can_act and reader.allowed_actions == []
    _, receiver = get_referral_for_user(user("szkola.mirzec"), referral.public_id)
    assert receiver.side == "receiver" and receiver.allowed_actions == ["accept", "decline", "forward"]
    for stranger in ("policja.mirzec", "gops.oksa", "asystent.mirzec", "admin", "rops.kielce"):
        with pytest.raises(Http404):
            get_referral_for_user(user(stranger), referral.public_id)


def test_it_hides_a_draft_from_the_receiver() -> None:
    referral = make_referral(status=ReferralStatus.DRAFT)
    with pytest.raises(Http404):
        get_referral_for_user(user("szkola.mirzec"), referral.public_id)
    assert referral not in inbox(user("szkola.mirzec"))
    assert referral in outbox(user("gops.mirzec"))


def test_it_lets_the_receiver_see_only_shared_categories_still_consented() -> None:
    referral = make_referral(shared_categories=[ConsentCategory.PLAN])
    _, access = get_referral_for_user(user("szkola.mirzec"), referral.public_id)
    assert access.sees(ConsentCategory.IDENTITY) and access.sees(ConsentCategory.PLAN)
    assert not access.sees(ConsentCategory.NOTES)
    assert referral.person is not None
    referral.person.consents.update(withdrawn_at="2020-01-01T00:00:00Z")
    _, access = get_referral_for_user(user("szkola.mirzec"), referral.public_id)
    assert not access.sees(ConsentCategory.IDENTITY)


def test_it_audits_a_read_naming_the_person() -> None:
    referral = make_referral()
    get_referral_for_user(user("szkola.mirzec"), referral.public_id)
    event = AuditEvent.objects.filter(action="view", object_id=str(referral.public_id)).get()
    assert event.persons == [referral.person_id]


def test_it_lists_the_case_referrals_for_the_case_page() -> None:
    referral = make_referral()
    assert list(case_referrals(user("gops.mirzec"), referral.case)) == [referral]
    assert list(case_referrals(user("szkola.mirzec"), referral.case)) == [referral]


def test_it_shows_the_inbox_in_the_same_number_of_queries_for_1_and_20(django_assert_max_num_queries: Any) -> None:
    receiver = user("szkola.mirzec")

    def show() -> int:
        page = list(inbox(receiver)[:20])
        referrals.unread_counts(receiver, page)
        record_list(receiver, page)
        return len(page)

    make_referral()
    with django_assert_max_num_queries(5):
        assert show() >= 1
    for _ in range(19):
        make_referral()
    with django_assert_max_num_queries(5):
        assert show() == 20
