"""Scale data of diagnoses (`generate_scale_data --assessments`): series of assessments of the
generated cases' subjects on the shipped instrument, mostly improving."""

from __future__ import annotations

import random
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kooperacja.assessment.models import Assessment, DomainScore
from kooperacja.assessment.scale import next_levels, series_dates
from kooperacja.assessment.services import change, current_instrument
from kooperacja.cases.models import Case, CaseKind, Person, TimelineEntry
from kooperacja.cases.scale import WORKER_PREFIX

pytestmark = pytest.mark.django_db

ASSESSMENTS = 1000


class Rollback(Exception):
    pass


def generate(seed: int = 3, assessments: int = ASSESSMENTS) -> str:
    out = StringIO()
    call_command(
        "generate_scale_data", "--seed", str(seed), "--gminas", "20", "--services", "0", "--persons", "600",
        "--cases", "300", "--assessments", str(assessments), stdout=out, stderr=StringIO(),
    )  # fmt: skip
    return out.getvalue()


def generated() -> QuerySet[Assessment]:
    """The diagnoses of the generated cases (those of the demo's cases left aside)."""
    return Assessment.objects.filter(case__lead_worker__username__startswith=WORKER_PREFIX)


def snapshot() -> list[tuple[object, ...]]:
    return list(
        Assessment.objects.order_by("id").values_list("public_id", "case__public_id", "person_id", "assessed_on")
    )


def generated_with(seed: int) -> list[tuple[object, ...]]:
    try:
        with transaction.atomic():
            generate(seed)
            taken = snapshot()
            raise Rollback
    except Rollback:
        pass
    return taken


def test_it_fills_assessments_up_to_the_figure_each_scoring_every_domain():
    generate()

    assert Assessment.objects.count() == ASSESSMENTS
    domains = current_instrument().domains.count()
    assert generated().count() > ASSESSMENTS / 4
    assert DomainScore.objects.filter(assessment__in=generated()).count() == generated().count() * domains
    assert not DomainScore.objects.filter(level__lt=1).exists()
    assert not DomainScore.objects.filter(level__gt=5).exists()


def test_it_assesses_households_as_a_whole_and_persons_of_the_case_within_its_life():
    generate()

    assessments = generated().select_related("case")
    assert assessments.filter(case__kind=CaseKind.HOUSEHOLD, person__isnull=True).exists()
    assert assessments.filter(case__kind=CaseKind.PERSON, person__isnull=False).exists()
    today = timezone.localdate()
    for assessment in assessments.order_by("id")[:200]:
        case = assessment.case
        assert case.opened_on <= assessment.assessed_on <= min(today, case.closed_on or today)
        assert assessment.created_at <= timezone.now()
        assert assessment.municipality_id == case.municipality_id
        assert assessment.institution_id == case.institution_id
        if case.kind == CaseKind.PERSON:
            assert assessment.person_id == case.person_id
        elif assessment.person is not None:
            assert assessment.person.household_id == case.household_id
    subjects: dict[tuple[int, int | None], int] = defaultdict(int)
    for case_id, person_id in assessments.values_list("case_id", "person_id"):
        subjects[case_id, person_id] += 1
    assert max(subjects.values()) <= 6
    assert len(set(subjects.values())) >= 3


def test_it_shows_most_subjects_improving_between_their_first_and_latest_diagnosis():
    generate()

    series = generated().values_list("case_id", "person_id").distinct()
    better = worse = 0
    for case_id, person_id in list(series)[:150]:
        person = Person.objects.get(pk=person_id) if person_id else None
        total = sum(item.difference or 0 for item in change(Case.objects.get(pk=case_id), person))
        better += total > 0
        worse += total < 0
    assert better > 2 * worse


def test_it_puts_each_diagnosis_on_the_case_timeline():
    generate()

    assessment = generated().order_by("id").first()
    assert assessment is not None
    entry = TimelineEntry.objects.get(source_type="assessment.assessment", source_id=str(assessment.public_id))
    assert entry.case_id == assessment.case_id and entry.title.startswith("Diagnoza: ")


def test_it_writes_rows_the_forms_would_accept():
    generate()

    for assessment in Assessment.objects.order_by("-id")[:30]:
        assessment.full_clean()
    for score in DomainScore.objects.order_by("-id")[:60]:
        score.full_clean()


def test_it_adds_nothing_when_run_again_and_extends_without_repeating():
    generate()
    out = generate()

    assert Assessment.objects.count() == ASSESSMENTS
    assert "none added" in out

    generate(assessments=ASSESSMENTS * 3)

    assert Assessment.objects.count() == ASSESSMENTS * 3
    assert Assessment.objects.values("public_id").distinct().count() == ASSESSMENTS * 3


def test_it_writes_the_same_rows_for_the_same_seed():
    first = generated_with(5)

    assert first == generated_with(5)
    assert first != generated_with(6)
    assert len(first) == ASSESSMENTS


def test_series_stay_within_the_case_and_levels_within_the_scale():
    rng = random.Random(1)  # noqa: S311 — test data
    today = timezone.localdate()
    for _round in range(200):
        opened = today.replace(year=today.year - 2)
        dates = series_dates(rng, opened, today)
        assert 1 <= len(dates) <= 6
        assert dates == sorted(dates) and opened <= dates[0] and dates[-1] <= today
        levels = [rng.randint(1, 5) for _domain in range(14)]
        for course in ("better", "unchanged", "worse"):
            assert all(1 <= level <= 5 for level in next_levels(rng, levels, course))
