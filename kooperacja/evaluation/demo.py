"""Demo: the families of the 2019 pilot, whose programmes the evaluation reports on.

The model's published result of the rural pilot: of 172 families, 140 completed their
individual cooperation programme (IPW) after 10–13 months. The demo places those families in
the six gminas of the 2019 pilot pairs (Oksa, Wodzisław, Bieliny, Łopuszno, Łoniów, Bogoria —
Mirzec and Bodzechów were not among them), so the dashboards of 2020 show „140 of 172” for
the voivodeship as the project reported it for the pilot (rounded: 140 of 170, 81 %). Which
gmina each family lived in, the dates inside 2019–2020, the goals and the diagnoses are the
demo's choice: the sources give only the totals. The families are fictional and generated
from a fixed seed; their cases are history (closed in 2020) written as rows, the way the
plans demo writes the plans of closed cases.

Idempotent: nothing is added when the pilot's first household exists.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.db import transaction

from kooperacja.assessment.models import Assessment, DomainScore, Instrument
from kooperacja.cases.demo import GMINAS, demo_uuid
from kooperacja.cases.models import Case, CaseKind, CaseStatus, ClosingReason, Household, Person, Relationship, Sex
from kooperacja.cases.scale import FEMALE_NAMES, LAST_NAMES, MALE_NAMES
from kooperacja.core.models import User
from kooperacja.institutions.models import Institution, InstitutionKind, Membership
from kooperacja.plans.models import CooperationPlan, Goal, GoalStatus, PlanStatus

# Gmina code -> families of the pilot in it (172 in all).
PILOT_FAMILIES = {
    "2602052": 30,  # Oksa
    "2602093": 29,  # Wodzisław
    "2604012": 29,  # Bieliny
    "2604083": 28,  # Łopuszno
    "2609052": 28,  # Łoniów
    "2612013": 28,  # Bogoria
}
COMPLETED = 140
SEED = 2019
GOALS = (
    ("Regularna praca zarobkowa członka rodziny", "umowa o pracę lub zlecenie", "brak pracy", "zatrudnienie"),
    ("Uregulowanie zaległości czynszowych", "zadłużenie w zł", "zaległość", "brak zaległości"),
    ("Poprawa frekwencji dzieci w szkole", "frekwencja w %", "poniżej 70 %", "co najmniej 90 %"),
    ("Udział w grupie wsparcia", "spotkania w miesiącu", "0", "2"),
    ("Podjęcie leczenia", "wizyty w poradni", "brak", "regularne wizyty"),
)
END_REASONS = (
    "Rodzina wyprowadziła się z gminy.",
    "Rodzina zrezygnowała z udziału w programie.",
    "Przerwa w kontakcie z rodziną dłuższa niż trzy miesiące.",
)


def load(log: Callable[[str], None]) -> None:
    if Household.objects.filter(public_id=demo_uuid("pilot", "household", "2602052", "1")).exists():
        return
    instrument = Instrument.objects.filter(is_current=True).prefetch_related("domains").first()
    if instrument is None:
        log("Evaluation: no current instrument, the pilot's families are not added.")
        return
    rng = random.Random(SEED)  # noqa: S311 — a fixed seed makes the same fictional families every time
    completed_left = COMPLETED
    families = sum(PILOT_FAMILIES.values())
    with transaction.atomic():
        for index, (code, count) in enumerate(PILOT_FAMILIES.items()):
            gops = Institution.objects.select_related("municipality").get(
                kind=InstitutionKind.GOPS, municipality__code=code
            )
            worker = _worker(gops)
            for number in range(1, count + 1):
                # The completed programmes are spread evenly over the families of every gmina.
                completes = rng.random() < completed_left / families
                completed_left -= completes
                families -= 1
                _family(rng, gops, worker, instrument, code, number, completes, GMINAS[code][1], index)
    log(f"Evaluation: the 2019 pilot's {sum(PILOT_FAMILIES.values())} families ({COMPLETED} completed their IPW).")


def _worker(gops: Institution) -> User:
    membership = Membership.objects.filter(institution=gops, revoked_at__isnull=True).order_by("id").first()
    if membership is not None:
        return membership.user
    return User.objects.get(username="admin")


def _family(
    rng: random.Random,
    gops: Institution,
    worker: User,
    instrument: Instrument,
    code: str,
    number: int,
    completes: bool,
    localities: tuple[str, ...],
    offset: int,
) -> None:
    gmina = gops.municipality
    assert gmina is not None  # noqa: S101 — a GOPS lies in its gmina
    female = rng.random() < 0.7
    surname = rng.choice(LAST_NAMES)[1 if female else 0]
    household = Household.objects.create(
        public_id=demo_uuid("pilot", "household", code, str(number)),
        institution=gops,
        municipality=gmina,
        name=f"Rodzina {surname}",
    )
    person = Person.objects.create(
        public_id=demo_uuid("pilot", "person", code, str(number)),
        institution=gops,
        municipality=gmina,
        household=household,
        relationship=Relationship.HEAD,
        first_name=rng.choice(FEMALE_NAMES if female else MALE_NAMES),
        last_name=surname,
        birth_date=dt.date(rng.randint(1965, 1995), rng.randint(1, 12), rng.randint(1, 28)),
        sex=Sex.FEMALE if female else Sex.MALE,
        locality=rng.choice(localities),
    )
    opened = dt.date(2019, 3, 1) + dt.timedelta(days=rng.randint(0, 100) + offset)
    starts = opened + dt.timedelta(days=14)
    ended = starts + dt.timedelta(days=rng.randint(305, 395))  # 10–13 months
    case = Case.objects.create(
        public_id=demo_uuid("pilot", "case", code, str(number)),
        kind=CaseKind.HOUSEHOLD,
        household=household,
        institution=gops,
        municipality=gmina,
        lead_worker=worker if worker.username != "admin" else None,
        status=CaseStatus.CLOSED,
        closing_reason=ClosingReason.GOALS_ACHIEVED
        if completes
        else rng.choice([ClosingReason.MOVED, ClosingReason.NO_COOPERATION]),
        opened_on=opened,
        closed_on=ended + dt.timedelta(days=7),
        summary="Rodzina uczestnicząca w pilotażu modelu kooperacji w 2019 r.",
    )
    plan = CooperationPlan.objects.create(
        public_id=demo_uuid("pilot", "plan", code, str(number)),
        case=case,
        municipality=gmina,
        institution=gops,
        title="Indywidualny Program Współpracy",
        status=PlanStatus.COMPLETED if completes else PlanStatus.ENDED,
        starts_on=starts,
        ends_on=starts + dt.timedelta(days=365),
        agreed_on=starts,
        ended_on=ended,
        end_reason="" if completes else rng.choice(END_REASONS),
        created_by=worker,
    )
    goals = rng.sample(GOALS, 3)
    Goal.objects.bulk_create(
        Goal(
            public_id=demo_uuid("pilot", "goal", code, str(number), str(position)),
            plan=plan,
            municipality=gmina,
            position=position,
            title=title,
            indicator=indicator,
            baseline=baseline,
            target=target,
            due_on=ended,
            responsible_institution=gops,
            status=_goal_status(rng, completes),
        )
        for position, (title, indicator, baseline, target) in enumerate(goals)
    )
    _assessments(rng, case, person, gops, worker, instrument, opened + dt.timedelta(days=7), ended, completes)


def _goal_status(rng: random.Random, completes: bool) -> str:
    if completes:
        return rng.choices([GoalStatus.ACHIEVED, GoalStatus.PARTLY], weights=[4, 1])[0]
    return rng.choices([GoalStatus.ACHIEVED, GoalStatus.PARTLY, GoalStatus.NOT_ACHIEVED], weights=[1, 2, 3])[0]


def _assessments(
    rng: random.Random,
    case: Case,
    person: Person,
    gops: Institution,
    worker: User,
    instrument: Instrument,
    first_on: dt.date,
    last_on: dt.date,
    completes: bool,
) -> None:
    """A diagnosis at the start and one at the end: after a completed programme most domains
    rise by a level or two; after one ended early they rise less or fall back."""
    domains = list(instrument.domains.all())
    first = Assessment.objects.create(
        public_id=demo_uuid("pilot", "assessment", str(case.public_id), "first"),
        case=case,
        person=person,
        municipality=case.municipality,
        institution=gops,
        instrument=instrument,
        assessed_on=first_on,
        assessed_by=worker,
    )
    last = Assessment.objects.create(
        public_id=demo_uuid("pilot", "assessment", str(case.public_id), "last"),
        case=case,
        person=person,
        municipality=case.municipality,
        institution=gops,
        instrument=instrument,
        assessed_on=last_on,
        assessed_by=worker,
    )
    scores = []
    for domain in domains:
        start = rng.choice([1, 2, 2, 3, 3, 4])
        step = rng.choice([0, 1, 1, 2]) if completes else rng.choice([-1, 0, 0, 1])
        scores.append(DomainScore(assessment=first, domain=domain, level=start))
        scores.append(DomainScore(assessment=last, domain=domain, level=min(5, max(1, start + step))))
    DomainScore.objects.bulk_create(scores)
