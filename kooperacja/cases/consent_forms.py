"""Forms of consent (RODO) and case documents. The rules live in `kooperacja.cases.consent`;
the forms parse what was typed and put the services' refusals on their fields."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kooperacja.cases.consent import ConsentTerms, check_terms, consent_categories, recipient_institutions
from kooperacja.cases.models import ConsentBasis, Person
from kooperacja.core.forms.conflicts import put_refusal
from kooperacja.institutions.models import Institution, Sector

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RecipientMixin(forms.Form):
    """One institution of the person's gmina or powiat, or a whole sector."""

    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label=_("— a whole sector instead —"),
        help_text=_("Institutions of the person's gmina and powiat."),
    )
    sector = forms.ChoiceField(
        label=_("Or every institution of the sector"),
        choices=[("", _("— one institution above —")), *Sector.choices],
        required=False,
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories of data"), widget=forms.CheckboxSelectMultiple, required=False
    )

    def setup_recipients(self, person: Person) -> None:
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = recipient_institutions(person)
        cast(forms.MultipleChoiceField, self.fields["categories"]).choices = consent_categories()


class ConsentForm(RecipientMixin):
    basis = forms.ChoiceField(
        label=_("Basis"), choices=ConsentBasis.choices, initial=ConsentBasis.CONSENT, widget=forms.RadioSelect
    )
    guardian_name = forms.CharField(
        label=_("Legal guardian"),
        max_length=200,
        required=False,
        help_text=_("Required when the legal guardian consents for the person."),
    )
    legal_reference = forms.CharField(
        label=_("Legal reference"),
        max_length=300,
        required=False,
        help_text=_(
            "Required for a statutory basis, e.g. art. 9 ust. 2 lit. h RODO; art. 100 ustawy o pomocy społecznej."
        ),
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE_WIDGET)
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=DATE_WIDGET, help_text=_("Leave empty: until withdrawn.")
    )
    scan = forms.FileField(
        label=_("Signed scan (optional)"),
        required=False,
        help_text=_("PDF, JPEG or PNG of the signed form; kept with the person's case."),
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_recipients(person)
        self.fields["valid_from"].initial = timezone.localdate()

    def terms(self) -> ConsentTerms:
        data = self.cleaned_data
        return ConsentTerms(
            categories=list(data.get("categories") or []),
            institution=data.get("institution"),
            sector=data.get("sector") or "",
            basis=data.get("basis") or ConsentBasis.CONSENT,
            guardian_name=data.get("guardian_name") or "",
            legal_reference=data.get("legal_reference") or "",
            valid_from=data.get("valid_from"),
            valid_until=data.get("valid_until"),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            try:
                check_terms(self.terms())
            except ValidationError as refusal:
                put_refusal(self, refusal)
        return cleaned


class PrintForm(RecipientMixin):
    """What the printed consent form names (all optional: an empty form is filled in by hand)."""

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_recipients(person)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("institution") and cleaned.get("sector"):
            self.add_error("institution", _("Choose one institution or one whole sector, not both."))
        return cleaned


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"), help_text=_("PDF, JPEG, PNG, DOCX or ODT; the type is checked from the file's content.")
    )
    shareable = forms.BooleanField(
        label=_("Shareable"),
        required=False,
        help_text=_("Partners of the case with consent for documents see it."),
    )
