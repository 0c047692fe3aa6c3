"""Demo diagnoses (issue #6 point 7): the households of the demo cases assessed as a whole two
or three times over the last ten months, so the diagnosis page has a change to show.

Every demo case in Mirzec and the first two of each other demo gmina get them, recorded by
the case's lead worker (else the first social worker of its GOPS; without one, none) through
`services.record_assessment`. Levels are drawn by a `random.Random` seeded with the case's
key: most households improve in the domains at 1–2 at first, a few stay as they were and a
few get worse. A closed case is not assessed after it closed.

Loading is idempotent: a case that has a diagnosis already is left as it is.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from kooperacja.assessment.models import Assessment, Instrument, Priority
from kooperacja.assessment.services import DEFAULT_INSTRUMENT_CODE, Score, record_assessment
from kooperacja.cases.demo import GMINAS, MIRZEC, demo_uuid
from kooperacja.cases.models import Case, TimelineEntry
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Membership

OTHER_GMINA_CASES = 2  # how many demo cases of each gmina but Mirzec are assessed
EARLIEST_DAYS = 300  # about ten months back
# Household key -> how it goes; the rest improve.
UNCHANGED = ("mirzec-4", "mirzec-11")
WORSE = ("mirzec-9", "2607032-1")

NOTES = (
    "Wywiad środowiskowy w miejscu zamieszkania rodziny.",
    "Rozmowa w ośrodku z udziałem członków rodziny.",
    "Ponowna ocena po wizycie domowej i rozmowie z asystentem.",
)
STRENGTHS = {
    "income": "Rodzina terminowo spłaca ustalone raty.",
    "work": "Gotowość do udziału w kursie zawodowym.",
    "family": "Silna więź z dziadkami, którzy pomagają w opiece.",
    "children": "Dzieci regularnie uczęszczają do szkoły.",
    "housing": "Mieszkanie ogrzane, zawarta ugoda z zarządcą.",
}


def _keys() -> list[str]:
    keys = [f"mirzec-{number}" for number in range(1, GMINAS[MIRZEC][0] + 1)]
    for code, (count, _localities) in GMINAS.items():
        if code != MIRZEC:
            keys.extend(f"{code}-{number}" for number in range(1, min(count, OTHER_GMINA_CASES) + 1))
    return keys


def _assessor(case: Case) -> Any:
    if case.lead_worker is not None:
        return case.lead_worker
    membership = (
        Membership.objects.active()
        .filter(institution_id=case.institution_id, role=Role.SOCIAL_WORKER)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return membership.user if membership is not None else None


def _dates(rng: random.Random, case: Case, today: dt.date) -> list[dt.date]:
    """Two or three dates from about ten months ago (not before the case opened) to the last
    month, or to its last days for a young case; none after the case closed."""
    start = max(today - dt.timedelta(days=EARLIEST_DAYS - rng.randint(0, 40)), case.opened_on + dt.timedelta(days=3))
    last = min(today - dt.timedelta(days=1), case.closed_on or today)
    end = min(today - dt.timedelta(days=rng.randint(3, 30)), last)
    if (end - start).days < 14:
        end = last
    if (end - start).days < 7:
        return []
    count = 3 if (end - start).days > 150 and rng.random() < 0.6 else 2
    step = (end - start) / (count - 1)
    return [start + step * i for i in range(count)]


def _first_levels(rng: random.Random, codes: list[str]) -> dict[str, int]:
    """Levels of the first diagnosis: two to five domains in difficulty (1–2), the rest 3–5."""
    low = set(rng.sample(codes, rng.randint(2, 5)))
    return {code: rng.randint(1, 2) if code in low else rng.choice((3, 3, 4, 4, 5)) for code in codes}


def _next_levels(rng: random.Random, levels: dict[str, int], course: str) -> dict[str, int]:
    """The levels of the next diagnosis along the household's course."""
    following = dict(levels)
    if course == "unchanged":
        return following
    if course == "worse":
        for code in rng.sample(sorted(levels), 2):
            following[code] = max(1, levels[code] - 1)
        return following
    low = sorted(code for code, level in levels.items() if level <= 2)
    for code in low:
        if rng.random() < 0.7:
            following[code] = min(4, levels[code] + 1)
    if low and following == levels:
        following[low[0]] = levels[low[0]] + 1
    return following


def _scores(levels: dict[str, int]) -> dict[str, Score]:
    return {
        code: Score(
            level=level,
            strengths=STRENGTHS.get(code, "") if level >= 3 else "",
            priority=(Priority.HIGH if level == 1 else Priority.MEDIUM) if level <= 2 else "",
        )
        for code, level in levels.items()
    }


def _assess_case(case: Case, key: str, instrument: Instrument, codes: list[str], today: dt.date) -> int:
    actor = _assessor(case)
    if actor is None:
        return 0
    rng = random.Random(f"kooperacja-demo-assessment-{key}")  # noqa: S311 - fictional data, not secrets
    course = "unchanged" if key in UNCHANGED else "worse" if key in WORSE else "better"
    levels = _first_levels(rng, codes)
    dates = _dates(rng, case, today)
    for number, assessed_on in enumerate(dates):
        if number:
            levels = _next_levels(rng, levels, course)
        assessment = record_assessment(
            actor, case, None, _scores(levels), assessed_on, NOTES[number % len(NOTES)], instrument=instrument
        )
        # The diagnosis happened on its day, not at the load.
        at = timezone.make_aware(dt.datetime.combine(assessed_on, dt.time(11, 0)))
        Assessment.objects.filter(pk=assessment.pk).update(created_at=at, updated_at=at)
        TimelineEntry.objects.filter(
            case=case, source_type="assessment.assessment", source_id=str(assessment.public_id)
        ).update(occurred_at=at)
    return len(dates)


def load(log: Callable[[str], None]) -> None:
    """Record the demo diagnoses of the demo cases that have none yet (idempotent)."""
    instrument = Instrument.objects.current().filter(code=DEFAULT_INSTRUMENT_CODE).first()
    if instrument is None:
        log("Diagnosis: no instrument in force; demo diagnoses skipped.")
        return
    codes = list(instrument.domains.order_by("position", "id").values_list("code", flat=True))
    keys = {demo_uuid("case", key): key for key in _keys()}
    cases = (
        Case.objects.filter(public_id__in=keys)
        .exclude(assessments__isnull=False)
        .select_related("lead_worker", "municipality", "household", "person")
        .order_by("id")
    )
    today = timezone.localdate()
    made = 0
    with transaction.atomic():
        for case in cases:
            made += _assess_case(case, keys[case.public_id], instrument, codes, today)
    log(f"Diagnosis: {made} demo diagnoses recorded.")
