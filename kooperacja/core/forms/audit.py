"""Filters of the audit log."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kooperacja.core.models import AuditAction, AuditEvent


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("any")), *AuditAction.choices])
    actor = forms.CharField(label=_("Who (user name)"), required=False, max_length=150)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=64)

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def filter(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """Narrow the events to the filters; invalid filters show nothing rather than everything."""
        if self.is_bound and not self.is_valid():
            return events.none()
        if not self.is_bound:
            return events
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        if data["date_from"]:
            events = events.filter(at__gte=dt.datetime.combine(data["date_from"], dt.time.min, zone))
        if data["date_to"]:
            events = events.filter(
                at__lt=dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, zone)
            )
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["actor"]:
            events = events.filter(actor_label__istartswith=data["actor"].strip())
        if data["object_type"]:
            events = events.filter(object_type=data["object_type"].strip())
        return events
