"""Forms of the programme: defining it, its partners, phases, milestones, units and spending,
and marking a milestone reached. The service checks everything again and says what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kooperacja.community.models import (
    Milestone,
    ParticipationStage,
    PartnerRole,
    Phase,
    Programme,
    ProgrammePartner,
)
from kooperacja.institutions.models import Institution
from kooperacja.teams.forms.teams import date_field
from kooperacja.territory.models import County, Municipality, Voivodeship


class MoneyField(forms.DecimalField):
    """An amount in złoty as people type it: „2 280 818,72”, „2280818.72” or „56 000 zł”."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = value.replace("zł", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
        return super().to_python(value)


class _Named(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class _GminaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name of the programme"), max_length=300)
    funding = forms.CharField(
        label=_("Funding"),
        max_length=500,
        required=False,
        help_text=_("The operational programme, priority axis and measure that fund it."),
    )
    starts_on = date_field(_("Starts on"))
    ends_on = date_field(_("Ends on"))
    total_budget = MoneyField(label=_("Total budget (zł)"))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, programme: Programme) -> dict[str, Any]:
        return {
            "name": programme.name,
            "funding": programme.funding,
            "starts_on": programme.starts_on,
            "ends_on": programme.ends_on,
            "total_budget": programme.total_budget,
            "description": programme.description,
            "version": programme.version,
        }


class PartnerForm(forms.Form):
    institution = _Named(
        label=_("Institution"),
        queryset=Institution.objects.filter(is_active=True).order_by("name"),
        to_field_name="public_id",
    )
    role = forms.ChoiceField(label=_("Role in the programme"), choices=PartnerRole.choices, initial=PartnerRole.PARTNER)
    voivodeship = _Named(
        label=_("Voivodeship it answers for"),
        queryset=Voivodeship.objects.order_by("name"),
        to_field_name="code",
        required=False,
    )
    budget = MoneyField(label=_("Its budget (zł)"), required=False)


class PhaseForm(forms.Form):
    name = forms.CharField(label=_("Name of the phase"), max_length=300)
    starts_on = date_field(_("Starts on"), required=False)
    ends_on = date_field(_("Ends on"), required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MilestoneForm(forms.Form):
    phase = forms.ModelChoiceField(label=_("Phase"), queryset=Phase.objects.none())
    name = forms.CharField(label=_("Milestone"), max_length=300)
    due_on = date_field(_("Due on"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = programme.phases.order_by("number")  # type: ignore[attr-defined]


class UnitForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=ParticipationStage.choices)
    municipality = _GminaChoice(
        label=_("Gmina"),
        queryset=Municipality.objects.order_by("name"),
        to_field_name="code",
        required=False,
        help_text=_("Choose a gmina or a powiat, not both."),
    )
    county = _Named(
        label=_("Powiat"),
        queryset=County.objects.order_by("name"),
        to_field_name="code",
        required=False,
    )
    joined_on = date_field(_("Joined on"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and (data.get("municipality") is None) == (data.get("county") is None):
            raise forms.ValidationError(_("Choose either a gmina or a powiat."))
        return data


class _PartnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.institution.short_name or obj.institution.name)


class SpendingForm(forms.Form):
    partner = _PartnerChoice(label=_("Partner"), queryset=ProgrammePartner.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    amount = MoneyField(label=_("Amount spent (zł)"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = programme.partners.select_related("institution")  # type: ignore[attr-defined]


class ReachedForm(forms.Form):
    reached_on = date_field(_("Reached on"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What shows it was reached: a document, a meeting, a signed agreement."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, milestone: Milestone) -> dict[str, Any]:
        return {"reached_on": milestone.reached_on, "note": milestone.note, "version": milestone.version}
