"""Forms of persons and households: what a worker types, checked with clear Polish messages.

The PESEL must pass its check digit and agree with the birth date and sex (left empty, they
are filled from it); the same PESEL as anyone registered is refused; the same name and birth
date as a person of the institution is shown and must be confirmed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kooperacja.cases import pesel as pesel_rules
from kooperacja.cases.models import DisabilityDegree, Household, Person, Relationship, Sex
from kooperacja.cases.people import HOUSEHOLD_FIELDS, PERSON_FIELDS, PESEL_TAKEN, pesel_taken, possible_duplicates
from kooperacja.directory.models import TaxonomyTerm
from kooperacja.institutions.models import Institution
from kooperacja.territory.models import Municipality

postal_code = RegexValidator(r"^\d{2}-\d{3}$", _("Enter the postal code as 00-000."))


def gminas_for(institution: Institution, current: Municipality | None = None) -> QuerySet[Municipality]:
    """The gminas the institution serves (its own gmina at least), and the one saved now."""
    ids = set(institution.serves.values_list("pk", flat=True))
    for gmina_id in (institution.municipality_id, current.pk if current else None):
        if gmina_id:
            ids.add(gmina_id)
    return Municipality.objects.filter(pk__in=ids).order_by("name")


def _default_gmina(gminas: QuerySet[Municipality], institution: Institution) -> Municipality | None:
    if institution.municipality_id:
        return institution.municipality
    return gminas.first() if gminas.count() == 1 else None


class PersonForm(forms.Form):
    first_name = forms.CharField(label=_("first name"), max_length=100)
    last_name = forms.CharField(label=_("last name"), max_length=100)
    pesel = forms.CharField(
        label=_("PESEL"),
        required=False,
        max_length=13,
        help_text=_("Optional. When given, the birth date and sex may be left empty: they are read from it."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    birth_date = forms.DateField(
        label=_("birth date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sex = forms.ChoiceField(label=_("sex"), required=False, choices=[("", "—"), *Sex.choices])
    municipality = forms.ModelChoiceField(label=_("gmina of residence"), queryset=Municipality.objects.none())
    locality = forms.CharField(label=_("locality"), max_length=100, required=False)
    street = forms.CharField(label=_("street and number"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("postal code"), max_length=6, required=False, validators=[postal_code])
    phone = forms.CharField(label=_("phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    disability_degree = forms.ChoiceField(
        label=_("degree of disability"),
        required=False,
        choices=[("", _("none or not known")), *DisabilityDegree.choices],
    )
    income_per_person = forms.DecimalField(
        label=_("income per person (zł a month)"),
        required=False,
        min_value=0,
        max_digits=9,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    accessibility_needs = forms.ModelMultipleChoiceField(
        label=_("accessibility needs"),
        required=False,
        queryset=TaxonomyTerm.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    confirm_duplicate = forms.BooleanField(
        label=_("This is a different person: register them anyway"),
        required=False,
        help_text=_("Tick only after checking the possible duplicates listed above."),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, institution: Institution, person: Person | None = None, **kwargs: Any) -> None:
        self.institution = institution
        self.person = person
        self.duplicates: list[Person] = []
        gminas = gminas_for(institution, person.municipality if person else None)
        if person is not None and "initial" not in kwargs and not args:
            kwargs["initial"] = self.initial_from(person)
        elif person is None:
            kwargs.setdefault("initial", {"municipality": _default_gmina(gminas, institution)})
        super().__init__(*args, **kwargs)
        municipality = cast(forms.ModelChoiceField, self.fields["municipality"])
        municipality.queryset = gminas
        needs = cast(forms.ModelMultipleChoiceField, self.fields["accessibility_needs"])
        needs.queryset = TaxonomyTerm.objects.accessibility_features().in_use().order_by("position", "name")
        if person is None:
            del self.fields["version"]

    @staticmethod
    def initial_from(person: Person) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(person, name) for name in PERSON_FIELDS}
        initial["municipality"] = person.municipality_id
        initial["pesel"] = person.pesel
        initial["accessibility_needs"] = [term.pk for term in person.accessibility_needs.all()]
        initial["version"] = person.version
        return initial

    def clean_pesel(self) -> str:
        value = self.cleaned_data.get("pesel", "")
        if not value:
            return ""
        try:
            cleaned = pesel_rules.validate(value)
        except pesel_rules.InvalidPesel as problem:
            raise forms.ValidationError(gettext(str(problem))) from None
        if pesel_taken(cleaned, exclude=self.person):
            raise forms.ValidationError(PESEL_TAKEN)
        return cleaned

    def clean_birth_date(self) -> dt.date | None:
        born = self.cleaned_data.get("birth_date")
        if born and born > timezone.localdate():
            raise forms.ValidationError(_("The birth date cannot be in the future."))
        return born

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        number = data.get("pesel")
        if number:
            born, sex = pesel_rules.birth_date(number), pesel_rules.sex(number)
            if "birth_date" in data and not data["birth_date"]:
                data["birth_date"] = born
            elif data.get("birth_date") and data["birth_date"] != born:
                self.add_error("pesel", _("The PESEL does not agree with the birth date given."))
            if "sex" in data and not data["sex"]:
                data["sex"] = sex
            elif data.get("sex") and data["sex"] != sex:
                self.add_error("pesel", _("The PESEL does not agree with the sex given."))
        if not self.errors:
            self.duplicates = possible_duplicates(
                self.institution,
                data.get("first_name", ""),
                data.get("last_name", ""),
                data.get("birth_date"),
                self.person,
            )
            if self.duplicates and not data.get("confirm_duplicate"):
                self.add_error(
                    "confirm_duplicate",
                    _(
                        "A person with the same name and birth date is already registered (listed above). "
                        "Check it is not the same person; if it is not, tick this box and save again."
                    ),
                )
        return data

    def person_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PERSON_FIELDS}


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or PESEL"), required=False, max_length=100)

    def filter(self, persons: Any) -> Any:
        if not self.is_valid():
            return persons.none()
        text = self.cleaned_data["q"].strip()
        if not text:
            return persons
        digits = text.replace(" ", "")
        if digits.isdigit():
            return persons.with_pesel(digits)
        return persons.named(text)


class HouseholdForm(forms.Form):
    name = forms.CharField(
        label=_("name"), max_length=200, help_text=_("How the team refers to it, e.g. Nowak family.")
    )
    municipality = forms.ModelChoiceField(label=_("gmina"), queryset=Municipality.objects.none())
    locality = forms.CharField(label=_("locality"), max_length=100, required=False)
    street = forms.CharField(label=_("street and number"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("postal code"), max_length=6, required=False, validators=[postal_code])
    notes = forms.CharField(label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, institution: Institution, household: Household | None = None, **kwargs: Any) -> None:
        gminas = gminas_for(institution, household.municipality if household else None)
        if household is not None and not args:
            kwargs.setdefault("initial", self.initial_from(household))
        elif household is None:
            kwargs.setdefault("initial", {"municipality": _default_gmina(gminas, institution)})
        super().__init__(*args, **kwargs)
        municipality = cast(forms.ModelChoiceField, self.fields["municipality"])
        municipality.queryset = gminas
        if household is None:
            del self.fields["version"]

    @staticmethod
    def initial_from(household: Household) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(household, name) for name in HOUSEHOLD_FIELDS}
        initial["municipality"] = household.municipality_id
        initial["version"] = household.version
        return initial

    def household_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in HOUSEHOLD_FIELDS}


class MemberForm(forms.Form):
    """Add a person to the household: chosen among the people the user may see."""

    person = forms.ModelChoiceField(label=_("person"), queryset=Person.objects.none(), to_field_name="public_id")
    relationship = forms.ChoiceField(label=_("place in the household"), choices=Relationship.choices)

    def __init__(self, *args: Any, candidates: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = cast(forms.ModelChoiceField, self.fields["person"])
        person.queryset = candidates


class _PersonChoice(forms.ModelChoiceField):
    """A person told apart from namesakes: birth date and the PESEL's last digits."""

    def label_from_instance(self, obj: Any) -> str:
        born = obj.birth_date.strftime("%d.%m.%Y") if obj.birth_date else "—"
        return f"{obj.last_name} {obj.first_name}, {born} {obj.pesel_masked}".strip()


class MergeForm(forms.Form):
    duplicate = _PersonChoice(
        label=_("The duplicate record to merge into this person"),
        queryset=Person.objects.none(),
        to_field_name="public_id",
    )
    confirm = forms.BooleanField(
        label=_("I understand that merging cannot be undone"),
        help_text=_("Cases, household membership, consents and other links of the duplicate move to this person."),
    )

    def __init__(self, *args: Any, candidates: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        duplicate = cast(forms.ModelChoiceField, self.fields["duplicate"])
        duplicate.queryset = candidates
