"""Demo trainings of ROPS Kielce: the two-day „Szkoła kooperacji” of 2018 (seed 001: PCPR
Starachowice took part), the two one-day trainings of 2018 for G-PZK Mirzec (the powiat's duty
no. 3 of the agreement of 20 August 2018, linked as its evidence), the 2019 trainings on the
five topics of seed 002, and a current „Szkoła kooperacji” starting in three weeks: 12 places
taken, 2 people on the waiting list.

The sources give no dates, places or trainers for these trainings: the ones below are chosen
for the demo. Idempotent: a training already there (by its fixed public id) is left as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kooperacja.cases.demo import MIRZEC, demo_uuid
from kooperacja.community.demo_programme import ROPS_KIELCE
from kooperacja.core import evidence
from kooperacja.core.policies import memberships
from kooperacja.institutions.models import Institution
from kooperacja.learning import certificates
from kooperacja.learning.models import (
    Certificate,
    Enrolment,
    EnrolmentStatus,
    SessionAttendance,
    Topic,
    Training,
    TrainingKind,
    TrainingSession,
)
from kooperacja.learning.trainings import hours_of
from kooperacja.teams.models import Obligation, Team

PLACE_KIELCE = "Kielce, ROPS, ul. Witosa 86"
TRAINER = "Zespół trenerski „Szkoły kooperacji”"
MIRZEC_MEMBERS_2018 = (
    "lider.mirzec",
    "pcpr.starachowice",
    "pup.starachowice.demo",
    "ug.mirzec.demo",
    "zoz.mirzec.demo",
    "biok.mirzec.demo",
    "policja.mirzec",
    "przedszkole.mirzec.demo",
    "szkola.mirzec",
)


@dataclass(frozen=True)
class Past:
    """A training that took place: its days (9:00–16:00), who attended every day, and who
    missed one day (no certificate: 100% attendance is required)."""

    key: str
    title: str
    kind: str
    topic: str
    days: tuple[dt.date, ...]
    attended: tuple[str, ...]
    missed_one: tuple[str, ...] = ()
    for_mirzec: bool = False
    place: str = PLACE_KIELCE
    description: str = ""


PAST: tuple[Past, ...] = (
    Past(
        "school-2018",
        "„Szkoła kooperacji” – szkolenie dwudniowe",
        TrainingKind.SCHOOL,
        Topic.COOPERATION,
        (dt.date(2018, 9, 20), dt.date(2018, 9, 21)),
        ("pcpr.starachowice", "lider.mirzec"),
        description="Komunikacja, negocjacje i budowanie efektywnej kooperacji w Gminno-Powiatowych Zespołach.",
    ),
    Past(
        "mirzec-2018-1",
        "Komunikacja w Gminno-Powiatowym Zespole Kooperacji",
        TrainingKind.TRAINING,
        Topic.COMMUNICATION,
        (dt.date(2018, 10, 25),),
        MIRZEC_MEMBERS_2018[:7],
        for_mirzec=True,
        place="Mirzec, Urząd Gminy, sala konferencyjna",
    ),
    Past(
        "mirzec-2018-2",
        "Budowanie efektywnej kooperacji instytucji gminy i powiatu",
        TrainingKind.TRAINING,
        Topic.COOPERATION,
        (dt.date(2018, 11, 29),),
        MIRZEC_MEMBERS_2018[:6] + MIRZEC_MEMBERS_2018[7:],
        for_mirzec=True,
        place="Mirzec, Urząd Gminy, sala konferencyjna",
    ),
    Past(
        "2019-communication",
        "Komunikacja społeczna i interpersonalna",
        TrainingKind.TRAINING,
        Topic.COMMUNICATION,
        (dt.date(2019, 3, 14), dt.date(2019, 3, 15)),
        ("gops.mirzec", "gops.oksa", "kolega.mirzec"),
        missed_one=("asystent.mirzec",),
    ),
    Past(
        "2019-negotiation",
        "Negocjacje w pracy instytucji pomocy i integracji społecznej",
        TrainingKind.TRAINING,
        Topic.NEGOTIATION,
        (dt.date(2019, 4, 11),),
        ("lider.mirzec", "gops.oksa", "pcpr.starachowice"),
    ),
    Past(
        "2019-cooperation",
        "Budowanie efektywnej kooperacji",
        TrainingKind.WORKSHOP,
        Topic.COOPERATION,
        (dt.date(2019, 5, 16), dt.date(2019, 5, 17)),
        ("gops.mirzec", "szkola.mirzec", "policja.mirzec"),
    ),
    Past(
        "2019-family-work",
        "Metody pracy z rodziną lub grupą osób",
        TrainingKind.TRAINING,
        Topic.FAMILY_WORK,
        (dt.date(2019, 6, 13), dt.date(2019, 6, 14)),
        ("asystent.mirzec", "kolega.mirzec", "gops.oksa"),
        missed_one=("gops.mirzec",),
    ),
    Past(
        "2019-supervision",
        "Superwizja grupowa dla członków zespołów kooperacji",
        TrainingKind.WORKSHOP,
        Topic.SUPERVISION,
        (dt.date(2019, 10, 10),),
        ("lider.mirzec", "pcpr.starachowice", "gops.mirzec", "gops.oksa"),
        place="Sandomierz, Centrum Kształcenia Ustawicznego",
    ),
)

CURRENT_KEY = "school-current"
CURRENT_ENROLLED = (
    "gops.mirzec",
    "lider.mirzec",
    "pcpr.starachowice",
    "szkola.mirzec",
    "policja.mirzec",
    "gops.oksa",
    "rops.rzeszow",
    "pup.starachowice.demo",
    "ug.mirzec.demo",
    "zoz.mirzec.demo",
    "biok.mirzec.demo",
    "przedszkole.mirzec.demo",
)
CURRENT_WAITING = ("asystent.mirzec", "kolega.mirzec")


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _enrolment(training: Training, user: Any, status: str, asked_at: dt.datetime) -> Enrolment:
    own = memberships(user)
    return Enrolment.objects.create(
        training=training,
        user=user,
        institution=own[0].institution if own else None,
        status=status,
        asked_at=asked_at,
        changed_at=asked_at,
    )


def _training(key: str, organiser: Institution, **fields: Any) -> Training:
    return Training.objects.create(public_id=demo_uuid("training", key), organiser=organiser, trainer=TRAINER, **fields)


def _past(spec: Past, organiser: Institution, users: dict[str, Any], team: Team | None) -> Training:
    first = spec.days[0]
    training = _training(
        spec.key,
        organiser,
        title=spec.title,
        kind=spec.kind,
        topic=spec.topic,
        description=spec.description,
        team=team if spec.for_mirzec else None,
        capacity=max(20, len(spec.attended) + len(spec.missed_one)),
        enrolment_closes_on=first - dt.timedelta(days=7),
        created_at=_at(first - dt.timedelta(days=30), 10),
        updated_at=_at(first - dt.timedelta(days=30), 10),
    )
    sessions = [
        TrainingSession.objects.create(
            training=training,
            title=f"Dzień {number}" if len(spec.days) > 1 else "",
            starts_at=_at(day, 9),
            ends_at=_at(day, 16),
            place=spec.place,
        )
        for number, day in enumerate(spec.days, start=1)
    ]
    asked = _at(first - dt.timedelta(days=20), 12)
    for offset, username in enumerate((*spec.attended, *spec.missed_one)):
        user = users.get(username)
        if user is None:
            continue
        enrolment = _enrolment(training, user, EnrolmentStatus.ENROLLED, asked + dt.timedelta(minutes=offset))
        missed = username in spec.missed_one
        SessionAttendance.objects.bulk_create(
            SessionAttendance(
                session=session,
                enrolment=enrolment,
                present=not (missed and index == len(sessions) - 1),
                recorded_at=session.ends_at,
            )
            for index, session in enumerate(sessions)
        )
        if not missed:
            certificates.issue(user, training=training, hours=hours_of(sessions), issued_by=organiser.name)
    Certificate.objects.filter(training=training).update(issued_on=spec.days[-1])
    return training


def _current(organiser: Institution, users: dict[str, Any], today: dt.date) -> Training:
    start = today + dt.timedelta(days=21)
    training = _training(
        CURRENT_KEY,
        organiser,
        title=f"„Szkoła kooperacji” – edycja {start.year}",
        kind=TrainingKind.SCHOOL,
        topic=Topic.COOPERATION,
        description="Dwudniowe szkolenie dla członków Gminno-Powiatowych Zespołów Kooperacji: komunikacja, "
        "negocjacje, budowanie efektywnej kooperacji i superwizja grupowa.",
        capacity=12,
        enrolment_closes_on=start - dt.timedelta(days=7),
    )
    for number, day in enumerate((start, start + dt.timedelta(days=1)), start=1):
        TrainingSession.objects.create(
            training=training, title=f"Dzień {number}", starts_at=_at(day, 9), ends_at=_at(day, 15), place=PLACE_KIELCE
        )
    asked = timezone.now() - dt.timedelta(days=10)
    order = [(name, EnrolmentStatus.ENROLLED) for name in CURRENT_ENROLLED]
    order += [(name, EnrolmentStatus.WAITING) for name in CURRENT_WAITING]
    for offset, (username, status) in enumerate(order):
        if username in users:
            _enrolment(training, users[username], status, asked + dt.timedelta(hours=offset * 5))
    return training


def _link_evidence(trainings: Sequence[Training], team: Team | None) -> None:
    """The powiat's duty no. 3 (trainings of the G-PZK's members) was met by the two trainings."""
    if team is None:
        return
    duty = Obligation.objects.filter(
        agreement__team=team, text__startswith="Udział podmiotów powołanych do G-PZK w szkoleniach"
    ).first()
    if duty is None:
        return
    animator = get_user_model().objects.filter(username="pcpr.starachowice").first()
    for training in trainings:
        evidence.link(duty, training, actor=animator)


def load(log: Callable[[str], None]) -> None:
    """Create the demo trainings not there yet (idempotent)."""
    organiser = Institution.objects.filter(name=ROPS_KIELCE).first()
    if organiser is None:
        log("Trainings: ROPS Kielce is missing; demo trainings skipped.")
        return
    wanted = [demo_uuid("training", spec.key) for spec in PAST] + [demo_uuid("training", CURRENT_KEY)]
    existing = set(Training.objects.filter(public_id__in=wanted).values_list("public_id", flat=True))
    if len(existing) == len(wanted):
        log(f"Trainings: {len(existing)} demo trainings (0 new).")
        return
    names = set(MIRZEC_MEMBERS_2018) | set(CURRENT_ENROLLED) | set(CURRENT_WAITING)
    names |= {name for spec in PAST for name in (*spec.attended, *spec.missed_one)}
    users = {user.username: user for user in get_user_model().objects.filter(username__in=names)}
    team = Team.objects.filter(public_id=demo_uuid("team", MIRZEC)).first()
    made = 0
    with transaction.atomic():
        for_mirzec = []
        for spec in PAST:
            if demo_uuid("training", spec.key) in existing:
                continue
            training = _past(spec, organiser, users, team)
            made += 1
            if spec.for_mirzec:
                for_mirzec.append(training)
        _link_evidence(for_mirzec, team)
        if demo_uuid("training", CURRENT_KEY) not in existing:
            _current(organiser, users, timezone.localdate())
            made += 1
    log(f"Trainings: {len(existing) + made} demo trainings ({made} new).")
