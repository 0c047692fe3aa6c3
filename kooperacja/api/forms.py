"""Forms of the API access pages: a personal or client token, and an API client."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kooperacja.institutions.models import Institution, TokenScope
from kooperacja.institutions.tokens import MAX_TOKEN_DAYS, client_roles, default_token_days


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("So that you recognise the token later, e.g. the program that uses it."),
        error_messages={"required": _("Give the token a name.")},
    )
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose read only or read and write.")},
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        min_value=1,
        max_value=MAX_TOKEN_DAYS,
        help_text=_("From 1 to 365 days."),
        error_messages={
            "required": _("Enter for how many days the token is valid."),
            "invalid": _("Enter a whole number of days."),
            "min_value": _("A token is valid for 1 to 365 days."),
            "max_value": _("A token is valid for 1 to 365 days."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = default_token_days()


class ApiClientForm(forms.Form):
    """The roles offered are those the signed-in person could give a member of staff."""

    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("E.g. the system that will connect, such as the school's record system."),
        error_messages={"required": _("Give the client a name.")},
    )
    role = forms.ChoiceField(
        label=_("Acts as"),
        help_text=_("The client sees and does what a member of your institution with this role may."),
        error_messages={
            "required": _("Choose the role the client acts in."),
            "invalid_choice": _(
                "Choose one of the listed roles: a client may act only in a role you could give a member of staff."
            ),
        },
    )

    def __init__(self, actor: Any, institution: Institution, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["role"]).choices = client_roles(actor, institution)
