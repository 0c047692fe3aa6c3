"""Institution pages: the list, an institution's data, its staff and the invitation link."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kooperacja.core.policies import forget_memberships, role_required
from kooperacja.core.roles import Role
from kooperacja.institutions import services
from kooperacja.institutions.forms import (
    InstitutionFilterForm,
    InstitutionForm,
    InviteForm,
    NewAccountForm,
    RoleChangeForm,
    suggested_username,
)
from kooperacja.institutions.models import Institution, Invitation, InvitationStatus, Membership
from kooperacja.institutions.policies import (
    can_list_institutions,
    can_manage_institutions,
    can_manage_membership,
    can_manage_staff,
    get_institution_for_edit,
    get_institution_for_staff_management,
    get_institution_for_user,
    grantable_roles,
    institutions_for_list,
)

PAGE_SIZE = 50


@require_safe
@login_required
def institution_list(request: HttpRequest) -> HttpResponse:
    if not can_list_institutions(request.user):
        raise PermissionDenied
    form = InstitutionFilterForm(request.GET or None)
    institutions = institutions_for_list(request.user)
    status = 200
    if form.is_bound:
        if form.is_valid():
            institutions = form.filter(institutions)
        else:
            institutions = institutions.none()
            status = 400
    page = Paginator(institutions, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    return render(
        request,
        "institutions/list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "is_admin": can_manage_institutions(request.user),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.ADMIN)
def institution_create(request: HttpRequest) -> HttpResponse:
    form = InstitutionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                institution = services.create_institution(
                    request.user, form.institution_fields(), form.cleaned_data["serves"], request=request
                )
            except ValidationError as refusal:
                # Someone saved the same institution between the form's check and ours.
                form.add_error(None, refusal)
            else:
                messages.success(request, _("The institution was added."))
                return redirect("institutions:detail", public_id=institution.public_id)
        return render(request, "institutions/form.html", {"form": form}, status=400)
    return render(request, "institutions/form.html", {"form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def institution_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    institution = get_institution_for_edit(request.user, public_id)
    if request.method != "POST":
        form = InstitutionForm(instance=institution)
        return render(request, "institutions/form.html", {"form": form, "institution": institution})
    form = InstitutionForm(request.POST, instance=institution)
    if form.is_valid():
        try:
            services.update_institution(
                request.user,
                institution,
                form.institution_fields(),
                version=form.cleaned_data["version"] or 0,
                serves=form.cleaned_data["serves"],
                request=request,
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
            status = 409 if isinstance(refusal, services.StaleVersion) else 400
            return render(request, "institutions/form.html", {"form": form, "institution": institution}, status=status)
        messages.success(request, _("The changes were saved."))
        return redirect("institutions:detail", public_id=institution.public_id)
    return render(request, "institutions/form.html", {"form": form, "institution": institution}, status=400)


@require_safe
@login_required
def institution_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    institution, may_manage_staff = get_institution_for_user(request.user, public_id)
    return render(
        request,
        "institutions/detail.html",
        {
            "institution": institution,
            "served": institution.serves.all(),
            "may_manage_staff": may_manage_staff,
            "may_edit": can_manage_institutions(request.user),
            "staff_count": institution.memberships.active().count(),
        },
    )


def _staff_page(
    request: HttpRequest,
    institution: Institution,
    *,
    invite_form: InviteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    staff = [
        (membership, can_manage_membership(request.user, membership))
        for membership in institution.memberships.active().for_list()
    ]
    invitations = Invitation.objects.for_staff_page(institution)
    return render(
        request,
        "institutions/staff.html",
        {
            "institution": institution,
            "staff": staff,
            "invitations": invitations,
            "invite_form": invite_form or InviteForm(roles=grantable_roles(request.user, institution)),
            "now": timezone.now(),
        },
        status=status,
    )


@require_safe
@login_required
def staff(request: HttpRequest, public_id: UUID) -> HttpResponse:
    institution = get_institution_for_staff_management(request.user, public_id)
    return _staff_page(request, institution)


@require_POST
@login_required
def invite(request: HttpRequest, public_id: UUID) -> HttpResponse:
    institution = get_institution_for_staff_management(request.user, public_id)
    form = InviteForm(request.POST, roles=grantable_roles(request.user, institution))
    if form.is_valid():
        try:
            services.invite_staff(
                request.user, institution, form.cleaned_data["email"], form.cleaned_data["role"], request=request
            )
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(
                request,
                ngettext(
                    "An invitation was sent to %(email)s. The link is valid for %(days)d day.",
                    "An invitation was sent to %(email)s. The link is valid for %(days)d days.",
                    settings.INVITATION_DAYS,
                )
                % {"email": form.cleaned_data["email"], "days": settings.INVITATION_DAYS},
            )
            return redirect("institutions:staff", public_id=institution.public_id)
    return _staff_page(request, institution, invite_form=form, status=400)


def _membership_for_change(request: HttpRequest, public_id: UUID, membership_id: UUID) -> Membership:
    """An active membership of an institution whose staff the user manages (404 outside it, 403
    for a member who is not its manager); a platform-wide role a manager may not touch is 403."""
    institution = get_institution_for_staff_management(request.user, public_id)
    membership = get_object_or_404(
        Membership.objects.active().for_staff_change(),
        institution=institution,
        public_id=membership_id,
    )
    return membership


def _locked(request: HttpRequest, membership: Membership) -> HttpResponse | None:
    """The answer for a membership whose role only the platform administrator changes or ends."""
    if can_manage_membership(request.user, membership):
        return None
    return render(request, "institutions/membership_locked.html", {"membership": membership}, status=403)


def _role_page(
    request: HttpRequest, membership: Membership, form: RoleChangeForm | None = None, *, status: int = 200
) -> HttpResponse:
    roles = grantable_roles(request.user, membership.institution)
    form = form or RoleChangeForm(roles=roles, initial={"role": membership.role})
    return render(
        request,
        "institutions/choose_role.html",
        {"institution": membership.institution, "membership": membership, "form": form},
        status=status,
    )


@require_safe
@login_required
def choose_role(request: HttpRequest, public_id: UUID, membership_id: UUID) -> HttpResponse:
    """The page where a manager picks a member of staff's new role (posted to change_role)."""
    membership = _membership_for_change(request, public_id, membership_id)
    return _locked(request, membership) or _role_page(request, membership)


@require_POST
@login_required
def change_role(request: HttpRequest, public_id: UUID, membership_id: UUID) -> HttpResponse:
    membership = _membership_for_change(request, public_id, membership_id)
    institution = membership.institution
    roles = grantable_roles(request.user, institution)
    form = RoleChangeForm(request.POST, roles=roles)
    if locked := _locked(request, membership):
        return locked
    if not form.is_valid():
        return _role_page(request, membership, form, status=400)
    try:
        services.change_role(request.user, membership, form.cleaned_data["role"], request=request)
    except ValidationError as refusal:
        form.add_error(None, refusal)
        return _role_page(request, membership, form, status=400)
    messages.success(
        request,
        _("%(person)s now has the role: %(role)s.")
        % {"person": membership.user, "role": dict(roles)[form.cleaned_data["role"]]},
    )
    return _after_staff_change(request, institution)


def _revoke_page(
    request: HttpRequest, membership: Membership, refusal: ValidationError | None = None, *, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "institutions/confirm_revoke.html",
        {
            "institution": membership.institution,
            "membership": membership,
            "own": membership.user_id == request.user.pk,
            "refusal": refusal,
        },
        status=status,
    )


@require_safe
@login_required
def confirm_revoke(request: HttpRequest, public_id: UUID, membership_id: UUID) -> HttpResponse:
    """Who will lose which role, and the button that ends it (posted to revoke)."""
    membership = _membership_for_change(request, public_id, membership_id)
    return _locked(request, membership) or _revoke_page(request, membership)


@require_POST
@login_required
def revoke(request: HttpRequest, public_id: UUID, membership_id: UUID) -> HttpResponse:
    membership = _membership_for_change(request, public_id, membership_id)
    if locked := _locked(request, membership):
        return locked
    try:
        services.revoke_membership(request.user, membership, request=request)
    except ValidationError as refusal:
        return _revoke_page(request, membership, refusal, status=400)
    messages.success(
        request,
        _("%(person)s no longer has the role %(role)s here.")
        % {"person": membership.user, "role": membership.get_role_display()},
    )
    return _after_staff_change(request, membership.institution)


def _after_staff_change(request: HttpRequest, institution: Institution) -> HttpResponse:
    """Back to the staff page, unless the user has just given up managing this institution."""
    forget_memberships(request.user)
    if can_manage_staff(request.user, institution):
        return redirect("institutions:staff", public_id=institution.public_id)
    return redirect("core:home")


@require_POST
@login_required
def cancel_invitation(request: HttpRequest, public_id: UUID, invitation_id: UUID) -> HttpResponse:
    institution = get_institution_for_staff_management(request.user, public_id)
    invitation = get_object_or_404(
        Invitation.objects.select_related("institution__municipality"), institution=institution, public_id=invitation_id
    )
    try:
        services.cancel_invitation(request.user, invitation, request=request)
    except ValidationError as refusal:
        for message in refusal.messages:
            messages.error(request, message)
        return _staff_page(request, institution, status=400)
    messages.success(request, _("The invitation for %(email)s was cancelled.") % {"email": invitation.email})
    return redirect("institutions:staff", public_id=institution.public_id)


# --- Accepting an invitation ------------------------------------------------------------------


# The invitation's token, once its link is opened: later pages carry no secret in their
# address, so it stays out of access logs, browser history and Referer headers.
INVITATION_SESSION_KEY = "_invitation_token"


def _invitation_gone(request: HttpRequest, status: InvitationStatus | None, *, link_lost: bool = False) -> HttpResponse:
    return render(
        request,
        "institutions/invitation_unusable.html",
        {"status": status, "link_lost": link_lost},
        status=404 if status is None else 410,
    )


@require_safe
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the e-mail: keep its token in the session and go on to an address without it.

    Django's password reset does the same with its INTERNAL_RESET_SESSION_TOKEN.
    """
    try:
        services.find_invitation(token)
    except services.InvitationNotFound:
        return _invitation_gone(request, None)
    except services.InvitationGone as gone:
        return _invitation_gone(request, gone.status)
    request.session[INVITATION_SESSION_KEY] = token
    return redirect("institutions:current_invitation")


@require_http_methods(["GET", "HEAD", "POST"])
def current_invitation(request: HttpRequest) -> HttpResponse:
    """The invitation whose link this browser opened: accept it, signed in or with a new account."""
    token = request.session.get(INVITATION_SESSION_KEY)
    if not token:
        return _invitation_gone(request, None, link_lost=True)
    try:
        invitation = services.find_invitation(token)
    except services.InvitationNotFound:
        del request.session[INVITATION_SESSION_KEY]
        return _invitation_gone(request, None)
    except services.InvitationGone as gone:
        del request.session[INVITATION_SESSION_KEY]
        return _invitation_gone(request, gone.status)
    context: dict[str, Any] = {"invitation": invitation}
    if request.user.is_authenticated:
        return _accept_as_signed_in(request, invitation, context)
    return _accept_as_new_user(request, invitation, context)


def _accept_as_signed_in(request: HttpRequest, invitation: Invitation, context: dict[str, Any]) -> HttpResponse:
    user: Any = request.user
    if (user.email or "").lower() != invitation.email.lower():
        return render(request, "institutions/invitation_accept.html", {**context, "wrong_account": True}, status=403)
    if request.method == "POST":
        try:
            services.accept_invitation(invitation, user, request=request)
        except services.InvitationGone as gone:
            return _invitation_gone(request, gone.status)
        except ValidationError as refusal:
            return render(request, "institutions/invitation_accept.html", {**context, "refusal": refusal}, status=409)
        request.session.pop(INVITATION_SESSION_KEY, None)
        messages.success(
            request,
            _("You have joined %(institution)s as: %(role)s.")
            % {"institution": invitation.institution, "role": invitation.get_role_display()},
        )
        return redirect("institutions:detail", public_id=invitation.institution.public_id)
    return render(request, "institutions/invitation_accept.html", {**context, "confirm": True})


def _has_account_page(request: HttpRequest, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    # Signing in keeps the session, so the person comes back to this invitation.
    sign_in_url = reverse("login") + "?" + urlencode({"next": reverse("institutions:current_invitation")})
    return render(
        request,
        "institutions/invitation_accept.html",
        {**context, "has_account": True, "sign_in_url": sign_in_url},
        status=status,
    )


def _accept_as_new_user(request: HttpRequest, invitation: Invitation, context: dict[str, Any]) -> HttpResponse:
    if services.invited_address_has_account(invitation):
        return _has_account_page(request, context)
    if request.method != "POST":
        form = NewAccountForm(email=invitation.email, initial={"username": suggested_username(invitation.email)})
        return render(request, "institutions/invitation_accept.html", {**context, "form": form})
    form = NewAccountForm(request.POST, email=invitation.email)
    if not form.is_valid():
        return render(request, "institutions/invitation_accept.html", {**context, "form": form}, status=400)
    try:
        user = services.accept_invitation_as_new_user(
            invitation,
            username=form.cleaned_data["username"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            password=form.cleaned_data["password1"],
            request=request,
        )
    except services.InvitationGone as gone:
        return _invitation_gone(request, gone.status)
    except services.AccountExists:
        return _has_account_page(request, context, status=409)
    except ValidationError as refusal:
        form.add_error(None, refusal)
        return render(request, "institutions/invitation_accept.html", {**context, "form": form}, status=400)
    request.session.pop(INVITATION_SESSION_KEY, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(
        request,
        _("Welcome! Your account is ready and you have joined %(institution)s as: %(role)s.")
        % {"institution": invitation.institution, "role": invitation.get_role_display()},
    )
    return redirect("core:home")
