"""Demo cases (issue #6): about thirty fictional households in the 8 gminas of the first
milestone, most of them (14) in Mirzec, each with a case of its gmina's GOPS.

Everything is made up: names come from fixed lists, drawn by a `random.Random` seeded with the
household's key, so every load gives the same families; PESEL numbers are built by
`pesel.make` (valid, fictional). Dates count back from the day of the first load.

In Mirzec the demo personas find what the access rules talk about (DESIGN.md §1, §4):
`gops.mirzec` leads every case there; `szkola.mirzec` (the primary school) is in the case
team of three families who consented to share identity, plan and shareable notes with the
school; `asystent.mirzec` is in the team of exactly two cases, `kolega.mirzec` of one;
`policja.mirzec` of none.

Loading is idempotent: every household has a public id derived from its key, and a
household found by it is left as it is (with its people and case), so a second load adds
nothing and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from kooperacja.cases import pesel
from kooperacja.cases.models import (
    Case,
    CaseKind,
    CaseReason,
    CaseStatus,
    CaseTeamMember,
    CaseTeamRole,
    ClosingReason,
    Consent,
    ConsentCategory,
    DisabilityDegree,
    Household,
    Note,
    Participation,
    ParticipationKind,
    Person,
    Relationship,
    Sex,
    SupportReason,
    TimelineEntry,
    TimelineKind,
)
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution, InstitutionKind, Membership
from kooperacja.territory.models import Municipality

DEMO_NAMESPACE = uuid.UUID("0c6a2a4e-6f53-4b8e-8f0e-3d1f5a9c7b21")


def demo_uuid(*parts: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, "/".join(parts))


MIRZEC = "2611032"
# Gmina code -> (how many households, localities of the gmina).
GMINAS: dict[str, tuple[int, tuple[str, ...]]] = {
    MIRZEC: (
        14,
        ("Mirzec", "Tychów Stary", "Tychów Nowy", "Gadka", "Osiny", "Jagodne", "Małyszyn", "Trębowiec", "Majków"),
    ),
    "2602052": (3, ("Oksa", "Tracz", "Rembieszyce", "Chorzewa")),
    "2602093": (2, ("Wodzisław", "Łany", "Nawarzyce")),
    "2604012": (2, ("Bieliny", "Makoszyn", "Lechów")),
    "2604083": (2, ("Łopuszno", "Snochowice", "Jasień")),
    "2607032": (3, ("Bodzechów", "Szewna", "Sarnówek")),
    "2609052": (2, ("Łoniów", "Sobótka", "Suchowola")),
    "2612013": (2, ("Bogoria", "Jurkowice", "Wola Kiełczyńska")),
}

# (male form, female form, "Rodzina …" form).
SURNAMES: tuple[tuple[str, str, str], ...] = (
    ("Wróblewski", "Wróblewska", "Wróblewskich"),
    ("Gajda", "Gajda", "Gajdów"),
    ("Sikorski", "Sikorska", "Sikorskich"),
    ("Pawlak", "Pawlak", "Pawlaków"),
    ("Jaworski", "Jaworska", "Jaworskich"),
    ("Czarnecki", "Czarnecka", "Czarneckich"),
    ("Kubiak", "Kubiak", "Kubiaków"),
    ("Makowski", "Makowska", "Makowskich"),
    ("Wilczek", "Wilczek", "Wilczków"),
    ("Ostrowski", "Ostrowska", "Ostrowskich"),
    ("Banaś", "Banaś", "Banasiów"),
    ("Zalewski", "Zalewska", "Zalewskich"),
    ("Kwiecień", "Kwiecień", "Kwietniów"),
    ("Borkowski", "Borkowska", "Borkowskich"),
    ("Mazur", "Mazur", "Mazurów"),
    ("Pietrzyk", "Pietrzyk", "Pietrzyków"),
    ("Sobczak", "Sobczak", "Sobczaków"),
    ("Lewandowicz", "Lewandowicz", "Lewandowiczów"),
    ("Chmiel", "Chmiel", "Chmielów"),
    ("Rutkowski", "Rutkowska", "Rutkowskich"),
    ("Głowacki", "Głowacka", "Głowackich"),
    ("Szewczyk", "Szewczyk", "Szewczyków"),
    ("Kołodziej", "Kołodziej", "Kołodziejów"),
    ("Dudek", "Dudek", "Dudków"),
    ("Tomczyk", "Tomczyk", "Tomczyków"),
    ("Wojciechowski", "Wojciechowska", "Wojciechowskich"),
    ("Kaczor", "Kaczor", "Kaczorów"),
    ("Piasecki", "Piasecka", "Piaseckich"),
    ("Sowiński", "Sowińska", "Sowińskich"),
    ("Bielecki", "Bielecka", "Bieleckich"),
)
MEN = ("Tomasz", "Grzegorz", "Mariusz", "Dariusz", "Sławomir", "Robert", "Zbigniew", "Łukasz", "Rafał", "Janusz")
WOMEN = ("Monika", "Beata", "Renata", "Agata", "Iwona", "Dorota", "Sylwia", "Edyta", "Justyna", "Halina")
BOYS = ("Kacper", "Szymon", "Filip", "Jakub", "Oliwer", "Antoni", "Bartek", "Igor")
GIRLS = ("Zuzanna", "Lena", "Maja", "Hanna", "Oliwia", "Amelia", "Natalia", "Wiktoria")
STREETS = ("ul. Leśna", "ul. Polna", "ul. Szkolna", "ul. Kościelna", "ul. Ogrodowa", "")

COMMON_REASONS = (
    SupportReason.POVERTY,
    SupportReason.UNEMPLOYMENT,
    SupportReason.HELPLESSNESS,
    SupportReason.LONG_TERM_ILLNESS,
    SupportReason.DISABILITY,
    SupportReason.ALCOHOL,
    SupportReason.MATERNITY,
)
SUMMARIES = (
    "Rodzina utrzymuje się z prac dorywczych i zasiłków; zaległości w opłatach za mieszkanie.",
    "Trudności wychowawcze, dzieci często opuszczają zajęcia szkolne.",
    "Osoba samotna po długim leczeniu, potrzebuje wsparcia w codziennym funkcjonowaniu.",
    "Rodzina wielodzietna, rodzice bez stałej pracy; dobra współpraca z ośrodkiem.",
    "Problem alkoholowy w rodzinie; żona i dzieci szukają wsparcia.",
    "Opieka nad osobą z niepełnosprawnością, opiekun przeciążony.",
)
# Seeds of the case teams in Mirzec: household number -> who joins besides the lead.
SCHOOL_CASES = (1, 2, 3)  # szkola.mirzec is in the team; the family consented for the school
ASSISTANT_CASES = (2, 5)  # asystent.mirzec: exactly two cases
COLLEAGUE_CASES = (6,)  # kolega.mirzec: one
CLOSED_CASES = {  # household key -> closing reason
    "mirzec-12": ClosingReason.GOALS_ACHIEVED,
    "mirzec-14": ClosingReason.MOVED,
    "2607032-3": ClosingReason.NO_COOPERATION,
    "2602052-3": ClosingReason.OTHER_HELP,
}
ON_HOLD_CASES = ("mirzec-10", "2612013-2")
PESEL_SERIAL_BASE = 5000  # tests' factories count from 1: their PESELs never meet these


@dataclass
class Context:
    today: dt.date
    now: dt.datetime
    gminas: dict[str, Municipality]
    gops: dict[str, Institution]
    school: Institution | None
    users: dict[str, Any]
    leads: dict[str, Any]  # gmina code -> the lead worker of its cases (None: the GOPS has no demo worker)


def _user(users: dict[str, Any], username: str) -> Any:
    return users.get(username)


def _birth(rng: random.Random, today: dt.date, age: int) -> dt.date:
    born = dt.date(today.year - age, 1, 1)
    return born + dt.timedelta(days=rng.randrange(0, 365))


def _members(rng: random.Random, ctx: Context, surname: tuple[str, str, str], *, pupils: bool) -> list[dict[str, Any]]:
    """The people of one household: a head, often a spouse, children, sometimes a grandparent;
    with `pupils`, parents in their thirties or forties and at least one child of school age."""
    head_is_woman = rng.random() < 0.45
    head_age = rng.randint(30, 45) if pupils else rng.randint(24, 62)
    people: list[dict[str, Any]] = [
        {
            "relationship": Relationship.HEAD,
            "sex": Sex.FEMALE if head_is_woman else Sex.MALE,
            "first_name": rng.choice(WOMEN if head_is_woman else MEN),
            "age": head_age,
        }
    ]
    if rng.random() < 0.65:
        people.append(
            {
                "relationship": Relationship.SPOUSE,
                "sex": Sex.MALE if head_is_woman else Sex.FEMALE,
                "first_name": rng.choice(MEN if head_is_woman else WOMEN),
                "age": max(20, head_age + rng.randint(-4, 4)),
            }
        )
    if head_age < 50:
        for child in range(rng.randint(1, 4) if pupils else rng.randint(0, 4)):
            girl = rng.random() < 0.5
            people.append(
                {
                    "relationship": Relationship.CHILD,
                    "sex": Sex.FEMALE if girl else Sex.MALE,
                    "first_name": rng.choice(GIRLS if girl else BOYS),
                    "age": rng.randint(8, 13) if pupils and child == 0 else rng.randint(1, min(17, head_age - 19)),
                }
            )
    if rng.random() < 0.2:
        people.append(
            {
                "relationship": Relationship.PARENT,
                "sex": Sex.FEMALE,
                "first_name": rng.choice(WOMEN),
                "age": min(90, head_age + rng.randint(22, 30)),
            }
        )
    seen: set[str] = set()
    for person in people:
        # One name once in a household (two Kacpers would confuse every list).
        while person["first_name"] in seen:
            pool = {Sex.FEMALE: GIRLS, Sex.MALE: BOYS} if person["relationship"] == Relationship.CHILD else None
            choices = pool[person["sex"]] if pool else (WOMEN if person["sex"] == Sex.FEMALE else MEN)
            person["first_name"] = rng.choice(choices)
        seen.add(person["first_name"])
        female = person["sex"] == Sex.FEMALE
        person["last_name"] = surname[1] if female else surname[0]
        person["birth_date"] = _birth(rng, ctx.today, person["age"])
    return people


def _add_to_team(case: Case, user: Any, institution: Institution, role: str, since: dt.datetime) -> None:
    participation = Participation.objects.create(
        case=case,
        institution=institution,
        municipality=case.municipality,
        kind=ParticipationKind.CASE_TEAM,
        started_at=since,
    )
    CaseTeamMember.objects.create(
        case=case,
        user=user,
        institution=institution,
        municipality=case.municipality,
        role=role,
        participation=participation,
        joined_at=since,
    )


def _timeline(case: Case, kind: str, title: str, at: dt.datetime, actor: Any = None, category: str = "") -> None:
    TimelineEntry.objects.create(
        case=case,
        municipality=case.municipality,
        institution=case.institution,
        kind=kind,
        title=title,
        category=category,
        actor=actor,
        occurred_at=at,
    )


def _load_household(ctx: Context, code: str, number: int, localities: tuple[str, ...], index: int) -> bool:
    """Create one household with its people and case; False when it is there already."""
    key = f"mirzec-{number}" if code == MIRZEC else f"{code}-{number}"
    public_id = demo_uuid("household", key)
    if Household.objects.filter(public_id=public_id).exists():
        return False
    rng = random.Random(f"kooperacja-demo-case-{key}")  # noqa: S311 - fictional data, not secrets
    gmina = ctx.gminas[code]
    gops = ctx.gops[code]
    surname = SURNAMES[index % len(SURNAMES)]
    locality = rng.choice(localities)
    street = rng.choice(STREETS)
    street = f"{street} {rng.randint(1, 60)}" if street else f"{locality} {rng.randint(1, 150)}"
    opened_on = ctx.today - dt.timedelta(days=rng.randint(20, 900))
    opened_at = timezone.make_aware(dt.datetime.combine(opened_on, dt.time(9, rng.randint(0, 59))))
    household = Household.objects.create(
        public_id=public_id,
        institution=gops,
        municipality=gmina,
        name=f"Rodzina {surname[2]}",
        locality=locality,
        street=street,
        postal_code=gops.postal_code,
        created_at=opened_at,
        updated_at=opened_at,
    )
    income = Decimal(rng.randint(450, 1400))
    pupils = code == MIRZEC and number in SCHOOL_CASES + ASSISTANT_CASES
    for position, spec in enumerate(_members(rng, ctx, surname, pupils=pupils)):
        person = Person(
            public_id=demo_uuid("person", key, str(position)),
            institution=gops,
            municipality=gmina,
            household=household,
            relationship=spec["relationship"],
            first_name=spec["first_name"],
            last_name=spec["last_name"],
            birth_date=spec["birth_date"],
            sex=spec["sex"],
            locality=locality,
            street=street,
            postal_code=gops.postal_code,
            income_per_person=income,
            created_at=opened_at,
            updated_at=opened_at,
        )
        if spec["age"] >= 18 and position == 0:
            person.phone = f"500 000 {index:03d}"
        if rng.random() < 0.15:
            person.disability_degree = rng.choice(DisabilityDegree.values)
        if rng.random() < 0.6:
            number_ = pesel.make(spec["birth_date"], PESEL_SERIAL_BASE + index * 10 + position, spec["sex"])
            if not Person.objects.with_pesel(number_).exists():
                person.set_pesel(number_)
        person.save()

    status = CaseStatus.ACTIVE if rng.random() < 0.7 else CaseStatus.OPEN
    if key in ON_HOLD_CASES:
        status = CaseStatus.ON_HOLD
    closing_reason = CLOSED_CASES.get(key, "")
    closed_on = None
    if closing_reason:
        status = CaseStatus.CLOSED
        closed_on = min(ctx.today - dt.timedelta(days=3), opened_on + dt.timedelta(days=rng.randint(120, 400)))
    lead = ctx.leads.get(code)
    case = Case.objects.create(
        public_id=demo_uuid("case", key),
        kind=CaseKind.HOUSEHOLD,
        household=household,
        institution=gops,
        municipality=gmina,
        lead_worker=lead,
        status=status,
        closing_reason=closing_reason,
        opened_on=opened_on,
        closed_on=closed_on,
        summary=rng.choice(SUMMARIES),
        created_at=opened_at,
        updated_at=opened_at,
    )
    for reason in sorted(set(rng.sample(COMMON_REASONS, rng.randint(1, 3)))):
        CaseReason.objects.create(case=case, reason=reason)
    _timeline(case, TimelineKind.OPENED, "Założono sprawę", opened_at, lead)
    if lead is not None:
        _add_to_team(case, lead, gops, CaseTeamRole.COORDINATOR, opened_at)
    if code == MIRZEC:
        _mirzec_team(ctx, case, number, opened_at)
    if status == CaseStatus.ON_HOLD:
        _timeline(case, TimelineKind.STATUS, "Sprawa zawieszona", opened_at + dt.timedelta(days=10), lead)
    if closed_on is not None:
        closed_at = timezone.make_aware(dt.datetime.combine(closed_on, dt.time(14, 0)))
        _timeline(case, TimelineKind.STATUS, "Sprawa zamknięta", closed_at, lead)
        # Nobody works on a closed case any more.
        Participation.objects.filter(case=case, ended_at__isnull=True).update(ended_at=closed_at)
        CaseTeamMember.objects.filter(case=case, left_at__isnull=True).update(left_at=closed_at)
    return True


def _mirzec_team(ctx: Context, case: Case, number: int, opened_at: dt.datetime) -> None:
    """The case teams of Mirzec: the school with consent, the family assistant, a colleague; notes."""
    worker = _user(ctx.users, "gops.mirzec")
    assistant = _user(ctx.users, "asystent.mirzec")
    colleague = _user(ctx.users, "kolega.mirzec")
    school_user = _user(ctx.users, "szkola.mirzec")
    gops = case.institution
    joined = opened_at + dt.timedelta(days=7)
    if number in ASSISTANT_CASES and assistant is not None:
        _add_to_team(case, assistant, gops, CaseTeamRole.MEMBER, joined)
        _timeline(case, TimelineKind.TEAM, "Do zespołu dołączyła asystentka rodziny", joined, worker)
    if number in COLLEAGUE_CASES and colleague is not None:
        _add_to_team(case, colleague, gops, CaseTeamRole.MEMBER, joined)
        _timeline(case, TimelineKind.TEAM, "Do zespołu dołączył pracownik socjalny", joined, worker)
    if number in SCHOOL_CASES and school_user is not None and ctx.school is not None:
        consent_at = opened_at + dt.timedelta(days=5)
        consented = timezone.localdate(consent_at)
        for person in case.persons():
            Consent.objects.create(
                public_id=demo_uuid("consent", str(case.public_id), str(person.public_id)),
                person=person,
                municipality=case.municipality,
                recorded_by_institution=gops,
                institution=ctx.school,
                categories=[ConsentCategory.IDENTITY, ConsentCategory.NOTES, ConsentCategory.PLAN],
                recorded_by=worker,
                valid_from=consented,
                valid_until=consented + dt.timedelta(days=730),
                recorded_at=consent_at,
            )
        _timeline(case, TimelineKind.CONSENT, "Zgoda na udostępnianie danych szkole", consent_at, worker)
        _add_to_team(case, school_user, ctx.school, CaseTeamRole.MEMBER, joined)
        _timeline(case, TimelineKind.TEAM, "Do zespołu dołączyła pedagog szkolna", joined, worker)
        _note(case, worker, "Ustalono z pedagogiem szkolnym cotygodniowe konsultacje dla dzieci.", joined, True)
    if number in (1, 4, 7):
        _note(case, worker, "Wizyta w miejscu zamieszkania; rodzina zgłasza potrzebę pomocy w opale.", joined, False)


def _note(case: Case, author: Any, text: str, at: dt.datetime, shareable: bool) -> None:
    Note.objects.create(
        public_id=demo_uuid("note", str(case.public_id), text),
        case=case,
        municipality=case.municipality,
        institution=case.institution,
        author=author,
        text=text,
        shareable=shareable,
        created_at=at,
        updated_at=at,
    )
    category = ConsentCategory.NOTES if shareable else ""
    _timeline(case, TimelineKind.NOTE, "Dodano notatkę", at, author, category)


def _social_worker(gops: Institution) -> Any:
    """The first (by login) social worker of a GOPS, or None when it has none in the demo."""
    membership = (
        Membership.objects.active()
        .filter(institution=gops, role=Role.SOCIAL_WORKER)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return membership.user if membership is not None else None


def load(log: Callable[[str], None]) -> None:
    """Create the demo households, people and cases that are not there yet (idempotent)."""
    today = timezone.localdate()
    gminas = {g.code: g for g in Municipality.objects.filter(code__in=GMINAS)}
    gops = {
        i.municipality.code: i
        for i in Institution.objects.filter(kind=InstitutionKind.GOPS, municipality__code__in=GMINAS).select_related(
            "municipality"
        )
        if i.municipality is not None
    }
    missing = sorted(set(GMINAS) - set(gops))
    if missing:
        log(f"Cases: no demo GOPS in gminas {', '.join(missing)}; demo cases skipped.")
        return
    users = {u.username: u for u in get_user_model().objects.filter(username__contains=".")}
    leads = {code: _social_worker(institution) for code, institution in gops.items()}
    leads[MIRZEC] = users.get("gops.mirzec")
    ctx = Context(
        today=today,
        now=timezone.now(),
        gminas=gminas,
        gops=gops,
        school=Institution.objects.filter(name="Publiczna Szkoła Podstawowa w Mircu").first(),
        users=users,
        leads=leads,
    )
    created = 0
    index = 0
    with transaction.atomic():
        for code, (count, localities) in GMINAS.items():
            for number in range(1, count + 1):
                created += _load_household(ctx, code, number, localities, index)
                index += 1
    log(f"Cases: {index} demo households with their cases ({created} new).")
