"""Building plans and referrals for tests. Each helper takes what it varies and fills the rest:
by default a person case of GOPS Mirzec led by `gops.mirzec`, referred to the demo school of
Mirzec (answered by `szkola.mirzec`), with consent for identity and the plan."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model

from kooperacja.cases.models import Case, CaseKind, ConsentCategory
from kooperacja.cases.tests.factories import consent, make_case
from kooperacja.directory.models import Service, ServiceStatus
from kooperacja.directory.services import refresh_index
from kooperacja.institutions.models import Institution
from kooperacja.plans import referrals
from kooperacja.plans.models import Referral, ReferralOutcome, ReferralStatus

SCHOOL = "Publiczna Szkoła Podstawowa w Mircu"
POLICE = "Posterunek Policji w Mircu"

# How a referral sent to the school reaches each state: (action, who acts) steps after sending.
_PATHS: dict[str, list[tuple[str, str]]] = {
    ReferralStatus.SENT: [],
    ReferralStatus.ACCEPTED: [("accept", "receiver")],
    ReferralStatus.DECLINED: [("decline", "receiver")],
    ReferralStatus.IN_PROGRESS: [("accept", "receiver"), ("start", "receiver")],
    ReferralStatus.COMPLETED: [("accept", "receiver"), ("start", "receiver"), ("complete", "receiver")],
    ReferralStatus.CANCELLED: [("cancel", "sender")],
    ReferralStatus.EXPIRED: [("expire", "system")],
}


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def school() -> Institution:
    return Institution.objects.get(name=SCHOOL)


def police() -> Institution:
    return Institution.objects.get(name=POLICE)


def make_service(institution: Institution | None = None, name: str = "Zajęcia wyrównawcze", **fields: Any) -> Service:
    """An active service of the institution (the school by default), open to everyone, indexed
    as the directory's forms leave it (it reaches the gminas its institution serves)."""
    fields.setdefault("status", ServiceStatus.ACTIVE)
    service = Service.objects.create(institution=institution or school(), name=name, **fields)
    refresh_index([service])
    return service


def referral_case(sender: Any = None, **fields: Any) -> Case:
    """A person case of GOPS Mirzec led by the sender (`gops.mirzec` by default)."""
    fields.setdefault("kind", CaseKind.PERSON)
    return make_case(lead=sender or user("gops.mirzec"), **fields)


def allow(case: Case, institution: Institution, categories: Sequence[str] = (), *, by: Any = None) -> None:
    """Every person of the case consents to share identity (and these categories) with it."""
    wanted = tuple(dict.fromkeys([ConsentCategory.IDENTITY, ConsentCategory.PLAN, *categories]))
    for person in case.persons():
        consent(person, institution, wanted, recorded_by=by or case.lead_worker or user("gops.mirzec"))


def receiver_of(institution: Institution) -> Any:
    """A member of the institution who handles its referrals."""
    found = referrals.receiving_members(institution.pk)
    assert found, f"{institution} has nobody to answer referrals"
    return found[0]


def make_referral(
    *,
    case: Case | None = None,
    sender: Any = None,
    to_institution: Institution | None = None,
    status: str = ReferralStatus.SENT,
    service: Service | None = None,
    shared_categories: Sequence[str] = (ConsentCategory.IDENTITY,),
    with_consent: bool = True,
    reason: str = "Potrzebne wsparcie w nauce.",
    **fields: Any,
) -> Referral:
    """A referral through the engine (`referrals.create_referral` and `act`), brought to
    `status` by the sides that would do it; a draft when status is "draft"."""
    sender = sender or user("gops.mirzec")
    case = case or referral_case(sender)
    to_institution = to_institution or school()
    if with_consent:
        allow(case, to_institution, shared_categories, by=sender)
    referral = referrals.create_referral(
        sender,
        case,
        to_institution=to_institution,
        service=service,
        reason=reason,
        shared_categories=list(shared_categories),
        send=status != ReferralStatus.DRAFT,
        **fields,
    )
    if status == ReferralStatus.DRAFT:
        return referral
    for action, side in _PATHS[status]:
        actor = {"sender": sender, "receiver": receiver_of(to_institution), "system": None}[side]
        extra: dict[str, Any] = {}
        if action in {"decline", "cancel"}:
            extra["reason"] = "Brak miejsc."
        if action == "complete":
            extra["outcome"] = ReferralOutcome.GOT_HELP
        referral = referrals.act(actor, referral, action, version=referral.version, **extra)
    referral.refresh_from_db()
    return referral
