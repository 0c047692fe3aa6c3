"""Sending a referral and the rules every new referral meets."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kooperacja.cases.models import ConsentCategory, Participation, ParticipationKind, TimelineEntry, TimelineKind
from kooperacja.core.models import AuditEvent, Notification
from kooperacja.directory.models import ServiceStatus
from kooperacja.plans import referrals
from kooperacja.plans.models import Referral, ReferralEvent, ReferralStatus
from kooperacja.plans.tests.factories import (
    allow,
    make_referral,
    make_service,
    police,
    referral_case,
    school,
    user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def polish() -> Any:
    with translation.override("pl"):
        yield


def test_it_sends_a_referral_with_its_deadline_participation_timeline_and_notifications() -> None:
    referral = make_referral()
    assert referral.status == ReferralStatus.SENT
    assert referral.sent_at is not None and referral.answer_due is not None
    assert referral.answer_due > referral.sent_at.date()
    assert (
        Participation.objects.active()
        .filter(
            case=referral.case, institution=school(), kind=ParticipationKind.REFERRAL, source_id=str(referral.public_id)
        )
        .exists()
    )
    entry = TimelineEntry.objects.get(case=referral.case, kind=TimelineKind.REFERRAL)
    assert entry.category == ConsentCategory.PLAN
    assert "Publiczna Szkoła Podstawowa w Mircu" in entry.title
    assert [e.to_status for e in ReferralEvent.objects.filter(referral=referral)] == ["draft", "sent"]
    told = Notification.objects.filter(recipient=user("szkola.mirzec"), url=referrals.referral_url(referral))
    assert told.count() == 1
    assert "Nowe skierowanie" in told.get().title or told.get().title
    assert AuditEvent.objects.filter(object_id=str(referral.public_id)).exists()


def test_it_refuses_a_referral_to_the_own_institution() -> None:
    case = referral_case()
    with pytest.raises(ValidationError) as refused:
        referrals.create_referral(
            user("gops.mirzec"), case, to_institution=case.institution, reason="x", shared_categories=[]
        )
    assert "to_institution" in refused.value.message_dict
    assert not Referral.objects.filter(case=case).exists()


def test_it_refuses_an_inactive_service() -> None:
    service = make_service(status=ServiceStatus.INACTIVE)
    case = referral_case()
    allow(case, school())
    with pytest.raises(ValidationError) as refused:
        referrals.create_referral(
            user("gops.mirzec"), case, to_institution=school(), service=service, reason="x", shared_categories=[]
        )
    assert "nie jest" in " ".join(refused.value.message_dict["service"]) or refused.value.message_dict["service"]
    assert not Referral.objects.filter(case=case).exists()


def test_it_refuses_a_category_no_consent_covers() -> None:
    case = referral_case()
    allow(case, police())
    with pytest.raises(ValidationError) as refused:
        referrals.create_referral(
            user("gops.mirzec"),
            case,
            to_institution=police(),
            reason="x",
            shared_categories=[ConsentCategory.DOCUMENTS],
        )
    assert "shared_categories" in refused.value.message_dict
    assert not Referral.objects.filter(case=case).exists()
    assert not Participation.objects.filter(case=case, institution=police()).exists()


def test_it_returns_the_first_referral_on_a_double_submit() -> None:
    key = uuid.uuid4()
    first = make_referral(submit_key=key)
    again = referrals.create_referral(
        user("gops.mirzec"), first.case, to_institution=school(), reason="x", shared_categories=[], submit_key=key
    )
    assert again.pk == first.pk
    assert Referral.objects.filter(case=first.case).count() == 1


def test_it_asks_for_a_reason_when_the_person_does_not_meet_the_criteria() -> None:
    service = make_service(minimum_age=65)  # the default person was born in 1980
    case = referral_case()
    allow(case, school())
    kwargs: dict[str, Any] = {"to_institution": school(), "service": service, "reason": "x", "shared_categories": []}
    with pytest.raises(ValidationError) as refused:
        referrals.create_referral(user("gops.mirzec"), case, **kwargs)
    assert "eligibility_override" in refused.value.message_dict
    assert not Referral.objects.filter(case=case).exists()
    referral = referrals.create_referral(user("gops.mirzec"), case, eligibility_override="Wyjątek uzgodniony", **kwargs)
    assert referral.status == ReferralStatus.SENT and referral.eligibility_override == "Wyjątek uzgodniony"


def test_it_refuses_a_closed_case() -> None:
    case = referral_case(status="closed")
    allow(case, school())
    with pytest.raises(ValidationError):
        referrals.create_referral(user("gops.mirzec"), case, to_institution=school(), reason="x", shared_categories=[])
    assert not Referral.objects.filter(case=case).exists()


def test_it_refuses_a_colleague_who_may_not_edit_the_case() -> None:
    from django.core.exceptions import PermissionDenied

    case = referral_case()
    allow(case, school())
    with pytest.raises(PermissionDenied):
        referrals.create_referral(
            user("kolega.mirzec"), case, to_institution=school(), reason="x", shared_categories=[]
        )


def test_it_ends_the_participation_when_the_referral_is_declined() -> None:
    referral = make_referral(status=ReferralStatus.DECLINED)
    assert (
        not Participation.objects.active()
        .filter(source_type="plans.referral", source_id=str(referral.public_id))
        .exists()
    )
    assert Participation.objects.filter(source_type="plans.referral", source_id=str(referral.public_id)).exists()


def test_it_never_names_the_person_in_a_notification() -> None:
    referral = make_referral(status=ReferralStatus.ACCEPTED)
    referrals.post_message(user("szkola.mirzec"), referral, text="Pytanie o rodzinę")
    referrals.post_message(user("gops.mirzec"), referral, text="Odpowiedź")
    referral.refresh_from_db()
    referrals.act(user("szkola.mirzec"), referral, "complete", version=referral.version, outcome="no_help")
    person = referral.person
    assert person is not None
    titles = list(Notification.objects.filter(kind="referral").values_list("title", flat=True))
    assert len(titles) >= 4
    for title in titles:
        assert person.first_name not in title and person.last_name not in title


def test_it_counts_unread_messages_per_user() -> None:
    first, second = make_referral(), make_referral()
    worker, school_worker = user("gops.mirzec"), user("szkola.mirzec")
    referrals.post_message(school_worker, first, text="Jedna")
    referrals.post_message(school_worker, first, text="Dwie")
    referrals.post_message(school_worker, second, text="Trzy")
    assert referrals.unread_counts(worker, [first, second]) == {first.pk: 2, second.pk: 1}
    assert referrals.unread_counts(school_worker, [first, second]) == {}
    referrals.mark_thread_read(worker, first)
    assert referrals.unread_counts(worker, [first, second]) == {second.pk: 1}


def test_it_keeps_a_checked_attachment_in_the_private_store() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    referral = make_referral()
    pdf = SimpleUploadedFile("skierowanie.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    message = referrals.post_message(user("gops.mirzec"), referral, text="W załączniku", files=[pdf])
    attachment = message.attachments.get()
    assert attachment.content_type == "application/pdf" and attachment.original_name == "skierowanie.pdf"
    stored = str(attachment.file.name)
    assert "skierowanie" not in stored
    attachment.file.storage.delete(stored)


def test_it_refuses_a_disguised_attachment_and_writes_nothing() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    referral = make_referral()
    fake = SimpleUploadedFile("raport.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        referrals.post_message(user("gops.mirzec"), referral, text="Plik", files=[fake])
    assert "files" in refused.value.message_dict
    assert not referral.messages.exists()


def test_it_refuses_messages_on_a_draft() -> None:
    referral = make_referral(status=ReferralStatus.DRAFT)
    with pytest.raises(ValidationError):
        referrals.post_message(user("gops.mirzec"), referral, text="Za wcześnie")
