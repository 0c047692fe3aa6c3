"""The demo diagnoses: the demo cases show a change from the first diagnosis to the latest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kooperacja.assessment import demo, services
from kooperacja.assessment.models import Assessment, DomainScore
from kooperacja.cases.models import Case, TimelineEntry, TimelineKind
from kooperacja.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _demo_cases() -> list[Case]:
    """The cases this demo assesses: those diagnosed in the last ten months (the evaluation's
    demo adds the 2019 pilot's families, diagnosed in 2019–2020, as history)."""
    recent = timezone.localdate() - dt.timedelta(days=300)
    return list(Case.objects.filter(assessments__assessed_on__gte=recent).distinct().order_by("id"))


def _snapshot() -> tuple[int, ...]:
    return (
        Assessment.objects.count(),
        DomainScore.objects.count(),
        TimelineEntry.objects.filter(kind=TimelineKind.ASSESSMENT).count(),
        AuditEvent.objects.count(),
    )


def test_it_leaves_everything_as_it_is_when_loaded_again():
    before = _snapshot()
    levels = sorted(DomainScore.objects.values_list("assessment__public_id", "domain__code", "level"))
    demo.load(lambda _message: None)
    assert _snapshot() == before
    assert sorted(DomainScore.objects.values_list("assessment__public_id", "domain__code", "level")) == levels


def test_it_shows_most_demo_households_changing_from_first_to_latest():
    cases = _demo_cases()
    better = worse = unchanged = 0
    for case in cases:
        differences = [c.difference or 0 for c in services.change(case, None)]
        better += any(d > 0 for d in differences) and not any(d < 0 for d in differences)
        worse += any(d < 0 for d in differences)
        unchanged += not any(differences)
    assert better >= 10
    assert worse >= 1 and unchanged >= 1
    assert better > worse + unchanged
    assert any(case.municipality.name != "Mirzec" for case in cases)


def test_it_assesses_the_households_two_or_three_times_by_the_lead_within_ten_months():
    today = timezone.localdate()
    for case in _demo_cases():
        assessments = list(Assessment.objects.filter(case=case).order_by("assessed_on", "id"))
        assert 2 <= len(assessments) <= 3
        for assessment in assessments:
            assert assessment.person is None
            assert assessment.assessed_by == case.lead_worker
            assert today - dt.timedelta(days=300) <= assessment.assessed_on < today
            assert assessment.assessed_on >= case.opened_on
            assert case.closed_on is None or assessment.assessed_on <= case.closed_on
        entry = TimelineEntry.objects.get(source_id=str(assessments[0].public_id))
        assert timezone.localdate(entry.occurred_at) == assessments[0].assessed_on


def test_it_gives_the_household_needs_for_the_matching_engine():
    assert any(services.needs(case) for case in _demo_cases())
