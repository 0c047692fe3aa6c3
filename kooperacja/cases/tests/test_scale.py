"""Scale data of cases (`generate_scale_data --persons --cases`): people in households, cases
of the social assistance centres and their lead workers."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from kooperacja.cases.models import Case, CaseKind, CaseStatus, Household, Person
from kooperacja.cases.policies import visible_cases
from kooperacja.institutions.models import InstitutionKind

pytestmark = pytest.mark.django_db

# Totals: above what the demo holds (279 persons, 202 cases with the 2019 pilot's families).
GMINAS, PERSONS, CASES = 20, 600, 300


class Rollback(Exception):
    pass


def generate(seed: int = 3, persons: int = PERSONS, cases: int = CASES) -> str:
    out = StringIO()
    call_command(
        "generate_scale_data", "--seed", str(seed), "--gminas", str(GMINAS), "--services", "0",
        "--persons", str(persons), "--cases", str(cases), stdout=out, stderr=StringIO(),
    )  # fmt: skip
    return out.getvalue()


def snapshot() -> list[tuple[object, ...]]:
    return [
        (case.public_id, case.kind, case.status, case.institution_id, case.title, case.lead_worker_id)
        for case in Case.objects.select_related("person", "household", "lead_worker").order_by("id")
    ]


def generated_with(seed: int) -> list[tuple[object, ...]]:
    try:
        with transaction.atomic():
            generate(seed)
            taken = snapshot()
            raise Rollback
    except Rollback:
        pass
    return taken


def test_it_fills_persons_in_households_and_cases_up_to_the_figures():
    generate()

    assert Person.objects.count() == PERSONS
    assert Case.objects.count() == CASES
    assert Household.objects.count() >= PERSONS / 5
    assert not Person.objects.filter(household__isnull=True).exists()
    assert Case.objects.filter(kind=CaseKind.HOUSEHOLD).exists()
    assert Case.objects.filter(kind=CaseKind.PERSON, person__isnull=False).exists()
    assert Case.objects.filter(status=CaseStatus.CLOSED).exclude(closed_on=None).exists()


def test_it_gives_each_case_its_centre_gmina_and_a_lead_worker_who_sees_it():
    generate()

    case = Case.objects.select_related("institution", "lead_worker").order_by("id").first()
    assert case is not None and case.lead_worker is not None
    assert case.institution.kind == InstitutionKind.GOPS
    assert case.municipality_id == case.institution.municipality_id
    assert case.person_id or Person.objects.filter(household=case.household, municipality=case.municipality).exists()
    assert visible_cases(case.lead_worker).filter(pk=case.pk).exists()


def test_it_writes_rows_the_forms_would_accept():
    generate()

    for person in Person.objects.order_by("id")[:30]:
        person.full_clean()
    for case in Case.objects.order_by("id")[:30]:
        case.full_clean()


def test_it_adds_nothing_when_run_again_and_extends_without_repeating():
    generate()
    out = generate()

    assert (Person.objects.count(), Case.objects.count()) == (PERSONS, CASES)
    assert "none added" in out

    generate(persons=PERSONS * 2, cases=CASES * 3)

    assert (Person.objects.count(), Case.objects.count()) == (PERSONS * 2, CASES * 3)
    assert Case.objects.values("public_id").distinct().count() == CASES * 3


def test_it_writes_the_same_rows_for_the_same_seed():
    first = generated_with(5)

    assert first == generated_with(5)
    assert first != generated_with(6)
    assert len(first) == CASES
