"""Accounts, mounted at /accounts/. URL names are global (settings.LOGIN_URL = "login")."""

from __future__ import annotations

from django.urls import path

from kooperacja.core.views import accounts

urlpatterns = [
    path("login/", accounts.SignInView.as_view(), name="login"),
    path("logout/", accounts.SignOutView.as_view(), name="logout"),
    path("password/change/", accounts.ChangePasswordView.as_view(), name="password_change"),
    path("password/change/done/", accounts.ChangePasswordDoneView.as_view(), name="password_change_done"),
    path("password/reset/", accounts.ResetPasswordView.as_view(), name="password_reset"),
    path("password/reset/sent/", accounts.ResetPasswordDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        accounts.ResetPasswordConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/reset/done/", accounts.ResetPasswordCompleteView.as_view(), name="password_reset_complete"),
    path("two-factor/", accounts.two_factor, name="two_factor"),
    path("two-factor/setup/", accounts.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", accounts.two_factor_verify, name="two_factor_verify"),
    path("two-factor/recovery-codes/", accounts.two_factor_recovery_codes, name="two_factor_recovery_codes"),
    path("two-factor/disable/", accounts.two_factor_disable, name="two_factor_disable"),
    path("lockouts/", accounts.lockouts, name="lockouts"),
    path("two-factor/reset/", accounts.two_factor_reset, name="two_factor_reset"),
]
