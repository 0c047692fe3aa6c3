"""Scale data of referrals (`generate_scale_data --referrals`): referrals between the
institutions of a gmina and its powiat, with their steps, messages, consents and participation."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from kooperacja.cases.models import Consent, Participation, ParticipationKind
from kooperacja.institutions.models import Institution
from kooperacja.plans.models import Message, Referral, ReferralEvent, ReferralStatus

pytestmark = pytest.mark.django_db

REFERRALS = 200


class Rollback(Exception):
    pass


def generate(seed: int = 3, referrals: int = REFERRALS) -> str:
    out = StringIO()
    call_command(
        "generate_scale_data", "--seed", str(seed), "--gminas", "20", "--services", "150", "--persons", "300",
        "--cases", "120", "--referrals", str(referrals), stdout=out, stderr=StringIO(),
    )  # fmt: skip
    return out.getvalue()


def snapshot() -> list[tuple[object, ...]]:
    return list(
        Referral.objects.order_by("id").values_list(
            "public_id", "status", "case__public_id", "to_institution_id", "service_id", "reason", "outcome"
        )
    )


def generated_with(seed: int) -> list[tuple[object, ...]]:
    try:
        with transaction.atomic():
            generate(seed)
            taken = snapshot()
            raise Rollback
    except Rollback:
        pass
    return taken


def test_it_fills_referrals_in_every_state_with_their_steps_and_some_messages():
    generate()

    assert Referral.objects.count() == REFERRALS
    states = set(Referral.objects.values_list("status", flat=True))
    assert {ReferralStatus.SENT, ReferralStatus.COMPLETED, ReferralStatus.DECLINED} <= states
    assert not Referral.objects.filter(status=ReferralStatus.COMPLETED, outcome="").exists()
    completed = Referral.objects.filter(status=ReferralStatus.COMPLETED).first()
    assert completed is not None
    assert list(ReferralEvent.objects.filter(referral=completed).values_list("to_status", flat=True)) == [
        "sent", "accepted", "in_progress", "completed",
    ]  # fmt: skip
    assert Message.objects.exists()
    assert Referral.objects.filter(previous__status=ReferralStatus.DECLINED).exists() or REFERRALS < 100


def test_it_refers_within_the_gmina_or_its_powiat():
    generate()

    for referral in Referral.objects.select_related("from_institution", "to_institution")[:60]:
        sender, receiver = referral.from_institution, referral.to_institution
        assert referral.municipality_id == sender.municipality_id == referral.case.municipality_id
        assert receiver.municipality_id == sender.municipality_id or (
            receiver.municipality_id is None and receiver.county_id == sender.county_id
        )
        assert receiver.pk != sender.pk
        if referral.service is not None:
            assert referral.service.institution_id == receiver.pk


def test_it_makes_the_receiver_a_participant_with_consent_for_identity():
    generate()

    sent = Referral.objects.exclude(status=ReferralStatus.DRAFT)
    for referral in sent[:60]:
        assert Participation.objects.filter(
            case=referral.case_id, institution=referral.to_institution_id, kind=ParticipationKind.REFERRAL,
            source_id=str(referral.public_id),
        ).exists()  # fmt: skip
        consent = Consent.objects.in_force().for_institution(referral.to_institution).get(person=referral.person_id)
        assert consent.covers("identity")
    assert not Participation.objects.filter(source_id__in=[
        str(key) for key in Referral.objects.filter(status=ReferralStatus.DRAFT).values_list("public_id", flat=True)
    ]).exists()  # fmt: skip
    receiver = Institution.objects.get(pk=sent[0].to_institution_id)
    assert receiver.memberships.filter(role="partner_staff").exists()


def test_it_writes_rows_the_forms_would_accept():
    generate()

    for referral in Referral.objects.order_by("id")[:40]:
        referral.full_clean(exclude=["submit_key"])


def test_it_adds_nothing_when_run_again_and_extends_without_repeating():
    generate()
    out = generate()

    assert Referral.objects.count() == REFERRALS
    assert "none added" in out
    consents = Consent.objects.count()

    generate(referrals=REFERRALS * 3)

    assert Referral.objects.count() == REFERRALS * 3
    assert Referral.objects.values("public_id").distinct().count() == REFERRALS * 3
    assert Consent.objects.values("person", "institution").distinct().count() == Consent.objects.count() > consents


def test_it_writes_the_same_rows_for_the_same_seed():
    first = generated_with(5)

    assert first == generated_with(5)
    assert first != generated_with(6)
    assert len(first) == REFERRALS
