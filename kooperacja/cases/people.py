"""Persons and households: every change to them goes through these functions, which check the
rules the forms cannot (a PESEL registered twice, a version saved meanwhile) and audit it.

Duplicates (issue #6): the same PESEL is refused; the same name and birth date only warns
(the form asks to confirm); a manager of the registering institution merges two records of one
person, moving everything that points at the duplicate to the person kept.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from kooperacja.cases.models import Household, Person
from kooperacja.core import versioning
from kooperacja.core.audit import record
from kooperacja.core.models import AuditAction
from kooperacja.core.policies import institution_ids_with_role
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution

# The fields of Person a form sets directly (the PESEL and the accessibility needs go apart).
PERSON_FIELDS = (
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "municipality",
    "locality",
    "street",
    "postal_code",
    "phone",
    "email",
    "disability_degree",
    "income_per_person",
    "notes",
)
HOUSEHOLD_FIELDS = ("name", "municipality", "locality", "street", "postal_code", "notes")

PESEL_TAKEN = _(
    "A person with this PESEL is already registered. Search for them by PESEL instead of adding them again."
)


class StaleVersion(versioning.StaleVersion):
    """Someone saved the record after the editor opened it; nothing was saved."""

    default_message = _("Someone else saved this record while you were editing it.")
    default_code = "stale"


def may_register(user: Any) -> list[Institution]:
    """Institutions on whose behalf the user registers persons and households: those where
    they are a social worker or family assistant."""
    ids = institution_ids_with_role(user, Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT)
    return list(Institution.objects.filter(pk__in=ids).order_by("name"))


def possible_duplicates(
    institution: Institution, first_name: str, last_name: str, birth_date: Any, exclude: Person | None = None
) -> list[Person]:
    """People of the institution with the same first and last name and birth date."""
    if not (first_name and last_name and birth_date):
        return []
    found = Person.objects.filter(
        institution=institution,
        first_name__iexact=first_name.strip(),
        last_name__iexact=last_name.strip(),
        birth_date=birth_date,
        merged_into__isnull=True,
    )
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return list(found.for_list())


def pesel_taken(value: str, exclude: Person | None = None) -> bool:
    found = Person.objects.with_pesel(value)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return found.exists()


def _save_person(person: Person, pesel: str | None, needs: Any) -> None:
    if pesel is not None:
        if pesel and pesel_taken(pesel, exclude=person if person.pk else None):
            raise ValidationError({"pesel": PESEL_TAKEN})
        person.set_pesel(pesel)
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        # Another save took the same PESEL between the check and ours.
        raise ValidationError({"pesel": PESEL_TAKEN}) from None
    if needs is not None:
        person.accessibility_needs.set(needs)


@transaction.atomic
def create_person(
    actor: Any, institution: Institution, fields: dict[str, Any], *, pesel: str = "", needs: Any = None
) -> Person:
    """Register a person on behalf of the institution; a PESEL already registered is refused."""
    person = Person(institution=institution, **{name: fields[name] for name in PERSON_FIELDS if name in fields})
    _save_person(person, pesel, needs)
    record(AuditAction.CREATE, actor=actor, obj=person, persons=[person.pk], institution_id=institution.pk)
    return person


@transaction.atomic
def update_person(
    actor: Any, person: Person, fields: dict[str, Any], *, version: int, pesel: str | None = None, needs: Any = None
) -> Person:
    """Save the edited person, unless someone saved it after `version` was shown (StaleVersion)."""
    locked = Person.objects.select_for_update().get(pk=person.pk)
    versioning.check_version(locked, version, StaleVersion)
    changed = [name for name in PERSON_FIELDS if name in fields and getattr(locked, name) != fields[name]]
    for name in PERSON_FIELDS:
        if name in fields:
            setattr(person, name, fields[name])
    if pesel is not None and pesel != person.pesel:
        changed.append("pesel")
    else:
        pesel = None
    person.version = locked.version
    versioning.bump(person)
    _save_person(person, pesel, needs)
    record(
        AuditAction.UPDATE,
        actor=actor,
        obj=person,
        persons=[person.pk],
        institution_id=person.institution_id,
        details={"fields": changed},
    )
    return person


@transaction.atomic
def create_household(actor: Any, institution: Institution, fields: dict[str, Any]) -> Household:
    household = Household.objects.create(
        institution=institution, **{name: fields[name] for name in HOUSEHOLD_FIELDS if name in fields}
    )
    record(AuditAction.CREATE, actor=actor, obj=household, institution_id=institution.pk)
    return household


@transaction.atomic
def update_household(actor: Any, household: Household, fields: dict[str, Any], *, version: int) -> Household:
    locked = Household.objects.select_for_update().get(pk=household.pk)
    versioning.check_version(locked, version, StaleVersion)
    for name in HOUSEHOLD_FIELDS:
        if name in fields:
            setattr(household, name, fields[name])
    household.version = locked.version
    versioning.bump(household)
    household.save()
    members = list(household.members.values_list("pk", flat=True))
    record(AuditAction.UPDATE, actor=actor, obj=household, persons=members, institution_id=household.institution_id)
    return household


@transaction.atomic
def add_to_household(actor: Any, household: Household, person: Person, relationship: str) -> Person:
    """The person lives in the household now, in the given place (moving out of any other)."""
    before = person.household_id
    person.household = household
    person.relationship = relationship
    person.save(update_fields=["household", "relationship", *versioning.bump(person)])
    record(
        AuditAction.UPDATE,
        actor=actor,
        obj=household,
        persons=[person.pk],
        institution_id=household.institution_id,
        details={"member_added": str(person.public_id), "relationship": relationship, "left_household": before},
    )
    return person


@transaction.atomic
def remove_from_household(actor: Any, household: Household, person: Person) -> Person:
    if person.household_id != household.pk:
        raise ValidationError(_("This person is not a member of the household."))
    person.household = None
    person.relationship = ""
    person.save(update_fields=["household", "relationship", *versioning.bump(person)])
    record(
        AuditAction.UPDATE,
        actor=actor,
        obj=household,
        persons=[person.pk],
        institution_id=household.institution_id,
        details={"member_removed": str(person.public_id)},
    )
    return person


def may_merge(user: Any, person: Person) -> bool:
    """Merging is for a manager of the institution that registered the person."""
    return person.institution_id in institution_ids_with_role(user, Role.MANAGER)


def _links_to(person: Person) -> list[Any]:
    """Every foreign key of any model pointing at Person (cases, consents, later apps' rows),
    except the merge's own link."""
    return [
        relation.field
        for relation in Person._meta.related_objects
        if relation.one_to_many and relation.field.name != "merged_into"
    ]


@transaction.atomic
def merge_persons(actor: Any, kept: Person, duplicate: Person) -> Person:
    """Merge `duplicate` into `kept`: its cases, consents and other links move to the person
    kept, as does its household membership and PESEL when the kept record lacks them; the
    duplicate stays (for history) with `merged_into` set and disappears from lists."""
    if not may_merge(actor, kept):
        raise PermissionDenied
    # Both rows locked (in a fixed order, so two merges cannot deadlock) and read as saved now:
    # two merges of the same duplicate at once cannot both pass.
    ids = sorted({kept.pk, duplicate.pk})
    list(Person.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk").values_list("pk"))
    kept.refresh_from_db()
    duplicate.refresh_from_db()
    if duplicate.pk == kept.pk or duplicate.institution_id != kept.institution_id:
        raise ValidationError(_("Choose another record of the same person, registered by your institution."))
    if duplicate.merged_into_id is not None:
        raise ValidationError(_("This record was merged already."))
    moved: dict[str, int] = {}
    for field in _links_to(duplicate):
        count = field.model._default_manager.filter(**{field.name: duplicate}).update(**{field.name: kept})
        if count:
            moved[field.model._meta.label_lower] = count
    if kept.household_id is None and duplicate.household_id is not None:
        kept.household_id, kept.relationship = duplicate.household_id, duplicate.relationship
    needs = list(duplicate.accessibility_needs.all())
    if not kept.pesel_sealed and duplicate.pesel_sealed:
        number = duplicate.pesel
        duplicate.set_pesel("")
        duplicate.save(update_fields=["pesel_sealed", "pesel_hash", "pesel_last_digits"])
        kept.set_pesel(number)
    for name in ("birth_date", "sex", "phone", "email", "locality", "street", "postal_code", "disability_degree"):
        if not getattr(kept, name) and getattr(duplicate, name):
            setattr(kept, name, getattr(duplicate, name))
    versioning.bump(kept)
    kept.save()
    kept.accessibility_needs.add(*needs)
    duplicate.merged_into = kept
    duplicate.household = None
    duplicate.save(update_fields=["merged_into", "household", *versioning.bump(duplicate)])
    record(
        AuditAction.UPDATE,
        actor=actor,
        obj=kept,
        persons=[kept.pk, duplicate.pk],
        institution_id=kept.institution_id,
        details={"merged": str(duplicate.public_id), "moved": moved},
    )
    return kept
