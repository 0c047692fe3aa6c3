"""/api/v1/referrals: the receiving side of referrals, for a partner's own system.

An institution's API client token (or a personal token of a member with a receiving role)
lists the institution's inbox, reads a referral and its thread, accepts, declines, starts and
completes it, and writes messages. Reading is open to both sides of a referral, as on the
site; every change through the API is the receiving side's (the sender works on the site).
Each change carries the `version` the client read: 409 when the referral changed meanwhile.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status

from kooperacja.api.errors import ApiError
from kooperacja.api.paging import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE
from kooperacja.api.schemas import InstitutionRef
from kooperacja.cases.models import ConsentCategory
from kooperacja.plans import referrals as engine
from kooperacja.plans.models import (
    Message,
    MessageAttachment,
    Referral,
    ReferralOutcome,
    ReferralStatus,
)
from kooperacja.plans.referral_policies import (
    RECEIVER,
    ReferralAccess,
    get_referral_for_user,
    inbox,
    record_list,
    visible_events,
)

router = Router(tags=["referrals"])


class ServiceRef(Schema):
    id: UUID
    name: str


class PersonRef(Schema):
    """The referred person, only when consent lets the institution see identity and contact."""

    first_name: str
    last_name: str
    birth_date: date | None


class ReferralSummary(Schema):
    id: UUID
    status: ReferralStatus
    from_institution: InstitutionRef
    to_institution: InstitutionRef
    service: ServiceRef | None
    created_at: datetime
    sent_at: datetime | None
    answer_due: date | None
    version: int
    unread_messages: int = 0


class ReferralPage(Schema):
    items: list[ReferralSummary]
    count: int


class ReferralEventOut(Schema):
    from_status: str
    to_status: str
    institution: InstitutionRef | None
    note: str
    at: datetime


class ReferralOut(ReferralSummary):
    reason: str
    shared_categories: list[str]
    person: PersonRef | None
    eligibility_override: str
    decline_reason: str
    cancel_reason: str
    outcome: str
    outcome_note: str
    answered_at: datetime | None
    closed_at: datetime | None
    previous: UUID | None
    forwarded_as: list[UUID]
    allowed_actions: list[str]
    events: list[ReferralEventOut]


class VersionIn(Schema):
    version: int = Field(..., ge=1, description="The version of the referral the client read.")


class DeclineIn(VersionIn):
    reason: str = Field(..., min_length=1, max_length=5000)


class CompleteIn(VersionIn):
    outcome: ReferralOutcome
    note: str = Field("", max_length=5000)


class AttachmentOut(Schema):
    id: UUID
    name: str
    content_type: str
    size: int


class MessageOut(Schema):
    id: UUID
    institution: InstitutionRef
    text: str
    created_at: datetime
    attachments: list[AttachmentOut]


class MessageIn(Schema):
    text: str = Field(..., min_length=1, max_length=10000)
    # Optional: the same key again returns the message written the first time.
    submit_key: UUID | None = None


class InboxFilter(Schema):
    status: ReferralStatus | None = Field(None, description="Only referrals in this state.")
    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, 1–{MAX_PAGE_SIZE}.")


def _institution(institution: Any) -> InstitutionRef | None:
    return InstitutionRef(id=institution.public_id, name=institution.name) if institution is not None else None


def _summary(referral: Referral, unread: int = 0) -> dict[str, Any]:
    return {
        "id": referral.public_id,
        "status": referral.status,
        "from_institution": _institution(referral.from_institution),
        "to_institution": _institution(referral.to_institution),
        "service": ServiceRef(id=referral.service.public_id, name=referral.service.name) if referral.service else None,
        "created_at": referral.created_at,
        "sent_at": referral.sent_at,
        "answer_due": referral.answer_due,
        "version": referral.version,
        "unread_messages": unread,
    }


def _detail(request: HttpRequest, referral: Referral, access: ReferralAccess) -> dict[str, Any]:
    person = referral.person or (referral.case.person if referral.case.person_id else None)
    shown = person if person is not None and access.sees(ConsentCategory.IDENTITY) else None
    events = visible_events(referral, access)
    unread = engine.unread_counts(request.user, [referral]).get(referral.pk, 0)
    return {
        **_summary(referral, unread),
        "reason": referral.reason,
        "shared_categories": list(referral.shared_categories),
        "person": (
            PersonRef(first_name=shown.first_name, last_name=shown.last_name, birth_date=shown.birth_date)
            if shown
            else None
        ),
        "eligibility_override": referral.eligibility_override,
        "decline_reason": referral.decline_reason,
        "cancel_reason": referral.cancel_reason,
        "outcome": referral.outcome,
        "outcome_note": referral.outcome_note,
        "answered_at": referral.answered_at,
        "closed_at": referral.closed_at,
        "previous": referral.previous.public_id if referral.previous and access.sees_chain else None,
        "forwarded_as": (
            [r.public_id for r in referral.forwarded_as.order_by("created_at", "id")] if access.sees_chain else []
        ),
        "allowed_actions": access.allowed_actions if access.side == RECEIVER else [],
        "events": [
            {
                "from_status": e.from_status,
                "to_status": e.to_status,
                "institution": _institution(e.institution),
                "note": e.note,
                "at": e.at,
            }
            for e in events
        ],
    }


@router.get("/inbox", response=ReferralPage, summary="Referrals sent to the token's institutions")
def referral_inbox(request: HttpRequest, filters: Query[InboxFilter]) -> dict[str, Any]:
    """Newest first, paged; `status` filters by state. Drafts never appear."""
    found = inbox(request.user, status=filters.status)
    offset = (filters.page - 1) * filters.page_size
    page = list(found[offset : offset + filters.page_size])
    record_list(request.user, page, request=request, what="api inbox")
    unread = engine.unread_counts(request.user, page)
    return {"items": [_summary(r, unread.get(r.pk, 0)) for r in page], "count": found.count()}


@router.get("/{id}", response=ReferralOut, summary="One referral, its steps and what the token may do")
def referral_detail(request: HttpRequest, id: UUID) -> dict[str, Any]:
    referral, access = get_referral_for_user(request.user, id, request=request)
    return _detail(request, referral, access)


def _act(request: HttpRequest, id: UUID, action: str, **kwargs: Any) -> dict[str, Any]:
    referral, access = get_referral_for_user(request.user, id, request=request, record=False)
    if access.side != RECEIVER or not access.can_act:
        raise ApiError(403, _("Through the API only the receiving institution answers a referral."))
    try:
        engine.act(request.user, referral, action, **kwargs)
    except engine.StaleReferral as stale:
        raise ApiError(409, stale.messages[0]) from None
    except DjangoValidationError as refused:
        errors = [
            (None if name == "__all__" else name, message)
            for name, messages in refused.message_dict.items()
            for message in messages
        ]
        raise ApiError(422, errors[0][1] if errors else None, errors) from None
    referral, access = get_referral_for_user(request.user, id, request=request, record=False)
    return _detail(request, referral, access)


@router.post("/{id}/accept", response=ReferralOut, summary="Accept a referral")
def accept(request: HttpRequest, id: UUID, payload: VersionIn) -> dict[str, Any]:
    return _act(request, id, "accept", version=payload.version)


@router.post("/{id}/decline", response=ReferralOut, summary="Decline a referral, with the reason")
def decline(request: HttpRequest, id: UUID, payload: DeclineIn) -> dict[str, Any]:
    return _act(request, id, "decline", version=payload.version, reason=payload.reason)


@router.post("/{id}/start", response=ReferralOut, summary="Record that work on an accepted referral began")
def start(request: HttpRequest, id: UUID, payload: VersionIn) -> dict[str, Any]:
    return _act(request, id, "start", version=payload.version)


@router.post("/{id}/complete", response=ReferralOut, summary="Complete a referral with its outcome")
def complete(request: HttpRequest, id: UUID, payload: CompleteIn) -> dict[str, Any]:
    return _act(request, id, "complete", version=payload.version, outcome=payload.outcome, note=payload.note)


def _message(message: Message, access: ReferralAccess) -> dict[str, Any]:
    """A message; its files only for whom the thread's files are open (`sees_attachments`)."""
    return {
        "id": message.public_id,
        "institution": _institution(message.institution),
        "text": message.text,
        "created_at": message.created_at,
        "attachments": [
            {"id": a.public_id, "name": a.original_name, "content_type": a.content_type, "size": a.size}
            for a in (message.attachments.all() if access.sees_attachments else [])
        ],
    }


@router.get("/{id}/messages", response=list[MessageOut], summary="The referral's thread, oldest first")
def messages(request: HttpRequest, id: UUID) -> list[dict[str, Any]]:
    """Reading the thread marks it read for a personal token's holder."""
    referral, access = get_referral_for_user(request.user, id, request=request)
    thread = (
        referral.messages.select_related("institution")
        .prefetch_related(Prefetch("attachments", queryset=MessageAttachment.objects.order_by("id")))
        .order_by("created_at", "id")
    )
    found = [_message(m, access) for m in thread]
    engine.mark_thread_read(request.user, referral)
    return found


@router.post("/{id}/messages", response={201: MessageOut}, summary="Write a message to the sending institution")
def post_message(request: HttpRequest, id: UUID, payload: MessageIn) -> Status[dict[str, Any]]:
    referral, access = get_referral_for_user(request.user, id, request=request, record=False)
    if access.side != RECEIVER or not access.can_act:
        raise ApiError(403, _("Through the API only the receiving institution writes messages."))
    message = engine.post_message(request.user, referral, text=payload.text, submit_key=payload.submit_key)
    return Status(201, _message(message, access))
