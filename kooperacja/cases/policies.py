"""Who sees and does what with cases and the people in them (DESIGN.md §1).

* The owning institution's social workers and managers read all its cases; family
  assistants only the cases whose team they are in. Editing is for the lead worker and the
  current case-team members of the owning institution; a manager reads and reassigns.
* Staff of another institution see a case only while their institution takes part in it
  (an active `Participation`) — and then only its *shared view*: the categories the people
  of the case consented to share with that institution or its sector.
* Regional analysts, animators and administrators see no case: an administrator may open
  one only through audited break-glass.
* Anything outside these rules is "not found" (404); in scope but not allowed is 403.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kooperacja.cases import breakglass
from kooperacja.cases.models import (
    Case,
    CaseQuerySet,
    CaseTeamMember,
    Consent,
    ConsentCategory,
    Household,
    Participation,
    Person,
    PersonQuerySet,
)
from kooperacja.core.policies import is_platform_admin, memberships
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution

# Roles that read every case of their institution.
OWNER_READERS = frozenset({Role.SOCIAL_WORKER, Role.MANAGER})
# Roles that work on cases (as a case-team member, in their own institution or as a partner).
CASE_WORKERS = frozenset({Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT, Role.MANAGER, Role.PARTNER_STAFF})


def _institutions(user: Any, roles: frozenset[str]) -> set[int]:
    return {m.institution_id for m in memberships(user) if m.role in roles}


def _team_case_ids(user: Any) -> Q:
    return Q(Exists(CaseTeamMember.objects.current().filter(case=OuterRef("pk"), user=user)))


def full_view_scope(user: Any) -> Q:
    """Cases the user sees whole: every case of an institution where they read all, and the
    cases whose team they are in within the owning institution (family assistants)."""
    readers = _institutions(user, OWNER_READERS)
    assistants = _institutions(user, frozenset({Role.FAMILY_ASSISTANT}))
    scope = Q(pk__in=[])
    if readers:
        scope |= Q(institution_id__in=readers)
    if assistants:
        scope |= Q(institution_id__in=assistants) & _team_case_ids(user)
    return scope


def shared_view_scope(user: Any) -> Q:
    """Cases of other institutions in which one of the user's institutions takes part now."""
    partners = _institutions(user, CASE_WORKERS)
    if not partners:
        return Q(pk__in=[])
    taking_part = Participation.objects.active().filter(case=OuterRef("pk"), institution_id__in=partners)
    return Q(Exists(taking_part)) & ~Q(institution_id__in=partners)


def visible_cases(user: Any) -> CaseQuerySet:
    """Every case the user may open, whole or shared."""
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return Case.objects.filter(full_view_scope(user) | shared_view_scope(user))


def visible_persons(user: Any) -> PersonQuerySet:
    """People the user may see by name: those registered by an institution whose cases they
    read, and the people of the cases they see whole. Partners find people only through a
    case's shared view (with consent for identity), never in lists of people."""
    if not getattr(user, "is_authenticated", False):
        return Person.objects.none()
    readers = _institutions(user, OWNER_READERS)
    whole = Case.objects.filter(full_view_scope(user))
    scope = Q(cases__in=whole) | Q(household__cases__in=whole)
    if readers:
        scope |= Q(institution_id__in=readers)
    return Person.objects.filter(scope, merged_into__isnull=True).distinct()


@dataclass
class CaseAccess:
    """What the user may do with one case."""

    whole: bool
    can_edit: bool = False
    can_reassign: bool = False
    # For the shared view: the institution it is seen as, and the categories each person of
    # the case consented to share with it (person id -> categories).
    as_institution: Institution | None = None
    shared: dict[int, set[str]] = field(default_factory=dict)

    def sees(self, category: str, person_id: int | None = None) -> bool:
        """May the user see this category of data (of one person, or of anyone in the case)?"""
        if self.whole:
            return True
        if person_id is not None:
            return category in self.shared.get(person_id, set())
        return any(category in categories for categories in self.shared.values())


def consented_categories(
    persons: list[Person], institution: Institution, on: dt.date | None = None
) -> dict[int, set[str]]:
    """For each person, the categories consents in force let the institution (or its sector) see."""
    found: dict[int, set[str]] = {person.pk: set() for person in persons}
    consents = Consent.objects.in_force(on).for_institution(institution).filter(person__in=persons)
    for consent in consents:
        found[consent.person_id].update(consent.categories)
    return found


def case_access(user: Any, case: Case) -> CaseAccess | None:
    """The user's access to a case, or None when the case is outside their scope."""
    roles_here = {m.role for m in memberships(user) if m.institution_id == case.institution_id}
    in_team = case.team.current().filter(user=user).exists() if roles_here else False
    if roles_here & OWNER_READERS or (Role.FAMILY_ASSISTANT in roles_here and in_team):
        works_on = in_team or case.lead_worker_id == getattr(user, "pk", None)
        return CaseAccess(
            whole=True,
            can_edit=works_on and bool(roles_here & {Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT}),
            can_reassign=Role.MANAGER in roles_here,
        )
    partner_ids = _institutions(user, CASE_WORKERS) - {case.institution_id}
    taking_part = (
        Participation.objects.active()
        .filter(case=case, institution_id__in=partner_ids)
        .select_related("institution")
        .order_by("started_at")
        .first()
    )
    if taking_part is None:
        return None
    institution = taking_part.institution
    return CaseAccess(whole=False, as_institution=institution, shared=consented_categories(case.persons(), institution))


def get_case_for_user(user: Any, public_id: UUID, *, session: SessionBase | None = None) -> tuple[Case, CaseAccess]:
    """(case, access) for a user who may open it; 404 for anyone else (no hint it exists).
    With the request's `session`, an administrator's unexpired break-glass grant for this one
    case gives a read-only whole view (`breakglass.py`)."""
    if session is not None and is_platform_admin(user):
        granted = Case.objects.select_related("person", "household", "institution", "municipality", "lead_worker")
        try:
            case = granted.get(public_id=public_id)
        except (Case.DoesNotExist, ValueError, ValidationError):
            raise Http404 from None
        if breakglass.break_glass_active(session, case):
            return case, CaseAccess(whole=True)
        raise Http404
    try:
        case = (
            Case.objects.select_related("person", "household", "institution", "municipality", "lead_worker")
            .filter(full_view_scope(user) | shared_view_scope(user))
            .get(public_id=public_id)
        )
    except (Case.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    access = case_access(user, case)
    if access is None:
        raise Http404
    return case, access


def get_person_for_user(user: Any, public_id: UUID) -> tuple[Person, bool]:
    """(person, may edit) for a user who may see the person by name; 404 for anyone else.
    Editing is for social workers and family assistants of the institution that registered
    the person or that owns one of their cases the user works on."""
    try:
        person = (
            visible_persons(user).select_related("household", "municipality", "institution").get(public_id=public_id)
        )
    except (Person.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    editors = _institutions(user, frozenset({Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT}))
    return person, person.institution_id in editors


def may_add_partner(case: Case, institution: Institution, on: dt.date | None = None) -> bool:
    """A partner institution joins a case team only if every person of the case consented
    (or a statutory basis was recorded) to share at least identity and contact with it."""
    if institution.pk == case.institution_id:
        return True
    persons = case.persons()
    if not persons:
        return False
    found = consented_categories(persons, institution, on or timezone.localdate())
    return all(ConsentCategory.IDENTITY in categories for categories in found.values())


def visible_households(user: Any) -> QuerySet[Household]:
    """Households the user may see: those registered by an institution whose cases they read,
    and the households of the cases they see whole (as for persons)."""
    if not getattr(user, "is_authenticated", False):
        return Household.objects.none()
    readers = _institutions(user, OWNER_READERS)
    whole = Case.objects.filter(full_view_scope(user))
    scope = Q(cases__in=whole) | Q(members__cases__in=whole)
    if readers:
        scope |= Q(institution_id__in=readers)
    return Household.objects.filter(scope).distinct()


def get_household_for_user(user: Any, public_id: UUID) -> tuple[Household, bool]:
    """(household, may edit) like `get_person_for_user`; 404 for anyone who may not see it."""
    try:
        household = visible_households(user).select_related("municipality", "institution").get(public_id=public_id)
    except (Household.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    editors = _institutions(user, frozenset({Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT}))
    return household, household.institution_id in editors
