"""The demo cases (kooperacja.cases.demo), loaded into every test database: what the personas
find there, and that loading again changes nothing."""

from __future__ import annotations

from collections import Counter

import pytest

from kooperacja.cases import demo, pesel
from kooperacja.cases.models import (
    Case,
    CaseReason,
    CaseStatus,
    CaseTeamMember,
    Consent,
    ConsentCategory,
    Household,
    Note,
    Participation,
    ParticipationKind,
    Person,
    TimelineEntry,
    TimelineKind,
)
from kooperacja.cases.policies import get_case_for_user, may_add_partner, visible_cases
from kooperacja.institutions.models import Institution

pytestmark = pytest.mark.django_db

DEMO_TABLES = (Household, Person, Case, CaseReason, CaseTeamMember, Participation, Consent, Note, TimelineEntry)


def _demo_cases():
    return Case.objects.filter(public_id__in=[demo.demo_uuid("case", key) for key in _keys()])


def _keys() -> list[str]:
    return [
        f"mirzec-{n}" if code == demo.MIRZEC else f"{code}-{n}"
        for code, (count, _) in demo.GMINAS.items()
        for n in range(1, count + 1)
    ]


def _school() -> Institution:
    return Institution.objects.get(name="Publiczna Szkoła Podstawowa w Mircu")


def test_it_has_about_thirty_households_most_in_mirzec():
    cases = list(_demo_cases().select_related("municipality", "household"))
    assert len(cases) == 30
    by_gmina = Counter(case.municipality.code for case in cases)
    assert set(by_gmina) == set(demo.GMINAS)
    assert by_gmina[demo.MIRZEC] == 14
    assert all(case.household is not None and case.household.members.exists() for case in cases)


def test_it_gives_each_case_its_gmina_gops_reasons_and_an_opening_entry():
    for case in _demo_cases().select_related("institution", "municipality"):
        assert case.institution.municipality_id == case.municipality_id
        assert case.institution.kind == "gops"
        assert case.reasons.exists()
        assert case.timeline.filter(kind=TimelineKind.OPENED).exists()


def test_it_mixes_statuses_and_closes_cases_with_a_reason():
    statuses = Counter(_demo_cases().values_list("status", flat=True))
    assert statuses[CaseStatus.CLOSED] >= 3
    assert statuses[CaseStatus.ACTIVE] > statuses[CaseStatus.CLOSED]
    for case in _demo_cases().filter(status=CaseStatus.CLOSED):
        assert case.closing_reason and case.closed_on is not None
        assert not case.team.current().exists()


def test_it_has_valid_pesels_that_agree_with_birth_date_and_sex():
    people = Person.objects.filter(household__cases__in=_demo_cases()).exclude(pesel_hash="")
    assert people.count() > 20
    for person in people:
        number = person.pesel
        assert pesel.validate(number) == number
        assert pesel.birth_date(number) == person.birth_date
        assert pesel.sex(number) == person.sex


def test_it_gives_households_relationships_and_some_people_a_disability():
    people = Person.objects.filter(household__cases__in=_demo_cases())
    assert not people.filter(relationship="").exists()
    assert set(people.values_list("relationship", flat=True)) >= {"head", "spouse", "child"}
    assert people.exclude(disability_degree="").exists()


def test_it_leads_mirzec_cases_by_gops_mirzec(persona):
    mirzec = _demo_cases().filter(municipality__code=demo.MIRZEC)
    assert set(mirzec.values_list("lead_worker__username", flat=True)) == {"gops.mirzec"}
    oksa = _demo_cases().filter(municipality__code="2602052")
    assert set(oksa.values_list("lead_worker__username", flat=True)) == {"gops.oksa"}


def test_it_puts_the_school_in_the_team_of_three_consenting_families(persona):
    school_user = persona("szkola.mirzec")
    teams = CaseTeamMember.objects.current().filter(user=school_user, case__in=_demo_cases())
    assert teams.count() >= 3
    for member in teams.select_related("case", "participation"):
        case = member.case
        assert member.participation is not None
        assert member.participation.kind == ParticipationKind.CASE_TEAM
        assert may_add_partner(case, _school())
        _, access = get_case_for_user(school_user, case.public_id)
        for person in case.persons():
            for category in (ConsentCategory.IDENTITY, ConsentCategory.NOTES, ConsentCategory.PLAN):
                assert access.sees(category, person.pk)


def test_it_gives_the_school_shareable_notes_and_keeps_others_internal():
    notes = Note.objects.filter(case__in=_demo_cases())
    assert notes.filter(shareable=True).exists()
    assert notes.filter(shareable=False).exists()


def test_it_assigns_the_family_assistant_to_exactly_two_cases(persona):
    assert visible_cases(persona("asystent.mirzec")).count() == 2


def test_it_puts_the_colleague_in_one_team_and_the_police_in_none(persona):
    assert CaseTeamMember.objects.current().filter(user=persona("kolega.mirzec")).count() <= 1
    assert not visible_cases(persona("policja.mirzec")).exists()


def test_it_keeps_mirzec_out_of_oksa(persona):
    seen = visible_cases(persona("gops.oksa"))
    assert seen.exists()
    assert not seen.filter(municipality__code=demo.MIRZEC).exists()


def test_it_changes_nothing_when_loaded_again():
    def snapshot() -> dict[str, list[tuple[object, ...]]]:
        return {model.__name__: list(model.objects.order_by("pk").values_list()) for model in DEMO_TABLES}

    before = snapshot()
    lines: list[str] = []
    demo.load(lines.append)
    assert snapshot() == before
    assert lines == ["Cases: 30 demo households with their cases (0 new)."]


def test_it_makes_the_same_families_every_time():
    first = _demo_cases().order_by("id").first()
    assert first is not None and first.household is not None
    assert first.household.name == "Rodzina Wróblewskich"
