"""Every change to a case: opening it, its status, its team, handover to another worker or
institution, notes, and the timeline other apps write to.

Each function takes the acting user first, checks the rules of the change (who may do it is
decided by `policies.py` before the call), writes `TimelineEntry` rows where the case history
should show it and one audit event per change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kooperacja.cases.models import (
    Case,
    CaseKind,
    CaseReason,
    CaseStatus,
    CaseTeamMember,
    CaseTeamRole,
    CaseTransfer,
    Household,
    Note,
    Participation,
    ParticipationKind,
    Person,
    TimelineEntry,
    TimelineKind,
    TransferStatus,
)
from kooperacja.cases.policies import case_person_ids, may_add_partner
from kooperacja.core import audit, versioning
from kooperacja.core.models import AuditAction
from kooperacja.core.notifications import notify
from kooperacja.core.policies import memberships
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution, InstitutionKind, Membership

# Institutions that own cases: social assistance and family support centres.
CASE_OWNER_KINDS = frozenset({InstitutionKind.GOPS, InstitutionKind.PCPR})
# Roles a case-team member may have in their institution.
TEAM_ROLES = frozenset({Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT, Role.MANAGER, Role.PARTNER_STAFF})


class StaleVersion(versioning.StaleVersion):
    """Someone saved the case after the editor opened it: nothing is saved."""

    default_message = _("Someone else saved this case while you were editing it.")


# --- Who may (beyond what policies.CaseAccess says) ------------------------------------------


def opening_institutions(user: Any) -> list[Institution]:
    """The GOPS/PCPR where the user is a social worker: cases are opened there."""
    return [
        m.institution
        for m in memberships(user)
        if m.role == Role.SOCIAL_WORKER and m.institution.kind in CASE_OWNER_KINDS
    ]


def receiving_institutions(user: Any) -> list[Institution]:
    """The GOPS/PCPR whose incoming transfers the user answers (social workers and managers)."""
    found = {
        m.institution_id: m.institution
        for m in memberships(user)
        if m.role in {Role.SOCIAL_WORKER, Role.MANAGER} and m.institution.kind in CASE_OWNER_KINDS
    }
    return list(found.values())


def may_transfer(user: Any, case: Case) -> bool:
    """The lead worker and the managers of the owning institution hand a case to another one."""
    if case.lead_worker_id == getattr(user, "pk", None):
        return True
    return any(m.institution_id == case.institution_id and m.role == Role.MANAGER for m in memberships(user))


def _acting_institution(user: Any, institution: Institution) -> None:
    if not any(m.institution_id == institution.pk for m in memberships(user)):
        raise PermissionDenied


# --- The timeline -----------------------------------------------------------------------------


def record_timeline(
    case: Case,
    kind: str,
    title: str,
    *,
    actor: Any = None,
    institution: Institution | None = None,
    category: str = "",
    source: models.Model | None = None,
) -> TimelineEntry:
    """Add one entry to the case's timeline. `category` is the consent category a partner needs
    to see it ("" = the owning institution only); `source` the object the entry tells of."""
    source_type = source._meta.label_lower if source is not None else ""
    source_id = str(getattr(source, "public_id", None) or source.pk) if source is not None else ""
    return TimelineEntry.objects.create(
        case=case,
        municipality_id=case.municipality_id,
        institution=institution,
        kind=kind,
        title=str(title)[:300],
        category=category,
        actor=actor if getattr(actor, "pk", None) else None,
        source_type=source_type,
        source_id=source_id,
    )


def audit_case(
    action: str,
    case: Case,
    *,
    obj: Any = None,
    actor: Any = None,
    request: HttpRequest | None = None,
    **details: Any,
) -> None:
    """One audit event about `obj` (the case itself by default) naming every person of the
    case, with the case's institution and gmina: what case records of any app write."""
    audit.record(
        action,
        request=request,
        actor=actor,
        obj=obj if obj is not None else case,
        persons=case_person_ids(case),
        institution_id=case.institution_id,
        municipality_code=case.municipality.code,
        details={key: str(value) for key, value in details.items()},
    )


def _audit(actor: Any, case: Case, action: str = AuditAction.UPDATE, **details: Any) -> None:
    audit_case(action, case, actor=actor, **details)


def _lock(case: Case) -> None:
    """Lock the case's row until the change is saved, and check against what is saved now:
    two changes of the team or the lead worker at once are made one after the other."""
    Case.objects.select_for_update(of=("self",)).filter(pk=case.pk).values_list("pk").get()
    case.refresh_from_db(fields=["institution", "municipality", "lead_worker", "status", "version"])


def _touch(case: Case, fields: Iterable[str] = ()) -> None:
    case.save(update_fields=[*fields, *versioning.bump(case)])


# --- Opening and changing a case --------------------------------------------------------------


@transaction.atomic
def open_case(
    actor: Any,
    institution: Institution,
    *,
    kind: str,
    person: Person | None = None,
    household: Household | None = None,
    group_name: str = "",
    reasons: Iterable[str] = (),
    summary: str = "",
) -> Case:
    """Open a case in the actor's GOPS/PCPR; the actor becomes its lead worker and coordinator."""
    if institution not in opening_institutions(actor):
        raise PermissionDenied
    subject_missing = {
        CaseKind.PERSON: ("person", person is None),
        CaseKind.HOUSEHOLD: ("household", household is None),
        CaseKind.GROUP: ("group_name", not group_name.strip()),
    }
    field, missing = subject_missing[CaseKind(kind)]
    if missing:
        raise ValidationError({field: _("Say whom the case is about.")})
    subject = person if kind == CaseKind.PERSON else household if kind == CaseKind.HOUSEHOLD else None
    municipality = institution.municipality or (subject.municipality if subject is not None else None)
    if municipality is None:
        # A powiat centre (PCPR) has no gmina of its own: a group case needs one from its people.
        raise ValidationError({"kind": _("A case of a county centre needs a person or a household.")})
    case = Case.objects.create(
        kind=kind,
        person=person if kind == CaseKind.PERSON else None,
        household=household if kind == CaseKind.HOUSEHOLD else None,
        group_name=group_name.strip() if kind == CaseKind.GROUP else "",
        institution=institution,
        municipality=municipality,
        lead_worker=actor,
        summary=summary,
    )
    CaseReason.objects.bulk_create([CaseReason(case=case, reason=reason) for reason in sorted(set(reasons))])
    _join(case, actor, institution, CaseTeamRole.COORDINATOR, added_by=actor)
    record_timeline(case, TimelineKind.OPENED, _("Case opened"), actor=actor, institution=institution)
    _audit(actor, case, AuditAction.CREATE)
    return case


def _closing_checked(status: str, closing_reason: str) -> str:
    if status == CaseStatus.CLOSED and not closing_reason:
        raise ValidationError({"closing_reason": _("Choose the reason for closing the case.")})
    return closing_reason if status == CaseStatus.CLOSED else ""


@transaction.atomic
def update_case(
    actor: Any,
    case: Case,
    *,
    summary: str,
    reasons: Iterable[str],
    status: str,
    closing_reason: str = "",
    version: int,
) -> Case:
    """Change a case's summary, reasons and status; closing needs a reason. Refused with
    `StaleVersion` when someone saved the case since `version` was shown."""
    closing_reason = _closing_checked(status, closing_reason)
    current = Case.objects.select_for_update().get(pk=case.pk)
    versioning.check_version(current, version, StaleVersion)
    old_status = current.status
    case.summary = summary
    case.status = status
    case.closing_reason = closing_reason
    if status == CaseStatus.CLOSED and old_status != CaseStatus.CLOSED:
        case.closed_on = timezone.localdate()
    elif status != CaseStatus.CLOSED:
        case.closed_on = None
    case.version = current.version
    _touch(case, ["summary", "status", "closing_reason", "closed_on"])
    wanted = set(reasons)
    had = set(case.reasons.values_list("reason", flat=True))
    case.reasons.filter(reason__in=had - wanted).delete()
    CaseReason.objects.bulk_create([CaseReason(case=case, reason=reason) for reason in sorted(wanted - had)])
    if old_status != status:
        title = _("Status changed to: %(status)s") % {"status": case.get_status_display()}
        if closing_reason:
            title += f" ({case.get_closing_reason_display()})"
        record_timeline(case, TimelineKind.STATUS, title, actor=actor, institution=case.institution)
    _audit(actor, case, status=status)
    return case


# --- The case team ----------------------------------------------------------------------------


def _join(case: Case, user: Any, institution: Institution, role: str, *, added_by: Any) -> CaseTeamMember:
    participation = Participation.objects.create(
        case=case, institution=institution, municipality_id=case.municipality_id, kind=ParticipationKind.CASE_TEAM
    )
    return CaseTeamMember.objects.create(
        case=case,
        user=user,
        institution=institution,
        municipality_id=case.municipality_id,
        role=role,
        participation=participation,
        added_by=added_by,
    )


def _leave(member: CaseTeamMember, moment: Any) -> None:
    """The member leaves; their institution stops taking part through the team when no other
    member of it is left."""
    member.left_at = moment
    member.save(update_fields=["left_at"])
    if member.participation_id is not None:
        Participation.objects.filter(pk=member.participation_id, ended_at__isnull=True).update(ended_at=moment)
    others = member.case.team.current().filter(institution_id=member.institution_id).exists()
    if not others:
        Participation.objects.active(moment).filter(
            case_id=member.case_id, institution_id=member.institution_id, kind=ParticipationKind.CASE_TEAM
        ).update(ended_at=moment)


@transaction.atomic
def add_team_member(actor: Any, case: Case, membership: Membership) -> CaseTeamMember:
    """A worker joins the case team (zespół zadaniowy). A worker of a partner institution joins
    only when every person of the case consented to share identity and contact with it."""
    _lock(case)
    institution = membership.institution
    if membership.revoked_at is not None or membership.role not in TEAM_ROLES or not institution.is_active:
        raise ValidationError({"member": _("This person cannot work on cases.")})
    if case.team.current().filter(user_id=membership.user_id).exists():
        raise ValidationError({"member": _("This person is already in the case team.")})
    if not may_add_partner(case, institution):
        raise ValidationError(
            {
                "member": _(
                    "%(institution)s cannot join the case team: not every person of the case has consented "
                    "to share their identity and contact with it. Record the consent first."
                )
                % {"institution": institution.name}
            }
        )
    member = _join(case, membership.user, institution, CaseTeamRole.MEMBER, added_by=actor)
    title = _("%(user)s (%(institution)s) joined the case team") % {
        "user": membership.user,
        "institution": institution.short_name or institution.name,
    }
    record_timeline(case, TimelineKind.TEAM, title, actor=actor, institution=case.institution)
    _touch(case)
    _audit(actor, case, joined=membership.user.username, institution=institution.pk)
    return member


@transaction.atomic
def remove_team_member(actor: Any, case: Case, member: CaseTeamMember) -> None:
    """A member leaves the case team; the lead worker leaves only through reassignment."""
    if member.case_id != case.pk or member.left_at is not None:
        raise ValidationError({"member": _("This person is not in the case team.")})
    if member.user_id == case.lead_worker_id:
        raise ValidationError(
            {"member": _("The lead worker cannot leave the case team; ask the manager to reassign the case first.")}
        )
    _leave(member, timezone.now())
    title = _("%(user)s left the case team") % {"user": member.user}
    record_timeline(case, TimelineKind.TEAM, title, actor=actor, institution=case.institution)
    _touch(case)
    _audit(actor, case, left=member.user.username)


# --- Handover ---------------------------------------------------------------------------------


def reassign_candidates(case: Case) -> models.QuerySet[Any]:
    """Social workers of the owning institution, who may lead the case."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            memberships__institution_id=case.institution_id,
            memberships__role=Role.SOCIAL_WORKER,
            memberships__revoked_at__isnull=True,
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@transaction.atomic
def reassign(actor: Any, case: Case, new_lead: Any) -> Case:
    """A manager of the owning institution hands the case to another of its social workers,
    who becomes lead worker and coordinator; the previous coordinator leaves the team."""
    _lock(case)
    if not any(m.institution_id == case.institution_id and m.role == Role.MANAGER for m in memberships(actor)):
        raise PermissionDenied
    if not reassign_candidates(case).filter(pk=new_lead.pk).exists():
        raise ValidationError({"lead_worker": _("Choose a social worker of the institution that owns the case.")})
    if new_lead.pk == case.lead_worker_id:
        raise ValidationError({"lead_worker": _("This person already leads the case.")})
    moment = timezone.now()
    for member in case.team.current().filter(role=CaseTeamRole.COORDINATOR).select_related("case"):
        _leave(member, moment)
    current = case.team.current().filter(user=new_lead).first()
    if current is not None:
        current.role = CaseTeamRole.COORDINATOR
        current.save(update_fields=["role"])
    else:
        _join(case, new_lead, case.institution, CaseTeamRole.COORDINATOR, added_by=actor)
    previous = case.lead_worker
    case.lead_worker = new_lead
    _touch(case, ["lead_worker"])
    title = _("The case was handed over to %(user)s") % {"user": new_lead}
    record_timeline(case, TimelineKind.HANDOVER, title, actor=actor, institution=case.institution)
    _audit(actor, case, lead_from=getattr(previous, "username", ""), lead_to=new_lead.username)
    return case


def transfer_targets(case: Case) -> models.QuerySet[Institution]:
    """Other active GOPS/PCPR a case may move to."""
    return (
        Institution.objects.filter(kind__in=CASE_OWNER_KINDS, is_active=True)
        .exclude(pk=case.institution_id)
        .order_by("name")
    )


@transaction.atomic
def request_transfer(actor: Any, case: Case, to_institution: Institution, reason: str) -> CaseTransfer:
    """Ask another GOPS/PCPR to take the case over (the family moved); it moves on acceptance."""
    if not may_transfer(actor, case):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case should move to the other institution.")})
    if not transfer_targets(case).filter(pk=to_institution.pk).exists():
        raise ValidationError({"to_institution": _("Choose another social assistance or family support centre.")})
    if case.transfers.filter(status=TransferStatus.PENDING).exists():
        raise ValidationError(_("A transfer of this case is already waiting for an answer."))
    transfer = CaseTransfer.objects.create(
        case=case,
        from_institution=case.institution,
        to_institution=to_institution,
        municipality_id=case.municipality_id,
        reason=reason.strip(),
        requested_by=actor,
    )
    title = _("Transfer to %(institution)s requested") % {"institution": to_institution.name}
    record_timeline(case, TimelineKind.HANDOVER, title, actor=actor, institution=case.institution, source=transfer)
    _audit(actor, case, transfer_to=to_institution.pk)
    _tell_receivers(transfer)
    return transfer


TRANSFER_NOTIFICATION = "case_transfer"


def _tell_receivers(transfer: CaseTransfer) -> None:
    """The receiving institution's social workers and managers learn that a case waits for
    their answer (the title names the sending institution, never a person)."""
    receivers = (
        Membership.objects.active()
        .filter(
            institution_id=transfer.to_institution_id,
            role__in=[Role.SOCIAL_WORKER, Role.MANAGER],
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user_id")
    )
    title = _("A case from %(institution)s waits for your answer") % {"institution": transfer.from_institution.name}
    for user in dict.fromkeys(membership.user for membership in receivers):
        notify(user, kind=TRANSFER_NOTIFICATION, title=title, url=reverse("cases:transfers"))


def _tell_requester(transfer: CaseTransfer) -> None:
    """Whoever asked for the transfer learns the answer."""
    answer = (
        _("%(institution)s accepted the case you handed over")
        if transfer.status == TransferStatus.ACCEPTED
        else _("%(institution)s declined the case you handed over")
    ) % {"institution": transfer.to_institution.name}
    url = reverse("cases:detail", args=[transfer.case.public_id]) if transfer.status == TransferStatus.DECLINED else ""
    notify(transfer.requested_by, kind=TRANSFER_NOTIFICATION, title=answer, url=url)


@transaction.atomic
def cancel_transfer(actor: Any, transfer: CaseTransfer) -> CaseTransfer:
    """Whoever may hand the case over may withdraw the request while it waits for its answer."""
    locked = (
        CaseTransfer.objects.select_for_update(of=("self",))
        .select_related("case", "to_institution")
        .get(pk=transfer.pk)
    )
    if not may_transfer(actor, locked.case):
        raise PermissionDenied
    if locked.status != TransferStatus.PENDING:
        raise ValidationError(
            _("This transfer has already been answered (%(status)s); nothing was changed.")
            % {"status": locked.get_status_display()}
        )
    locked.status = TransferStatus.CANCELLED
    locked.answered_by = actor
    locked.answered_at = timezone.now()
    locked.save(update_fields=["status", "answered_by", "answered_at"])
    case = locked.case
    title = _("Transfer to %(institution)s withdrawn") % {"institution": locked.to_institution.name}
    record_timeline(case, TimelineKind.HANDOVER, title, actor=actor, institution=case.institution, source=locked)
    _audit(actor, case, transfer_cancelled=locked.to_institution.pk)
    return locked


def _answerable(actor: Any, transfer: CaseTransfer) -> CaseTransfer:
    """The transfer, locked until the answer is saved, when it still waits for one from the
    actor's institution: two answers at once cannot both pass (the second sees the first)."""
    locked = (
        CaseTransfer.objects.select_for_update(of=("self",))
        .select_related("case", "case__municipality", "from_institution", "to_institution")
        .get(pk=transfer.pk)
    )
    if locked.status != TransferStatus.PENDING:
        raise ValidationError(
            _("This transfer has already been answered (%(status)s); nothing was changed.")
            % {"status": locked.get_status_display()}
        )
    if locked.to_institution not in receiving_institutions(actor):
        raise PermissionDenied
    return locked


def _move_registration(actor: Any, case: Case, old: Institution, new: Institution, moment: Any) -> list[int]:
    """The persons of the case (and its household) registered by the institution handing the
    case over are registered by the receiving one from now on: it edits them and records their
    consents, and the old institution no longer sees them through its registrations."""
    municipality = new.municipality
    moved = []
    for person in case.persons():
        if person.institution_id != old.pk:
            continue
        person.institution = new
        person.municipality = municipality or person.municipality
        person.save(update_fields=["institution", "municipality", *versioning.bump(person, moment)])
        moved.append(person.pk)
    household = case.household if case.kind == CaseKind.HOUSEHOLD else None
    if household is not None and household.institution_id == old.pk:
        household.institution = new
        household.municipality = municipality or household.municipality
        household.save(update_fields=["institution", "municipality", *versioning.bump(household, moment)])
    return moved


@transaction.atomic
def accept_transfer(actor: Any, transfer: CaseTransfer, note: str = "") -> Case:
    """The receiving institution takes the case over: it owns it from now on, the previous team
    ends, and the accepting worker leads it. The persons and household the old institution
    registered move with the case. The old institution loses access at once."""
    transfer = _answerable(actor, transfer)
    case = Case.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=transfer.case_id)
    moment = timezone.now()
    old = transfer.from_institution
    for member in case.team.current().select_related("case"):
        _leave(member, moment)
    Participation.objects.active(moment).filter(case=case, kind=ParticipationKind.CASE_TEAM).update(ended_at=moment)
    new = transfer.to_institution
    moved = _move_registration(actor, case, old, new, moment)
    case.institution = new
    case.municipality = new.municipality or case.municipality
    case.lead_worker = actor
    _touch(case, ["institution", "municipality", "lead_worker"])
    _join(case, actor, new, CaseTeamRole.COORDINATOR, added_by=actor)
    transfer.status = TransferStatus.ACCEPTED
    transfer.answered_by = actor
    transfer.answered_at = moment
    transfer.answer_note = note
    transfer.save(update_fields=["status", "answered_by", "answered_at", "answer_note"])
    title = _("The case moved from %(old)s to %(new)s") % {"old": old.name, "new": new.name}
    record_timeline(case, TimelineKind.HANDOVER, title, actor=actor, institution=new, source=transfer)
    _audit(actor, case, transfer_from=old.pk, transfer_to=new.pk, persons_moved=moved)
    _tell_requester(transfer)
    return case


@transaction.atomic
def decline_transfer(actor: Any, transfer: CaseTransfer, note: str = "") -> CaseTransfer:
    """The receiving institution declines: the case stays where it is."""
    transfer = _answerable(actor, transfer)
    transfer.status = TransferStatus.DECLINED
    transfer.answered_by = actor
    transfer.answered_at = timezone.now()
    transfer.answer_note = note
    transfer.save(update_fields=["status", "answered_by", "answered_at", "answer_note"])
    case = transfer.case
    title = _("%(institution)s declined to take the case over") % {"institution": transfer.to_institution.name}
    record_timeline(case, TimelineKind.HANDOVER, title, actor=actor, institution=case.institution, source=transfer)
    _audit(actor, case, transfer_declined=transfer.to_institution.pk)
    _tell_requester(transfer)
    return transfer


# --- Notes ------------------------------------------------------------------------------------


@transaction.atomic
def add_note(actor: Any, case: Case, institution: Institution, *, text: str, shareable: bool = False) -> Note:
    """A note of the actor's institution: internal to it unless marked shareable (then partners
    with consent for notes read it)."""
    _acting_institution(actor, institution)
    if not text.strip():
        raise ValidationError({"text": _("Write the note.")})
    note = Note.objects.create(
        case=case,
        municipality_id=case.municipality_id,
        institution=institution,
        author=actor,
        text=text.strip(),
        shareable=shareable,
    )
    title = (_("Shareable note by %(institution)s") if shareable else _("Internal note by %(institution)s")) % {
        "institution": institution.short_name or institution.name
    }
    record_timeline(
        case,
        TimelineKind.NOTE,
        title,
        actor=actor,
        institution=institution,
        category="notes" if shareable else "",
        source=note,
    )
    _audit(actor, case, note=note.public_id)
    return note
