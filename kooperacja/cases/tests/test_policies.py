"""Who sees and does what with cases (kooperacja.cases.policies), role by role as DESIGN.md §1
says: the owner's social workers and manager, the family assistant on and off the team, a
partner with and without participation and consent, another gmina, the analyst, the
animator, the administrator and anonymous."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from kooperacja.cases.models import CaseKind, ConsentCategory
from kooperacja.cases.policies import (
    get_case_for_user,
    get_person_for_user,
    may_add_partner,
    visible_cases,
    visible_persons,
)
from kooperacja.cases.tests.factories import (
    consent,
    gops,
    join_team,
    make_case,
    make_household,
    make_person,
    take_part,
)
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution, Membership, Sector

pytestmark = pytest.mark.django_db


def _school() -> Institution:
    return Institution.objects.get(name="Publiczna Szkoła Podstawowa w Mircu")


def _pcpr() -> Institution:
    return Institution.objects.get(name="Powiatowe Centrum Pomocy Rodzinie w Starachowicach")


@pytest.fixture
def case(persona):
    """A person's case of GOPS Mirzec led by gops.mirzec; nobody else on its team."""
    return make_case(lead=persona("gops.mirzec"), kind=CaseKind.PERSON)


def _sees(user, case) -> bool:
    return visible_cases(user).filter(pk=case.pk).exists()


def _denied(user, case) -> None:
    assert not _sees(user, case)
    with pytest.raises(Http404):
        get_case_for_user(user, case.public_id)


# --- The owning institution -------------------------------------------------------------------


def test_it_lets_the_lead_worker_read_and_edit_the_whole_case(persona, case):
    found, access = get_case_for_user(persona("gops.mirzec"), case.public_id)
    assert found == case
    assert access.whole and access.can_edit and not access.can_reassign
    assert access.sees(ConsentCategory.NOTES, case.person_id)
    assert _sees(persona("gops.mirzec"), case)


def test_it_lets_the_lead_worker_edit_even_when_not_on_the_team(persona):
    case = make_case(kind=CaseKind.PERSON)
    case.lead_worker = persona("kolega.mirzec")
    case.save()
    _, access = get_case_for_user(persona("kolega.mirzec"), case.public_id)
    assert access.whole and access.can_edit


def test_it_lets_a_colleague_read_but_not_edit_a_case_he_does_not_work_on(persona, case):
    _, access = get_case_for_user(persona("kolega.mirzec"), case.public_id)
    assert access.whole
    assert not access.can_edit
    assert not access.can_reassign


def test_it_lets_a_colleague_edit_once_on_the_team(persona, case):
    join_team(case, persona("kolega.mirzec"), gops())
    _, access = get_case_for_user(persona("kolega.mirzec"), case.public_id)
    assert access.can_edit


def test_it_takes_editing_away_from_who_left_the_team(persona, case):
    member = join_team(case, persona("kolega.mirzec"), gops())
    member.left_at = timezone.now()
    member.save()
    _, access = get_case_for_user(persona("kolega.mirzec"), case.public_id)
    assert access.whole and not access.can_edit


def test_it_hides_a_case_from_the_family_assistant_off_its_team(persona, case):
    _denied(persona("asystent.mirzec"), case)


def test_it_shows_the_family_assistant_the_whole_case_of_her_team(persona, case):
    join_team(case, persona("asystent.mirzec"), gops())
    found, access = get_case_for_user(persona("asystent.mirzec"), case.public_id)
    assert found == case
    assert access.whole and access.can_edit and not access.can_reassign
    assert _sees(persona("asystent.mirzec"), case)


def test_it_hides_the_case_again_when_the_assistant_leaves_the_team(persona, case):
    member = join_team(case, persona("asystent.mirzec"), gops())
    member.left_at = timezone.now()
    member.save()
    _denied(persona("asystent.mirzec"), case)


def test_it_lets_the_manager_read_and_reassign_but_not_edit(persona, case):
    _, access = get_case_for_user(persona("lider.mirzec"), case.public_id)
    assert access.whole and access.can_reassign and not access.can_edit


# --- Partners -----------------------------------------------------------------------------------


def test_it_hides_a_case_from_a_partner_that_does_not_take_part(persona, case):
    consent(case.person, _school(), recorded_by=persona("gops.mirzec"))
    _denied(persona("szkola.mirzec"), case)
    _denied(persona("policja.mirzec"), case)


def test_it_gives_a_partner_taking_part_only_the_shared_view(persona, case):
    take_part(case, _school())
    found, access = get_case_for_user(persona("szkola.mirzec"), case.public_id)
    assert found == case
    assert not access.whole and not access.can_edit and not access.can_reassign
    assert access.as_institution == _school()
    assert _sees(persona("szkola.mirzec"), case)


def test_it_shows_a_partner_nothing_of_a_person_without_consent(persona, case):
    take_part(case, _school())
    _, access = get_case_for_user(persona("szkola.mirzec"), case.public_id)
    assert not access.sees(ConsentCategory.IDENTITY, case.person_id)
    assert not access.sees(ConsentCategory.IDENTITY)


def test_it_shows_a_partner_exactly_the_consented_categories(persona, case):
    take_part(case, _school())
    consent(
        case.person, _school(), (ConsentCategory.IDENTITY, ConsentCategory.PLAN), recorded_by=persona("gops.mirzec")
    )
    _, access = get_case_for_user(persona("szkola.mirzec"), case.public_id)
    assert access.sees(ConsentCategory.IDENTITY, case.person_id)
    assert access.sees(ConsentCategory.PLAN, case.person_id)
    assert not access.sees(ConsentCategory.NOTES, case.person_id)
    assert not access.sees("diagnosis:housing", case.person_id)


def test_it_counts_a_consent_given_to_the_whole_sector(persona, case):
    take_part(case, _school())
    consent(case.person, None, recorded_by=persona("gops.mirzec"), sector=Sector.EDUCATION)  # type: ignore[arg-type]
    _, access = get_case_for_user(persona("szkola.mirzec"), case.public_id)
    assert access.sees(ConsentCategory.IDENTITY, case.person_id)


def test_it_ignores_consent_for_another_institution(persona, case):
    take_part(case, _school())
    police = Institution.objects.get(name__startswith="Posterunek Policji")
    consent(case.person, police, recorded_by=persona("gops.mirzec"))
    _, access = get_case_for_user(persona("szkola.mirzec"), case.public_id)
    assert not access.sees(ConsentCategory.IDENTITY, case.person_id)


@pytest.mark.parametrize(
    "change",
    [
        {"withdrawn_at": timezone.now()},
        {"valid_from": dt.date(2020, 1, 1), "valid_until": dt.date(2020, 12, 31)},
        {"valid_from": timezone.localdate() + dt.timedelta(days=3)},
    ],
    ids=["withdrawn", "ended", "not yet begun"],
)
def test_it_ignores_consent_not_in_force(persona, case, change):
    take_part(case, _school())
    consent(case.person, _school(), recorded_by=persona("gops.mirzec"), **change)
    _, access = get_case_for_user(persona("szkola.mirzec"), case.public_id)
    assert not access.sees(ConsentCategory.IDENTITY, case.person_id)


def test_it_hides_the_case_once_the_partner_stops_taking_part(persona, case):
    participation = take_part(case, _school())
    consent(case.person, _school(), recorded_by=persona("gops.mirzec"))
    participation.ended_at = timezone.now()
    participation.save()
    _denied(persona("szkola.mirzec"), case)


def test_it_gives_a_household_partner_each_members_own_categories(persona):
    household = make_household("Rodzina Polityczna")
    mother = make_person("Ala", "Polityczna", household=household, sex="F", birth_date=dt.date(1985, 1, 2))
    son = make_person("Olek", "Polityczny", household=household, birth_date=dt.date(2014, 3, 4))
    case = make_case(household=household, lead=persona("gops.mirzec"))
    take_part(case, _school())
    consent(son, _school(), (ConsentCategory.IDENTITY, ConsentCategory.NOTES), recorded_by=persona("gops.mirzec"))
    _, access = get_case_for_user(persona("szkola.mirzec"), case.public_id)
    assert access.sees(ConsentCategory.NOTES, son.pk)
    assert not access.sees(ConsentCategory.IDENTITY, mother.pk)
    assert access.sees(ConsentCategory.NOTES)  # someone of the case shares notes


def test_it_never_lists_people_to_a_partner_even_with_consent(persona, case):
    take_part(case, _school())
    consent(case.person, _school(), recorded_by=persona("gops.mirzec"))
    assert not visible_persons(persona("szkola.mirzec")).filter(pk=case.person_id).exists()
    with pytest.raises(Http404):
        get_person_for_user(persona("szkola.mirzec"), case.person.public_id)


def test_it_lets_a_social_worker_of_another_institution_taking_part_see_the_shared_view(persona, case):
    take_part(case, _pcpr())
    _, access = get_case_for_user(persona("pcpr.starachowice"), case.public_id)
    assert not access.whole and access.as_institution == _pcpr()


# --- Outside the case ---------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["gops.oksa", "rops.kielce", "rops.rzeszow", "admin", "pcpr.starachowice"])
def test_it_hides_the_case_from_everyone_outside_it(persona, case, username):
    _denied(persona(username), case)
    assert not visible_persons(persona(username)).filter(pk=case.person_id).exists()


def test_it_shows_the_analyst_and_the_administrator_no_case_at_all(persona):
    for username in ("rops.kielce", "rops.rzeszow", "admin"):
        assert not visible_cases(persona(username)).exists()
        assert not visible_persons(persona(username)).exists()


def test_it_shows_an_animator_no_case_even_of_its_own_institution(persona):
    animator = get_user_model().objects.create_user("animator.test", password="x")
    Membership.objects.create(user=animator, institution=gops(), role=Role.ANIMATOR)
    case = make_case(lead=persona("gops.mirzec"), kind=CaseKind.PERSON)
    _denied(animator, case)
    assert not visible_persons(animator).exists()


def test_it_shows_anonymous_nothing(case):
    assert not visible_cases(AnonymousUser()).exists()
    assert not visible_persons(AnonymousUser()).exists()


def test_it_takes_every_right_away_with_the_membership(persona, case):
    colleague = persona("kolega.mirzec")
    Membership.objects.filter(user=colleague).update(revoked_at=timezone.now())
    colleague = persona("kolega.mirzec")  # a fresh user: memberships are read once per request
    _denied(colleague, case)


def test_it_answers_not_found_for_an_unknown_id(persona):
    with pytest.raises(Http404):
        get_case_for_user(persona("gops.mirzec"), uuid.uuid4())
    with pytest.raises(Http404):
        get_person_for_user(persona("gops.mirzec"), uuid.uuid4())


# BUG in policies.py (reported to the lead): the policies catch ValueError for a malformed id,
# but Django raises ValidationError for a string that is no UUID, so an API path parameter
# taken as a string would answer 500 instead of 404. Fix: also catch ValidationError; then
# remove this marker.
@pytest.mark.parametrize("policy", [get_case_for_user, get_person_for_user])
def test_it_answers_not_found_for_a_malformed_id(persona, policy):
    with pytest.raises(Http404):
        policy(persona("gops.mirzec"), "not-a-uuid")


def test_it_keeps_other_gminas_cases_from_gops_mirzec(persona):
    oksa_case = make_case(institution=gops("Oksa"), lead=persona("gops.oksa"), kind=CaseKind.PERSON)
    _denied(persona("gops.mirzec"), oksa_case)
    _denied(persona("lider.mirzec"), oksa_case)
    assert _sees(persona("gops.oksa"), oksa_case)


# --- People -------------------------------------------------------------------------------------


def test_it_lets_the_institutions_readers_see_its_people(persona):
    person = make_person("Ewa", "Osobna")
    for username in ("gops.mirzec", "kolega.mirzec", "lider.mirzec"):
        found, _ = get_person_for_user(persona(username), person.public_id)
        assert found == person


def test_it_lets_social_workers_edit_people_but_not_the_manager(persona):
    person = make_person("Ewa", "Osobna")
    assert get_person_for_user(persona("gops.mirzec"), person.public_id)[1]
    assert not get_person_for_user(persona("lider.mirzec"), person.public_id)[1]


def test_it_shows_the_family_assistant_only_the_people_of_her_cases(persona, case):
    stranger = make_person("Ewa", "Osobna")
    with pytest.raises(Http404):
        get_person_for_user(persona("asystent.mirzec"), case.person.public_id)
    join_team(case, persona("asystent.mirzec"), gops())
    found, _ = get_person_for_user(persona("asystent.mirzec"), case.person.public_id)
    assert found == case.person
    with pytest.raises(Http404):
        get_person_for_user(persona("asystent.mirzec"), stranger.public_id)


def test_it_shows_the_members_of_a_household_case_to_its_assistant(persona):
    household = make_household("Rodzina Domowa")
    member = make_person("Iza", "Domowa", household=household, sex="F")
    case = make_case(household=household, lead=persona("gops.mirzec"))
    join_team(case, persona("asystent.mirzec"), gops())
    assert visible_persons(persona("asystent.mirzec")).filter(pk=member.pk).exists()


def test_it_hides_a_merged_person(persona):
    kept = make_person("Jan", "Scalony")
    merged = make_person("Jan", "Scalony", merged_into=kept)
    with pytest.raises(Http404):
        get_person_for_user(persona("gops.mirzec"), merged.public_id)


# --- Adding a partner ---------------------------------------------------------------------------


def test_it_refuses_a_partner_without_consent_for_identity(persona, case):
    assert not may_add_partner(case, _school())
    consent(case.person, _school(), (ConsentCategory.PLAN,), recorded_by=persona("gops.mirzec"))
    assert not may_add_partner(case, _school())


def test_it_admits_a_partner_with_consent_for_identity(persona, case):
    consent(case.person, _school(), recorded_by=persona("gops.mirzec"))
    assert may_add_partner(case, _school())


def test_it_needs_the_consent_of_every_member_of_the_household(persona):
    household = make_household("Rodzina Zgodna")
    mother = make_person("Ala", "Zgodna", household=household, sex="F")
    son = make_person("Olek", "Zgodny", household=household, birth_date=dt.date(2014, 3, 4))
    case = make_case(household=household, lead=persona("gops.mirzec"))
    consent(mother, _school(), recorded_by=persona("gops.mirzec"))
    assert not may_add_partner(case, _school())
    consent(son, _school(), recorded_by=persona("gops.mirzec"))
    assert may_add_partner(case, _school())


def test_it_admits_the_owning_institution_without_consent(case):
    assert may_add_partner(case, gops())
