"""Scale data: diagnoses (assessments) of the generated cases on the shipped instrument.

A subject is what a diagnosis is about: the person of a person case, or a household case's
household as a whole (no person), and for about a third of a household's members also that
member alone. Each subject gets a series of one to six diagnoses, the first a few weeks after
the case opened and the next every two to five months, none after the case closed or after
today. Every diagnosis scores all domains of the current instrument 1–5. Levels drift as work
with a family goes: most subjects (70 %) improve in the domains where they started low, some
stay as they were, a few get worse, so "improved" on a dashboard means something.

Each diagnosis has the case's timeline entry that `record_assessment` would write. It is made
by the case's lead worker (else the generated social worker of its centre).

Figures are totals: series are added until there are `assessments` diagnoses, first for the
cases without any (in the order of their ids), then as new series of cases drawn at random
(a repeated diagnosis of the same subject; such a subject may then have more than six). Each
batch draws from a random generator named after the rows already there, so extending a
database never repeats a public id.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

from kooperacja.assessment.models import Assessment, DomainScore, Instrument, Priority
from kooperacja.assessment.services import DEFAULT_INSTRUMENT_CODE
from kooperacja.cases.models import Case, CaseKind, Person, TimelineEntry, TimelineKind
from kooperacja.cases.scale import WORKER_PREFIX
from kooperacja.core.roles import Role
from kooperacja.core.scale import ScaleRun, next_id, random_uuid, rebuilt_indexes
from kooperacja.institutions.models import Membership

# Nothing unless asked.
FIGURES = {"assessments": 0}
CHUNK = 20_000  # diagnoses per write (each with a score per domain)
MEMBER_SHARE = 0.35  # members of a household assessed on their own as well
# How a subject's levels go from one diagnosis to the next.
COURSES: tuple[tuple[str, int], ...] = (("better", 70), ("unchanged", 18), ("worse", 12))
NOTES = (
    "Wywiad środowiskowy w miejscu zamieszkania.",
    "Rozmowa w ośrodku z udziałem członków rodziny.",
    "Ponowna ocena po wizycie domowej i rozmowie z asystentem rodziny.",
    "Ocena po posiedzeniu zespołu G-PZK.",
)
STRENGTH = "Gotowość do współpracy, wsparcie bliskich."
HOUSEHOLD_TITLE = "Diagnoza: całe gospodarstwo domowe"  # as record_assessment writes it in Polish
ASSESSMENT_COLUMNS = [
    "id", "public_id", "case_id", "person_id", "municipality_id", "institution_id", "instrument_id",
    "assessed_on", "assessed_by_id", "notes", "created_at", "updated_at", "version",
]  # fmt: skip
TIMELINE_COLUMNS = [
    "id", "case_id", "municipality_id", "institution_id", "kind", "title", "category", "actor_id", "occurred_at",
    "source_type", "source_id",
]  # fmt: skip


@dataclass(frozen=True)
class _Case:
    id: int
    kind: str
    person_id: int | None
    household_id: int | None
    institution_id: int
    gmina_id: int
    assessor_id: int | None
    opened_on: dt.date
    closed_on: dt.date | None


def generate(run: ScaleRun) -> None:
    """Add diagnoses until the database holds `assessments` of them."""
    target = run.figures.get("assessments", 0)
    if not target:
        return
    existing = Assessment.objects.count()
    if existing >= target:
        run.log(f"  assessments: {existing} already (asked {target}), none added")
        return
    instrument = Instrument.objects.current().filter(code=DEFAULT_INSTRUMENT_CODE).first()
    if instrument is None:
        run.log("  assessments: no diagnosis instrument in force (migrate ships it); none added")
        return
    cases = _cases()
    if not cases:
        run.log("  assessments: no case with a worker to assess it (generate persons and cases first)")
        return
    domains = list(instrument.domains.order_by("position", "id").values_list("id", flat=True))
    label = f"assessment: {target - existing} diagnoses of {len(domains)} domains each"
    with rebuilt_indexes(run, [Assessment, DomainScore, TimelineEntry]), run.step(label):
        _Writer(run, instrument.pk, domains, cases).add(target - existing, existing)


def _cases() -> list[_Case]:
    """Every case with a subject that someone can assess: its lead worker, else the generated
    social worker of its centre."""
    workers = dict(
        Membership.objects.filter(role=Role.SOCIAL_WORKER, user__username__startswith=WORKER_PREFIX).values_list(
            "institution_id", "user_id"
        )
    )
    rows = Case.objects.order_by("id").values_list(
        "id", "kind", "person_id", "household_id", "institution_id", "municipality_id", "lead_worker_id",
        "opened_on", "closed_on",
    )  # fmt: skip
    found = []
    for pk, kind, person_id, household_id, institution_id, gmina_id, lead_id, opened_on, closed_on in rows:
        assessor = lead_id or workers.get(institution_id)
        subject = person_id if kind == CaseKind.PERSON else household_id
        if assessor is not None and subject is not None:
            found.append(
                _Case(pk, kind, person_id, household_id, institution_id, gmina_id, assessor, opened_on, closed_on)
            )
    return found


def first_levels(rng: random.Random, count: int) -> list[int]:
    """Levels of a subject's first diagnosis: two to six domains in difficulty (1–2), the rest 2–5."""
    low = set(rng.sample(range(count), min(count, rng.randint(2, 6))))
    return [rng.randint(1, 2) if index in low else rng.choice((2, 3, 3, 4, 4, 5)) for index in range(count)]


def next_levels(rng: random.Random, levels: list[int], course: str) -> list[int]:
    """The levels of the next diagnosis along the subject's course: improving subjects gain a
    level in about half of the domains below 4 (rarely losing one elsewhere); unchanged ones
    move a level here and there both ways; worsening ones lose a level in one to three domains."""
    following = list(levels)
    if course == "better":
        for index, level in enumerate(levels):
            if level < 4 and rng.random() < 0.45:
                following[index] = level + 1
            elif level > 1 and rng.random() < 0.03:
                following[index] = level - 1
    elif course == "unchanged":
        for index, level in enumerate(levels):
            if rng.random() < 0.05:
                following[index] = min(5, max(1, level + rng.choice((-1, 1))))
    else:
        for index in rng.sample(range(len(levels)), rng.randint(1, 3)):
            following[index] = max(1, levels[index] - 1)
    return following


def series_dates(rng: random.Random, opened_on: dt.date, last: dt.date) -> list[dt.date]:
    """One to six dates from a few weeks after the case opened, two to five months apart, up to `last`."""
    day = opened_on + dt.timedelta(days=rng.randint(3, 40))
    if day > last:
        day = max(opened_on, last)
    wanted = rng.randint(1, 6)
    dates = [day]
    while len(dates) < wanted:
        day += dt.timedelta(days=rng.randint(60, 150))
        if day > last:
            break
        dates.append(day)
    return dates


class _Writer:
    """The diagnoses of each subject, written in chunks."""

    def __init__(self, run: ScaleRun, instrument_id: int, domains: list[int], cases: list[_Case]) -> None:
        self.run = run
        self.instrument_id = instrument_id
        self.domains = domains
        self.cases = cases
        self.members: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for pk, household_id, first, last in (
            Person.objects.filter(household__isnull=False)
            .order_by("id")
            .values_list("id", "household_id", "first_name", "last_name")
        ):
            self.members[household_id].append((pk, f"{first} {last}"))
        self.names = {pk: name for members in self.members.values() for pk, name in members}

    def _order(self, rng: random.Random) -> Iterator[_Case]:
        """Cases without a diagnosis in the order of their ids, then cases at random for ever."""
        assessed = set(Assessment.objects.values_list("case_id", flat=True).distinct())
        yield from (case for case in self.cases if case.id not in assessed)
        while True:
            yield rng.choice(self.cases)

    def _subjects(self, rng: random.Random, case: _Case) -> list[tuple[int | None, str]]:
        """(person id or None for the household as a whole, timeline title) of each subject."""
        if case.kind == CaseKind.PERSON:
            if case.person_id is None:
                return []
            return [(case.person_id, f"Diagnoza: {self.names.get(case.person_id, 'osoba')}")]
        subjects: list[tuple[int | None, str]] = [(None, HOUSEHOLD_TITLE)]
        for person_id, name in self.members.get(case.household_id or 0, []):
            if rng.random() < MEMBER_SHARE:
                subjects.append((person_id, f"Diagnoza: {name}"))
        return subjects

    def add(self, count: int, existing: int) -> None:
        rng = self.run.random(f"assessments/{existing}")
        now = timezone.now()
        today = timezone.localdate(now)
        zone = timezone.get_current_timezone()
        ids = {model: next_id(model) for model in (Assessment, DomainScore, TimelineEntry)}
        courses, weights = [course for course, _w in COURSES], [weight for _c, weight in COURSES]
        rows: dict[type, list[tuple[object, ...]]] = defaultdict(list)
        made = 0
        cases = self._order(rng)
        while made < count:
            case = next(cases)
            last = min(today, case.closed_on or today)
            for person_id, title in self._subjects(rng, case):
                course = rng.choices(courses, weights)[0]
                levels = first_levels(rng, len(self.domains))
                for number, assessed_on in enumerate(series_dates(rng, case.opened_on, last)):
                    if made >= count:
                        break
                    if number:
                        levels = next_levels(rng, levels, course)
                    pk = ids[Assessment]
                    ids[Assessment] += 1
                    made += 1
                    public_id = random_uuid(rng)
                    at = dt.datetime.combine(assessed_on, dt.time(rng.randint(8, 15), rng.randint(0, 59)), tzinfo=zone)
                    at = min(at, now)  # a diagnosis of today was made by now
                    rows[Assessment].append(
                        (
                            pk, public_id, case.id, person_id, case.gmina_id, case.institution_id,
                            self.instrument_id, assessed_on, case.assessor_id, rng.choice(NOTES), at, at, 1,
                        )
                    )  # fmt: skip
                    score_id = ids[DomainScore]
                    for domain_id, level in zip(self.domains, levels, strict=True):
                        priority = Priority.HIGH if level == 1 else Priority.MEDIUM if level == 2 else ""
                        rows[DomainScore].append(
                            (score_id, pk, domain_id, level, STRENGTH if level >= 4 else "", priority)
                        )
                        score_id += 1
                    ids[DomainScore] = score_id
                    rows[TimelineEntry].append(
                        (
                            ids[TimelineEntry], case.id, case.gmina_id, case.institution_id, TimelineKind.ASSESSMENT,
                            title, "", case.assessor_id, at, "assessment.assessment", str(public_id),
                        )
                    )  # fmt: skip
                    ids[TimelineEntry] += 1
            if len(rows[Assessment]) >= CHUNK:
                self._write(rows)
                rows = defaultdict(list)
        self._write(rows)

    def _write(self, rows: dict[type, list[tuple[object, ...]]]) -> None:
        self.run.insert(Assessment, ASSESSMENT_COLUMNS, rows[Assessment])
        self.run.insert(
            DomainScore, ["id", "assessment_id", "domain_id", "level", "strengths", "priority"], rows[DomainScore]
        )
        self.run.insert(TimelineEntry, TIMELINE_COLUMNS, rows[TimelineEntry])
