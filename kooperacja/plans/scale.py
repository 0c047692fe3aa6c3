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

Whenever referrals are asked, cooperation plans (IPW) come too, for `PLAN_SHARE` of the cases
(the command has no figure of its own for them): see `generate_plans`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Sequence

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
from kooperacja.plans.models import (
    AgreementMethod,
    CooperationPlan,
    Goal,
    GoalStatus,
    Message,
    PlanReview,
    PlanStatus,
    Referral,
    ReferralEvent,
    ReferralOutcome,
    ReferralStatus,
)

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
    """Add referrals until the database holds `referrals` of them; when referrals are asked,
    also cooperation plans (IPW) for a share of the cases (`generate_plans`)."""
    target = run.figures.get("referrals", 0)
    if not target:
        return
    _generate_referrals(run, target)
    generate_plans(run)


def _generate_referrals(run: ScaleRun, target: int) -> None:
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


# --- Cooperation plans (IPW) with goals and reviews ------------------------------------------

# Plans follow the cases (as institutions follow the gminas): whenever referrals are asked, a
# share of the cases has a plan, so the command needs no figure of its own for them.
PLAN_SHARE = 0.6
PLAN_CHUNK = 20_000
P, G = PlanStatus, GoalStatus
# A finished plan: completed or ended without completion (the pilot: 140 of 172 completed).
Mix = tuple[tuple[str, int], ...]  # values with their weights
FINISHED_MIX: Mix = ((P.COMPLETED, 81), (P.ENDED, 19))
OPEN_MIX: Mix = ((P.IN_PROGRESS, 75), (P.AGREED, 15), (P.DRAFT, 10))
# How the goals of a plan in each state turned out (goals of a running plan: see _goal_status).
GOAL_MIX: dict[str, Mix] = {
    P.COMPLETED: ((G.ACHIEVED, 62), (G.PARTLY, 27), (G.NOT_ACHIEVED, 11)),
    P.ENDED: ((G.ACHIEVED, 15), (G.PARTLY, 30), (G.NOT_ACHIEVED, 55)),
    P.AGREED: ((G.PLANNED, 85), (G.IN_PROGRESS, 15)),
    P.DRAFT: ((G.PLANNED, 100),),
}
OUTCOMES = (G.ACHIEVED, G.PARTLY, G.NOT_ACHIEVED)
AGREEMENT_MIX: Mix = ((AgreementMethod.SIGNED, 70), (AgreementMethod.ORAL, 20), (AgreementMethod.ELECTRONIC, 10))
# Per diagnosis domain: (goal, indicator, baseline, target).
GOALS: dict[str, tuple[str, str, str, str]] = {
    "income": ("Spłata zaległości czynszowych", "kwota zaległości", "4 800 zł", "0 zł"),
    "work": ("Podjęcie zatrudnienia", "liczba miesięcy pracy", "0", "3 miesiące"),
    "housing": ("Poprawa warunków mieszkaniowych", "ogrzewane pomieszczenia", "1", "całe mieszkanie"),
    "physical_health": ("Regularne leczenie", "wizyty u lekarza", "brak", "raz w miesiącu"),
    "mental_health": ("Udział w terapii", "odbyte sesje", "0", "10 sesji"),
    "disability": ("Uzyskanie orzeczenia i rehabilitacji", "złożone wnioski", "0", "2"),
    "addictions": ("Abstynencja i terapia uzależnień", "miesiące abstynencji", "0", "6"),
    "family": ("Poprawa relacji rodzinnych", "spotkania z asystentem rodziny", "0", "12"),
    "children": ("Regularne uczęszczanie dzieci do szkoły", "frekwencja", "60 %", "90 %"),
    "safety": ("Bezpieczeństwo członków rodziny", "interwencje", "3 w kwartale", "0"),
    "participation": ("Udział w zajęciach klubu seniora", "zajęcia w miesiącu", "0", "4"),
    "legal": ("Uregulowanie sytuacji prawnej", "sprawy zakończone", "0", "1"),
    "mobility": ("Samodzielne dotarcie do lekarza", "przejazdy z pomocą", "wszystkie", "żadne"),
    "services": ("Korzystanie z usług w gminie", "usługi, z których rodzina korzysta", "0", "2"),
}
END_REASONS = ("Rodzina zrezygnowała ze współpracy.", "Rodzina wyprowadziła się z gminy.")
PLAN_SUMMARY = "Cele programu w większości osiągnięte; rodzina funkcjonuje samodzielnie."
REVIEW_SUMMARY = "Przegląd z udziałem rodziny; cele aktualne, kolejne kroki uzgodnione."
PLAN_COLUMNS = [
    "id", "public_id", "case_id", "municipality_id", "institution_id", "title", "status", "starts_on", "ends_on",
    "review_every_weeks", "next_review_on", "agreed_on", "agreement_method", "agreement_note", "ended_on",
    "end_reason", "summary", "created_by_id", "created_at", "updated_at", "version",
]  # fmt: skip
GOAL_COLUMNS = [
    "id", "public_id", "plan_id", "municipality_id", "position", "title", "indicator", "baseline", "target",
    "due_on", "responsible_institution_id", "responsible_user_id", "domain_code", "status", "created_at",
    "updated_at", "version",
]  # fmt: skip


def _pick(rng: random.Random, mix: Mix) -> str:
    """One value of the mix, as likely as its weight."""
    return rng.choices([value for value, _weight in mix], [weight for _value, weight in mix])[0]


def generate_plans(run: ScaleRun) -> None:
    """Give plans to cases without one until `PLAN_SHARE` of the cases have a plan: a case opened
    long ago has had one or two finished plans (81 % completed, the rest ended without
    completion) and, while it is open, a running one; each plan has two to five goals (one
    per diagnosis domain) whose outcome follows the plan's, and its reviews every 12 weeks."""
    cases = list(
        Case.objects.order_by("id").values_list(
            "id", "institution_id", "municipality_id", "lead_worker_id", "opened_on", "closed_on"
        )
    )
    wanted = round(PLAN_SHARE * len(cases))
    planned = set(CooperationPlan.objects.values_list("case_id", flat=True).distinct())
    if len(planned) >= wanted:
        run.log(f"  cooperation plans: {len(planned)} cases have one already (share {PLAN_SHARE}), none added")
        return
    rng = run.random(f"plans/{next_id(CooperationPlan)}")
    chosen = sorted(rng.sample([case for case in cases if case[0] not in planned], wanted - len(planned)))
    workers = dict(
        Membership.objects.filter(role=Role.SOCIAL_WORKER, user__username__startswith=WORKER_PREFIX).values_list(
            "institution_id", "user_id"
        )
    )
    tables = [CooperationPlan, Goal, PlanReview, TimelineEntry]
    with rebuilt_indexes(run, tables), run.step(f"plans: cooperation plans for {len(chosen)} cases"):
        _Plans(run, rng, workers).add(chosen)


class _Plans:
    def __init__(self, run: ScaleRun, rng: random.Random, workers: dict[int, int]) -> None:
        self.run, self.rng, self.workers = run, rng, workers
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.ids = {model: next_id(model) for model in (CooperationPlan, Goal, PlanReview, TimelineEntry)}
        self.rows: dict[type, list[tuple[object, ...]]] = defaultdict(list)

    def add(self, cases: Sequence[tuple[int, int, int, int | None, dt.date, dt.date | None]]) -> None:
        for case_id, institution_id, gmina_id, lead_id, opened_on, closed_on in cases:
            author = lead_id or self.workers.get(institution_id)
            if author is None:
                continue
            self._case(case_id, institution_id, gmina_id, author, opened_on, closed_on)
            if len(self.rows[CooperationPlan]) >= PLAN_CHUNK:
                self._write()
        self._write()

    def _case(
        self,
        case_id: int,
        institution_id: int,
        gmina_id: int,
        author: int,
        opened_on: dt.date,
        closed_on: dt.date | None,
    ) -> None:
        """The case's plans one after another: finished ones while their planned end (or the
        case's closing) has passed, then a running one if the case is still open."""
        rng, today = self.rng, self.today
        last = closed_on or today
        start = min(last, opened_on + dt.timedelta(days=rng.randint(14, 75)))
        for _plan in range(3):
            planned_end = start + dt.timedelta(days=rng.randint(150, 365))
            if closed_on is not None and planned_end >= closed_on:
                status, ended_on = _pick(rng, FINISHED_MIX), closed_on
            elif planned_end < today:
                status = _pick(rng, FINISHED_MIX)
                ended_on = min(today, planned_end + dt.timedelta(days=rng.randint(-30, 20)))
                ended_on = max(start, ended_on)
            elif closed_on is None:
                status, ended_on = _pick(rng, OPEN_MIX), None
            else:
                break
            self._plan(case_id, institution_id, gmina_id, author, status, start, planned_end, ended_on)
            if ended_on is None:
                break
            start = ended_on + dt.timedelta(days=rng.randint(30, 120))
            if start >= last:
                break

    def _plan(
        self, case_id: int, institution_id: int, gmina_id: int, author: int, status: str, start: dt.date,
        planned_end: dt.date, ended_on: dt.date | None,
    ) -> None:  # fmt: skip
        rng, rows, ids = self.rng, self.rows, self.ids
        plan_id = ids[CooperationPlan]
        ids[CooperationPlan] += 1
        agreed = status != P.DRAFT
        weeks = 12
        # Reviews from the start every `weeks` to the plan's end (a running plan: the next one ahead).
        reviews_end = ended_on or min(planned_end, self.today + dt.timedelta(weeks=weeks))
        dues = [start + dt.timedelta(weeks=weeks * n) for n in range(1, 12)]
        dues = [due for due in dues if due <= reviews_end] if agreed else []
        next_review = next((due for due in dues if due > self.today), None) if ended_on is None else None
        created = self._moment(start - dt.timedelta(days=rng.randint(0, 10)), 10)
        changed = self._moment(ended_on or start, 14)
        public_id = random_uuid(rng)
        rows[CooperationPlan].append(
            (
                plan_id, public_id, case_id, gmina_id, institution_id, "Indywidualny Program Współpracy",
                status, start, planned_end, weeks, next_review, start if agreed else None,
                _pick(rng, AGREEMENT_MIX) if agreed else "", "", ended_on,
                rng.choice(END_REASONS) if status == P.ENDED else "",
                PLAN_SUMMARY if status == P.COMPLETED else "", author, created, changed, 1,
            )
        )  # fmt: skip
        for position, code in enumerate(rng.sample(sorted(GOALS), rng.randint(2, 5))):
            title, indicator, baseline, target = GOALS[code]
            due = start + dt.timedelta(days=rng.randint(60, max(60, (planned_end - start).days)))
            goal_status = self._goal_status(status, due)
            # The outcome is dated by the goal's last change: a running plan's goal settled on
            # its due day (today at the latest), a finished plan's when the plan ended.
            goal_changed = changed
            if ended_on is None and goal_status in OUTCOMES:
                goal_changed = self._moment(min(due, self.today), 13)
            rows[Goal].append(
                (
                    ids[Goal], random_uuid(rng), plan_id, gmina_id, position, title, indicator, baseline, target, due,
                    institution_id, author, code, goal_status, created, goal_changed, 1,
                )
            )  # fmt: skip
            ids[Goal] += 1
        for due in dues:
            held = due <= self.today and rng.random() < 0.85
            held_on = min(self.today, due + dt.timedelta(days=rng.randint(-7, 14))) if held else None
            rows[PlanReview].append(
                (
                    ids[PlanReview],
                    plan_id,
                    gmina_id,
                    due,
                    held_on,
                    REVIEW_SUMMARY if held else "",
                    author if held else None,
                )
            )
            ids[PlanReview] += 1
        rows[TimelineEntry].append(
            (
                ids[TimelineEntry], case_id, gmina_id, institution_id, TimelineKind.PLAN,
                "Utworzono plan współpracy (IPW)", ConsentCategory.PLAN, author, created, "plans.cooperationplan",
                str(public_id),
            )
        )  # fmt: skip
        ids[TimelineEntry] += 1

    def _moment(self, day: dt.date, hour: int) -> dt.datetime:
        """That hour of the day, or now when it is still ahead."""
        return min(self.now, timezone.make_aware(dt.datetime.combine(day, dt.time(hour))))

    def _goal_status(self, plan_status: str, due: dt.date) -> str:
        """A finished or not yet running plan's goals follow GOAL_MIX; a running plan's goals
        past their date are mostly achieved, the others mostly in progress."""
        if plan_status in GOAL_MIX:
            return _pick(self.rng, GOAL_MIX[plan_status])
        mix: Mix
        if due <= self.today:
            mix = ((G.ACHIEVED, 50), (G.PARTLY, 20), (G.NOT_ACHIEVED, 10), (G.IN_PROGRESS, 20))
        else:
            mix = ((G.IN_PROGRESS, 60), (G.PLANNED, 25), (G.ACHIEVED, 15))
        return _pick(self.rng, mix)

    def _write(self) -> None:
        run, rows = self.run, self.rows
        run.insert(CooperationPlan, PLAN_COLUMNS, rows[CooperationPlan])
        run.insert(Goal, GOAL_COLUMNS, rows[Goal])
        run.insert(
            PlanReview,
            ["id", "plan_id", "municipality_id", "due_on", "held_on", "summary", "recorded_by_id"],
            rows[PlanReview],
        )
        run.insert(
            TimelineEntry,
            ["id", "case_id", "municipality_id", "institution_id", "kind", "title", "category", "actor_id",
             "occurred_at", "source_type", "source_id"],
            rows[TimelineEntry],
        )  # fmt: skip
        self.rows = defaultdict(list)
