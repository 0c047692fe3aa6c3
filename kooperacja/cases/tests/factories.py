"""Building cases for tests: people, a household, a case of GOPS Mirzec with its team, a
partner taking part, consent. Each helper takes what it varies and fills the rest."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.utils import timezone

from kooperacja.cases import pesel
from kooperacja.cases.models import (
    Case,
    CaseKind,
    CaseTeamMember,
    CaseTeamRole,
    Consent,
    ConsentCategory,
    Household,
    Participation,
    ParticipationKind,
    Person,
)
from kooperacja.institutions.models import Institution, InstitutionKind

_serials = itertools.count(1)


def gops(gmina: str = "Mirzec") -> Institution:
    return Institution.objects.get(kind=InstitutionKind.GOPS, municipality__name=gmina)


def make_household(name: str = "Rodzina Testowa", institution: Institution | None = None, **fields: Any) -> Household:
    institution = institution or gops()
    fields.setdefault("municipality", institution.municipality)
    return Household.objects.create(institution=institution, name=name, **fields)


def make_person(
    first_name: str = "Jan",
    last_name: str = "Testowy",
    *,
    institution: Institution | None = None,
    with_pesel: bool = False,
    **fields: Any,
) -> Person:
    """A person registered by GOPS Mirzec (by default); `with_pesel` gives a valid, unique PESEL
    agreeing with the birth date and sex."""
    institution = institution or gops()
    fields.setdefault("municipality", institution.municipality)
    fields.setdefault("birth_date", dt.date(1980, 5, 17))
    fields.setdefault("sex", "M")
    person = Person(institution=institution, first_name=first_name, last_name=last_name, **fields)
    if with_pesel:
        # The serial's last digit gives way to the sex digit, so step by ten to keep numbers apart.
        assert person.birth_date is not None
        person.set_pesel(pesel.make(person.birth_date, next(_serials) * 10, person.sex))
    person.save()
    return person


def make_case(
    *,
    lead: Any = None,
    person: Person | None = None,
    household: Household | None = None,
    institution: Institution | None = None,
    team: tuple[Any, ...] = (),
    **fields: Any,
) -> Case:
    """A case of a person (default) or a household, owned by GOPS Mirzec unless told; `lead`
    becomes its coordinator and each of `team` a member of the owning institution's team."""
    institution = institution or gops()
    if household is not None:
        fields.setdefault("kind", CaseKind.HOUSEHOLD)
    else:
        fields.setdefault("kind", CaseKind.PERSON)
        person = person or make_person(institution=institution)
    assert institution.municipality is not None  # a GOPS or PCPR is in a gmina
    case = Case.objects.create(
        institution=institution,
        municipality=institution.municipality,
        person=person,
        household=household,
        lead_worker=lead,
        **fields,
    )
    if lead is not None:
        join_team(case, lead, institution, CaseTeamRole.COORDINATOR)
    for user in team:
        join_team(case, user, institution)
    return case


def join_team(case: Case, user: Any, institution: Institution, role: str = CaseTeamRole.MEMBER) -> CaseTeamMember:
    """The user joins the case team; their institution takes part in the case."""
    participation = Participation.objects.create(
        case=case, institution=institution, municipality=case.municipality, kind=ParticipationKind.CASE_TEAM
    )
    return CaseTeamMember.objects.create(
        case=case,
        user=user,
        institution=institution,
        municipality=case.municipality,
        role=role,
        participation=participation,
    )


def take_part(case: Case, institution: Institution, kind: str = ParticipationKind.CASE_TEAM) -> Participation:
    return Participation.objects.create(
        case=case, institution=institution, municipality=case.municipality, kind=kind, started_at=timezone.now()
    )


def consent(
    person: Person,
    institution: Institution,
    categories: tuple[str, ...] = (ConsentCategory.IDENTITY,),
    *,
    recorded_by: Any,
    **fields: Any,
) -> Consent:
    return Consent.objects.create(
        person=person,
        municipality=person.municipality,
        recorded_by_institution=person.institution,
        institution=institution,
        categories=list(categories),
        recorded_by=recorded_by,
        **fields,
    )


def person_case(*, lead: Any = None, person: Person | None = None, **fields: Any) -> Case:
    """A case of one person (make_case's model default is a household case)."""
    return make_case(lead=lead, person=person, kind=CaseKind.PERSON, **fields)
