"""The period filter of the workload, recognition and dashboard pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kooperacja.teams.workload import Period

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=DATE_WIDGET, error_messages={"invalid": _("Enter a date.")}
    )
    end = forms.DateField(
        label=_("Until"), required=False, widget=DATE_WIDGET, error_messages={"invalid": _("Enter a date.")}
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period cannot be before its start."))
        elif start and not end and start > Period.last_year().end:
            self.add_error("start", _("The start of the period cannot be in the future."))
        return data

    def period(self) -> Period:
        """The period asked for (a valid form), the default last 12 months filling what is left empty."""
        default = Period.last_year()
        data = self.cleaned_data if self.is_valid() else {}
        end = data.get("end") or default.end
        start = data.get("start") or (Period.last_year(end).start if data.get("end") else default.start)
        return Period(start, end)
