"""Forms of support for teams: recording an activity and filtering the list. The service checks
everything again (dates, territory, participants) and says what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kooperacja.institutions.models import Institution
from kooperacja.learning import support_policies
from kooperacja.learning.models import SupportActivity, SupportKind
from kooperacja.teams.forms.teams import date_field
from kooperacja.teams.models import Team


class _InstitutionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class _InstitutionsChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.voivodeship.name})"


class _TeamChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.municipality.name})"


class HoursField(forms.DecimalField):
    """Hours as people type them: „2,5” or „2.5”."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 6)
        kwargs.setdefault("decimal_places", 1)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace("\xa0", "").replace(" ", "").replace(",", ".")
        return super().to_python(value)


class SupportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of support"), choices=SupportKind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=300)
    provided_by = _InstitutionChoice(
        label=_("Provided by"), queryset=Institution.objects.none(), to_field_name="public_id"
    )
    team = _TeamChoice(
        label=_("Team"),
        queryset=Team.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_("Leave empty for support given to the gminas of the whole voivodeship."),
    )
    starts_on = date_field(_("From"))
    ends_on = date_field(_("Until"))
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    hours = HoursField(label=_("Hours"), initial=0)
    participant_count = forms.IntegerField(label=_("People taking part"), min_value=0, initial=0)
    participants = _InstitutionsChoice(
        label=_("Participating institutions"),
        queryset=Institution.objects.none(),
        to_field_name="public_id",
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Institutions of the team's voivodeship. Hold Ctrl (or Cmd) to choose more than one."),
    )
    findings = forms.CharField(
        label=_("Findings and agreed next steps"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("For focus research, what the participants said: the main content of the session."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        providers = support_policies.providers_for(user).order_by("name")
        self.fields["provided_by"].queryset = providers  # type: ignore[attr-defined]
        teams = support_policies.teams_for(user).select_related("municipality").order_by("name")
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        participants = Institution.objects.filter(is_active=True).select_related("voivodeship")
        self.fields["participants"].queryset = participants.order_by("voivodeship__name", "name")  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, activity: SupportActivity) -> dict[str, Any]:
        return {
            "kind": activity.kind,
            "subject": activity.subject,
            "provided_by": activity.provided_by,
            "team": activity.team,
            "starts_on": activity.starts_on,
            "ends_on": activity.ends_on,
            "place": activity.place,
            "hours": activity.hours,
            "participant_count": activity.participant_count,
            "participants": list(activity.participants.all()),
            "findings": activity.findings,
            "version": activity.version,
        }


def _names(value: Any) -> str:
    items = value if isinstance(value, list | tuple | QuerySet) else [value]
    return ", ".join(sorted(str(item.name) for item in items if item is not None))


# How the conflict box reads the fields whose initial and cleaned values are model objects.
READERS = {"provided_by": _names, "team": _names, "participants": _names}


class FilterForm(forms.Form):
    """The list's filters (GET); an unknown value is ignored, never an error page."""

    kind = forms.ChoiceField(
        label=_("Kind of support"), choices=[("", _("all kinds")), *SupportKind.choices], required=False
    )
    team = _TeamChoice(
        label=_("Team"),
        queryset=Team.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("all teams"),
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, teams: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["year"].choices = [("", _("all years")), *[(year, str(year)) for year in years]]  # type: ignore[attr-defined]
