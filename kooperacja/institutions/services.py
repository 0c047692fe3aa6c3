"""Every change of institutions, their served gminas, staff memberships and invitations.

Permission rules are checked here as well as in the views, so the API and commands that call
these functions cannot skip them. Every membership change (invite, accept, role change,
revocation) writes a permission-change audit event.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any, NoReturn

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from kooperacja.core import versioning
from kooperacja.core.audit import record
from kooperacja.core.email import absolute_url, send_templated_email
from kooperacja.core.models import AuditAction
from kooperacja.core.policies import forget_memberships, is_platform_admin
from kooperacja.core.roles import Role
from kooperacja.institutions.models import (
    EDITABLE_FIELDS,
    Institution,
    Invitation,
    InvitationStatus,
    Membership,
    kind_roles,
)
from kooperacja.institutions.policies import (
    can_manage_institutions,
    can_manage_membership,
    can_manage_staff,
    grantable_roles,
)
from kooperacja.territory.models import Municipality

INVITATION_LANGUAGE = "pl"


class StaleVersion(versioning.StaleVersion):
    """Someone saved the institution after the editor opened it: the edit would overwrite theirs."""

    default_message = _(
        "Someone else saved changes to this institution after you opened the form. Nothing "
        "was saved: open the institution again to see the current data, then repeat your changes."
    )
    default_code = "stale_version"


class AccountExists(ValidationError):
    """The invited address already has an account: the person accepts signed in to it."""

    def __init__(self) -> None:
        super().__init__(
            _("An account with this e-mail address already exists. Sign in to it to accept the invitation."),
            code="account_exists",
        )


class InvitationNotFound(Exception):
    """No invitation has this token."""


class InvitationGone(Exception):
    """The invitation exists but can no longer be used: expired, accepted or cancelled."""

    def __init__(self, invitation: Invitation) -> None:
        self.invitation = invitation
        self.status = invitation.status
        super().__init__(self.status)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _audit_membership(
    event: str,
    *,
    actor: Any,
    obj: Membership | Invitation,
    request: HttpRequest | None,
    details: dict[str, Any],
) -> None:
    institution = obj.institution
    record(
        AuditAction.PERMISSION_CHANGE,
        request=request,
        actor=actor,
        obj=obj,
        institution_id=institution.pk,
        municipality_code=institution.municipality.code if institution.municipality else "",
        details={"event": event, **details},
    )


# --- Institutions -------------------------------------------------------------------------


def _checked_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not fields of an institution that may be set: {sorted(unknown)}")
    return dict(fields)


def _refuse_duplicate(institution: Institution) -> NoReturn:
    """The database refused a save the checks had passed: the same institution (name in its
    territory, or REGON) was saved by someone else a moment ago. Say so as the checks would."""
    validate_institution(institution)
    raise ValidationError(_("This institution is already on the platform."), code="duplicate_institution")


def validate_institution(institution: Institution) -> None:
    """Every rule of an institution's data, or ValidationError naming the fields (Polish messages).

    The field rules (required, lengths, choices) and Institution.clean(): the kind's sector and
    the territory (gmina in its county, county in its voivodeship, a GOPS with its gmina, a
    PCPR or PUP with its county). The form runs the same checks; callers of the services
    that skip the form are held to them here.
    """
    institution.full_clean()


def create_institution(
    actor: Any,
    fields: Mapping[str, Any],
    serves: Iterable[Municipality] | None = None,
    *,
    request: HttpRequest | None = None,
) -> Institution:
    """Register an institution taking part in the model; only a platform administrator may.

    Bad data raises ValidationError and nothing is saved.
    """
    if not can_manage_institutions(actor):
        raise PermissionDenied
    institution = Institution(**_checked_fields(fields))
    validate_institution(institution)
    try:
        with transaction.atomic():
            institution.save()
            if serves is not None:
                institution.serves.set(serves)
            record(AuditAction.CREATE, request=request, actor=actor, obj=institution, institution_id=institution.pk)
    except IntegrityError:
        _refuse_duplicate(institution)
    return institution


def update_institution(
    actor: Any,
    institution: Institution,
    fields: Mapping[str, Any],
    *,
    version: int,
    serves: Iterable[Municipality] | None = None,
    request: HttpRequest | None = None,
) -> Institution:
    """Save an edit made on `version` of the institution; if anyone saved since, refuse (StaleVersion).

    Concurrent edits are detected, never silently overwritten (DESIGN.md §6): the row is
    updated only while its version is still the one the editor saw. The edited institution
    must pass validate_institution; otherwise ValidationError and nothing is saved.
    """
    if not can_manage_institutions(actor):
        raise PermissionDenied
    values = _checked_fields(fields)
    try:
        with transaction.atomic():
            # The edit is checked on the row as saved, not on the caller's copy, which may be older.
            edited = Institution.objects.filter(pk=institution.pk, version=version).first()
            if edited is None:
                raise StaleVersion()
            for name, value in values.items():
                setattr(edited, name, value)
            validate_institution(edited)
            saved = {
                field.attname: getattr(edited, field.attname)
                for field in Institution._meta.concrete_fields
                if field.name in EDITABLE_FIELDS
            }
            updated = Institution.objects.filter(pk=institution.pk, version=version).update(
                **saved, **versioning.bumped(Institution)
            )
            if not updated:
                raise StaleVersion()
            if serves is not None:
                institution.serves.set(serves)
            institution.refresh_from_db()
            record(
                AuditAction.UPDATE,
                request=request,
                actor=actor,
                obj=institution,
                institution_id=institution.pk,
                details={"fields": sorted(values), "version": institution.version},
            )
    except IntegrityError:
        if edited is None:
            raise
        _refuse_duplicate(edited)
    return institution


# --- Staff: invitations ---------------------------------------------------------------------


def _require_staff_manager(actor: Any, institution: Institution) -> None:
    if not can_manage_staff(actor, institution):
        raise PermissionDenied


def _require_grantable(actor: Any, institution: Institution, role: str) -> None:
    """The role must be one of the institution's kind, and not a platform-wide one given by a non-administrator."""
    if role in dict(grantable_roles(actor, institution)):
        return
    if role in kind_roles(institution.kind):
        # A role of this kind that only the platform administrator gives (regional analyst, administrator).
        raise PermissionDenied
    raise ValidationError(
        _("Staff of this kind of institution (%(kind)s) cannot have this role. Choose one of: %(roles)s.")
        % {
            "kind": institution.get_kind_display(),
            "roles": ", ".join(label for _value, label in grantable_roles(actor, institution)),
        },
        code="role_not_of_kind",
    )


def _require_manageable(actor: Any, membership: Membership) -> None:
    """Platform-wide roles (administrator, regional analyst) are changed by administrators only."""
    if not can_manage_membership(actor, membership):
        raise PermissionDenied


def _active_membership_exists(institution: Institution, role: str, **user_lookup: Any) -> bool:
    lookup = {f"user__{key}": value for key, value in user_lookup.items()}
    return Membership.objects.active().filter(institution=institution, role=role, **lookup).exists()


def invite_staff(
    actor: Any, institution: Institution, email: str, role: str, *, request: HttpRequest | None = None
) -> tuple[Invitation, str]:
    """Send a one-time invitation link to join the institution's staff in a role.

    Only a SHA-256 hash of the link's token is kept; the link expires after
    settings.INVITATION_DAYS. Returns the invitation and the token (for the e-mail only).
    """
    _require_staff_manager(actor, institution)
    _require_grantable(actor, institution, role)
    email = email.strip()
    if _active_membership_exists(institution, role, email__iexact=email):
        raise ValidationError(
            _("A person with this e-mail address already works here in this role."), code="duplicate_membership"
        )
    if Invitation.objects.pending().filter(institution=institution, role=role, email__iexact=email).exists():
        raise ValidationError(
            _(
                "An invitation to this address for this role is already waiting. Cancel it first if "
                "you want to send a new one."
            ),
            code="duplicate_invitation",
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            token_hash=hash_token(token),
            email=email,
            institution=institution,
            role=role,
            invited_by=actor,
            created_at=now,
            expires_at=now + timedelta(days=settings.INVITATION_DAYS),
        )
        _audit_membership("invite", actor=actor, obj=invitation, request=request, details={"role": role})
        _send_invitation(invitation, token)
    return invitation, token


def _send_invitation(invitation: Invitation, token: str) -> None:
    with translation.override(INVITATION_LANGUAGE):
        context = {
            "institution": invitation.institution.name,
            "role": str(invitation.get_role_display()),
            "invited_by": str(invitation.invited_by),
            "link": absolute_url(reverse("institutions:accept_invitation", args=[token])),
            "expires": formats.date_format(timezone.localtime(invitation.expires_at), "DATETIME_FORMAT"),
        }
    send_templated_email([invitation.email], "invitation", context, language=INVITATION_LANGUAGE)


def cancel_invitation(actor: Any, invitation: Invitation, *, request: HttpRequest | None = None) -> None:
    """Withdraw an invitation that has not been accepted; its link stops working."""
    _require_staff_manager(actor, invitation.institution)
    cancelled = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, cancelled_at__isnull=True).update(
        cancelled_at=timezone.now()
    )
    if not cancelled:
        raise ValidationError(_("This invitation was already accepted or cancelled."), code="invitation_closed")
    invitation.refresh_from_db()
    _audit_membership("cancel_invitation", actor=actor, obj=invitation, request=request, details={})


def find_invitation(token: str) -> Invitation:
    """The usable invitation with this token; InvitationNotFound or InvitationGone otherwise."""
    invitation = (
        Invitation.objects.select_related("institution__municipality", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise InvitationNotFound
    if invitation.status is not InvitationStatus.PENDING:
        raise InvitationGone(invitation)
    return invitation


def _accept(invitation: Invitation, user: Any, request: HttpRequest | None) -> Membership:
    """Use the invitation once, for `user`; the caller holds a transaction."""
    if _active_membership_exists(invitation.institution, invitation.role, pk=user.pk):
        raise ValidationError(
            _("You already work in this institution in this role: the invitation is not needed."),
            code="duplicate_membership",
        )
    used = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now()
    ).update(accepted_at=timezone.now(), accepted_by=user)
    if not used:
        invitation.refresh_from_db()
        raise InvitationGone(invitation)
    membership = Membership.objects.create(user=user, institution=invitation.institution, role=invitation.role)
    forget_memberships(user)
    _audit_membership(
        "accept",
        actor=user,
        obj=membership,
        request=request,
        details={"role": invitation.role, "invitation": str(invitation.public_id)},
    )
    return membership


def accept_invitation(invitation: Invitation, user: Any, *, request: HttpRequest | None = None) -> Membership:
    """A signed-in user joins the staff through an invitation sent to their own e-mail address."""
    if not user.email or user.email.lower() != invitation.email.lower():
        raise PermissionDenied
    with transaction.atomic():
        return _accept(invitation, user, request)


def invited_address_has_account(invitation: Invitation) -> bool:
    """Someone already signs in with the invited address: they accept signed in, with no second account."""
    return get_user_model().objects.filter(email__iexact=invitation.email).exists()


def accept_invitation_as_new_user(
    invitation: Invitation,
    *,
    username: str,
    first_name: str,
    last_name: str,
    password: str,
    request: HttpRequest | None = None,
) -> Any:
    """Create the invited person's account (with the invitation's e-mail) and their membership.

    One person, one account: if the invited address already has an account, AccountExists
    (a ValidationError) and the person accepts signed in to it. A username taken meanwhile
    by someone else is a ValidationError on "username", not a server error.
    """
    user_model = get_user_model()
    try:
        with transaction.atomic():
            if invited_address_has_account(invitation):
                raise AccountExists()
            user = user_model.objects.create_user(
                username=username,
                email=invitation.email,
                password=password,
                first_name=first_name,
                last_name=last_name,
            )
            _accept(invitation, user, request)
    except IntegrityError:
        # Two people choosing the same username at once: the form's check passed for both.
        raise ValidationError(
            {"username": ValidationError(_("This username was taken a moment ago: choose another."), code="taken")}
        ) from None
    return user


# --- Staff: memberships ---------------------------------------------------------------------


def _refuse_leaving_without_manager(actor: Any, membership: Membership) -> None:
    """A manager may not drop their own manager role while no other manager remains."""
    if membership.user_id != actor.pk or membership.role != Role.MANAGER or is_platform_admin(actor):
        return
    others = (
        Membership.objects.active()
        .filter(institution_id=membership.institution_id, role=Role.MANAGER)
        .exclude(pk=membership.pk)
    )
    if not others.exists():
        raise ValidationError(
            _(
                "You are the only manager of this institution. If you gave up this role, no one could "
                "invite staff or change their roles here. Make someone else a manager first."
            ),
            code="last_manager",
        )


def change_role(actor: Any, membership: Membership, role: str, *, request: HttpRequest | None = None) -> Membership:
    """Give a member of staff another role: the old membership ends, a new one starts (history kept)."""
    _require_staff_manager(actor, membership.institution)
    _require_manageable(actor, membership)
    _require_grantable(actor, membership.institution, role)
    if membership.revoked_at is not None:
        raise ValidationError(_("This membership has already ended."), code="membership_revoked")
    if membership.role == role:
        raise ValidationError(_("This person already has this role."), code="same_role")
    if _active_membership_exists(membership.institution, role, pk=membership.user_id):
        raise ValidationError(
            _("This person already has this role in the institution as well."), code="duplicate_membership"
        )
    _refuse_leaving_without_manager(actor, membership)
    now = timezone.now()
    try:
        with transaction.atomic():
            ended = Membership.objects.filter(pk=membership.pk, revoked_at__isnull=True).update(revoked_at=now)
            if not ended:
                raise ValidationError(_("This membership has already ended."), code="membership_revoked")
            new = Membership.objects.create(
                user_id=membership.user_id, institution=membership.institution, role=role, created_at=now
            )
            _audit_membership(
                "change_role",
                actor=actor,
                obj=new,
                request=request,
                details={"from": membership.role, "to": role, "user": str(membership.user.public_id)},
            )
    except IntegrityError:
        # Two managers changing the same person at once: the database keeps one active role.
        raise ValidationError(
            _("This person already has this role in the institution as well."), code="duplicate_membership"
        ) from None
    forget_memberships(membership.user)
    return new


def revoke_membership(actor: Any, membership: Membership, *, request: HttpRequest | None = None) -> None:
    """End a member of staff's role in the institution; their rights from it stop at once."""
    _require_staff_manager(actor, membership.institution)
    _require_manageable(actor, membership)
    if membership.revoked_at is not None:
        raise ValidationError(_("This membership has already ended."), code="membership_revoked")
    _refuse_leaving_without_manager(actor, membership)
    with transaction.atomic():
        ended = Membership.objects.filter(pk=membership.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if not ended:
            raise ValidationError(_("This membership has already ended."), code="membership_revoked")
        membership.refresh_from_db()
        _audit_membership(
            "revoke",
            actor=actor,
            obj=membership,
            request=request,
            details={"role": membership.role, "user": str(membership.user.public_id)},
        )
    forget_memberships(membership.user)
