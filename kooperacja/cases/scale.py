"""Scale data: people in households, the cases of the social assistance centres, their workers.

Each gmina's social assistance centre (GOPS/MOPS) gets a social worker (a user with a
membership, no usable password) who leads its cases. People come in households of one to
five (a head, a partner, children, sometimes a grandparent), registered by the GOPS of their
gmina; a household of several people gets a household case, a person living alone a person
case. Persons carry no PESEL: sealing and hashing one costs more than the rest of the row, and
nothing measured at scale looks people up by it.

Figures are totals: persons are added until there are `persons` of them, cases until there
are `cases`, first for households without a case, then again for households whose earlier
case is closed. Each batch draws from a random generator named after the rows already there,
so extending a database (1 000 cases, then 100 000) never repeats a public id.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone

from kooperacja.cases.models import (
    Case,
    CaseKind,
    CaseStatus,
    ClosingReason,
    Household,
    Person,
    Relationship,
    Sex,
)
from kooperacja.core.models import User
from kooperacja.core.roles import Role
from kooperacja.core.scale import ScaleRun, next_id, random_uuid, rebuilt_indexes
from kooperacja.institutions.models import Institution, InstitutionKind, Membership

# Nothing unless asked: benchmarks of the directory need no people.
FIGURES = {"persons": 0, "cases": 0}
WORKER_PREFIX = "scale.sw."
UNUSABLE_PASSWORD = "!scale"  # noqa: S105 — marks the password unusable, as set_unusable_password does

FEMALE_NAMES = (
    "Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Krystyna", "Elżbieta",
    "Zofia", "Joanna", "Magdalena", "Monika", "Teresa", "Danuta", "Natalia", "Julia", "Zuzanna", "Lena", "Maja",
)  # fmt: skip
MALE_NAMES = (
    "Jan", "Andrzej", "Piotr", "Krzysztof", "Stanisław", "Tomasz", "Paweł", "Józef", "Marcin", "Marek",
    "Michał", "Grzegorz", "Jerzy", "Tadeusz", "Adam", "Łukasz", "Jakub", "Antoni", "Szymon", "Filip",
)  # fmt: skip
# (male form, female form)
LAST_NAMES = (
    ("Nowak", "Nowak"), ("Kowalski", "Kowalska"), ("Wiśniewski", "Wiśniewska"), ("Wójcik", "Wójcik"),
    ("Kowalczyk", "Kowalczyk"), ("Kamiński", "Kamińska"), ("Lewandowski", "Lewandowska"),
    ("Zieliński", "Zielińska"), ("Szymański", "Szymańska"), ("Woźniak", "Woźniak"), ("Dąbrowski", "Dąbrowska"),
    ("Kozłowski", "Kozłowska"), ("Jankowski", "Jankowska"), ("Mazur", "Mazur"), ("Kwiatkowski", "Kwiatkowska"),
    ("Krawczyk", "Krawczyk"), ("Piotrowski", "Piotrowska"), ("Grabowski", "Grabowska"), ("Nowakowski",
    "Nowakowska"), ("Pawłowski", "Pawłowska"), ("Michalski", "Michalska"), ("Król", "Król"), ("Wieczorek",
    "Wieczorek"), ("Jabłoński", "Jabłońska"), ("Wróbel", "Wróbel"), ("Majewski", "Majewska"),
)  # fmt: skip
SUMMARIES = (
    "Rodzina z trudnościami opiekuńczo-wychowawczymi, zadłużenie za mieszkanie.",
    "Osoba samotna, długotrwała choroba, potrzebuje usług opiekuńczych.",
    "Bezrobocie długotrwałe, niski dochód, dzieci w wieku szkolnym.",
    "Nadużywanie alkoholu przez członka rodziny, podejrzenie przemocy.",
    "Niepełnosprawność dziecka, rodzic rezygnuje z pracy, potrzebna rehabilitacja.",
    "Senior po hospitalizacji, brak wsparcia rodziny.",
)
# Status of a generated case: most are worked on, some wait, some are closed.
CASE_STATUSES: tuple[tuple[str, float], ...] = (
    (CaseStatus.ACTIVE, 0.6),
    (CaseStatus.OPEN, 0.15),
    (CaseStatus.ON_HOLD, 0.1),
    (CaseStatus.CLOSED, 0.15),
)
CHUNK = 50_000


@dataclass
class _Gops:
    id: int
    gmina_id: int
    locality: str
    postal_code: str


def generate(run: ScaleRun) -> None:
    """Add workers, persons in households and cases until the database holds the figures."""
    persons, cases = run.figures.get("persons", 0), run.figures.get("cases", 0)
    if not persons and not cases:
        return
    centres = _centres()
    if not centres:
        run.log("  persons and cases: no social assistance centre to register them (generate gminas first)")
        return
    with run.step("cases: social workers of the centres"):
        add_workers(run, [centre.id for centre in centres], Role.SOCIAL_WORKER, WORKER_PREFIX)
    existing = Person.objects.count()
    if existing < persons:
        label = f"cases: {persons - existing} persons in households"
        with rebuilt_indexes(run, [Household, Person]), run.step(label):
            _add_persons(run, centres, persons - existing, existing)
    else:
        run.log(f"  persons: {existing} already (asked {persons}), none added")
    existing = Case.objects.count()
    if existing < cases:
        with rebuilt_indexes(run, [Case]), run.step(f"cases: {cases - existing} cases"):
            _add_cases(run, cases - existing, existing)
    else:
        run.log(f"  cases: {existing} already (asked {cases}), none added")


def _centres() -> list[_Gops]:
    rows = (
        Institution.objects.filter(kind=InstitutionKind.GOPS, is_active=True, municipality__isnull=False)
        .order_by("id")
        .values_list("id", "municipality_id", "locality", "postal_code")
    )
    return [_Gops(pk, gmina_id, locality, postal_code) for pk, gmina_id, locality, postal_code in rows]


def add_workers(run: ScaleRun, institution_ids: list[int], role: str, prefix: str) -> dict[int, int]:
    """One user with `role` for each institution that has none yet (username `prefix<id>`);
    returns institution id -> user id for all of them."""
    found = dict(
        Membership.objects.filter(
            institution_id__in=institution_ids, role=role, user__username__startswith=prefix
        ).values_list("institution_id", "user_id")
    )
    missing = [pk for pk in institution_ids if pk not in found]
    if not missing:
        return found
    rng = run.random(f"workers/{prefix}/{next_id(User)}")
    user_id, membership_id = next_id(User), next_id(Membership)
    joined = timezone.now() - dt.timedelta(days=400)
    users, memberships = [], []
    for institution_id in missing:
        female = rng.random() < 0.8
        first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        last = rng.choice(LAST_NAMES)[1 if female else 0]
        username = f"{prefix}{institution_id}"
        users.append(
            (user_id, random_uuid(rng), username, UNUSABLE_PASSWORD, first, last, f"{username}@scale.example", joined)
        )
        memberships.append((membership_id, random_uuid(rng), user_id, institution_id, role, joined))
        found[institution_id] = user_id
        user_id += 1
        membership_id += 1
    run.insert(
        User, ["id", "public_id", "username", "password", "first_name", "last_name", "email", "date_joined"], users
    )
    run.insert(Membership, ["id", "public_id", "user_id", "institution_id", "role", "created_at"], memberships)
    return found


def _household_members(rng: random.Random, size: int, today: dt.date) -> list[tuple[str, str, dt.date]]:
    """(relationship, sex, birth date) of each member of a household of `size`."""

    def born(low: int, high: int) -> dt.date:
        return today - dt.timedelta(days=rng.randint(low * 365, high * 365 + 364))

    head_sex = Sex.FEMALE if rng.random() < 0.55 else Sex.MALE
    if size == 1:
        return [(Relationship.HEAD, head_sex, born(19, 88))]
    members: list[tuple[str, str, dt.date]] = [(Relationship.HEAD, head_sex, born(22, 60))]
    rest = size - 1
    if rest and rng.random() < 0.7:
        members.append((Relationship.SPOUSE, Sex.MALE if head_sex == Sex.FEMALE else Sex.FEMALE, born(22, 60)))
        rest -= 1
    if rest and size >= 4 and rng.random() < 0.3:
        members.append((Relationship.GRANDPARENT, rng.choice((Sex.FEMALE, Sex.MALE)), born(60, 90)))
        rest -= 1
    members += [(Relationship.CHILD, rng.choice((Sex.FEMALE, Sex.MALE)), born(0, 17)) for _child in range(rest)]
    return members


def _add_persons(run: ScaleRun, centres: list[_Gops], count: int, existing: int) -> None:
    rng = run.random(f"persons/{existing}")
    now = timezone.now()
    today = timezone.localdate(now)
    household_id, person_id = next_id(Household), next_id(Person)
    households: list[tuple[object, ...]] = []
    persons: list[tuple[object, ...]] = []
    done = 0
    while done < count:
        size = min(count - done, rng.choices((1, 2, 3, 4, 5), (30, 20, 22, 18, 10))[0])
        centre = rng.choice(centres)
        family = rng.choice(LAST_NAMES)
        street = f"{centre.locality} {rng.randint(1, 250)}"
        created = now - dt.timedelta(days=rng.randint(0, 1500), seconds=rng.randint(0, 86_399))
        households.append(
            (
                household_id,
                random_uuid(rng),
                centre.id,
                centre.gmina_id,
                f"Rodzina {family[0]}",
                centre.locality,
                street,
                centre.postal_code,
                created,
                created,
            )
        )
        for relationship, sex, birth in _household_members(rng, size, today):
            first = rng.choice(FEMALE_NAMES if sex == Sex.FEMALE else MALE_NAMES)
            last = family[1 if sex == Sex.FEMALE else 0]
            phone = f"5{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
            persons.append(
                (
                    person_id,
                    random_uuid(rng),
                    centre.id,
                    centre.gmina_id,
                    household_id,
                    relationship,
                    first,
                    last,
                    birth,
                    sex,
                    centre.locality,
                    street,
                    centre.postal_code,
                    phone if relationship == Relationship.HEAD else "",
                    created,
                    created,
                )
            )
            person_id += 1
        household_id += 1
        done += size
        if len(persons) >= CHUNK:
            _write_persons(run, households, persons)
            households, persons = [], []
    _write_persons(run, households, persons)


def _write_persons(run: ScaleRun, households: list[tuple[object, ...]], persons: list[tuple[object, ...]]) -> None:
    run.insert(
        Household,
        [
            "id", "public_id", "institution_id", "municipality_id", "name", "locality", "street", "postal_code",
            "created_at", "updated_at",
        ],
        households,
    )  # fmt: skip
    run.insert(
        Person,
        [
            "id", "public_id", "institution_id", "municipality_id", "household_id", "relationship", "first_name",
            "last_name", "birth_date", "sex", "locality", "street", "postal_code", "phone", "created_at", "updated_at",
        ],
        persons,
    )  # fmt: skip


def _add_cases(run: ScaleRun, count: int, existing: int) -> None:
    """Cases for households without one first, then again for households at random."""
    rng = run.random(f"cases/{existing}")
    now = timezone.now()
    today = timezone.localdate(now)
    members: dict[int, list[int]] = defaultdict(list)
    for person_id, household_id in (
        Person.objects.filter(household__isnull=False).order_by("id").values_list("id", "household_id")
    ):
        members[household_id].append(person_id)
    households = list(Household.objects.order_by("id").values_list("id", "institution_id", "municipality_id"))
    if not households:
        run.log("  cases: no household to open a case for (generate persons first)")
        return
    with_case = set(Case.objects.filter(household__isnull=False).values_list("household_id", flat=True))
    with_case |= set(
        Case.objects.filter(person__household__isnull=False).values_list("person__household_id", flat=True)
    )
    order = [row for row in households if row[0] not in with_case]
    leads = dict(
        Membership.objects.filter(role=Role.SOCIAL_WORKER, user__username__startswith=WORKER_PREFIX).values_list(
            "institution_id", "user_id"
        )
    )
    statuses, weights = zip(*CASE_STATUSES, strict=True)
    case_id = next_id(Case)
    rows: list[tuple[object, ...]] = []
    for index in range(count):
        household_id, institution_id, gmina_id = order[index] if index < len(order) else rng.choice(households)
        people = members.get(household_id, [])
        single = len(people) == 1
        status = rng.choices(statuses, weights)[0]
        opened = today - dt.timedelta(days=rng.randint(0, 1400))
        closed_on = (
            min(today, opened + dt.timedelta(days=rng.randint(30, 700))) if status == CaseStatus.CLOSED else None
        )
        updated = now - dt.timedelta(days=rng.randint(0, max(0, (today - opened).days)), seconds=rng.randint(0, 86_399))
        rows.append(
            (
                case_id,
                random_uuid(rng),
                CaseKind.PERSON if single else CaseKind.HOUSEHOLD,
                people[0] if single else None,
                None if single else household_id,
                institution_id,
                gmina_id,
                leads.get(institution_id),
                status,
                rng.choice(list(ClosingReason)) if closed_on else "",
                opened,
                closed_on,
                rng.choice(SUMMARIES),
                updated,
                updated,
            )
        )
        case_id += 1
    run.insert(
        Case,
        [
            "id", "public_id", "kind", "person_id", "household_id", "institution_id", "municipality_id",
            "lead_worker_id", "status", "closing_reason", "opened_on", "closed_on", "summary", "created_at",
            "updated_at",
        ],
        rows,
    )  # fmt: skip
