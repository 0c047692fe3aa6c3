"""Recording a diagnosis, its needs and the change over time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kooperacja.assessment.models import Assessment, Priority
from kooperacja.assessment.services import (
    MissingDomains,
    Score,
    StaleVersion,
    change,
    needs,
    record_assessment,
    update_assessment,
)
from kooperacja.assessment.tests.helpers import all_scores, assess
from kooperacja.cases.models import TimelineEntry, TimelineKind
from kooperacja.cases.tests.factories import make_case, make_household, make_person, person_case
from kooperacja.core.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def lead(persona):
    return persona("gops.mirzec")


@pytest.fixture
def case(lead):
    return person_case(lead=lead)


def test_it_records_a_diagnosis_with_a_timeline_entry_and_an_audit_event(lead, case):
    scores = all_scores(3, income=1)
    scores["income"] = Score(level=1, strengths="Dorywcza praca syna.", priority=Priority.HIGH)
    assessment = record_assessment(lead, case, case.person, scores, TODAY(), "Wizyta w domu.")

    assert assessment.scores.count() == 14
    assert assessment.municipality_id == case.municipality_id and assessment.institution_id == case.institution_id
    income = assessment.scores.get(domain__code="income")
    assert (income.level, income.strengths, income.priority) == (1, "Dorywcza praca syna.", "high")
    entry = TimelineEntry.objects.get(case=case, kind=TimelineKind.ASSESSMENT)
    assert entry.category == "" and entry.source_id == str(assessment.public_id)
    event = AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(assessment.public_id)).get()
    assert event.persons == [case.person.pk]


def test_it_refuses_missing_domains_naming_them_and_saves_nothing(lead, case):
    scores = all_scores(3)
    del scores["housing"]
    scores["addictions"] = Score(level=None)
    with pytest.raises(MissingDomains) as refusal:
        record_assessment(lead, case, case.person, scores, TODAY(), "")
    assert "Mieszkanie" in refusal.value.messages[0] and "Uzależnienia" in refusal.value.messages[0]
    assert [d.code for d in refusal.value.domains] == ["housing", "addictions"]
    assert not Assessment.objects.filter(case=case).exists()
    assert not TimelineEntry.objects.filter(case=case, kind=TimelineKind.ASSESSMENT).exists()


@pytest.mark.parametrize(
    ("work", "days_ahead"),
    [(Score(level=3), 1), (Score(level=6), 0), (Score(level=0), 0), (Score(level=2, priority="urgent"), 0)],
    ids=["date in the future", "level 6", "level 0", "unknown priority"],
)
def test_it_refuses_bad_input_and_saves_nothing(lead, case, work, days_ahead):
    given = all_scores(3)
    given["work"] = work
    with pytest.raises(ValidationError):
        record_assessment(lead, case, case.person, given, TODAY() + dt.timedelta(days=days_ahead), "")
    assert not Assessment.objects.filter(case=case).exists()


def test_it_refuses_a_person_outside_the_case(lead, case):
    with pytest.raises(ValidationError):
        record_assessment(lead, case, make_person("Obca", "Osoba"), all_scores(), TODAY(), "")
    assert not Assessment.objects.filter(case=case).exists()


def test_it_assesses_a_household_as_a_whole(lead):
    household = make_household("Rodzina Całościowa")
    mother = make_person("Anna", "Całościowa", household=household)
    case = make_case(lead=lead, household=household)
    assessment = assess(lead, case, None)
    assert assessment.person is None
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_id=str(assessment.public_id))
    assert event.persons == [mother.pk]


def test_it_finds_needs_at_or_below_the_threshold_in_the_latest_diagnosis(lead, case):
    assess(lead, case, case.person, levels={"housing": 1}, on=TODAY() - dt.timedelta(days=90))
    assess(lead, case, case.person, levels={"income": 2, "safety": 1, "work": 3}, on=TODAY())

    assert [s.domain.code for s in needs(case)] == ["safety", "income"]
    assert [s.domain.code for s in needs(case, threshold=1)] == ["safety"]
    assert len(needs(case, threshold=3)) == 14
    first = Assessment.objects.filter(case=case).order_by("assessed_on").first()
    assert first is not None
    assert [s.domain.code for s in needs(first)] == ["housing"]
    assert needs(person_case(lead=lead)) == []


def test_it_shows_change_from_first_to_latest_per_domain(lead, case):
    assess(lead, case, case.person, levels={"income": 1, "housing": 2}, on=TODAY() - dt.timedelta(days=200))
    assess(lead, case, case.person, levels={"income": 2}, on=TODAY() - dt.timedelta(days=100))
    assess(lead, case, case.person, levels={"income": 4, "housing": 2, "work": 2}, on=TODAY())

    found = {c.code: c for c in change(case, case.person)}
    assert (found["income"].first, found["income"].latest, found["income"].difference) == (1, 4, 3)
    assert found["housing"].difference == 0
    assert found["work"].difference == -1
    assert change(case, None) == []


def test_it_corrects_a_diagnosis_only_from_the_version_it_was_read(lead, case):
    assessment = assess(lead, case, case.person)
    update_assessment(lead, assessment, all_scores(4), TODAY(), "Poprawka.", version=1)
    assessment.refresh_from_db()
    assert assessment.version == 2 and set(assessment.scores.values_list("level", flat=True)) == {4}

    with pytest.raises(StaleVersion):
        update_assessment(lead, assessment, all_scores(1), TODAY(), "Stara wersja.", version=1)
    assessment.refresh_from_db()
    assert assessment.notes == "Poprawka." and set(assessment.scores.values_list("level", flat=True)) == {4}
