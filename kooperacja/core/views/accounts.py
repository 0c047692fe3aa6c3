"""Accounts: sign-in with the second factor, passwords, two-factor settings, login lockouts.

Django's auth views do the password work with our templates; the second factor and the
lockout list are ours. The rule that holds a half-signed-in user at the second factor lives
in TwoFactorRequiredMiddleware, not here.
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_otp.plugins.otp_static.models import StaticDevice

from kooperacja.core import accounts
from kooperacja.core.forms.accounts import (
    PasswordConfirmForm,
    QueuedPasswordResetForm,
    SecondFactorForm,
    SignInForm,
    TotpConfirmForm,
    TwoFactorResetForm,
    UnlockForm,
)
from kooperacja.core.http import AuthenticatedHttpRequest
from kooperacja.core.models import User
from kooperacja.core.policies import role_required
from kooperacja.core.roles import Role

# Django's form views also answer PUT (as POST); the platform answers it with 405.
FORM_METHODS = ["get", "head", "post", "options"]


def _next(request: HttpRequest, default: str) -> str:
    return accounts.safe_next(request, request.POST.get("next") or request.GET.get("next"), default)


def _home() -> str:
    return resolve_url(settings.LOGIN_REDIRECT_URL)


# --- Password sign-in and sign-out --------------------------------------------


class SignInView(auth_views.LoginView):
    """Django's login (username + password, axes counting failures); then the second factor."""

    template_name = "registration/login.html"
    http_method_names = FORM_METHODS
    authentication_form = SignInForm

    def get_success_url(self) -> str:
        url = super().get_success_url()
        user = self.request.user
        if accounts.has_two_factor(user):
            return f"{reverse('two_factor_verify')}?{urlencode({'next': url})}"
        if accounts.two_factor_required(user):
            return f"{reverse('two_factor_setup')}?{urlencode({'next': url})}"
        return url


class SignOutView(auth_views.LogoutView):
    """POST only (Django 5): a link or an image cannot sign anyone out."""


# --- Passwords ----------------------------------------------------------------


class ChangePasswordView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("password_change_done")
    http_method_names = FORM_METHODS

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        accounts.password_changed(self.request, cast(User, self.request.user), how="changed")
        return response


class ChangePasswordDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_change_complete.html"


class ResetPasswordView(auth_views.PasswordResetView):
    """Asks for an e-mail address and answers the same whether it belongs to anyone or not."""

    template_name = "registration/password_reset.html"
    form_class = QueuedPasswordResetForm
    subject_template_name = "registration/password_reset_email_subject.txt"
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email_body.html"
    success_url = reverse_lazy("password_reset_done")
    http_method_names = FORM_METHODS

    def form_valid(self, form: Any) -> HttpResponse:
        # Links are built from SITE_URL, never from the Host header a stranger sent.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


class ResetPasswordDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_sent.html"


class ResetPasswordConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_new_password.html"
    success_url = reverse_lazy("password_reset_complete")
    http_method_names = FORM_METHODS

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # Django's dispatch answers a bad link before looking at the method: check it first.
        if (request.method or "").lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        accounts.password_changed(self.request, form.user, how="reset")
        return response


class ResetPasswordCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_finished.html"


# --- Two-factor sign-in -------------------------------------------------------


def _overview(
    request: AuthenticatedHttpRequest, disable_form: PasswordConfirmForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    context = {
        "enabled": accounts.totp_device(user) is not None,
        "has_factor": accounts.has_two_factor(user),
        "codes_left": accounts.recovery_codes_left(user),
        "required": accounts.two_factor_required(user),
        "disable_form": disable_form or PasswordConfirmForm(user),
    }
    return render(request, "core/accounts/two_factor.html", context, status=status)


@require_safe
@login_required
def two_factor(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _overview(request)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def two_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    next_url = _next(request, reverse("two_factor"))
    # With the app already on, this page moves it to a new phone: the old one keeps working
    # until a code from the new one confirms it (the middleware has seen this session verified).
    device = accounts.pending_totp_device(user)
    form = TotpConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        codes = accounts.confirm_totp_device(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(
                request, "core/accounts/recovery_codes.html", {"codes": codes, "next": next_url, "first_time": True}
            )
        form.add_error(
            "code",
            _("This code is not correct. Check that the time on your phone is right and enter the code shown now."),
        )
    context = {
        "form": form,
        "qr_svg": accounts.qr_svg(accounts.totp_config_url(device), _("QR code to scan with the authenticator app")),
        "secret": accounts.base32_secret(device),
        "next": next_url,
        "required": accounts.two_factor_required(user),
        "replacing": accounts.totp_device(user) is not None,
    }
    return render(request, "core/accounts/two_factor_setup.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def two_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    next_url = _next(request, _home())
    if user.is_verified() or not accounts.has_two_factor(user):  # type: ignore[attr-defined]
        return redirect(next_url)
    form = SecondFactorForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        result = accounts.verify_second_factor(request, form.cleaned_data["code"])
        if result.device is not None:
            if isinstance(result.device, StaticDevice):
                _warn_recovery_code_used(request, user)
            return redirect(next_url)
        if result.retry_at is not None:
            form.add_error("code", _("Too many wrong codes in a row. Wait a moment and try again."))
        else:
            form.add_error("code", _("This code is not correct, or it has already been used."))
    return render(request, "core/accounts/two_factor_verify.html", {"form": form, "next": next_url})


def _warn_recovery_code_used(request: HttpRequest, user: User) -> None:
    left = accounts.recovery_codes_left(user)
    messages.warning(
        request,
        _(
            "You signed in with a recovery code; it cannot be used again. Recovery codes left: %(left)d. "
            "If your phone is lost, set up the app on a new phone on the page “Two-factor sign-in”."
        )
        % {"left": left},
    )


@never_cache
@require_POST
@login_required
def two_factor_recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    if accounts.totp_device(request.user) is None:
        messages.error(request, _("Turn two-factor sign-in on first; recovery codes come with it."))
        return redirect("two_factor")
    codes = accounts.regenerate_recovery_codes(request)
    return render(
        request,
        "core/accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("two_factor"), "first_time": False},
    )


@require_POST
@login_required
def two_factor_disable(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not accounts.has_two_factor(user):
        messages.info(request, _("Two-factor sign-in is already off."))
        return redirect("two_factor")
    if accounts.two_factor_required(user):
        messages.error(
            request,
            _("Two-factor sign-in cannot be turned off: your role gives access to personal data, so it is required."),
        )
        return _overview(request, status=403)
    form = PasswordConfirmForm(user, request.POST)
    if not form.is_valid():
        return _overview(request, disable_form=form)
    accounts.disable_two_factor(request)
    messages.success(request, _("Two-factor sign-in is off. Your recovery codes no longer work."))
    return redirect("two_factor")


# --- Login lockouts -----------------------------------------------------------


def _lockouts_page(
    request: HttpRequest, *, reset_form: TwoFactorResetForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "lockouts": accounts.current_lockouts(),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "reset_form": reset_form or TwoFactorResetForm(),
    }
    return render(request, "core/accounts/lockouts.html", context, status=status)


@require_POST
@role_required(Role.ADMIN)
def two_factor_reset(request: HttpRequest) -> HttpResponse:
    form = TwoFactorResetForm(request.POST)
    if not form.is_valid():
        return _lockouts_page(request, reset_form=form, status=400)
    user = form.cleaned_data["username"]
    if accounts.reset_two_factor(request, user):
        messages.success(
            request,
            _("Two-factor sign-in of %(username)s was removed; they set it up again at their next sign-in.")
            % {"username": user.username},
        )
    else:
        messages.info(
            request, _("%(username)s had no two-factor sign-in; nothing was changed.") % {"username": user.username}
        )
    return redirect("lockouts")


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.ADMIN)
def lockouts(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = UnlockForm(request.POST)
        if not form.is_valid():
            # Only a crafted request lacks the row's own fields; say so rather than guess.
            messages.error(request, _("The unlock request was incomplete; nothing was changed."))
            return _lockouts_page(request, status=400)
        if accounts.unlock_login(
            request, username=form.cleaned_data["username"], ip_address=form.cleaned_data["ip_address"] or ""
        ):
            messages.success(
                request,
                _("Sign-in for %(username)s is unlocked.") % {"username": form.cleaned_data["username"] or "—"},
            )
        else:
            messages.error(request, _("This lockout has already ended or was lifted; nothing was changed."))
        return redirect("lockouts")
    return _lockouts_page(request)
