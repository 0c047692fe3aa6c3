"""Trainings as services: enrolment with a waiting list, giving up a place, capacity changes,
attendance and certificates. Every refusal changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from kooperacja.core.models import Notification
from kooperacja.learning import trainings as service
from kooperacja.learning.models import (
    Certificate,
    Enrolment,
    EnrolmentStatus,
    SessionAttendance,
    Training,
    TrainingSession,
)
from kooperacja.learning.tests.training_factories import (
    enrolled,
    fill,
    make_staff,
    make_training,
    mark,
    rops_kielce,
)
from tests.personas import ADMIN, GOPS_MIRZEC, ROPS_KIELCE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """Refusals are checked by their English msgids (the Polish comes with the catalogue)."""
    with translation.override("en"):
        yield


def _data(training, **changes):
    values = {
        "title": training.title,
        "kind": training.kind,
        "topic": training.topic,
        "organiser": training.organiser,
        "capacity": training.capacity,
        "required_attendance": training.required_attendance,
    }
    return service.TrainingData(**(values | changes))


def _issued(report: service.IssueReport) -> Certificate:
    certificate = report.issued[0].certificate
    assert certificate is not None
    return certificate


# --- Enrolment ---------------------------------------------------------------------------------


def test_it_enrols_while_there_are_places_and_then_puts_people_on_the_waiting_list():
    training = make_training(capacity=2)
    fill(training, 2)
    third, fourth = make_staff(), make_staff()
    assert service.enrol(third, training).status == EnrolmentStatus.WAITING
    waiting = service.enrol(fourth, training)
    assert waiting.status == EnrolmentStatus.WAITING
    assert service.waiting_place(waiting) == 2
    assert training.enrolments.filter(status=EnrolmentStatus.ENROLLED).count() == 2


def test_it_locks_the_training_row_while_counting_places():
    """Two people asking for the last place at once: the second waits for the first's lock and
    then counts the place as taken (SQLite has no row locks; it serialises writes instead)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    training = make_training(capacity=1)
    with CaptureQueriesContext(connection) as queries:
        service.enrol(make_staff(), training)
    assert any('FROM "learning_training"' in q["sql"] and "FOR UPDATE" in q["sql"] for q in queries.captured_queries)


def test_it_records_the_institution_of_the_first_membership_or_the_one_chosen(persona):
    training = make_training()
    user = persona(GOPS_MIRZEC)
    assert service.enrol(user, training).institution == service.institutions_of(user)[0]


def test_it_refuses_an_institution_that_is_not_the_users(persona):
    training = make_training()
    with pytest.raises(ValidationError) as refusal:
        service.enrol(persona(GOPS_MIRZEC), training, rops_kielce())
    assert "institution" in refusal.value.error_dict
    assert not training.enrolments.exists()


def test_it_refuses_enrolling_twice(persona):
    training = make_training()
    service.enrol(persona(GOPS_MIRZEC), training)
    with pytest.raises(ValidationError, match="already enrolled"):
        service.enrol(persona(GOPS_MIRZEC), training)
    assert training.enrolments.count() == 1


def test_it_refuses_joining_the_waiting_list_twice():
    training = make_training(capacity=1)
    fill(training, 1)
    late = make_staff()
    service.enrol(late, training)
    with pytest.raises(ValidationError, match="already on the waiting list"):
        service.enrol(late, training)


def test_it_refuses_enrolment_after_it_closed():
    training = make_training(enrolment_closes_on=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="Enrolment closed on"):
        service.enrol(make_staff(), training)
    assert not training.enrolments.exists()


def test_it_refuses_enrolment_after_the_first_session_started():
    training = make_training(days=(-1, 1))
    with pytest.raises(ValidationError, match="already started"):
        service.enrol(make_staff(), training)


def test_it_refuses_enrolment_on_a_cancelled_training(persona):
    training = make_training()
    service.cancel_training(persona(ROPS_KIELCE), training)
    with pytest.raises(ValidationError, match="cancelled"):
        service.enrol(make_staff(), training)


def test_it_refuses_enrolment_without_a_membership():
    from django.contrib.auth import get_user_model

    nobody = get_user_model().objects.create_user(username="bez.instytucji")
    with pytest.raises(ValidationError, match="Only staff"):
        service.enrol(nobody, make_training())


def test_giving_up_a_place_promotes_the_first_person_waiting_and_tells_them():
    training = make_training(capacity=1)
    (first,) = fill(training, 1)
    second, third = make_staff(), make_staff()
    service.enrol(second, training)
    service.enrol(third, training)
    service.cancel_enrolment(first, Enrolment.objects.get(training=training, user=first))
    assert Enrolment.objects.get(training=training, user=second).status == EnrolmentStatus.ENROLLED
    assert Enrolment.objects.get(training=training, user=third).status == EnrolmentStatus.WAITING
    assert service.waiting_place(Enrolment.objects.get(training=training, user=third)) == 1
    told = Notification.objects.get(recipient=second, kind=service.NOTIFICATION_KIND)
    assert told.url == f"/learning/trainings/{training.public_id}/"
    assert not Notification.objects.filter(recipient=third, kind=service.NOTIFICATION_KIND).exists()


def test_leaving_the_waiting_list_promotes_nobody():
    training = make_training(capacity=1)
    fill(training, 1)
    second, third = make_staff(), make_staff()
    service.enrol(second, training)
    service.enrol(third, training)
    service.cancel_enrolment(second, Enrolment.objects.get(training=training, user=second))
    assert Enrolment.objects.get(training=training, user=third).status == EnrolmentStatus.WAITING


def test_it_keeps_a_place_once_the_training_started():
    training = make_training(days=(-1,))
    user = make_staff()
    enrolment = enrolled(training, user)
    with pytest.raises(ValidationError, match="already started"):
        service.cancel_enrolment(user, enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.ENROLLED


def test_someone_who_cancelled_can_come_back_at_the_end_of_the_queue():
    training = make_training(capacity=1)
    (first,) = fill(training, 1)
    service.cancel_enrolment(first, Enrolment.objects.get(training=training, user=first))
    again = service.enrol(first, training)
    assert again.status == EnrolmentStatus.ENROLLED
    assert training.enrolments.count() == 1


def test_raising_the_capacity_promotes_those_waiting(persona):
    training = make_training(capacity=1)
    fill(training, 1)
    waiting = [make_staff(), make_staff(), make_staff()]
    for user in waiting:
        service.enrol(user, training)
    service.update_training(persona(ADMIN), training, training.version, _data(training, capacity=3))
    statuses = [Enrolment.objects.get(training=training, user=user).status for user in waiting]
    assert statuses == [EnrolmentStatus.ENROLLED, EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING]
    assert Notification.objects.filter(recipient__in=waiting[:2], kind=service.NOTIFICATION_KIND).count() == 2


def test_it_refuses_fewer_places_than_people_enrolled(persona):
    training = make_training(capacity=3)
    fill(training, 3)
    with pytest.raises(ValidationError) as refusal:
        service.update_training(persona(ADMIN), training, training.version, _data(training, capacity=2))
    assert "capacity" in refusal.value.error_dict
    training.refresh_from_db()
    assert training.capacity == 3


def test_it_refuses_a_stale_edit(persona):
    training = make_training()
    service.update_training(persona(ADMIN), training, training.version, _data(training, title="Nowy tytuł"))
    with pytest.raises(service.StaleTraining):
        service.update_training(persona(ADMIN), training, 1, _data(training, title="Stary tytuł"))
    training.refresh_from_db()
    assert training.title == "Nowy tytuł"


def test_cancelling_a_training_tells_everyone_enrolled_or_waiting(persona):
    training = make_training(capacity=1)
    (first,) = fill(training, 1)
    second = make_staff()
    service.enrol(second, training)
    service.cancel_training(persona(ROPS_KIELCE), training)
    assert Notification.objects.filter(recipient__in=[first, second], kind=service.NOTIFICATION_KIND).count() == 2
    with pytest.raises(ValidationError, match="already cancelled"):
        service.cancel_training(persona(ROPS_KIELCE), training)


def test_a_training_that_took_place_cannot_be_cancelled(persona):
    training = make_training(days=(-3,))
    with pytest.raises(ValidationError, match="already taken place"):
        service.cancel_training(persona(ROPS_KIELCE), training)


# --- Sessions ----------------------------------------------------------------------------------


def test_it_refuses_a_session_that_ends_before_it_starts(persona):
    training = make_training(days=())
    start = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(ValidationError) as refusal:
        service.add_session(persona(ADMIN), training, starts_at=start, ends_at=start - dt.timedelta(hours=1))
    assert "ends_at" in refusal.value.error_dict
    assert not training.sessions.exists()


def test_a_session_with_attendance_keeps_its_times(persona):
    training = make_training(days=(-2,))
    session = training.sessions.get()
    mark(training, enrolled(training, make_staff()), 0)
    with pytest.raises(ValidationError, match="Attendance is already recorded"):
        service.update_session(
            persona(ADMIN), session, starts_at=session.starts_at, ends_at=session.ends_at + dt.timedelta(hours=1)
        )
    service.update_session(
        persona(ADMIN), session, starts_at=session.starts_at, ends_at=session.ends_at, place="Sandomierz"
    )
    session.refresh_from_db()
    assert session.place == "Sandomierz"


# --- Attendance --------------------------------------------------------------------------------


def test_it_keeps_attendance_of_enrolled_people_only(persona):
    training = make_training(days=(-2,))
    session = training.sessions.get()
    present, absent = enrolled(training, make_staff()), enrolled(training, make_staff())
    waiting = enrolled(training, make_staff(), status=EnrolmentStatus.WAITING)
    with pytest.raises(ValidationError) as refusal:
        service.record_attendance(persona(ADMIN), session, {present.pk, waiting.pk})
    assert "present" in refusal.value.error_dict
    assert not SessionAttendance.objects.filter(session=session).exists()
    assert service.record_attendance(persona(ADMIN), session, {present.pk}) == 1
    marks = dict(SessionAttendance.objects.filter(session=session).values_list("enrolment_id", "present"))
    assert marks == {present.pk: True, absent.pk: False}


def test_a_session_not_yet_started_gets_no_attendance(persona):
    training = make_training(days=(2,))
    one = enrolled(training, make_staff())
    with pytest.raises(ValidationError, match="not started yet"):
        service.record_attendance(persona(ADMIN), training.sessions.get(), {one.pk})


def test_it_reads_the_training_again_under_the_lock_before_keeping_attendance(persona):
    """The organiser's page was read before someone cancelled the training: the save is refused
    on what holds now, not on the session read with the page."""
    training = make_training(days=(-2,))
    one = enrolled(training, make_staff())
    session = TrainingSession.objects.select_related("training").get(training=training)
    Training.objects.filter(pk=training.pk).update(is_cancelled=True)
    with pytest.raises(ValidationError, match="cancelled"):
        service.record_attendance(persona(ADMIN), session, {one.pk})
    assert not SessionAttendance.objects.filter(session=session).exists()


def test_it_refuses_attendance_for_a_session_moved_to_the_future_since_the_page_was_read(persona):
    training = make_training(days=(-2,))
    one = enrolled(training, make_staff())
    session = training.sessions.get()
    later = timezone.now() + dt.timedelta(days=3)
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=later, ends_at=later + dt.timedelta(hours=2))
    with pytest.raises(ValidationError, match="not started yet"):
        service.record_attendance(persona(ADMIN), session, {one.pk})


def test_two_organisers_saving_one_after_the_other_both_succeed_and_the_later_wins(persona):
    training = make_training(days=(-2,))
    one, two = enrolled(training, make_staff()), enrolled(training, make_staff())
    session = training.sessions.get()
    assert service.record_attendance(persona(ROPS_KIELCE), session, {one.pk}) == 1
    assert service.record_attendance(persona(ADMIN), session, {two.pk}) == 1
    marks = dict(SessionAttendance.objects.filter(session=session).values_list("enrolment_id", "present"))
    assert marks == {one.pk: False, two.pk: True}
    assert SessionAttendance.objects.filter(session=session).count() == 2


def test_it_locks_the_session_row_before_reading_who_is_enrolled(persona):
    """Two organisers saving at once take turns on the session's lock (SQLite has no row locks;
    its immediate transactions serialise the writers instead)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    training = make_training(days=(-2,))
    one = enrolled(training, make_staff())
    with CaptureQueriesContext(connection) as queries:
        service.record_attendance(persona(ADMIN), training.sessions.get(), {one.pk})
    sql = [q["sql"] for q in queries.captured_queries]
    locked = next(i for i, q in enumerate(sql) if 'FROM "learning_trainingsession"' in q and "FOR UPDATE" in q)
    assert locked < next(i for i, q in enumerate(sql) if 'FROM "learning_enrolment"' in q)


# --- Certificates ------------------------------------------------------------------------------


def test_it_issues_certificates_to_those_who_attended_enough(persona):
    training = make_training(days=(-3, -2), hours=7, required_attendance=100)
    full, half = enrolled(training, make_staff()), enrolled(training, make_staff())
    mark(training, full, 0, 1)
    mark(training, half, 0)
    report = service.issue_certificates(persona(ROPS_KIELCE), training)
    assert [one.enrolment for one in report.issued] == [full]
    assert [one.enrolment for one in report.not_qualified] == [half]
    certificate = Certificate.objects.get(training=training)
    assert certificate.user == full.user
    assert certificate.hours == Decimal("14.0")
    assert certificate.issued_by == training.organiser.name
    again = service.issue_certificates(persona(ROPS_KIELCE), training)
    assert not again.issued and [one.enrolment for one in again.already] == [full]
    assert Certificate.objects.filter(training=training).count() == 1


def test_a_lower_required_share_counts_the_hours_attended(persona):
    training = make_training(days=(-3, -2), hours=6, required_attendance=50)
    half = enrolled(training, make_staff())
    mark(training, half, 1)
    report = service.issue_certificates(persona(ROPS_KIELCE), training)
    assert _issued(report).hours == Decimal("6.0")


def test_certificates_wait_for_the_last_session_to_end(persona):
    training = make_training(days=(-1, 2))
    enrolled(training, make_staff())
    with pytest.raises(ValidationError, match="after the last session"):
        service.issue_certificates(persona(ROPS_KIELCE), training)
    assert not Certificate.objects.filter(training=training).exists()


def test_revoking_needs_a_reason_and_happens_once(persona):
    training = make_training(days=(-2,))
    one = enrolled(training, make_staff())
    mark(training, one, 0)
    certificate = _issued(service.issue_certificates(persona(ROPS_KIELCE), training))
    with pytest.raises(ValidationError) as refusal:
        service.revoke_certificate(persona(ROPS_KIELCE), certificate, "  ")
    assert "reason" in refusal.value.error_dict
    service.revoke_certificate(persona(ROPS_KIELCE), certificate, "Błędne dane uczestnika")
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None and certificate.revoked_reason == "Błędne dane uczestnika"
    with pytest.raises(ValidationError, match="already revoked"):
        service.revoke_certificate(persona(ROPS_KIELCE), certificate, "Jeszcze raz")
