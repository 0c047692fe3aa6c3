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
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from kooperacja.cases import breakglass
from kooperacja.cases.models import (
    Case,
    CaseKind,
    CaseQuerySet,
    CaseTeamMember,
    Consent,
    ConsentCategory,
    Household,
    Note,
    Participation,
    Person,
    PersonQuerySet,
    TimelineEntry,
    TimelineEntryQuerySet,
    TimelineKind,
)
from kooperacja.core.policies import institution_ids_with_role, is_platform_admin, memberships
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution

# Roles that read every case of their institution.
OWNER_READERS = frozenset({Role.SOCIAL_WORKER, Role.MANAGER})
# Roles that work on cases (as a case-team member, in their own institution or as a partner).
CASE_WORKERS = frozenset({Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT, Role.MANAGER, Role.PARTNER_STAFF})


def _team_case_ids(user: Any) -> Q:
    return Q(Exists(CaseTeamMember.objects.current().filter(case=OuterRef("pk"), user=user)))


def full_view_scope(user: Any) -> Q:
    """Cases the user sees whole: every case of an institution where they read all, and the
    cases whose team they are in within the owning institution (family assistants)."""
    readers = institution_ids_with_role(user, *OWNER_READERS)
    assistants = institution_ids_with_role(user, Role.FAMILY_ASSISTANT)
    scope = Q(pk__in=[])
    if readers:
        scope |= Q(institution_id__in=readers)
    if assistants:
        scope |= Q(institution_id__in=assistants) & _team_case_ids(user)
    return scope


def shared_view_scope(user: Any) -> Q:
    """Cases of other institutions in which one of the user's institutions takes part now."""
    partners = institution_ids_with_role(user, *CASE_WORKERS)
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
    readers = institution_ids_with_role(user, *OWNER_READERS)
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

    def sees_all(self, category: str) -> bool:
        """May the user see this category for the whole case (its documents, timeline entries,
        notes, diagnosis)? In the shared view only when every person of the case consented to
        it: one member's consent does not release the family's data. No persons: no."""
        if self.whole:
            return True
        return bool(self.shared) and all(category in categories for categories in self.shared.values())

    def categories_for_all(self) -> set[str]:
        """The categories every person of the case consented to (all of them in the whole view
        is not a finite set: only call this for the shared view)."""
        if not self.shared:
            return set()
        return set.intersection(*(set(categories) for categories in self.shared.values()))


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
    partner_ids = institution_ids_with_role(user, *CASE_WORKERS) - {case.institution_id}
    taking_part = (
        Participation.objects.active()
        .filter(case=case, institution_id__in=partner_ids)
        .select_related("institution")
        .order_by("started_at", "id")
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
    the person (a transfer of the person's case moves the registration to the new owner), and
    once the person has an open case there, only for those who work on one (as cases are
    edited: DESIGN.md §1). Working on a case of another institution does not give it."""
    try:
        person = (
            visible_persons(user).select_related("household", "municipality", "institution").get(public_id=public_id)
        )
    except (Person.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    editors = institution_ids_with_role(user, Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT)
    if person.institution_id not in editors:
        return person, False
    about = Q(person=person) | Q(household_id=person.household_id) if person.household_id else Q(person=person)
    open_cases = Case.objects.open().filter(about, institution_id=person.institution_id)
    if not open_cases.exists():
        return person, True
    works_on = Q(lead_worker=user) | _team_case_ids(user)
    return person, open_cases.filter(works_on).exists()


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
    readers = institution_ids_with_role(user, *OWNER_READERS)
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
    editors = institution_ids_with_role(user, Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT)
    return household, household.institution_id in editors


# --- What a case page and the list of cases show ----------------------------------------------


def knows_identity(access: CaseAccess) -> bool:
    """May the page name the case (its person or household)? The whole view, or consent for
    identity from every person of the case."""
    return access.sees_all(ConsentCategory.IDENTITY)


def visible_timeline(case: Case, access: CaseAccess, kind: str = "") -> TimelineEntryQuerySet:
    """The case's timeline as the user may read it, newest first (of one `kind` when given).
    A partner reads its own institution's entries and those of a category every person of the
    case consented to share with it."""
    entries = TimelineEntry.objects.for_case(case)
    if kind in TimelineKind.values:
        entries = entries.filter(kind=kind)
    if access.whole:
        return entries
    allowed = access.categories_for_all() - {""}
    own = access.as_institution.pk if access.as_institution else None
    return entries.filter(Q(category__in=allowed) | Q(institution_id=own))


def visible_notes(case: Case, access: CaseAccess) -> QuerySet[Note]:
    """Notes the user may read, newest first: the owning institution reads its own and the
    shareable ones; a partner its own, and the shareable ones when every person consented to
    share notes with it."""
    notes = case.notes.select_related("author", "institution").order_by("-created_at", "-id")
    if access.whole:
        return notes.filter(Q(institution_id=case.institution_id) | Q(shareable=True))
    own = access.as_institution.pk if access.as_institution else None
    visible = Q(institution_id=own)
    if access.sees_all(ConsentCategory.NOTES):
        visible |= Q(shareable=True)
    return notes.filter(visible)


def persons_shown(access: CaseAccess, persons: list[Person], *, case_data_shown: bool) -> list[int]:
    """The persons whose data a case page showed, for its audit event: those it named, and
    every person of the case when it showed anything about the case (timeline, notes,
    documents: they concern every person of the case, named or not)."""
    if access.whole or case_data_shown:
        return [person.pk for person in persons]
    return [person.pk for person in persons if access.sees(ConsentCategory.IDENTITY, person.pk)]


def case_person_ids(case: Case) -> list[int]:
    """The ids of `case.persons()`, reading household members prefetched with the case
    (`prefetch_related("household__members")`) instead of asking the database per case."""
    if case.kind == CaseKind.PERSON and case.person_id:
        return [case.person_id]
    if case.kind == CaseKind.HOUSEHOLD and case.household is not None:
        return sorted(member.pk for member in case.household.members.all())
    return []


def search_cases(user: Any, cases: CaseQuerySet, text: str) -> CaseQuerySet:
    """Cases found by an exact PESEL or by name. Only cases the user sees whole are searched:
    a hit on a shared case would tell a partner a name consent may not cover."""
    cases = cases.filter(full_view_scope(user))
    digits = text.replace(" ", "")
    if digits.isdigit() and len(digits) == 11:
        found = Person.objects.with_pesel(digits)
        return cases.filter(Q(person__in=found) | Q(household__members__in=found)).distinct()
    named = Person.objects.named(text)
    return cases.filter(
        Q(person__in=named)
        | Q(household__members__in=named)
        | Q(household__name__icontains=text)
        | Q(group_name__icontains=text)
    ).distinct()


@dataclass
class ListedCase:
    """How the list of cases shows one case: seen whole or shared, named or not, and the
    persons the row names (for the audit)."""

    case: Case
    whole: bool
    named: bool
    persons: list[int]


def with_seen_as(user: Any, cases: CaseQuerySet) -> CaseQuerySet:
    """The cases, each with `seen_as_id`: the user's institution taking part in it now that
    its shared view is seen as (the earliest, as `case_access` picks), None for none."""
    partners = institution_ids_with_role(user, *CASE_WORKERS)
    first = (
        Participation.objects.active()
        .filter(case=OuterRef("pk"), institution_id__in=partners)
        .order_by("started_at", "id")
        .values("institution_id")[:1]
    )
    return cases.annotate(seen_as_id=Subquery(first))


def listed_cases(user: Any, cases: list[Case]) -> list[ListedCase]:
    """For each case of a page of the list (from `visible_cases`): whole or shared, and whether
    the row may name it. A shared case is named when every person of it consented to share
    identity with the institution the user sees it as (the one `case_access` picks: the
    earliest taking part now). A fixed number of queries for any number of cases."""
    whole_in = institution_ids_with_role(user, *OWNER_READERS, Role.FAMILY_ASSISTANT)
    household_ids = {case.household_id for case in cases if case.kind == CaseKind.HOUSEHOLD and case.household_id}
    members: dict[int, list[int]] = {}
    for person_id, household_id in (
        Person.objects.filter(household_id__in=household_ids).order_by("id").values_list("id", "household_id")
    ):
        members.setdefault(household_id, []).append(person_id)

    def persons_of(case: Case) -> list[int]:
        if case.kind == CaseKind.PERSON and case.person_id:
            return [case.person_id]
        if case.kind == CaseKind.HOUSEHOLD and case.household_id:
            return members.get(case.household_id, [])
        return []

    shared = [case for case in cases if case.institution_id not in whole_in]
    partners = {m.institution_id: m.institution for m in memberships(user) if m.role in CASE_WORKERS}
    seen_as: dict[int, Institution] = {}
    if shared and partners:
        if all(hasattr(case, "seen_as_id") for case in shared):  # annotated by `with_seen_as`
            pairs = [(case.pk, getattr(case, "seen_as_id")) for case in shared]  # noqa: B009
        else:
            taking_part = (
                Participation.objects.active()
                .filter(case__in=shared, institution_id__in=partners)
                .order_by("-started_at", "-id")
            )
            pairs = list(taking_part.values_list("case_id", "institution_id"))
        seen_as = {case_id: partners[institution_id] for case_id, institution_id in pairs if institution_id in partners}
    identity: set[tuple[int, int]] = set()  # (person, institution) pairs consented for identity
    wanted = {pid for case in shared if case.pk in seen_as for pid in persons_of(case)}
    if wanted:
        institutions = {institution.pk: institution for institution in seen_as.values()}
        consents = Consent.objects.in_force().filter(person_id__in=wanted)
        consents = consents.filter(
            Q(institution_id__in=institutions)
            | Q(institution__isnull=True, sector__in={i.sector for i in institutions.values()})
        ).only("person_id", "institution_id", "sector", "categories")
        for consent in consents:
            if not consent.covers(ConsentCategory.IDENTITY):
                continue
            for institution in institutions.values():
                if consent.institution_id == institution.pk or (
                    consent.institution_id is None and consent.sector == institution.sector
                ):
                    identity.add((consent.person_id, institution.pk))
    listed = []
    for case in cases:
        persons = persons_of(case)
        whole = case.institution_id in whole_in
        seen = seen_as.get(case.pk)
        named = whole or (seen is not None and bool(persons) and all((pid, seen.pk) in identity for pid in persons))
        listed.append(ListedCase(case=case, whole=whole, named=named, persons=persons if named else []))
    return listed
