"""Training pages as users see them: the list and its filters, a training's page for a reader
and for its organiser, creating and editing (with the stale-edit conflict), sessions, enrolment
and the waiting list, attendance and issuing certificates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from kooperacja.learning.models import Certificate, Enrolment, EnrolmentStatus, SessionAttendance, Training
from kooperacja.learning.tests.training_factories import (
    enrolled,
    fill,
    gops_mirzec,
    make_staff,
    make_training,
    mark,
    rops_kielce,
)
from tests.personas import ADMIN, COLLEAGUE, GOPS_MIRZEC, LEADER, PCPR, ROPS_KIELCE, ROPS_RZESZOW

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(client) -> None:
    """Messages are checked by their English msgids (the Polish comes with the merged catalogue)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _url(name: str, obj: Any = None) -> str:
    return reverse(f"learning:{name}", args=[obj.public_id] if obj is not None else None)


def _form(training: Training | None = None, **changes: Any) -> dict[str, Any]:
    values = {
        "title": "Negocjacje w pracy socjalnej",
        "kind": "training",
        "topic": "negotiation",
        "organiser": str(rops_kielce().public_id),
        "trainer": "Jan Trener",
        "capacity": "12",
        "required_attendance": "100",
        "description": "",
        "enrolment_closes_on": "",
        "team": "",
    }
    if training is not None:
        values["version"] = str(training.version)
    return values | changes


# --- The list ----------------------------------------------------------------------------------


def test_it_lists_trainings_with_free_places_and_my_status(client, login_as):
    training = make_training(capacity=3, title="Superwizja grupowa dla GPZK")
    fill(training, 1)
    user = login_as(GOPS_MIRZEC)
    Enrolment.objects.create(training=training, user=user, status=EnrolmentStatus.ENROLLED)
    response = client.get(_url("trainings"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Superwizja grupowa dla GPZK" in page
    assert "1 / 3" in page


def test_it_filters_by_topic_and_by_upcoming_or_past(client, login_as):
    login_as(COLLEAGUE)
    coming = make_training(title="Szkolenie nadchodzące XYZ", topic="supervision", days=(5,))
    past = make_training(title="Szkolenie minione XYZ", topic="supervision", days=(-5,))
    other = make_training(title="Inny temat XYZ", topic="negotiation", days=(5,))
    page = client.get(_url("trainings"), {"topic": "supervision", "when": "upcoming"}).content.decode()
    assert coming.title in page and past.title not in page and other.title not in page
    page = client.get(_url("trainings"), {"when": "past", "topic": "supervision"}).content.decode()
    assert past.title in page and coming.title not in page
    # A filter value that is no choice is left out, never an error.
    assert client.get(_url("trainings"), {"topic": "nonsense"}).status_code == 200


def test_it_shows_the_list_in_the_same_number_of_queries_for_2_and_20(client, login_as, django_assert_max_num_queries):
    login_as(GOPS_MIRZEC)
    for _ in range(2):
        fill(make_training(capacity=1), 2)
    with django_assert_max_num_queries(10):
        assert client.get(_url("trainings")).status_code == 200
    for _ in range(18):
        fill(make_training(capacity=1), 2)
    with django_assert_max_num_queries(10):
        assert client.get(_url("trainings")).status_code == 200


# --- One training ------------------------------------------------------------------------------


def test_a_reader_sees_places_and_the_waiting_list_length_but_not_the_names(client, login_as):
    training = make_training(capacity=1)
    first = fill(training, 1)[0]
    fill(training, 2)
    login_as(COLLEAGUE)
    page = client.get(_url("training", training)).content.decode()
    assert "0 free of 1" in page
    assert "2 people" in page
    assert first.last_name not in page
    assert _url("training_edit", training) not in page


def test_it_shows_my_place_on_the_waiting_list(client, login_as):
    training = make_training(capacity=1)
    fill(training, 2)
    login_as(COLLEAGUE)
    response = client.post(_url("training_enrol", training))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "number 2 on the waiting list" in page


def test_the_organiser_sees_who_is_enrolled_and_waiting(client, login_as):
    training = make_training(capacity=1)
    first, second = fill(training, 2)
    login_as(ROPS_KIELCE)
    page = client.get(_url("training", training)).content.decode()
    assert first.last_name in page and second.last_name in page
    assert _url("training_edit", training) in page


def test_it_shows_the_organisers_page_in_the_same_number_of_queries_for_2_and_20(
    client, login_as, django_assert_max_num_queries
):
    training = make_training(capacity=30, days=(-3, -2))
    login_as(ROPS_KIELCE)

    def add(count: int) -> None:
        for _ in range(count):
            mark(training, enrolled(training, make_staff()), 0)

    add(2)
    with django_assert_max_num_queries(16):
        assert client.get(_url("training", training)).status_code == 200
    add(18)
    with django_assert_max_num_queries(16):
        assert client.get(_url("training", training)).status_code == 200


def test_an_unknown_training_is_not_found(client, login_as):
    login_as(ADMIN)
    assert client.get(reverse("learning:training", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404


# --- Creating and editing ----------------------------------------------------------------------


def test_an_analyst_creates_a_training_of_their_institution(client, login_as):
    login_as(ROPS_KIELCE)
    page = client.get(_url("training_create")).content.decode()
    assert rops_kielce().name in page and gops_mirzec().name not in page
    response = client.post(_url("training_create"), _form())
    assert response.status_code == 302
    training = Training.objects.get(title="Negocjacje w pracy socjalnej")
    assert training.organiser == rops_kielce()


def test_it_refuses_an_organiser_the_user_does_not_belong_to(client, login_as):
    login_as(ROPS_RZESZOW)
    response = client.post(_url("training_create"), _form())
    assert response.status_code == 400
    assert not Training.objects.filter(title="Negocjacje w pracy socjalnej").exists()


def test_it_refuses_bad_input_with_a_message(client, login_as):
    login_as(ROPS_KIELCE)
    response = client.post(_url("training_create"), _form(capacity="0", title=""))
    assert response.status_code == 400
    assert not Training.objects.filter(organiser=rops_kielce(), title="").exists()


def test_a_social_worker_may_not_create_or_edit(client, login_as):
    training = make_training()
    login_as(GOPS_MIRZEC)
    assert client.get(_url("training_create")).status_code == 403
    assert client.post(_url("training_edit", training), _form(training)).status_code == 403


def test_a_manager_organises_for_their_own_institution_only(client, login_as):
    training = make_training()
    login_as(LEADER)
    assert client.get(_url("training_create")).status_code == 200
    assert client.get(_url("training_edit", training)).status_code == 403


def test_a_stale_edit_gets_the_conflict_page(client, login_as):
    training = make_training()
    login_as(ROPS_KIELCE)
    old = _form(training, title="Pierwsza zmiana")
    assert client.post(_url("training_edit", training), old).status_code == 302
    response = client.post(_url("training_edit", training), old | {"title": "Druga zmiana"})
    assert response.status_code == 409
    training.refresh_from_db()
    assert training.title == "Pierwsza zmiana"


def test_it_adds_a_session_and_refuses_one_that_ends_before_it_starts(client, login_as):
    training = make_training(days=())
    login_as(ROPS_KIELCE)
    day = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    bad = {"starts_at": f"{day}T12:00", "ends_at": f"{day}T10:00", "place": "Kielce"}
    assert client.post(_url("training_session_add", training), bad).status_code == 400
    assert not training.sessions.exists()
    good = {"starts_at": f"{day}T09:00", "ends_at": f"{day}T15:00", "place": "Kielce"}
    assert client.post(_url("training_session_add", training), good).status_code == 302
    session = training.sessions.get()
    assert client.get(_url("training_session_edit", session)).status_code == 200
    changed = good | {"place": "Sandomierz"}
    assert client.post(_url("training_session_edit", session), changed).status_code == 302
    session.refresh_from_db()
    assert session.place == "Sandomierz"


def test_a_wrong_method_is_refused(client, login_as):
    training = make_training()
    login_as(GOPS_MIRZEC)
    assert client.get(_url("training_enrol", training)).status_code == 405
    assert client.delete(_url("trainings")).status_code == 405


# --- Enrolment ---------------------------------------------------------------------------------


def test_enrolling_twice_is_refused_with_a_message(client, login_as):
    training = make_training()
    login_as(GOPS_MIRZEC)
    assert client.post(_url("training_enrol", training)).status_code == 302
    response = client.post(_url("training_enrol", training))
    assert response.status_code == 400
    assert "already enrolled" in response.content.decode()
    assert training.enrolments.count() == 1


def test_giving_up_a_place_from_my_learning(client, login_as):
    training = make_training(capacity=1)
    user = login_as(GOPS_MIRZEC)
    client.post(_url("training_enrol", training))
    (waiting,) = [make_staff()]
    from kooperacja.learning import trainings

    trainings.enrol(waiting, training)
    response = client.post(_url("training_leave", training), {"next": "my"})
    assert response["Location"].startswith(reverse("learning:my_certificates"))
    assert Enrolment.objects.get(training=training, user=user).status == EnrolmentStatus.CANCELLED
    assert Enrolment.objects.get(training=training, user=waiting).status == EnrolmentStatus.ENROLLED


# --- Attendance and certificates ---------------------------------------------------------------


def test_the_organiser_keeps_attendance(client, login_as):
    training = make_training(days=(-1,))
    one, two = enrolled(training, make_staff()), enrolled(training, make_staff())
    session = training.sessions.get()
    login_as(ROPS_KIELCE)
    assert client.get(_url("training_attendance", session)).status_code == 200
    response = client.post(_url("training_attendance", session), {"present": [str(one.public_id)]})
    assert response.status_code == 302
    marks = dict(SessionAttendance.objects.filter(session=session).values_list("enrolment_id", "present"))
    assert marks == {one.pk: True, two.pk: False}
    # Someone not enrolled is no choice of the form.
    stranger = enrolled(training, make_staff(), status=EnrolmentStatus.WAITING)
    assert client.post(_url("training_attendance", session), {"present": [str(stranger.public_id)]}).status_code == 400


def test_a_future_session_gets_no_attendance(client, login_as):
    training = make_training(days=(3,))
    one = enrolled(training, make_staff())
    login_as(ROPS_KIELCE)
    session = training.sessions.get()
    response = client.post(_url("training_attendance", session), {"present": [str(one.public_id)]})
    assert response.status_code == 400
    assert not SessionAttendance.objects.filter(session=session).exists()


def test_others_may_not_keep_attendance(client, login_as):
    training = make_training(days=(-1,))
    login_as(PCPR)
    assert client.get(_url("training_attendance", training.sessions.get())).status_code == 403


def test_it_saves_attendance_in_the_same_number_of_queries_for_2_and_20(
    client, login_as, django_assert_max_num_queries
):
    """The form's choices name each person and institution without a query per person (the
    marks sent are those kept, so nothing is written; one query asks whether the training has
    valid certificates to check again)."""
    training = make_training(capacity=30, days=(-1,))
    session = training.sessions.get()
    login_as(ROPS_KIELCE)

    def add(count: int) -> None:
        for _ in range(count):
            mark(training, enrolled(training, make_staff(gops_mirzec())), 0)

    def save(present: list[str]) -> None:
        assert client.post(_url("training_attendance", session), {"present": present}).status_code == 302

    add(2)
    present = [str(one.public_id) for one in training.enrolments.all()]
    with django_assert_max_num_queries(16):
        save(present)
    add(18)
    present = [str(one.public_id) for one in training.enrolments.all()]
    with django_assert_max_num_queries(16):
        save(present)


def test_issuing_certificates_reports_who_got_one_and_who_did_not(client, login_as):
    training = make_training(days=(-3, -2))
    full, half = enrolled(training, make_staff()), enrolled(training, make_staff())
    mark(training, full, 0, 1)
    mark(training, half, 1)
    login_as(ROPS_KIELCE)
    assert client.get(_url("training_certificates", training)).status_code == 200
    response = client.post(_url("training_certificates", training))
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 certificate was issued" in page
    assert half.user.last_name in page
    assert Certificate.objects.filter(training=training).count() == 1


def test_issuing_before_the_end_is_refused(client, login_as):
    training = make_training(days=(-1, 3))
    enrolled(training, make_staff())
    login_as(ROPS_KIELCE)
    response = client.post(_url("training_certificates", training))
    assert response.status_code == 400
    assert not Certificate.objects.filter(training=training).exists()


def test_cancelling_a_training(client, login_as):
    training = make_training()
    login_as(GOPS_MIRZEC)
    assert client.post(_url("training_cancel", training)).status_code == 403
    login_as(ROPS_KIELCE)
    assert client.post(_url("training_cancel", training)).status_code == 302
    training.refresh_from_db()
    assert training.is_cancelled
