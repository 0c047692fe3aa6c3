"""Forms of agreements, their parties, obligations and evidence. Party choices are limited to
the team's voivodeship; the service refuses anything outside it with a message of its own."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kooperacja.institutions.models import Institution
from kooperacja.teams.agreements import PartyChoice, evidence_candidates, party_name
from kooperacja.teams.forms.teams import date_field
from kooperacja.teams.models import Agreement, Obligation, ObligationStatus, PartyKind, Team
from kooperacja.territory.models import County, Municipality, Voivodeship


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    signed_on = date_field(_("Signed on"))
    place = forms.CharField(label=_("Place of signing"), max_length=200, required=False)
    subject = forms.CharField(
        label=_("Subject of the agreement"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    scan = forms.FileField(
        label=_("Signed scan"),
        required=False,
        help_text=_("PDF, JPEG or PNG of the signed agreement. A new file replaces the old one."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, agreement: Agreement) -> dict[str, Any]:
        return {
            "title": agreement.title,
            "signed_on": agreement.signed_on,
            "place": agreement.place,
            "subject": agreement.subject,
            "version": agreement.version,
        }


class _Named(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class PartyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of party"), choices=PartyKind.choices, widget=forms.RadioSelect)
    voivodeship = _Named(
        label=_("Voivodeship"), queryset=Voivodeship.objects.none(), to_field_name="code", required=False
    )
    county = _Named(label=_("Powiat"), queryset=County.objects.none(), to_field_name="code", required=False)
    municipality = _Named(label=_("Gmina"), queryset=Municipality.objects.none(), to_field_name="code", required=False)
    institution = _Named(
        label=_("Institution"), queryset=Institution.objects.none(), to_field_name="public_id", required=False
    )
    represented_by = forms.CharField(
        label=_("Represented by"), max_length=300, required=False, help_text=_("Who signed for the party.")
    )

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any unit or institution is accepted, so the service can say why one outside the
        # team's voivodeship cannot be a party; the lists offer only those inside it.
        voivodeship_id = team.county.voivodeship_id
        offered = {
            "voivodeship": (Voivodeship.objects.all(), Voivodeship.objects.filter(pk=voivodeship_id)),
            "county": (County.objects.all(), County.objects.filter(voivodeship_id=voivodeship_id)),
            "municipality": (Municipality.objects.all(), Municipality.objects.filter(county_id=team.county_id)),
            "institution": (
                Institution.objects.filter(is_active=True),
                Institution.objects.filter(voivodeship_id=voivodeship_id, is_active=True).order_by("name"),
            ),
        }
        for name, (accepted, listed) in offered.items():
            field = self.fields[name]
            field.queryset = accepted  # type: ignore[attr-defined]
            key = field.to_field_name  # type: ignore[attr-defined]
            field.widget.choices = [("", "—"), *((str(getattr(obj, key)), obj.name) for obj in listed)]  # type: ignore[attr-defined]

    def choice(self) -> PartyChoice:
        data = self.cleaned_data
        return PartyChoice(
            kind=data["kind"],
            voivodeship=data.get("voivodeship"),
            county=data.get("county"),
            municipality=data.get("municipality"),
            institution=data.get("institution"),
            represented_by=data.get("represented_by", ""),
        )


class _PartyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return party_name(obj)


class ObligationForm(forms.Form):
    party = _PartyChoice(label=_("Party"), queryset=Agreement.objects.none())
    text = forms.CharField(label=_("Obligation"), widget=forms.Textarea(attrs={"rows": 3}))
    due_on = date_field(_("Due on"), required=False)

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = agreement.parties.select_related(  # type: ignore[attr-defined]
            "voivodeship", "county", "municipality", "institution"
        )


class ObligationStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ObligationStatus.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note on the status"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the obligation was not fulfilled: say why."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, obligation: Obligation) -> dict[str, Any]:
        return {"status": obligation.status, "note": obligation.status_note, "version": obligation.version}


class EvidenceForm(forms.Form):
    evidence = forms.ChoiceField(
        label=_("Evidence"), help_text=_("A held meeting, a document or a training of the team.")
    )
    note = forms.CharField(label=_("What it shows"), max_length=300, required=False)

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = [("", "—"), *evidence_candidates(team)]  # type: ignore[attr-defined]
