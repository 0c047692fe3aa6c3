"""The demo trainings: the story of the seeds, the current training with its waiting list, the
evidence of G-PZK Mirzec's obligation, and loading twice creates nothing new."""

from __future__ import annotations

import time

import pytest

from kooperacja.cases.demo import MIRZEC, demo_uuid
from kooperacja.core import evidence
from kooperacja.core.models import EvidenceLink
from kooperacja.learning import demo_trainings
from kooperacja.learning import trainings as service
from kooperacja.learning.models import Certificate, Enrolment, EnrolmentStatus, SessionAttendance, Training
from kooperacja.teams.models import Obligation

pytestmark = pytest.mark.django_db


def _load() -> None:
    started = time.monotonic()
    demo_trainings.load(print)
    assert time.monotonic() - started < 3  # < 1 s on its own; the margin is for a busy test machine


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Training, Enrolment, Certificate, EvidenceLink))


def test_it_loads_once_and_running_it_again_creates_nothing():
    _load()
    counts = _counts()
    _load()
    assert _counts() == counts


def test_pcpr_starachowice_attended_both_days_of_the_2018_school_and_holds_a_certificate():
    _load()
    school = Training.objects.get(public_id=demo_uuid("training", "school-2018"))
    assert school.sessions.count() == 2
    enrolment = Enrolment.objects.get(training=school, user__username="pcpr.starachowice")
    assert SessionAttendance.objects.filter(enrolment=enrolment, present=True).count() == 2
    certificate = Certificate.objects.get(training=school, user__username="pcpr.starachowice")
    assert certificate.hours == 14
    assert certificate.issued_on.year == 2018


def test_the_current_training_is_full_with_two_waiting_kolega_second():
    _load()
    current = Training.objects.get(public_id=demo_uuid("training", demo_trainings.CURRENT_KEY))
    assert current.capacity == 12
    assert current.enrolments.filter(status=EnrolmentStatus.ENROLLED).count() == 12
    assert current.enrolments.filter(status=EnrolmentStatus.ENROLLED, user__username="gops.mirzec").exists()
    kolega = Enrolment.objects.get(training=current, user__username="kolega.mirzec")
    assert service.waiting_place(kolega) == 2


def test_the_2019_trainings_cover_the_five_topics_of_the_seed():
    _load()
    topics = set(
        Training.objects.filter(
            public_id__in=[demo_uuid("training", s.key) for s in demo_trainings.PAST if s.key.startswith("2019")]
        ).values_list("topic", flat=True)
    )
    assert topics == {"communication", "negotiation", "cooperation", "family_work", "supervision"}


def test_the_mirzec_trainings_are_evidence_of_the_powiats_duty_no_3():
    _load()
    team_id = demo_uuid("team", MIRZEC)
    duty = Obligation.objects.filter(agreement__team__public_id=team_id, number=3).first()
    if duty is None:
        pytest.skip("the teams demo has no G-PZK Mirzec")
    titles = [shown.title for shown in evidence.links_of(duty)]
    assert any("Komunikacja w Gminno-Powiatowym Zespole Kooperacji" in title for title in titles)
