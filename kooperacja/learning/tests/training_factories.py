"""Building trainings for tests: each call makes a new training (never the demo's), organised by
ROPS Kielce unless told otherwise, with sessions placed relative to now, and staff users who
may enrol."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution, Membership
from kooperacja.learning import trainings
from kooperacja.learning.models import (
    Enrolment,
    EnrolmentStatus,
    SessionAttendance,
    Topic,
    Training,
    TrainingKind,
    TrainingSession,
)

_numbers = itertools.count(1)


def rops_kielce() -> Institution:
    return Institution.objects.get(short_name="ROPS Kielce")


def gops_mirzec() -> Institution:
    return Institution.objects.get(kind="gops", municipality__name="Mirzec")


def gops_oksa() -> Institution:
    return Institution.objects.get(kind="gops", municipality__name="Oksa")


def make_staff(institution: Institution | None = None, *, role: str = Role.SOCIAL_WORKER, name: str = "") -> Any:
    """A new signed-in-able user with an active membership (GOPS Mirzec by default)."""
    number = next(_numbers)
    user = get_user_model().objects.create_user(
        username=f"uczestnik.{number}.{timezone.now().timestamp()}",
        first_name=name or "Anna",
        last_name=f"Testowa {number}",
    )
    Membership.objects.create(user=user, institution=institution or gops_mirzec(), role=role)
    return user


def make_training(
    *,
    organiser: Institution | None = None,
    capacity: int = 10,
    days: tuple[int, ...] = (14,),
    hours: int = 6,
    title: str = "Komunikacja w zespole",
    team: Any = None,
    required_attendance: int = 100,
    topic: str = Topic.COMMUNICATION,
    kind: str = TrainingKind.TRAINING,
    enrolment_closes_on: dt.date | None = None,
) -> Training:
    """A training with one session per entry of `days` (days from now: negative for the past),
    each starting at 9:00 local time and lasting `hours`."""
    training = Training.objects.create(
        title=title,
        kind=kind,
        topic=topic,
        organiser=organiser or rops_kielce(),
        team=team,
        trainer="Jan Trener",
        capacity=capacity,
        required_attendance=required_attendance,
        enrolment_closes_on=enrolment_closes_on,
    )
    for day in days:
        add_session_on(training, day, hours=hours)
    return training


def add_session_on(training: Training, day: int, *, hours: int = 6) -> TrainingSession:
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + dt.timedelta(days=day)
    return TrainingSession.objects.create(
        training=training, starts_at=start, ends_at=start + dt.timedelta(hours=hours), place="Kielce, ul. Witosa 86"
    )


def enrolled(training: Training, user: Any, *, status: str = EnrolmentStatus.ENROLLED) -> Enrolment:
    """An enrolment written directly (for trainings already under way, where `enrol` refuses)."""
    return Enrolment.objects.create(training=training, user=user, status=status)


def fill(training: Training, count: int) -> list[Any]:
    """`count` new staff users enrolled through the service, in order."""
    users = [make_staff() for _ in range(count)]
    for user in users:
        trainings.enrol(user, training)
    return users


def mark(training: Training, enrolment: Enrolment, *present_days: int) -> None:
    """Attendance of one person: present at the sessions at these positions (0-based)."""
    for index, session in enumerate(training.sessions.all()):
        SessionAttendance.objects.update_or_create(
            session=session, enrolment=enrolment, defaults={"present": index in present_days}
        )
