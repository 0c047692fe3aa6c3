"""Who sees and does what with referrals (skierowania, DESIGN.md §1).

* The receiving side: members of the receiving institution with a receiving role
  (`RECEIVING_ROLES`) see every referral sent to it (never a draft) and answer it. They see a
  category of the person's data only while it is among the referral's shared categories AND
  a consent in force still lets their institution see it.
* The sending side: whoever sees the case (`cases.policies.case_access`) whole, or in its
  shared view as the sending institution, sees the case's referrals; those who may edit the
  case act on them (send, cancel, forward, record the outcome).
* Everyone else gets "not found" (404).
Reads write audit events: one per referral opened, one per list naming every person shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest

from kooperacja.cases.models import Case, CaseKind, Consent, ConsentCategory, Person
from kooperacja.cases.policies import (
    CaseAccess,
    case_access,
    consented_categories,
    full_view_scope,
    visible_cases,
)
from kooperacja.core import audit
from kooperacja.core.models import AuditAction
from kooperacja.core.policies import institution_ids_with_role, memberships
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution
from kooperacja.plans.models import MessageAttachment, Referral, ReferralEvent, ReferralQuerySet, ReferralStatus
from kooperacja.plans.transitions import RECEIVER, SENDER, allowed_actions

# The roles of an institution's members who handle its inbox of referrals.
RECEIVING_ROLES = frozenset({Role.PARTNER_STAFF, Role.SOCIAL_WORKER, Role.MANAGER})


def receiving_institution_ids(user: Any) -> set[int]:
    return institution_ids_with_role(user, *RECEIVING_ROLES)


def _status(status: str | None) -> str | None:
    return status if status in ReferralStatus.values else None


def inbox(user: Any, *, status: str | None = None) -> ReferralQuerySet:
    """Referrals sent to the user's institutions (where the user has a receiving role), newest
    first; drafts never appear. An unknown `status` filters nothing."""
    ids = receiving_institution_ids(user)
    if not ids:
        return Referral.objects.none()
    return Referral.objects.received_by(ids).with_status(_status(status)).for_list()


def outbox(user: Any, *, status: str | None = None) -> ReferralQuerySet:
    """Referrals sent from the user's institutions about cases the user may see."""
    ids = {m.institution_id for m in memberships(user)}
    if not ids:
        return Referral.objects.none()
    cases = visible_cases(user).values("pk")
    return Referral.objects.filter(from_institution_id__in=ids, case__in=cases).with_status(_status(status)).for_list()


def case_referrals(user: Any, case: Case, access: CaseAccess | None = None) -> ReferralQuerySet:
    """The referrals a case page lists for the user: all of them in the whole view; in the
    shared view, those its institution sent or received (not another partner's)."""
    access = access or case_access(user, case)
    referrals = Referral.objects.filter(case=case).for_list()
    if access is None:
        return Referral.objects.none()
    if access.whole:
        return referrals
    own = access.as_institution.pk if access.as_institution else None
    return referrals.filter(Q(from_institution_id=own) | Q(to_institution_id=own) & ~Q(status=ReferralStatus.DRAFT))


def referral_person_ids(referral: Referral) -> list[int]:
    """The persons a referral concerns: its person, or every person of its case."""
    return sorted(persons_of_referrals([referral]).get(referral.pk, set()))


def persons_of_referrals(referrals: list[Referral]) -> dict[int, set[int]]:
    """For each referral (by id), the persons it concerns: its person, or every person of its
    case (household members are read in one query for all of them)."""
    household_ids = {
        r.case.household_id
        for r in referrals
        if not r.person_id and r.case.kind == CaseKind.HOUSEHOLD and r.case.household_id is not None
    }
    members: dict[int, set[int]] = {}
    if household_ids:
        for pid, hid in Person.objects.filter(household_id__in=household_ids).values_list("id", "household_id"):
            members.setdefault(hid, set()).add(pid)
    found: dict[int, set[int]] = {}
    for r in referrals:
        if r.person_id:
            found[r.pk] = {r.person_id}
        elif r.case.kind == CaseKind.PERSON and r.case.person_id:
            found[r.pk] = {r.case.person_id}
        elif r.case.kind == CaseKind.HOUSEHOLD and r.case.household_id:
            found[r.pk] = set(members.get(r.case.household_id, set()))
        else:
            found[r.pk] = set()
    return found


def named_ids(user: Any, referrals: list[Referral]) -> set[int]:
    """The referrals whose person a list may name, in a fixed number of queries (one more per
    receiving institution of the user). The receiving side: identity is among the shared
    categories and a consent in force for the receiving institution (or its sector) still
    covers it. The sending side: the user sees the case whole."""
    receiving = receiving_institution_ids(user)
    received = [
        r
        for r in referrals
        if r.to_institution_id in receiving and r.person_id and ConsentCategory.IDENTITY in (r.shared_categories or [])
    ]
    named: set[int] = set()
    institutions = {r.to_institution_id: r.to_institution for r in received}
    for institution in institutions.values():
        here = [r for r in received if r.to_institution_id == institution.pk]
        consents = (
            Consent.objects.in_force()
            .for_institution(institution)
            .filter(person_id__in={r.person_id for r in here})
            .only("person_id", "categories")
        )
        covered = {c.person_id for c in consents if c.covers(ConsentCategory.IDENTITY)}
        named.update(r.pk for r in here if r.person_id in covered)
    sent = [r for r in referrals if r.to_institution_id not in receiving]
    if sent:
        whole = set(
            Case.objects.filter(full_view_scope(user), pk__in={r.case_id for r in sent}).values_list("pk", flat=True)
        )
        named.update(r.pk for r in sent if r.case_id in whole)
    return named


@dataclass
class ReferralAccess:
    """What the user may do with one referral, and from which side."""

    side: str
    institution: Institution
    can_act: bool
    allowed_actions: list[str] = field(default_factory=list)
    case_access: CaseAccess | None = None
    # For the receiving side: the categories consent still lets the receiving institution see
    # for every person the referral concerns.
    consented: set[str] = field(default_factory=set)
    shared: set[str] = field(default_factory=set)

    def sees(self, category: str) -> bool:
        """May the user see this category of the person's data in the referral?"""
        if self.side == RECEIVER:
            return category in self.shared and category in self.consented
        return self.case_access is not None and self.case_access.sees_all(category)

    @property
    def sees_identity(self) -> bool:
        return self.sees(ConsentCategory.IDENTITY)

    @property
    def sees_attachments(self) -> bool:
        """The thread's files: the sending side always; the receiving side while documents are
        shared and consent still lets it see them."""
        return self.side != RECEIVER or self.sees(ConsentCategory.DOCUMENTS)

    @property
    def sees_chain(self) -> bool:
        """Where the referral was forwarded from and to: the sending side; the receiving side
        only while plan and referrals are shared with it and consented."""
        return self.side != RECEIVER or self.sees(ConsentCategory.PLAN)


def referral_access(user: Any, referral: Referral) -> ReferralAccess | None:
    """The user's access to the referral, or None when it is outside their scope. A user on
    both sides (rare: memberships in both institutions) acts as the receiver once it is sent."""
    if referral.status != ReferralStatus.DRAFT and referral.to_institution_id in receiving_institution_ids(user):
        persons = referral.case.persons() if not referral.person_id else [referral.person]
        found = consented_categories([p for p in persons if p is not None], referral.to_institution)
        consented = set.intersection(*found.values()) if found else set()
        access = ReferralAccess(
            side=RECEIVER,
            institution=referral.to_institution,
            can_act=True,
            consented=consented,
            shared=set(referral.shared_categories),
        )
        access.allowed_actions = allowed_actions(referral, access.side, access.can_act)
        return access
    if not getattr(user, "is_authenticated", False):
        return None
    found_access = case_access(user, referral.case)
    if found_access is None:
        return None
    if not found_access.whole and (
        found_access.as_institution is None or found_access.as_institution.pk != referral.from_institution_id
    ):
        return None
    access = ReferralAccess(
        side=SENDER,
        institution=referral.from_institution,
        can_act=found_access.can_edit,
        case_access=found_access,
    )
    access.allowed_actions = allowed_actions(referral, access.side, access.can_act)
    return access


def visible_referrals(user: Any) -> ReferralQuerySet:
    """The referrals the user may be on a side of: sent to one of the user's receiving
    institutions (never a draft), or of a case the user sees (`referral_access` then narrows
    the shared view to the referrals its institution sent)."""
    if not getattr(user, "is_authenticated", False):
        return Referral.objects.none()
    received = Q(to_institution_id__in=receiving_institution_ids(user)) & ~Q(status=ReferralStatus.DRAFT)
    return Referral.objects.filter(received | Q(case__in=visible_cases(user).values("pk")))


def get_attachment_for_user(user: Any, public_id: UUID | str) -> tuple[MessageAttachment, Referral, ReferralAccess]:
    """(attachment, its referral, access) for a user who may open the thread's files: the
    sending side, or the receiving side while documents are shared and consented; 404 for
    anyone else. Records no read (the caller records the download)."""
    try:
        attachment = MessageAttachment.objects.select_related("message").get(
            public_id=public_id, message__referral__in=visible_referrals(user).values("pk")
        )
    except (MessageAttachment.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    referral = Referral.objects.for_detail().get(pk=attachment.message.referral_id)
    access = referral_access(user, referral)
    if access is None or not access.sees_attachments:
        raise Http404
    return attachment, referral, access


def get_referral_for_user(
    user: Any, public_id: UUID | str, *, request: HttpRequest | None = None, record: bool = True
) -> tuple[Referral, ReferralAccess]:
    """(referral, access) for a user on either side of it; 404 for anyone else. Writes one
    audit event naming the persons it concerns (`record=False` when the caller records its
    own event, e.g. a change)."""
    try:
        referral = visible_referrals(user).for_detail().get(public_id=public_id)
    except (Referral.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    access = referral_access(user, referral)
    if access is None:
        raise Http404
    if record:
        record_read(user, referral, access, request=request)
    return referral, access


def visible_events(referral: Referral, access: ReferralAccess) -> list[ReferralEvent]:
    """The referral's steps, oldest first. A forwarding step (its state unchanged) names the
    next institution in its note: the note is blanked for a receiver who may not see the chain
    (`ReferralAccess.sees_chain`)."""
    events = list(referral.events.select_related("actor", "institution").order_by("at", "id"))
    if not access.sees_chain:
        for event in events:
            if event.from_status == event.to_status:
                event.note = ""
    return events


def record_read(user: Any, referral: Referral, access: ReferralAccess, *, request: HttpRequest | None = None) -> None:
    audit.record(
        AuditAction.VIEW,
        request=request,
        actor=user,
        obj=referral,
        persons=referral_person_ids(referral),
        institution_id=access.institution.pk,
        municipality_code=referral.municipality.code,
        details={"side": access.side},
    )


def record_list(
    user: Any, referrals: list[Referral], *, request: HttpRequest | None = None, what: str = "referrals"
) -> None:
    """One audit event for a list of referrals, naming every person it showed (without asking
    the database per referral: household members are read in one query)."""
    if not referrals:
        return
    persons: set[int] = set().union(*persons_of_referrals(referrals).values())
    audit.record(
        AuditAction.LIST,
        request=request,
        actor=user,
        object_type="plans.referral",
        persons=persons,
        details={"list": what, "count": len(referrals)},
    )
