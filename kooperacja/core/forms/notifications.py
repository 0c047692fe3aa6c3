"""Forms of the notifications area."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kooperacja.core.models import NotificationMode


class NotificationPreferencesForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("E-mails about new notifications"),
        choices=NotificationMode.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how you want to hear about new notifications."),
            "invalid_choice": _("Choose one of the listed options."),
        },
    )
