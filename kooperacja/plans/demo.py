"""Demo plans, baskets and referrals (issue #7 point 7).

Mirzec's families show every stage: a plan in draft, agreed, carried out, completed and ended;
basket items from the directory and actions of institutions; referrals in every state — one
waiting past its answer date, one due tomorrow, a declined one forwarded to another
institution, threads with messages from both sides. Every other demo gmina has a plan and a
referral or two, so each of the eight runs the model today.

Everything on an open case goes through the services (`services.py`, `referrals.py`), as the
forms would do it, by the case's lead worker and the receiving institution's people; then the
rows are dated back along each story, as `assessment.demo` does. The plans of the two closed
Mirzec cases are history from before they closed and are written as rows.

Loading is idempotent: a case with a plan or a referral already is left as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kooperacja.cases.demo import GMINAS, MIRZEC, demo_uuid
from kooperacja.cases.models import Case, CaseStatus, Consent, ConsentCategory, Participation, TimelineEntry
from kooperacja.core.notifications import retelling_history
from kooperacja.directory.models import Service
from kooperacja.institutions.models import Institution, InstitutionKind
from kooperacja.plans import referrals, services
from kooperacja.plans.deadlines import working_days_after
from kooperacja.plans.models import (
    BasketItem,
    CooperationPlan,
    Goal,
    GoalStatus,
    Message,
    PlanStatus,
    Referral,
    ReferralEvent,
    ReferralOutcome,
    ReferralStatus,
)

SCHOOL = "Publiczna Szkoła Podstawowa w Mircu"
PCPR = "Powiatowe Centrum Pomocy Rodzinie w Starachowicach"
PUP = "Powiatowy Urząd Pracy w Starachowicach"
ZOZ = "Samodzielny Publiczny Zakład Opieki Zdrowotnej w Mircu"
BIOK = "Biblioteka i Ośrodek Kultury Gminy Mirzec"


@dataclass(frozen=True)
class Step:
    """One step after sending: the action, who takes it ("sender"/"receiver"/"system"), how many
    days after sending, and what they say."""

    action: str
    by: str
    day: int
    reason: str = ""
    outcome: str = ""
    note: str = ""


@dataclass(frozen=True)
class Talk:
    """A message of the thread: which side writes it, how many days after sending, the text."""

    by: str
    day: int
    text: str


@dataclass(frozen=True)
class Story:
    """A referral of a demo case: to whom (an institution, or its service by name), sent how
    many days ago (None: a draft), its steps and its thread."""

    to: str
    reason: str
    sent_days_ago: int | None
    service: str = ""
    steps: tuple[Step, ...] = ()
    talk: tuple[Talk, ...] = ()
    forward_to: str = ""  # after a decline, the sender forwards it here, a day later
    from_item: bool = False  # made from the basket item of the same service


@dataclass(frozen=True)
class GoalStory:
    title: str
    indicator: str
    baseline: str
    target: str
    domain: str
    due_in_days: int  # after the plan starts
    responsible: str = ""  # an institution's name; the case's own when empty
    progress: tuple[tuple[int, str, str], ...] = ()  # (days after start, value, status)


@dataclass(frozen=True)
class PlanStory:
    status: str
    started_days_ago: int
    goals: tuple[GoalStory, ...] = ()
    actions: tuple[tuple[str, str, str], ...] = ()  # (institution, action, basket step path)
    services: tuple[tuple[str, str], ...] = ()  # (service name, basket step path)
    end_reason: str = ""


@dataclass
class CaseStory:
    plan: PlanStory | None = None
    referrals: tuple[Story, ...] = field(default_factory=tuple)


# How far a partner's item for a goal has gone, by the status of its plan.
PARTNER_ITEM_STEPS: dict[str, str] = {PlanStatus.AGREED: "agree", PlanStatus.IN_PROGRESS: "agree start"}
NOT_DELIVERED_REASON = "Grupa nie powstała: zgłosiły się tylko dwie rodziny."
SCHOOL_HELP = "Pedagog i psycholog szkolny – konsultacje dla uczniów i rodziców"
AFTER_SCHOOL = "Świetlica szkolna i zajęcia pozalekcyjne"
COUNSELLING = "Poradnia specjalistyczna: psycholog, prawnik, terapeuta rodzinny"
JOBS = "Pośrednictwo pracy i poradnictwo zawodowe"
PHYSIO = "Gabinet fizjoterapii – rehabilitacja lecznicza"
ADDICTION = "Poradnia terapii uzależnień i współuzależnienia"
SENIORS_IT = "Warsztaty komputerowe „Senior w sieci”"

ATTENDANCE = GoalStory(
    "Regularna obecność dzieci na zajęciach szkolnych",
    "Frekwencja dzieci w miesiącu",
    "62%",
    "co najmniej 90%",
    "children",
    180,
    SCHOOL,
    ((30, "71%", GoalStatus.IN_PROGRESS), (90, "84%", "")),
)
DEBT = GoalStory(
    "Spłata zaległości czynszowych według ugody",
    "Kwota zaległości",
    "4 200 zł",
    "0 zł",
    "income",
    300,
    "",
    ((45, "3 600 zł", GoalStatus.IN_PROGRESS),),
)
WORK = GoalStory(
    "Podjęcie zatrudnienia przez jednego z dorosłych",
    "Umowa o pracę lub zlecenia",
    "brak",
    "umowa na co najmniej 3 miesiące",
    "work",
    240,
    PUP,
)
THERAPY = GoalStory(
    "Poprawa relacji w rodzinie",
    "Udział w sesjach terapii rodzinnej",
    "0 sesji",
    "10 sesji",
    "family",
    200,
    PCPR,
)
HEALTH = GoalStory(
    "Powrót do sprawności po leczeniu",
    "Samodzielne wyjścia z domu w tygodniu",
    "0",
    "3",
    "physical_health",
    150,
    ZOZ,
)

MIRZEC_STORIES: dict[int, CaseStory] = {
    1: CaseStory(
        PlanStory(
            PlanStatus.IN_PROGRESS,
            150,
            (ATTENDANCE, DEBT),
            actions=(("", "Ustalenie planu spłaty zadłużenia z pracownikiem socjalnym", "agree start"),),
            services=((SCHOOL_HELP, "agree"),),
        ),
        (
            Story(
                SCHOOL,
                "Dzieci często opuszczają zajęcia; prosimy o konsultacje z pedagogiem i obserwację.",
                120,
                service=SCHOOL_HELP,
                from_item=True,
                steps=(
                    Step("accept", "receiver", 1),
                    Step("start", "receiver", 7),
                    Step(
                        "complete",
                        "receiver",
                        95,
                        outcome=ReferralOutcome.GOT_HELP,
                        note="Dziesięć konsultacji; frekwencja wyraźnie lepsza.",
                    ),
                ),
                talk=(
                    Talk("receiver", 2, "Pierwsze spotkanie z mamą proponujemy we wtorek o 14:00."),
                    Talk("sender", 3, "Mama potwierdziła termin, przyjdzie z synem."),
                ),
            ),
            Story(
                PCPR,
                "Rodzina potrzebuje terapii rodzinnej; konflikty między rodzicami.",
                30,
                service=COUNSELLING,
                steps=(Step("accept", "receiver", 2), Step("start", "receiver", 9)),
                talk=(
                    Talk("receiver", 2, "Przyjmujemy. Terapeuta ma wolne terminy w czwartki po południu."),
                    Talk("sender", 4, "Rodzina wybiera czwartki od przyszłego tygodnia. Dziękujemy."),
                    Talk("receiver", 12, "Odbyły się dwie sesje; rodzina zaangażowana."),
                ),
            ),
        ),
    ),
    2: CaseStory(
        PlanStory(PlanStatus.IN_PROGRESS, 100, (ATTENDANCE, THERAPY)),
        (
            Story(
                SCHOOL,
                "Córka ma trudności w nauce; prosimy o zajęcia wyrównawcze w świetlicy.",
                20,
                service=AFTER_SCHOOL,
                steps=(Step("accept", "receiver", 3),),
                talk=(
                    Talk("receiver", 3, "Przyjmujemy od poniedziałku. Prosimy o kontakt z wychowawczynią."),
                    Talk("sender", 4, "Przekazałam rodzicom. Asystentka rodziny przyprowadzi córkę pierwszego dnia."),
                ),
            ),
            Story(
                PCPR,
                "Rodzice proszą o terapię uzależnienia ojca; rodzina zmotywowana.",
                6,
                steps=(
                    Step(
                        "decline",
                        "receiver",
                        2,
                        reason="PCPR nie prowadzi terapii uzależnień; właściwa jest poradnia SP ZOZ w Mircu.",
                    ),
                ),
                forward_to=ZOZ,
            ),
        ),
    ),
    3: CaseStory(
        PlanStory(PlanStatus.AGREED, 12, (ATTENDANCE,), services=((SCHOOL_HELP, "agree"),)),
        (
            Story(
                SCHOOL,
                "Prosimy o opinię wychowawcy o funkcjonowaniu syna w klasie.",
                2,  # within its answer time whatever day the demo is loaded (the item stays referred)
                service=SCHOOL_HELP,
                from_item=True,
            ),
        ),
    ),
    4: CaseStory(
        PlanStory(PlanStatus.DRAFT, 3, (WORK,)),
        (Story(PUP, "Ojciec szuka pracy; prosimy o poradnictwo zawodowe.", None, service=JOBS),),
    ),
    5: CaseStory(
        PlanStory(PlanStatus.IN_PROGRESS, 200, (HEALTH,), services=((PHYSIO, ""),)),
        (
            Story(
                ZOZ,
                "Po operacji biodra potrzebna rehabilitacja lecznicza.",
                60,
                service=PHYSIO,
                steps=(Step("expire", "system", 9),),
            ),
            Story(
                BIOK,
                "Zajęcia komputerowe dla babci, która mieszka z rodziną.",
                35,
                service=SENIORS_IT,
                steps=(Step("cancel", "sender", 6, reason="Babcia zrezygnowała z powodu choroby."),),
            ),
        ),
    ),
    6: CaseStory(
        PlanStory(
            PlanStatus.IN_PROGRESS,
            130,
            (THERAPY,),
            actions=(("", "Grupa wsparcia dla rodziców w ośrodku", "agree not_deliver"),),
        ),
        (
            Story(
                PCPR,
                "Konsultacja prawna w sprawie alimentów.",
                80,
                service=COUNSELLING,
                steps=(
                    Step("accept", "receiver", 1),
                    Step(
                        "complete",
                        "receiver",
                        20,
                        outcome=ReferralOutcome.PARTLY,
                        note="Udzielono porady; pozew wymaga jeszcze dokumentów od matki.",
                    ),
                ),
            ),
        ),
    ),
    7: CaseStory(
        PlanStory(PlanStatus.IN_PROGRESS, 90, (WORK,)),
        (
            Story(PUP, "Matka chce wrócić do pracy; prosimy o ofertę szkoleń.", 2, service=JOBS),
            Story(
                PCPR,
                "Wsparcie psychologa dla matki po utracie pracy.",
                70,
                service=COUNSELLING,
                steps=(
                    Step("accept", "receiver", 2),
                    Step(
                        "complete",
                        "sender",
                        40,
                        outcome=ReferralOutcome.NO_HELP,
                        note="Matka nie zgłosiła się na umówione terminy.",
                    ),
                ),
            ),
        ),
    ),
    8: CaseStory(None, (Story(PCPR, "Interwencja kryzysowa: przemoc w rodzinie zgłoszona przez sąsiadów.", 4),)),
    11: CaseStory(PlanStory(PlanStatus.AGREED, 20, (DEBT,))),
}
# Other gminas: (household number, plan status or "", a referral to the powiat's PCPR: days ago or None).
OTHER_STORIES: tuple[tuple[int, str, int | None], ...] = ((1, PlanStatus.IN_PROGRESS, 3), (2, PlanStatus.DRAFT, None))
CLOSED_PLANS = {
    12: (PlanStatus.COMPLETED, "Rodzina realizuje ugodę samodzielnie; dzieci uczęszczają regularnie."),
    14: (PlanStatus.ENDED, "Rodzina wyprowadziła się poza gminę."),
}


def _institutions() -> dict[str, Institution]:
    names = (SCHOOL, PCPR, PUP, ZOZ, BIOK)
    return {institution.name: institution for institution in Institution.objects.filter(name__in=names)}


def _service(name: str) -> Service:
    return Service.objects.select_related("institution").get(name=name)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _allow(case: Case, institution: Institution, actor: Any, since: dt.date) -> None:
    """Every person of the case consented to share identity and the plan with the institution."""
    for person in case.persons():
        if Consent.objects.filter(person=person, institution=institution, withdrawn_at__isnull=True).exists():
            continue
        Consent.objects.create(
            public_id=demo_uuid("consent", str(case.public_id), str(person.public_id), institution.name),
            person=person,
            municipality=case.municipality,
            recorded_by_institution=case.institution,
            institution=institution,
            categories=[ConsentCategory.IDENTITY, ConsentCategory.PLAN],
            recorded_by=actor,
            valid_from=since,
            valid_until=since + dt.timedelta(days=730),
            recorded_at=_at(since, 9),
        )


def _receiver(institution: Institution) -> Any:
    found = referrals.receiving_members(institution.pk)
    return found[0] if found else None


def _date_plan_entries(plan: CooperationPlan, start: dt.date, today: dt.date) -> None:
    """The plan's timeline entries happened a few days apart from its start, not at the load."""
    entries = TimelineEntry.objects.filter(case=plan.case, kind="plan").order_by("id")
    span = max((today - start).days, 1)
    step = max(span // max(entries.count(), 1), 1)
    for number, entry in enumerate(entries):
        entry.occurred_at = _at(min(start + dt.timedelta(days=number * step), today), 11)
        entry.save(update_fields=["occurred_at"])
    CooperationPlan.objects.filter(pk=plan.pk).update(created_at=_at(start, 9), updated_at=_at(start, 9))


def _plan(case: Case, story: PlanStory, actor: Any, known: dict[str, Institution], today: dt.date) -> None:
    start = today - dt.timedelta(days=story.started_days_ago)
    plan = services.create_plan(
        actor,
        case,
        starts_on=start,
        ends_on=start + dt.timedelta(days=365),
        review_every_weeks=12,
    )
    for goal_story in story.goals:
        responsible = known.get(goal_story.responsible, case.institution)
        partner_item = None
        if responsible != case.institution:
            # A partner answers for a goal once it takes part in the case: through the basket.
            _allow(case, responsible, actor, start)
            partner_item = services.add_basket_item(
                actor,
                plan,
                institution=responsible,
                action=f"Wsparcie w realizacji celu: {goal_story.title.lower()}",
                proposed_on=start,
            )
        goal = services.add_goal(
            actor,
            plan,
            services.GoalData(
                title=goal_story.title,
                indicator=goal_story.indicator,
                baseline=goal_story.baseline,
                target=goal_story.target,
                due_on=start + dt.timedelta(days=goal_story.due_in_days),
                responsible_institution=responsible,
                domain_code=goal_story.domain,
            ),
        )
        if partner_item is not None:
            services.link_basket_item(actor, partner_item, goal=goal, version=partner_item.version)
            # The partner agreed to it with the family; it works on it once the plan runs.
            _walk_item(actor, partner_item, PARTNER_ITEM_STEPS.get(story.status, ""), start)
        for days, value, status in goal_story.progress:
            if start + dt.timedelta(days=days) <= today:
                services.record_progress(
                    actor,
                    goal,
                    institution=case.institution,
                    value=value,
                    recorded_on=start + dt.timedelta(days=days),
                    status=status,
                )
    for institution_name, action, path in story.actions:
        item = services.add_basket_item(
            actor, plan, institution=known.get(institution_name, case.institution), action=action, proposed_on=start
        )
        _walk_item(actor, item, path, start)
    for service_name, path in story.services:
        service = _service(service_name)
        _allow(case, service.institution, actor, start)
        item = services.add_basket_item(actor, plan, service=service, goal=plan.goals.first(), proposed_on=start)
        _walk_item(actor, item, path, start)
    if story.status != PlanStatus.DRAFT:
        services.agree_plan(actor, plan, version=plan.version, agreed_on=start, method="signed")
    if story.status == PlanStatus.IN_PROGRESS:
        services.start_plan(actor, plan, version=plan.version)
        if story.started_days_ago > 90:
            services.record_review(
                actor,
                plan,
                held_on=start + dt.timedelta(days=84),
                summary="Rodzina realizuje ustalenia; cele aktualne, bez zmian w planie.",
            )
    _date_plan_entries(plan, start, today)


def _walk_item(actor: Any, item: BasketItem, path: str, start: dt.date) -> None:
    """The item's steps a week apart from the plan's start (none later than today)."""
    today = timezone.localdate()
    for number, step in enumerate(path.split()):
        services.move_basket_item(
            actor,
            item,
            step,
            version=item.version,
            on=min(start + dt.timedelta(days=7 * (number + 1)), today),
            reason=NOT_DELIVERED_REASON if step == "not_deliver" else "",
        )


def _closed_plan(case: Case, status: str, text: str, actor: Any) -> None:
    """The plan of a case closed before the demo's day: written as history, as an import would."""
    start = case.opened_on + dt.timedelta(days=10)
    end = case.closed_on or timezone.localdate()
    plan = CooperationPlan.objects.create(
        public_id=demo_uuid("plan", str(case.public_id)),
        case=case,
        municipality=case.municipality,
        institution=case.institution,
        status=status,
        starts_on=start,
        ends_on=max(end, start),
        agreed_on=start,
        agreement_method="signed",
        ended_on=max(end, start),
        end_reason=text if status == PlanStatus.ENDED else "",
        summary=text if status == PlanStatus.COMPLETED else "",
        created_by=actor,
        created_at=_at(start, 9),
        updated_at=_at(max(end, start), 15),
    )
    for goal_story in (DEBT, ATTENDANCE):
        Goal.objects.create(
            plan=plan,
            municipality=case.municipality,
            title=goal_story.title,
            indicator=goal_story.indicator,
            baseline=goal_story.baseline,
            target=goal_story.target,
            due_on=max(end, start),
            responsible_institution=case.institution,
            domain_code=goal_story.domain,
            status=GoalStatus.ACHIEVED if status == PlanStatus.COMPLETED else GoalStatus.NOT_ACHIEVED,
        )
    title = (
        "Zrealizowano plan współpracy (IPW)"
        if status == PlanStatus.COMPLETED
        else "Plan współpracy zakończony bez realizacji"
    )
    TimelineEntry.objects.create(
        case=case,
        municipality=case.municipality,
        institution=case.institution,
        kind="plan",
        title=title,
        category=ConsentCategory.PLAN,
        actor=actor,
        occurred_at=_at(max(end, start), 15),
        source_type="plans.cooperationplan",
        source_id=str(plan.public_id),
    )


def _refer(case: Case, story: Story, actor: Any, known: dict[str, Institution], today: dt.date) -> None:
    service = _service(story.service) if story.service else None
    to = service.institution if service is not None else known[story.to]
    sent_on = today - dt.timedelta(days=story.sent_days_ago or 0)
    _allow(case, to, actor, sent_on - dt.timedelta(days=1))
    item = None
    if story.from_item and service is not None:
        item = BasketItem.objects.filter(case=case, service=service).first()
    referral = referrals.create_referral(
        actor,
        case,
        to_institution=to,
        service=service,
        person=case.persons()[0],
        basket_item=item,
        reason=story.reason,
        shared_categories=[ConsentCategory.IDENTITY, ConsentCategory.PLAN],
        eligibility_override="Kryteria omówione z instytucją przed skierowaniem.",
        send=story.sent_days_ago is not None,
    )
    if story.sent_days_ago is None:
        return
    receiver = _receiver(to)
    moments = [sent_on]
    for step in story.steps:
        who = {"sender": actor, "receiver": receiver, "system": None}[step.by]
        referral = referrals.act(
            who,
            referral,
            step.action,
            version=referral.version,
            reason=step.reason,
            outcome=step.outcome,
            note=step.note,
        )
        moments.append(sent_on + dt.timedelta(days=step.day))
    due = working_days_after(sent_on, to.referral_response_days)
    if referral.status == ReferralStatus.SENT and due < today:
        # Nobody answered in time: the nightly job expired it the day after its answer was due.
        referral = referrals.act(None, referral, "expire", version=referral.version)
        moments.append(due + dt.timedelta(days=1))
    for talk in story.talk:
        referrals.post_message(actor if talk.by == "sender" else receiver, referral, text=talk.text)
    forwarded = None
    if story.forward_to:
        forward_on = min(moments[-1] + dt.timedelta(days=1), today)
        target = known[story.forward_to]
        _allow(case, target, actor, forward_on)
        forwarded = referrals.act(
            actor,
            referral,
            "forward",
            version=referral.version,
            to_institution=target,
            service=_service(ADDICTION),
            reason="Przekazujemy zgodnie z odpowiedzią PCPR.",
            eligibility_override="Kryteria omówione z instytucją przed skierowaniem.",
        )
        moments.append(forward_on)
    _date_referral(referral, moments, story.talk, today)
    if forwarded is not None:
        _date_referral(forwarded, [moments[-1]], (), today)


def _date_referral(referral: Referral, moments: Sequence[dt.date], talk: Sequence[Talk], today: dt.date) -> None:
    """Move the referral's steps, thread, timeline entries and participation to the story's
    days: its creation and sending to the first, each later step to the next."""
    events = list(ReferralEvent.objects.filter(referral=referral).order_by("id"))
    sent_on = moments[0]
    times: list[dt.datetime] = []
    later = iter(moments[1:])
    for event in events:
        day = sent_on if event.to_status in (ReferralStatus.DRAFT, ReferralStatus.SENT) else next(later, today)
        times.append(_at(min(day, today), 9 if event.to_status == ReferralStatus.DRAFT else 10 + len(times)))
        event.at = times[-1]
        event.save(update_fields=["at"])
    told = [moment for event, moment in zip(events, times, strict=True) if event.to_status != ReferralStatus.DRAFT]
    entries = TimelineEntry.objects.filter(
        case=referral.case, source_type="plans.referral", source_id=str(referral.public_id)
    ).order_by("id")
    for entry, moment in zip(entries, told, strict=False):
        entry.occurred_at = moment
        entry.save(update_fields=["occurred_at"])
    for message, said in zip(referral.messages.order_by("id"), talk, strict=True):
        Message.objects.filter(pk=message.pk).update(
            created_at=_at(min(sent_on + dt.timedelta(days=said.day), today), 13)
        )
    sent = next(moment for event, moment in zip(events, times, strict=True) if event.to_status == ReferralStatus.SENT)
    answer = next((e.at for e in events if e.to_status in (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED)), None)
    closed = times[-1] if referral.closed_at else None
    Referral.objects.filter(pk=referral.pk).update(
        created_at=times[0],
        sent_at=sent,
        answered_at=answer,
        closed_at=closed,
        updated_at=times[-1],
        answer_due=working_days_after(sent_on, referral.to_institution.referral_response_days),
    )
    Participation.objects.filter(source_type=referrals.PARTICIPATION_SOURCE, source_id=str(referral.public_id)).update(
        started_at=sent, ended_at=closed
    )


def load(log: Callable[[str], None]) -> None:
    """Add the demo plans and referrals of the demo cases that have neither yet (idempotent)."""
    today = timezone.localdate()
    known = _institutions()
    if len(known) < 5:
        log("Plans: the demo institutions of Mirzec are missing; demo plans skipped.")
        return
    keys: dict[Any, tuple[str, int]] = {}
    for code, (count, _localities) in GMINAS.items():
        for number in range(1, count + 1):
            key = f"{'mirzec' if code == MIRZEC else code}-{number}"
            keys[demo_uuid("case", key)] = (code, number)
    busy = Q(plans__isnull=False) | Q(referrals__isnull=False)
    cases = (
        Case.objects.filter(public_id__in=keys)
        .exclude(busy)
        .select_related("lead_worker", "municipality", "institution", "household", "person")
        .order_by("id")
    )
    pcpr_of = {
        institution.county_id: institution
        for institution in Institution.objects.filter(kind=InstitutionKind.PCPR).order_by("id")
        if institution.county_id is not None
    }
    plans = sent = 0
    with transaction.atomic(), retelling_history():
        for case in cases:
            code, number = keys[case.public_id]
            actor = case.lead_worker
            if actor is None:
                continue
            if code == MIRZEC:
                if number in CLOSED_PLANS:
                    _closed_plan(case, *CLOSED_PLANS[number], actor)
                    plans += 1
                story = MIRZEC_STORIES.get(number)
                if story is None or case.status == CaseStatus.CLOSED:
                    continue
                if story.plan is not None:
                    _plan(case, story.plan, actor, known, today)
                    plans += 1
                for referral_story in story.referrals:
                    _refer(case, referral_story, actor, known, today)
                    sent += 1
                continue
            for other_number, status, days_ago in OTHER_STORIES:
                if number != other_number or case.status == CaseStatus.CLOSED:
                    continue
                _plan(case, PlanStory(status, 40, (DEBT,)), actor, known, today)
                plans += 1
                pcpr = pcpr_of.get(case.municipality.county_id)
                if days_ago is not None and pcpr is not None:
                    local = {**known, "pcpr": pcpr}
                    consultation = Story("pcpr", "Prosimy o konsultację psychologiczną dla rodziny.", days_ago)
                    _refer(case, consultation, actor, local, today)
                    sent += 1
    log(f"Plans: {plans} demo plans and {sent} referrals.")
