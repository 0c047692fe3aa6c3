"""Scale data: referrals of the generated cases, with their steps, messages, consents and the
participation of the receiving institution.

A referral goes from the case's social assistance centre to another institution of the same
gmina (school, health centre, police, library, office, NGO) or of its powiat (PCPR, employment
office, counselling centre, probation officers), weighted as centres refer in practice, often
to one of the receiving institution's services. States follow a realistic mix (most referrals
are completed; some wait for an answer, some are overdue, some declined and a few of those
forwarded). Each referral has the steps that led to its state, a third of them a short thread.
The receiving institution gets a staff member (partner_staff) who handles its inbox.

For access rules to hold as the application would have left them: each referral that was
sent makes its receiving institution a participant of the case (`Participation`, kind
referral, ended when the referral closed), and its person has a consent covering identity and
the plan for the receiving institution (one per person and institution).

Needs `persons` and `cases` (cases/scale.py) first; figures are totals.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from kooperacja.cases.models import (
    Case,
    CaseStatus,
    Consent,
    ConsentBasis,
    ConsentCategory,
    Participation,
    ParticipationKind,
    Person,
    TimelineEntry,
    TimelineKind,
)
from kooperacja.cases.scale import WORKER_PREFIX, add_workers
from kooperacja.core.roles import Role
from kooperacja.core.scale import ScaleRun, next_id, random_uuid, rebuilt_indexes
from kooperacja.directory.models import Service, ServiceStatus
from kooperacja.institutions.models import Institution, InstitutionKind, Membership
from kooperacja.plans.models import Message, Referral, ReferralEvent, ReferralOutcome, ReferralStatus

FIGURES = {"referrals": 0}
STAFF_PREFIX = "scale.ps."
CHUNK = 20_000
S = ReferralStatus

# How often a centre refers to each kind of institution.
RECEIVER_WEIGHTS: dict[str, int] = {
    InstitutionKind.PCPR: 5,
    InstitutionKind.PUP: 3,
    InstitutionKind.OTHER: 3,  # the psychological-pedagogical counselling centre
    InstitutionKind.SCHOOL: 3,
    InstitutionKind.HEALTH_CENTRE: 3,
    InstitutionKind.COURT: 1,
    InstitutionKind.POLICE_POST: 1,
    InstitutionKind.LIBRARY_CULTURE: 1,
    InstitutionKind.LOCAL_GOVERNMENT: 2,
    InstitutionKind.NGO: 2,
}
# The state of a referral and the path that led to it (each step: from, to).
PATHS: dict[str, tuple[tuple[str, str], ...]] = {
    S.DRAFT: (),
    S.SENT: ((S.DRAFT, S.SENT),),
    S.ACCEPTED: ((S.DRAFT, S.SENT), (S.SENT, S.ACCEPTED)),
    S.DECLINED: ((S.DRAFT, S.SENT), (S.SENT, S.DECLINED)),
    S.IN_PROGRESS: ((S.DRAFT, S.SENT), (S.SENT, S.ACCEPTED), (S.ACCEPTED, S.IN_PROGRESS)),
    S.COMPLETED: ((S.DRAFT, S.SENT), (S.SENT, S.ACCEPTED), (S.ACCEPTED, S.IN_PROGRESS), (S.IN_PROGRESS, S.COMPLETED)),
    S.CANCELLED: ((S.DRAFT, S.SENT), (S.SENT, S.CANCELLED)),
    S.EXPIRED: ((S.DRAFT, S.SENT), (S.SENT, S.EXPIRED)),
}
STATE_MIX = (
    (S.COMPLETED, 40),
    (S.IN_PROGRESS, 16),
    (S.ACCEPTED, 8),
    (S.SENT, 12),
    (S.DECLINED, 9),
    (S.CANCELLED, 5),
    (S.EXPIRED, 6),
    (S.DRAFT, 4),
)
CLOSED = (S.COMPLETED, S.DECLINED, S.CANCELLED, S.EXPIRED)
REASONS = (
    "Rodzina potrzebuje wsparcia specjalistycznego, prosimy o przyjęcie i kontakt z osobą.",
    "Dziecko wymaga diagnozy i terapii; rodzic wyraził zgodę na skierowanie.",
    "Osoba długotrwale bezrobotna, prosimy o poradnictwo zawodowe i ofertę szkoleń.",
    "Podejrzenie przemocy domowej, prosimy o pilny kontakt.",
    "Senior po hospitalizacji, potrzebna rehabilitacja i pomoc w codziennych czynnościach.",
    "Prosimy o objęcie dziecka zajęciami pozalekcyjnymi i pomocą pedagoga.",
)
DECLINE_REASONS = ("Brak wolnych miejsc w najbliższych trzech miesiącach.", "Osoba nie spełnia kryteriów usługi.")
CANCEL_REASONS = ("Rodzina wyprowadziła się z gminy.", "Osoba otrzymała pomoc gdzie indziej.")
MESSAGES = (
    "Dzień dobry, czy możemy umówić pierwsze spotkanie w przyszłym tygodniu?",
    "Tak, proszę o kontakt telefoniczny z rodziną, numer jest w skierowaniu.",
    "Rodzina była na pierwszym spotkaniu, kolejne za dwa tygodnie.",
    "Dziękujemy za informację.",
    "Czy potrzebna jest aktualna opinia ze szkoły?",
)
REFERRAL_COLUMNS = [
    "id", "public_id", "case_id", "person_id", "municipality_id", "from_institution_id", "to_institution_id",
    "service_id", "previous_id", "status", "shared_categories", "reason", "decline_reason", "cancel_reason",
    "outcome", "outcome_note", "answer_due", "created_by_id", "created_at", "sent_at", "answered_at", "closed_at",
    "updated_at", "submit_key", "version",
]  # fmt: skip


def generate(run: ScaleRun) -> None:
    """Add referrals until the database holds `referrals` of them."""
    target = run.figures.get("referrals", 0)
    if not target:
        return
    existing = Referral.objects.count()
    if existing >= target:
        run.log(f"  referrals: {existing} already (asked {target}), none added")
        return
    world = _World(run)
    if not world.cases:
        run.log("  referrals: no open case with a person to refer (generate persons and cases first)")
        return
    tables = [Referral, ReferralEvent, Message, Participation, Consent, TimelineEntry]
    with rebuilt_indexes(run, tables), run.step(f"plans: {target - existing} referrals with steps and messages"):
        world.add(target - existing, existing)


class _World:
    """The cases to refer from, the institutions to refer to, and who acts for each side."""

    def __init__(self, run: ScaleRun) -> None:
        self.run = run
        # The cases a centre works on (not closed), each with one of its people.
        people: dict[int, list[int]] = defaultdict(list)
        for person_id, household_id in Person.objects.filter(household__isnull=False).values_list("id", "household_id"):
            people[household_id].append(person_id)
        self.cases: list[tuple[int, int, int, int, int | None]] = []  # id, institution, gmina, person, lead
        cases = Case.objects.exclude(status=CaseStatus.CLOSED).order_by("id")
        for pk, institution_id, gmina_id, person_id, household_id, lead_id in cases.values_list(
            "id", "institution_id", "municipality_id", "person_id", "household_id", "lead_worker_id"
        ):
            person = person_id or (min(people[household_id]) if people.get(household_id) else None)
            if person is not None:
                self.cases.append((pk, institution_id, gmina_id, person, lead_id))
        gmina_county = dict(
            Institution.objects.filter(id__in={case[1] for case in self.cases}).values_list(
                "municipality_id", "county_id"
            )
        )
        # Receivers of each gmina: its own institutions and those of its powiat.
        by_gmina: dict[int, list[tuple[int, str]]] = defaultdict(list)
        by_county: dict[int, list[tuple[int, str]]] = defaultdict(list)
        receivers = Institution.objects.filter(is_active=True, kind__in=list(RECEIVER_WEIGHTS)).order_by("id")
        for pk, kind, gmina_id, county_id in receivers.values_list("id", "kind", "municipality_id", "county_id"):
            if gmina_id is not None:
                by_gmina[gmina_id].append((pk, kind))
            elif county_id is not None:
                by_county[county_id].append((pk, kind))
        self.receivers: dict[int, tuple[list[int], list[int]]] = {}
        for gmina_id, county_id in gmina_county.items():
            found = by_gmina.get(gmina_id, []) + by_county.get(county_id, [])
            self.receivers[gmina_id] = ([pk for pk, _kind in found], [RECEIVER_WEIGHTS[kind] for _pk, kind in found])
        self.cases = [case for case in self.cases if self.receivers.get(case[2], ([], []))[0]]
        receiving = sorted({pk for ids, _weights in self.receivers.values() for pk in ids})
        with run.step("plans: staff of the receiving institutions"):
            self.staff = add_workers(run, receiving, Role.PARTNER_STAFF, STAFF_PREFIX)
        self.workers = dict(
            Membership.objects.filter(role=Role.SOCIAL_WORKER, user__username__startswith=WORKER_PREFIX).values_list(
                "institution_id", "user_id"
            )
        )
        self.services: dict[int, list[int]] = defaultdict(list)
        for pk, institution_id in (
            Service.objects.filter(institution_id__in=receiving, status=ServiceStatus.ACTIVE)
            .order_by("id")
            .values_list("id", "institution_id")
        ):
            self.services[institution_id].append(pk)
        self.consented = set(
            Consent.objects.filter(institution__isnull=False, withdrawn_at__isnull=True).values_list(
                "person_id", "institution_id"
            )
        )

    def add(self, count: int, existing: int) -> None:
        rng = self.run.random(f"referrals/{existing}")
        now = timezone.now()
        ids = {
            model: next_id(model) for model in (Referral, ReferralEvent, Message, Participation, Consent, TimelineEntry)
        }
        statuses, weights = zip(*STATE_MIX, strict=True)
        rows: dict[type, list[tuple[object, ...]]] = defaultdict(list)
        forward_from: tuple[int, int, int, int, int | None, int, dt.datetime] | None = None
        made = 0
        while made < count:
            status = rng.choices(statuses, weights)[0]
            previous_id = None
            if forward_from is not None:
                case_id, sender, gmina_id, person_id, lead_id, previous_id, declined_at = forward_from
                created = declined_at + dt.timedelta(hours=rng.randint(1, 72))
                forward_from = None
            else:
                case_id, sender, gmina_id, person_id, lead_id = rng.choice(self.cases)
                # Open referrals are recent; closed ones spread over two years.
                days = rng.randint(0, 20) if status in (S.DRAFT, S.SENT, S.ACCEPTED) else rng.randint(5, 720)
                created = now - dt.timedelta(days=days, seconds=rng.randint(0, 86_399))
            if created > now:
                created = now - dt.timedelta(minutes=rng.randint(1, 600))
            candidates, receiver_weights = self.receivers[gmina_id]
            receiver = rng.choices(candidates, receiver_weights)[0]
            author = lead_id or self.workers.get(sender)
            if author is None:
                continue
            referral_id = ids[Referral]
            ids[Referral] += 1
            made += 1
            public_id = random_uuid(rng)
            services = self.services.get(receiver)
            service_id = rng.choice(services) if services and rng.random() < 0.7 else None
            moments = [created]
            for _step in PATHS[status]:
                moments.append(min(now, moments[-1] + dt.timedelta(hours=rng.randint(1, 24 * 6))))
            sent_at = moments[1] if len(moments) > 1 else None
            answered_at = moments[2] if len(moments) > 2 and status not in (S.CANCELLED, S.EXPIRED) else None
            closed_at = moments[-1] if status in CLOSED else None
            outcome = rng.choice(list(ReferralOutcome)) if status == S.COMPLETED else ""
            categories = [ConsentCategory.IDENTITY, ConsentCategory.PLAN]
            rows[Referral].append(
                (
                    referral_id, public_id, case_id, person_id, gmina_id, sender, receiver, service_id, previous_id,
                    status, categories, rng.choice(REASONS),
                    rng.choice(DECLINE_REASONS) if status == S.DECLINED else "",
                    rng.choice(CANCEL_REASONS) if status == S.CANCELLED else "",
                    outcome, "Rodzina skorzystała ze wsparcia." if outcome else "",
                    (sent_at + dt.timedelta(days=7)).date() if sent_at else None,
                    author, created, sent_at, answered_at, closed_at, moments[-1], None, len(PATHS[status]) + 1,
                )
            )  # fmt: skip
            staff = self.staff.get(receiver)
            for (before, after), moment in zip(PATHS[status], moments[1:], strict=True):
                by_sender = after in (S.SENT, S.CANCELLED)
                actor: int | None = author if by_sender else staff
                institution: int | None = sender if by_sender else receiver
                if after == S.EXPIRED:
                    actor = institution = None
                rows[ReferralEvent].append(
                    (ids[ReferralEvent], referral_id, gmina_id, before, after, actor, institution, "", moment)
                )
                ids[ReferralEvent] += 1
            if sent_at is None:
                continue
            rows[TimelineEntry].append(
                (
                    ids[TimelineEntry], case_id, gmina_id, sender, TimelineKind.REFERRAL, "Wysłano skierowanie",
                    ConsentCategory.PLAN, author, sent_at, "plans.referral", str(public_id),
                )
            )  # fmt: skip
            ids[TimelineEntry] += 1
            rows[Participation].append(
                (
                    ids[Participation], case_id, receiver, gmina_id, ParticipationKind.REFERRAL, "plans.referral",
                    str(public_id), sent_at, closed_at,
                )
            )  # fmt: skip
            ids[Participation] += 1
            if (person_id, receiver) not in self.consented:
                self.consented.add((person_id, receiver))
                rows[Consent].append(
                    (
                        ids[Consent], random_uuid(rng), person_id, gmina_id, sender, receiver, categories,
                        ConsentBasis.CONSENT, created.date() - dt.timedelta(days=rng.randint(0, 30)), author,
                        created,
                    )
                )  # fmt: skip
                ids[Consent] += 1
            if rng.random() < 0.3:
                written = sent_at
                for turn in range(rng.randint(1, 3)):
                    written = min(now, written + dt.timedelta(hours=rng.randint(1, 48)))
                    mine = turn % 2 == 0
                    rows[Message].append(
                        (
                            ids[Message], random_uuid(rng), referral_id, gmina_id, sender if mine else receiver,
                            author if mine else staff, rng.choice(MESSAGES), written, None,
                        )
                    )  # fmt: skip
                    ids[Message] += 1
            if status == S.DECLINED and closed_at is not None and rng.random() < 0.3:
                forward_from = (case_id, sender, gmina_id, person_id, lead_id, referral_id, closed_at)
            if len(rows[Referral]) >= CHUNK:
                self._write(rows)
                rows = defaultdict(list)
        self._write(rows)

    def _write(self, rows: dict[type, list[tuple[object, ...]]]) -> None:
        run = self.run
        run.insert(Referral, REFERRAL_COLUMNS, rows[Referral])
        run.insert(
            ReferralEvent,
            ["id", "referral_id", "municipality_id", "from_status", "to_status", "actor_id", "institution_id", "note",
             "at"],
            rows[ReferralEvent],
        )  # fmt: skip
        run.insert(
            Message,
            [
                "id",
                "public_id",
                "referral_id",
                "municipality_id",
                "institution_id",
                "author_id",
                "text",
                "created_at",
                "submit_key",
            ],
            rows[Message],
        )
        run.insert(
            Participation,
            ["id", "case_id", "institution_id", "municipality_id", "kind", "source_type", "source_id", "started_at",
             "ended_at"],
            rows[Participation],
        )  # fmt: skip
        run.insert(
            Consent,
            ["id", "public_id", "person_id", "municipality_id", "recorded_by_institution_id", "institution_id",
             "categories", "basis", "valid_from", "recorded_by_id", "recorded_at"],
            rows[Consent],
        )  # fmt: skip
        run.insert(
            TimelineEntry,
            ["id", "case_id", "municipality_id", "institution_id", "kind", "title", "category", "actor_id",
             "occurred_at", "source_type", "source_id"],
            rows[TimelineEntry],
        )  # fmt: skip
