"""Findings of a user test, each pinned: a certificate revoked when a correction of attendance
leaves its holder below the required share, giving up a place through a confirmation page, the
team's help text and the attendance marks in Polish, and a closing date of enrolment that is
neither in the past nor after the first session."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kooperacja.core.models import Notification
from kooperacja.learning import trainings as service
from kooperacja.learning.models import Certificate, Enrolment, EnrolmentStatus, Training
from kooperacja.learning.tests.training_factories import (
    enrolled,
    make_staff,
    make_training,
    mark,
    rops_kielce,
)
from tests.personas import ADMIN, GOPS_MIRZEC, ROPS_KIELCE

pytestmark = pytest.mark.django_db


def _url(name: str, obj: Any = None) -> str:
    return reverse(f"learning:{name}", args=[obj.public_id] if obj is not None else None)


def _in(client: Client, language: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


def _certified(days: tuple[int, ...] = (-3, -2), required: int = 100) -> tuple[Training, Enrolment, Certificate]:
    training = make_training(days=days, required_attendance=required)
    one = enrolled(training, make_staff())
    mark(training, one, *range(len(days)))
    certificate = service.issue_certificates(None, training).issued[0].certificate
    assert certificate is not None
    return training, one, certificate


# --- 1. Attendance corrected after certificates were issued ------------------------------------


def test_unticking_a_day_revokes_the_certificate_and_tells_the_holder(persona):
    training, one, certificate = _certified()
    day_two = training.sessions.all()[1]
    told = Notification.objects.filter(recipient=one.user).count()
    saved = service.save_attendance(persona(ROPS_KIELCE), day_two, set())
    certificate.refresh_from_db()
    assert saved.present == 0 and saved.revoked == [certificate]
    assert certificate.revoked_at is not None
    # Stored in the language active when it was written, whichever the test run left active.
    assert certificate.revoked_reason == _("Attendance was corrected: below the required share.")
    assert Notification.objects.filter(recipient=one.user).count() == told + 1


def test_a_correction_that_still_qualifies_keeps_the_certificate(persona):
    training, _one, certificate = _certified(days=(-4, -3, -2), required=50)
    saved = service.save_attendance(persona(ROPS_KIELCE), training.sessions.all()[2], set())
    certificate.refresh_from_db()
    assert saved.revoked == [] and certificate.revoked_at is None


def test_a_refused_correction_revokes_nothing(persona):
    training, _one, certificate = _certified()
    stranger = enrolled(training, make_staff(), status=EnrolmentStatus.WAITING)
    with pytest.raises(ValidationError):
        service.save_attendance(persona(ADMIN), training.sessions.all()[1], {stranger.pk})
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_the_organiser_is_told_and_the_verification_page_says_revoked(client, login_as):
    training, _one, certificate = _certified()
    _in(client, "en")
    login_as(ROPS_KIELCE)
    response = client.post(_url("training_attendance", training.sessions.all()[1]), {"present": []}, follow=True)
    page = response.content.decode()
    assert "1 certificate was revoked" in page
    verified = Client().get(reverse("learning:verify"), {"code": certificate.code}).content.decode()
    assert "unieważni" in verified.lower()


# --- 2. Giving up a place is confirmed first ---------------------------------------------------


def test_giving_up_a_place_asks_first_and_says_what_happens(client, login_as):
    training = make_training(capacity=1)
    _in(client, "en")
    user = login_as(GOPS_MIRZEC)
    client.post(_url("training_enrol", training))
    waiting = make_staff()
    service.enrol(waiting, training)
    detail = client.get(_url("training", training)).content.decode()
    assert f'href="{_url("training_leave", training)}"' in detail
    page = client.get(_url("training_leave", training))
    assert page.status_code == 200
    text = page.content.decode()
    assert "next person on the waiting list" in text and "end of the waiting list" in text
    assert Enrolment.objects.get(training=training, user=user).status == EnrolmentStatus.ENROLLED
    response = client.post(_url("training_leave", training))
    assert response.status_code == 302
    assert Enrolment.objects.get(training=training, user=user).status == EnrolmentStatus.CANCELLED
    assert Enrolment.objects.get(training=training, user=waiting).status == EnrolmentStatus.ENROLLED


def test_my_learning_links_to_the_confirmation_and_it_returns_there(client, login_as):
    training = make_training()
    _in(client, "en")
    login_as(GOPS_MIRZEC)
    client.post(_url("training_enrol", training))
    my = client.get(reverse("learning:my_certificates")).content.decode()
    assert f"{_url('training_leave', training)}?next=my" in my
    page = client.get(_url("training_leave", training), {"next": "my"}).content.decode()
    assert 'name="next" value="my"' in page


def test_the_confirmation_page_of_someone_not_enrolled_sends_them_back(client, login_as):
    training = make_training()
    _in(client, "en")
    login_as(GOPS_MIRZEC)
    response = client.get(_url("training_leave", training), follow=True)
    assert "You are not enrolled in this training." in response.content.decode()


# --- 3. and 4. Polish on the form and in the attendance grid -----------------------------------


def test_the_team_help_text_is_in_polish(client, login_as):
    _in(client, "pl")
    login_as(ROPS_KIELCE)
    page = client.get(_url("training_create")).content.decode()
    assert "A training for one cooperation team" not in page
    assert "Szkolenie dla jednego zespołu kooperacji" in page


def test_the_attendance_grid_does_not_call_a_present_man_obecna(client, login_as):
    training = make_training(days=(-1,))
    man = make_staff(name="Jan")
    mark(training, enrolled(training, man), 0)
    _in(client, "pl")
    login_as(ROPS_KIELCE)
    page = client.get(_url("training", training)).content.decode()
    assert ">obecna<" not in page and ">nieobecna<" not in page


# --- 5. The closing date of enrolment --------------------------------------------------------


def _form(**changes: Any) -> dict[str, Any]:
    return {
        "title": "Negocjacje – zapisy",
        "kind": "training",
        "topic": "negotiation",
        "organiser": str(rops_kielce().public_id),
        "capacity": "12",
        "required_attendance": "100",
        "enrolment_closes_on": "",
    } | changes


def test_a_new_training_may_not_close_enrolment_in_the_past(client, login_as):
    _in(client, "en")
    login_as(ROPS_KIELCE)
    response = client.post(_url("training_create"), _form(enrolment_closes_on="2020-01-01"))
    assert response.status_code == 400
    assert "cannot close on a day in the past" in response.content.decode()
    assert not Training.objects.filter(title="Negocjacje – zapisy").exists()
    today = timezone.localdate().isoformat()
    assert client.post(_url("training_create"), _form(enrolment_closes_on=today)).status_code == 302


def test_enrolment_may_not_close_after_the_first_session(persona):
    training = make_training(days=(5, 6))
    data = service.TrainingData(
        title=training.title,
        kind=training.kind,
        topic=training.topic,
        organiser=training.organiser,
        capacity=training.capacity,
        enrolment_closes_on=timezone.localdate() + dt.timedelta(days=6),
    )
    with pytest.raises(ValidationError, match="by the day of the first session"):
        service.update_training(persona(ADMIN), training, training.version, data)
    training.refresh_from_db()
    assert training.enrolment_closes_on is None
    on_the_day = service.TrainingData(
        **{**data.__dict__, "enrolment_closes_on": timezone.localdate() + dt.timedelta(days=5)}
    )
    assert service.update_training(persona(ADMIN), training, training.version, on_the_day).enrolment_closes_on


def test_an_old_training_keeps_its_past_closing_date_when_edited(persona):
    training = make_training(days=(-5,), enrolment_closes_on=timezone.localdate() - dt.timedelta(days=7))
    data = service.TrainingData(
        title="Nowy tytuł",
        kind=training.kind,
        topic=training.topic,
        organiser=training.organiser,
        capacity=training.capacity,
        enrolment_closes_on=training.enrolment_closes_on,
    )
    assert service.update_training(persona(ADMIN), training, training.version, data).title == "Nowy tytuł"
