"""Closed-loop referrals (skierowania): every change of a referral's state, its message thread,
and the daily jobs that expire unanswered referrals and remind about the deadline.

A referral goes draft → sent → accepted | declined → in progress → completed (with an
outcome) | cancelled | expired (`TRANSITIONS`). Each change writes a `ReferralEvent`, a case
timeline entry (category "plan"), an audit event and notifications whose titles never name
a person. While a referral is sent and not closed, its receiving institution takes part in
the case (`cases.Participation`, kind referral).

Choices where the issue is silent:
* The sender may record the outcome too (from accepted or in progress), when the receiver
  does not; the event says which side did.
* The receiver may decline and forward in one step ("forward" from sent, with a reason): the
  new referral is still the sender's (same sending institution and author) and goes to the
  institution the receiver named. The sender forwards a declined or expired referral once.
* A forward shares what the referral shared, so it is refused when the consent does not let
  the new institution see all of it (rather than sharing a subset silently).
* A person (or a whole case) has at most one open referral (a draft included) to a service, or,
  without a service, to an institution; a closed one does not count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.cases.consent import check_upload, consent_categories
from kooperacja.cases.models import Case, CaseStatus, Participation, ParticipationKind, Person, TimelineKind
from kooperacja.cases.models import ConsentCategory as Category
from kooperacja.cases.policies import case_access, consented_categories
from kooperacja.cases.services import record_timeline
from kooperacja.core import audit, versioning
from kooperacja.core.models import AuditAction, User
from kooperacja.core.notifications import notify
from kooperacja.directory.models import Service, ServiceStatus
from kooperacja.institutions.models import Institution, Membership
from kooperacja.plans import services as basket
from kooperacja.plans.candidates import eligibility_problems
from kooperacja.plans.deadlines import previous_working_day, working_days_after
from kooperacja.plans.models import (
    BasketItem,
    Message,
    MessageAttachment,
    Referral,
    ReferralEvent,
    ReferralOutcome,
    ReferralStatus,
    ThreadRead,
)
from kooperacja.plans.referral_policies import RECEIVING_ROLES, referral_access, referral_person_ids
from kooperacja.plans.transitions import (
    CLOSED_STATUSES,
    RECEIVER,
    SENDER,
    SYSTEM,
    TRANSITIONS,
)

NOTIFICATION_KIND = "referral"
PARTICIPATION_SOURCE = "plans.referral"
# At most this many files go with one message.
MAX_ATTACHMENTS = 5

S = ReferralStatus


class StaleReferral(versioning.StaleVersion):
    """Someone changed the referral after the user opened it: nothing was saved."""

    default_message = gettext_lazy(
        "Someone else changed this referral meanwhile. Nothing was saved: look at its current state and try again."
    )
    default_code = "stale"


# --- Who hears about it ---------------------------------------------------------------------


def referral_url(referral: Referral) -> str:
    return reverse("plans:referral", kwargs={"public_id": referral.public_id})


def receiving_members(institution_id: int) -> list[User]:
    memberships = (
        Membership.objects.active()
        .filter(institution_id=institution_id, role__in=RECEIVING_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    return list(dict.fromkeys(m.user for m in memberships))


def sending_people(referral: Referral) -> list[User]:
    """The referral's author and the case's lead worker."""
    people = [referral.created_by]
    if referral.case.lead_worker_id and referral.case.lead_worker is not None:
        people.append(referral.case.lead_worker)
    return [user for user in dict.fromkeys(people) if user.is_active]


def _tell(users: Iterable[User], title: Any, referral: Referral, actor: Any = None, **params: Any) -> None:
    """Notify the users (not the actor). The title (a lazy msgid with %-params) is written in
    Polish, whatever language the actor's request speaks."""
    with translation.override("pl"):
        text = str(title) % params if params else str(title)
    url = referral_url(referral)
    actor_pk = getattr(actor, "pk", None)
    for user in dict.fromkeys(users):
        if user.pk != actor_pk:
            notify(user, kind=NOTIFICATION_KIND, title=text, url=url)


# --- Creating and sending -------------------------------------------------------------------


def _category_label(category: str) -> str:
    return dict(consent_categories()).get(category, category)


def _check_new_referral(
    case: Case,
    *,
    to_institution: Institution | None,
    service: Service | None,
    person: Person | None,
    reason: str,
    shared_categories: Sequence[str],
    eligibility_override: str,
    from_institution: Institution,
    check_eligibility: bool = True,
    itself: Referral | None = None,
) -> list[str]:
    """Every rule a new referral must meet; returns its shared categories (identity first).
    `itself`: the draft being sent, which is not its own duplicate."""
    errors: dict[str, list[Any]] = {}
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({NON_FIELD_ERRORS: [_("The case is closed: open it again before referring anyone.")]})
    if to_institution is None:
        raise ValidationError({"to_institution": [_("Choose the institution the person is referred to.")]})
    if to_institution.pk == from_institution.pk:
        errors.setdefault("to_institution", []).append(_("A referral goes to another institution, not to your own."))
    elif not to_institution.is_active:
        errors.setdefault("to_institution", []).append(
            _("%(institution)s no longer works on the platform: choose another institution.")
            % {"institution": to_institution.name}
        )
    if service is not None:
        if service.institution_id != to_institution.pk:
            errors.setdefault("service", []).append(_("This service is not offered by the chosen institution."))
        elif service.status != ServiceStatus.ACTIVE:
            errors.setdefault("service", []).append(
                _("The service „%(service)s” is not active now: choose another service.") % {"service": service.name}
            )
    if not reason.strip():
        errors.setdefault("reason", []).append(_("Say why the person is referred."))
    persons = [person] if person is not None else case.persons()
    if person is not None and person.pk not in {p.pk for p in case.persons()}:
        errors.setdefault("person", []).append(_("The person is not one of the people of this case."))
    if not persons:
        errors.setdefault("person", []).append(_("Choose the person who is referred."))
    categories = list(dict.fromkeys([Category.IDENTITY, *(str(c) for c in shared_categories if c)]))
    known = dict(consent_categories())
    unknown = [c for c in categories if c not in known and not c.startswith("diagnosis:")]
    for category in unknown:
        errors.setdefault("shared_categories", []).append(
            _("„%(category)s” is not a category of data that can be shared.") % {"category": category}
        )
    if persons and "to_institution" not in errors and not unknown:
        found = consented_categories(persons, to_institution)
        for category in categories:
            if not all(category in found[p.pk] for p in persons):
                errors.setdefault("shared_categories", []).append(
                    _(
                        "No consent (or statutory basis) in force lets %(institution)s see „%(category)s”: "
                        "record the consent first or do not share it."
                    )
                    % {"institution": to_institution.name, "category": _category_label(category)}
                )
    if "to_institution" not in errors and "person" not in errors:
        duplicate = _open_duplicate(case, to_institution, service, person, itself)
        if duplicate is not None:
            errors.setdefault(NON_FIELD_ERRORS, []).append(
                ValidationError(
                    _(
                        "This person already has an open referral to %(what)s (%(status)s): another one cannot "
                        "be sent while it is open."
                    ),
                    code="duplicate",
                    params={
                        "what": service.name if service is not None else to_institution.name,
                        "status": S(duplicate.status).label,
                        "referral": duplicate.public_id,
                    },
                )
            )
    if check_eligibility and service is not None and "service" not in errors and not eligibility_override.strip():
        problems = [str(problem) for problem in eligibility_problems(service, person, case)]
        if problems:
            errors.setdefault("eligibility_override", []).extend(
                [
                    *problems,
                    _("The person does not meet the service's criteria: say why you refer them all the same."),
                ]
            )
    if errors:
        raise ValidationError(errors)
    return categories


def _open_duplicate(
    case: Case, to_institution: Institution, service: Service | None, person: Person | None, itself: Referral | None
) -> Referral | None:
    """An open referral (not closed, a draft included) of the same person (or whole case) to the
    same service, or, without a service, to the same institution without one."""
    found = Referral.objects.filter(case=case, person=person).exclude(status__in=CLOSED_STATUSES)
    found = (
        found.filter(service=service)
        if service is not None
        else found.filter(to_institution=to_institution, service__isnull=True)
    )
    if itself is not None:
        found = found.exclude(pk=itself.pk)
    return found.order_by("-created_at", "-id").first()


def duplicate_of(refusal: ValidationError) -> UUID | None:
    """The public id of the open referral a refusal of a duplicate names, for a link to it."""
    for error in getattr(refusal, "error_dict", {}).get(NON_FIELD_ERRORS, []):
        if error.code == "duplicate" and error.params:
            return error.params["referral"]
    return None


def create_referral(
    actor: Any,
    case: Case,
    *,
    to_institution: Institution | None,
    service: Service | None = None,
    person: Person | None = None,
    basket_item: BasketItem | None = None,
    reason: str,
    shared_categories: Sequence[str],
    eligibility_override: str = "",
    send: bool = True,
    submit_key: UUID | None = None,
) -> Referral:
    """Refer a person of the case to another institution (or one of its services), as a draft
    or sent at once. Refused (ValidationError, nothing written) for a closed case, the own or an
    inactive institution, an inactive service or one of another institution, a category no
    consent covers (identity is always shared), or an eligibility mismatch without a reason.
    The same `submit_key` again returns the first referral (a double press of "send")."""
    if submit_key is not None:
        existing = _submitted(actor, case, submit_key)
        if existing is not None:
            return existing
    access = case_access(actor, case)
    if access is None or not access.can_edit:
        raise PermissionDenied
    if basket_item is not None:
        if basket_item.case_id != case.pk:
            raise ValidationError({NON_FIELD_ERRORS: [_("This item is not in the basket of this case.")]})
        service = service or basket_item.service
    try:
        with transaction.atomic():
            return _create(
                actor,
                case,
                from_institution=case.institution,
                to_institution=to_institution,
                service=service,
                person=person,
                basket_item=basket_item,
                reason=reason,
                shared_categories=shared_categories,
                eligibility_override=eligibility_override,
                send=send,
                submit_key=submit_key,
            )
    except IntegrityError:
        # Two presses at once: the other one saved first.
        if submit_key is not None:
            existing = _submitted(actor, case, submit_key)
            if existing is not None:
                return existing
        raise


def _submitted(actor: Any, case: Case, submit_key: UUID) -> Referral | None:
    existing = Referral.objects.filter(submit_key=submit_key).first()
    if existing is None:
        return None
    if existing.case_id != case.pk or existing.created_by_id != getattr(actor, "pk", None):
        raise ValidationError({NON_FIELD_ERRORS: [_("This form was already used. Open it again.")]})
    return existing


def _create(
    actor: Any,
    case: Case,
    *,
    from_institution: Institution,
    to_institution: Institution | None,
    service: Service | None,
    person: Person | None,
    basket_item: BasketItem | None,
    reason: str,
    shared_categories: Sequence[str],
    eligibility_override: str,
    send: bool,
    submit_key: UUID | None = None,
    previous: Referral | None = None,
    created_by: Any = None,
) -> Referral:
    if person is None and len(case.persons()) == 1:
        person = case.persons()[0]
    categories = _check_new_referral(
        case,
        to_institution=to_institution,
        service=service,
        person=person,
        reason=reason,
        shared_categories=shared_categories,
        eligibility_override=eligibility_override,
        from_institution=from_institution,
    )
    if to_institution is None:  # refused by the checks above; this tells the type checker
        raise ValidationError({"to_institution": [_("Choose the institution the person is referred to.")]})
    now = timezone.now()
    referral = Referral.objects.create(
        case=case,
        person=person,
        municipality_id=case.municipality_id,
        from_institution=from_institution,
        to_institution=to_institution,
        service=service,
        basket_item=basket_item,
        previous=previous,
        status=S.DRAFT,
        shared_categories=categories,
        reason=reason.strip(),
        eligibility_override=eligibility_override.strip(),
        created_by=created_by or actor,
        created_at=now,
        updated_at=now,
        submit_key=submit_key,
    )
    _event(referral, "", S.DRAFT, actor, from_institution)
    _audit(actor, referral, AuditAction.CREATE, from_institution)
    if send:
        _send(actor, referral, from_institution)
    return referral


def _send(actor: Any, referral: Referral, institution: Institution) -> None:
    now = timezone.now()
    referral.status = S.SENT
    referral.sent_at = now
    referral.answer_due = working_days_after(timezone.localdate(now), referral.to_institution.referral_response_days)
    referral.save(update_fields=["status", "sent_at", "answer_due", *versioning.bump(referral, now)])
    Participation.objects.create(
        case=referral.case,
        institution=referral.to_institution,
        municipality_id=referral.municipality_id,
        kind=ParticipationKind.REFERRAL,
        source_type=PARTICIPATION_SOURCE,
        source_id=str(referral.public_id),
        started_at=now,
    )
    _event(referral, S.DRAFT, S.SENT, actor, institution)
    _timeline(
        referral,
        _("Referral sent to %(institution)s") % {"institution": referral.to_institution.name},
        actor,
        institution,
    )
    if referral.basket_item is not None:
        basket.mark_basket_referred(referral.basket_item, actor)
    _tell(
        receiving_members(referral.to_institution_id),
        gettext_lazy("New referral for your institution from %(institution)s"),
        referral,
        actor,
        institution=referral.from_institution.name,
    )


# --- Acting on a referral -------------------------------------------------------------------


def _side_of(actor: Any, referral: Referral, action: str) -> tuple[str, Institution | None]:
    if actor is None:
        return SYSTEM, None
    access = referral_access(actor, referral)
    if access is None:
        raise PermissionDenied
    if not access.can_act:
        raise PermissionDenied
    return access.side, access.institution


def _refused(referral: Referral, action: str, side: str) -> ValidationError:
    transition = TRANSITIONS[action]
    status = S(referral.status).label
    if referral.status in transition.from_states and side not in transition.sides:
        message = (
            _("Only the receiving institution can do this.")
            if RECEIVER in transition.sides
            else _("Only the sending institution can do this.")
        )
    elif action == "forward" and referral.status in transition.from_states:
        message = _("This referral was already forwarded.")
    else:
        message = _("This cannot be done with a referral that is %(status)s.") % {"status": status}
    return ValidationError({NON_FIELD_ERRORS: [message]})


@transaction.atomic
def act(
    actor: Any,
    referral: Referral,
    action: str,
    *,
    version: int | None,
    reason: str = "",
    outcome: str = "",
    note: str = "",
    to_institution: Institution | None = None,
    service: Service | None = None,
    eligibility_override: str = "",
) -> Referral:
    """Perform one transition of `TRANSITIONS` (`actor=None` is the system: expiry). Refused
    with StaleReferral when the referral changed since `version` was read, ValidationError when
    the action is not allowed now or its reason/outcome is missing; nothing is changed then.
    "forward" returns the NEW referral; every other action the changed one."""
    if action not in TRANSITIONS:
        raise ValidationError({NON_FIELD_ERRORS: [_("Unknown action.")]})
    locked = Referral.objects.select_for_update(of=("self",)).for_detail().get(pk=referral.pk)
    versioning.check_version(locked, version, StaleReferral)
    side, institution = _side_of(actor, locked, action)
    transition = TRANSITIONS[action]
    if not transition.allows(locked.status, side) or (
        action == "forward" and side == SENDER and locked.forwarded_as.exists()
    ):
        raise _refused(locked, action, side)
    institution = institution or locked.to_institution
    reason, note = reason.strip(), note.strip()
    if (action in {"decline", "cancel"} or (action == "forward" and side == RECEIVER)) and not reason:
        raise ValidationError({"reason": [_("Give the reason.")]})
    if action == "complete" and outcome not in ReferralOutcome.values:
        raise ValidationError({"outcome": [_("Choose the outcome: a referral is completed only with its outcome.")]})
    if action == "forward":
        new = _forward(actor, locked, side, institution, reason, to_institution, service, eligibility_override)
        referral.refresh_from_db()
        return new
    _change(actor, locked, action, side, institution, reason=reason, outcome=outcome, note=note)
    referral.refresh_from_db()
    return locked


def _change(
    actor: Any,
    referral: Referral,
    action: str,
    side: str,
    institution: Institution,
    *,
    reason: str = "",
    outcome: str = "",
    note: str = "",
) -> None:
    if action == "send":
        # Consent may have been withdrawn, or the service closed, since the draft was written.
        _check_new_referral(
            referral.case,
            to_institution=referral.to_institution,
            service=referral.service,
            person=referral.person,
            reason=referral.reason,
            shared_categories=referral.shared_categories,
            eligibility_override=referral.eligibility_override,
            from_institution=referral.from_institution,
            # The eligibility was weighed when the draft was written.
            check_eligibility=False,
            itself=referral,
        )
        _send(actor, referral, institution)
        _audit(actor, referral, AuditAction.UPDATE, institution, action=action)
        return
    now = timezone.now()
    before = referral.status
    referral.status = TRANSITIONS[action].to_state
    fields = ["status"]
    to = referral.to_institution.name
    if action == "accept":
        referral.answered_at = now
        fields.append("answered_at")
        title = _("%(institution)s accepted the referral") % {"institution": to}
    elif action == "decline":
        referral.decline_reason, referral.answered_at = reason, now
        fields += ["decline_reason", "answered_at"]
        title = _("%(institution)s declined the referral") % {"institution": to}
    elif action == "start":
        title = _("%(institution)s started work on the referral") % {"institution": to}
    elif action == "complete":
        referral.outcome, referral.outcome_note = outcome, note
        fields += ["outcome", "outcome_note"]
        title = _("Referral to %(institution)s completed: %(outcome)s") % {
            "institution": to,
            "outcome": ReferralOutcome(outcome).label,
        }
    elif action == "cancel":
        referral.cancel_reason = reason
        fields.append("cancel_reason")
        title = _("Referral to %(institution)s cancelled") % {"institution": to}
    else:  # expire
        title = _("Referral to %(institution)s expired without an answer") % {"institution": to}
    if referral.status in CLOSED_STATUSES:
        referral.closed_at = now
        fields.append("closed_at")
    referral.save(update_fields=[*fields, *versioning.bump(referral, now)])
    _event(referral, before, referral.status, actor, institution if side != SYSTEM else None, reason or note)
    if before != S.DRAFT:
        _timeline(referral, title, actor, institution)
    _audit(actor, referral, AuditAction.UPDATE, institution, action=action)
    if referral.status in CLOSED_STATUSES:
        _end_participation(referral, now)
    if action == "complete" and referral.basket_item is not None:
        basket.basket_item_referral_closed(referral.basket_item, referral, actor)
    elif action in ("decline", "cancel", "expire") and referral.basket_item is not None:
        # The item may be referred again (a forward refers it again at once).
        basket.basket_item_referral_withdrawn(referral.basket_item, referral, actor)
    _tell_about(actor, referral, action, before)


def _tell_about(actor: Any, referral: Referral, action: str, before: str) -> None:
    to = referral.to_institution.name
    if action in {"accept", "decline", "complete"}:
        title = {
            "accept": gettext_lazy("%(institution)s accepted a referral"),
            "decline": gettext_lazy("%(institution)s declined a referral"),
            "complete": gettext_lazy("A referral to %(institution)s was completed"),
        }[action]
        _tell(sending_people(referral), title, referral, actor, institution=to)
    elif action == "expire":
        title = gettext_lazy("A referral to %(institution)s expired without an answer")
        people = [*sending_people(referral), *receiving_members(referral.to_institution_id)]
        _tell(people, title, referral, institution=to)
    elif action == "cancel" and before != S.DRAFT:
        title = gettext_lazy("%(institution)s cancelled a referral")
        _tell(
            receiving_members(referral.to_institution_id),
            title,
            referral,
            actor,
            institution=referral.from_institution.name,
        )


def _forward(
    actor: Any,
    old: Referral,
    side: str,
    institution: Institution,
    reason: str,
    to_institution: Institution | None,
    service: Service | None,
    eligibility_override: str,
) -> Referral:
    if to_institution is not None and to_institution.pk == old.to_institution_id:
        raise ValidationError({"to_institution": [_("Choose another institution than the one it was sent to.")]})
    if to_institution is not None and to_institution.pk == old.from_institution_id:
        raise ValidationError({"to_institution": [_("A referral goes to another institution, not to your own.")]})
    if to_institution is not None:
        # The forward shares what the referral shared: the consent must cover all of it.
        persons = [old.person] if old.person is not None else old.case.persons()
        found = consented_categories(persons, to_institution)
        missing = [c for c in old.shared_categories or [] if not all(c in found[p.pk] for p in persons)]
        if missing:
            raise ValidationError(
                {
                    "to_institution": [
                        ValidationError(
                            _(
                                "No consent in force lets %(institution)s see the data this referral shares "
                                "(%(categories)s): the consent must be recorded first."
                            ),
                            code="no_consent",
                            params={
                                "institution": to_institution.name,
                                "categories": ", ".join(_category_label(c) for c in missing),
                            },
                        )
                    ]
                }
            )
    if side == RECEIVER:
        _change(actor, old, "decline", side, institution, reason=reason)
    else:
        old.save(update_fields=versioning.bump(old))
    new = _create(
        actor,
        old.case,
        from_institution=old.from_institution,
        to_institution=to_institution,
        service=service,
        person=old.person,
        basket_item=old.basket_item,
        reason=old.reason,
        shared_categories=old.shared_categories,
        eligibility_override=eligibility_override,
        send=True,
        previous=old,
        created_by=old.created_by if side == RECEIVER or not getattr(actor, "pk", None) else actor,
    )
    _event(
        old,
        old.status,
        old.status,
        actor,
        institution,
        _("Forwarded to %(institution)s") % {"institution": new.to_institution.name},
    )
    return new


def _end_participation(referral: Referral, moment: dt.datetime) -> None:
    Participation.objects.filter(
        case_id=referral.case_id,
        kind=ParticipationKind.REFERRAL,
        source_type=PARTICIPATION_SOURCE,
        source_id=str(referral.public_id),
        ended_at__isnull=True,
    ).update(ended_at=moment)


def _event(
    referral: Referral, before: str, after: str, actor: Any, institution: Institution | None, note: str = ""
) -> None:
    ReferralEvent.objects.create(
        referral=referral,
        municipality_id=referral.municipality_id,
        from_status=before,
        to_status=after,
        actor=actor if getattr(actor, "pk", None) else None,
        institution=institution,
        note=note,
    )


def _timeline(referral: Referral, title: str, actor: Any, institution: Institution | None) -> None:
    record_timeline(
        referral.case,
        TimelineKind.REFERRAL,
        title,
        actor=actor,
        institution=institution,
        category=Category.PLAN,
        source=referral,
    )


def _audit(actor: Any, referral: Referral, audit_action: str, institution: Institution | None, **details: Any) -> None:
    audit.record(
        audit_action,
        actor=actor,
        obj=referral,
        actor_from_request=False,
        persons=referral_person_ids(referral),
        institution_id=institution.pk if institution else None,
        municipality_code=referral.municipality.code,
        details={key: str(value) for key, value in details.items()},
    )


# --- The thread -----------------------------------------------------------------------------


def post_message(
    actor: Any,
    referral: Referral,
    *,
    text: str,
    files: Sequence[UploadedFile] = (),
    submit_key: UUID | None = None,
) -> Message:
    """A message from either side of a sent referral to the other, with attachments checked as
    case documents are (size, type from the content) and kept in the private store. The other
    side's people hear of it (the title names institutions, never the person). The same
    `submit_key` again returns the first message (a double press of "send")."""
    access = referral_access(actor, referral)
    if access is None or not access.can_act:
        raise PermissionDenied
    if submit_key is not None:
        existing = _message_submitted(actor, referral, submit_key)
        if existing is not None:
            return existing
    if referral.status == S.DRAFT:
        raise ValidationError({NON_FIELD_ERRORS: [_("Messages can be written once the referral is sent.")]})
    text = text.strip()
    if not text:
        raise ValidationError({"text": [_("Write the message.")]})
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(
            {"files": [_("Attach at most %(count)d files to one message.") % {"count": MAX_ATTACHMENTS}]}
        )
    checked = []
    for upload in files:
        try:
            checked.append(check_upload(upload))
        except ValidationError as error:
            raise ValidationError({"files": error.messages}) from None
    stored: list[MessageAttachment] = []
    try:
        with transaction.atomic():
            message = Message.objects.create(
                referral=referral,
                municipality_id=referral.municipality_id,
                institution=access.institution,
                author=actor if getattr(actor, "pk", None) else None,
                text=text,
                submit_key=submit_key,
            )
            for item in checked:
                attachment = MessageAttachment(
                    message=message,
                    municipality_id=referral.municipality_id,
                    original_name=item.original_name,
                    content_type=item.content_type,
                    size=item.size,
                    sha256=item.sha256,
                )
                attachment.file.save(item.original_name, item.file, save=False)
                stored.append(attachment)
                attachment.save()
            _audit(actor, referral, AuditAction.CREATE, access.institution, message=message.public_id)
    except BaseException as error:
        for attachment in stored:
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
        if isinstance(error, IntegrityError) and submit_key is not None:
            # Two presses at once: the other one saved first.
            existing = _message_submitted(actor, referral, submit_key)
            if existing is not None:
                return existing
        raise
    mark_thread_read(actor, referral)
    if access.side == SENDER:
        people = receiving_members(referral.to_institution_id)
        title = gettext_lazy("New message on a referral from %(institution)s")
        named = referral.from_institution.name
    else:
        people = sending_people(referral)
        title = gettext_lazy("New message on a referral to %(institution)s")
        named = referral.to_institution.name
    _tell(people, title, referral, actor, institution=named)
    return message


def _message_submitted(actor: Any, referral: Referral, submit_key: UUID) -> Message | None:
    existing = Message.objects.filter(submit_key=submit_key).first()
    if existing is None:
        return None
    if existing.referral_id != referral.pk or existing.author_id != getattr(actor, "pk", None):
        raise ValidationError({NON_FIELD_ERRORS: [_("This form was already used. Open it again.")]})
    return existing


def mark_thread_read(user: Any, referral: Referral) -> None:
    """The user has read the referral's thread up to now."""
    if not getattr(user, "pk", None):
        return
    ThreadRead.objects.update_or_create(referral=referral, user=user, defaults={"read_at": timezone.now()})


def unread_counts(user: Any, referrals: Iterable[Referral]) -> dict[int, int]:
    """For each referral (by id), how many messages others wrote since the user last read its
    thread; one query for any number of referrals. Referrals with none are left out."""
    ids = [r.pk for r in referrals]
    if not ids or not getattr(user, "pk", None):
        return {}
    last_read = ThreadRead.objects.filter(referral=OuterRef("referral_id"), user=user).values("read_at")[:1]
    rows = (
        Message.objects.filter(referral_id__in=ids)
        .exclude(author=user)
        .alias(last_read=Subquery(last_read))
        .filter(Q(last_read__isnull=True) | Q(created_at__gt=Subquery(last_read)))
        .values("referral_id")
        .annotate(unread=Count("id"))
        .order_by()
    )
    return {row["referral_id"]: row["unread"] for row in rows}


# --- Daily jobs -----------------------------------------------------------------------------


def expire_overdue(now: dt.datetime | None = None) -> int:
    """The daily job: sent referrals still unanswered after their `answer_due` day expire; both
    sides hear of it. Running it again expires nothing twice. Returns how many expired."""
    today = timezone.localdate(now or timezone.now())
    overdue = Referral.objects.filter(status=S.SENT, answer_due__lt=today).order_by("pk")
    count = 0
    for referral in overdue.only("pk", "version"):
        with transaction.atomic():
            locked = Referral.objects.select_for_update(of=("self",)).filter(pk=referral.pk).first()
            if locked is None or locked.status != S.SENT or not locked.answer_due or locked.answer_due >= today:
                continue
            act(None, locked, "expire", version=locked.version)
            count += 1
    return count


def remind_due(now: dt.datetime | None = None) -> int:
    """The daily job: one working day before a sent referral's answer is due, the receiving
    institution's members are reminded, once. Returns how many referrals were reminded of."""
    moment = now or timezone.now()
    today = timezone.localdate(moment)
    # The last working day before the due day is at most a fortnight earlier (holidays included).
    candidates = Referral.objects.filter(
        status=S.SENT,
        due_reminded_at__isnull=True,
        answer_due__gte=today,
        answer_due__lte=today + dt.timedelta(days=14),
    ).order_by("pk")
    count = 0
    for referral in candidates.select_related("to_institution", "from_institution"):
        if referral.answer_due is None or previous_working_day(referral.answer_due) > today:
            continue
        if not Referral.objects.filter(pk=referral.pk, due_reminded_at__isnull=True).update(due_reminded_at=moment):
            continue
        _tell(
            receiving_members(referral.to_institution_id),
            gettext_lazy("A referral from %(institution)s waits for your answer until %(date)s"),
            referral,
            institution=referral.from_institution.name,
            date=referral.answer_due.strftime("%d.%m.%Y"),
        )
        count += 1
    return count
