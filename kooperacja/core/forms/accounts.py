"""Forms of the accounts area: second-factor codes, password confirmation, lockouts, reset e-mail."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kooperacja.core import accounts


def _code_widget() -> forms.TextInput:
    # one-time-code lets phones offer the code from an SMS or the app; numeric keyboards on mobile.
    return forms.TextInput(
        attrs={
            "autocomplete": "one-time-code",
            "autocapitalize": "none",
            "spellcheck": "false",
            "autofocus": True,
        }
    )


class TotpConfirmForm(forms.Form):
    """The first code from the authenticator app, which proves it was set up right."""

    code = forms.CharField(
        label=_("6-digit code from the app"),
        max_length=12,
        widget=_code_widget(),
        help_text=_("Enter the code the app shows now. It changes every 30 seconds."),
        error_messages={"required": _("Enter the 6-digit code from the app.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["inputmode"] = "numeric"

    def clean_code(self) -> str:
        code = accounts.normalize_code(self.cleaned_data["code"])
        if not accounts.TOTP_CODE.match(code):
            raise forms.ValidationError(_("The code has 6 digits. Enter it without letters."), code="format")
        return code


class SecondFactorForm(forms.Form):
    """The second step of the sign-in: a code from the app or one recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=_code_widget(),
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        error_messages={"required": _("Enter the code from the app or a recovery code.")},
    )

    def clean_code(self) -> str:
        code = accounts.normalize_code(self.cleaned_data["code"])
        if not (accounts.TOTP_CODE.match(code) or accounts.RECOVERY_CODE.match(code)):
            raise forms.ValidationError(
                _("Enter the 6 digits from the app, or a recovery code of 8 letters and digits."),
                code="format",
            )
        return code


class PasswordConfirmForm(forms.Form):
    """Asks for the current password before a change that weakens the account's protection."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Enter your password to confirm.")},
    )

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="password_incorrect")
        return password


class SignInForm(AuthenticationForm):
    """Django's sign-in form with a plain message: its own names the fields in the wrong case."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The user name or the password is wrong. Both are case-sensitive."),
    }


class UnlockForm(forms.Form):
    """Which username + address pair the administrator releases (from a row of the lockout list)."""

    username = forms.CharField(required=False, max_length=255)
    ip_address = forms.GenericIPAddressField(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("username") and not cleaned.get("ip_address"):
            raise forms.ValidationError(_("Choose a lockout from the list."), code="empty")
        return cleaned


class TwoFactorResetForm(forms.Form):
    """Whose second factor the administrator removes (a user who lost phone and recovery codes)."""

    username = forms.CharField(label=_("User name"), max_length=150)

    def clean_username(self) -> Any:
        try:
            return get_user_model().objects.get(username=self.cleaned_data["username"].strip())
        except get_user_model().DoesNotExist:
            raise forms.ValidationError(_("No account has this user name."), code="unknown") from None


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form whose e-mail goes through the task queue.

    The page answers the same at once whether or not the address exists; sending in the
    worker also keeps the answer's timing from telling.
    """

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        context = {**context, "language": translation.get_language()}
        subject = " ".join(loader.render_to_string(subject_template_name, context).split())
        body = loader.render_to_string(email_template_name, context)
        html = loader.render_to_string(html_email_template_name, context) if html_email_template_name else None
        accounts.queue_email(subject, body, [to_email], html)
