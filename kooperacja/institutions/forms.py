from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.db.models import Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kooperacja.institutions.models import EDITABLE_FIELDS, Institution, InstitutionKind, Sector
from kooperacja.institutions.validators import validate_krs, validate_postal_code, validate_regon
from kooperacja.territory.models import County, Municipality, Voivodeship

_SEPARATORS = re.compile(r"[\s-]")


class CountyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class GminaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} — {obj.get_kind_display()}, {obj.county.name} ({obj.code})"


class GminaMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Gminas grouped under their powiat. A list, not checkboxes: the national register has
    about 2,500 gminas, too many to tick on one page."""

    widget = forms.SelectMultiple(attrs={"size": 12})

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} — {obj.get_kind_display()} ({obj.code})"

    def grouped_choices(self) -> list[tuple[str, list[tuple[Any, str]]]]:
        groups: dict[str, list[tuple[Any, str]]] = {}
        for gmina in cast(QuerySet[Municipality], self.queryset):
            county = f"{capfirst(gmina.county.name)} ({gmina.county.code})"
            groups.setdefault(county, []).append((gmina.pk, self.label_from_instance(gmina)))
        return sorted(groups.items())


class InstitutionForm(forms.ModelForm):
    """An institution's data, checked as GUS and the courts issue identifiers."""

    sector = forms.ChoiceField(
        label=capfirst(_("sector")),
        choices=[("", _("the usual sector of its kind")), *Sector.choices],
        required=False,
        help_text=_("Left empty, the usual sector of the kind is used (a GOPS: social assistance)."),
    )
    county = CountyChoiceField(
        queryset=County.objects.order_by("code"), required=False, label=capfirst(_("county (powiat)"))
    )
    municipality = GminaChoiceField(
        queryset=Municipality.objects.with_parents().order_by("name", "code"),
        required=False,
        label=capfirst(_("gmina")),
    )
    serves = GminaMultipleChoiceField(
        queryset=Municipality.objects.with_parents().order_by("county__code", "name", "code"),
        required=False,
        label=capfirst(_("gminas served")),
        help_text=_(
            "The gminas whose residents it serves, grouped by powiat. To choose several, hold Ctrl "
            "(Cmd on a Mac) while clicking; on a phone, tap each one. Left empty, its own gmina is used."
        ),
    )
    website = forms.URLField(label=capfirst(_("website")), required=False, assume_scheme="https")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # The served gminas come right after the institution's own gmina; the rest keep their order.
    field_order = [*EDITABLE_FIELDS[: EDITABLE_FIELDS.index("municipality") + 1], "serves"]

    class Meta:
        model = Institution
        fields = [*EDITABLE_FIELDS, "serves"]
        labels = {"is_active": capfirst(_("the institution is active"))}
        help_texts = {
            "regon": _("9 digits, or 14 for a local unit; spaces and dashes are ignored."),
            "krs": _("10 digits, only for entities in the National Court Register (e.g. associations)."),
            "postal_code": _("For example 27-220."),
            "phone": _("For example 41 274 10 00 or +48 41 274 10 00."),
        }
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["voivodeship"].queryset = Voivodeship.objects.order_by("name")  # type: ignore[attr-defined]
        serves = cast(GminaMultipleChoiceField, self.fields["serves"])
        serves.choices = serves.grouped_choices()
        if self.instance.pk is not None:
            self.fields["version"].initial = self.instance.version

    def clean_regon(self) -> str:
        value = _SEPARATORS.sub("", self.cleaned_data.get("regon", ""))
        if value:
            validate_regon(value)
        return value

    def clean_krs(self) -> str:
        value = _SEPARATORS.sub("", self.cleaned_data.get("krs", ""))
        if value:
            validate_krs(value)
        return value

    def clean_postal_code(self) -> str:
        value = self.cleaned_data.get("postal_code", "").strip()
        if value:
            validate_postal_code(value)
        return value

    def clean(self) -> dict[str, Any]:
        # The kind, sector and territory rules are Institution.clean(), which the model form
        # runs after this; here only the form's own default for the served gminas.
        cleaned = super().clean() or {}
        if not cleaned.get("serves") and cleaned.get("municipality") is not None:
            cleaned["serves"] = [cleaned["municipality"]]
        return cleaned

    def institution_fields(self) -> dict[str, Any]:
        """The checked values the services set on the institution (with the county and sector filled in)."""
        return {name: getattr(self.instance, name) for name in EDITABLE_FIELDS}


class InstitutionFilterForm(forms.Form):
    """Filters of the institutions list; TERYT codes in the query string."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    voivodeship = forms.ModelChoiceField(
        queryset=Voivodeship.objects.order_by("name"),
        to_field_name="code",
        required=False,
        label=capfirst(_("voivodeship")),
        empty_label=_("all"),
    )
    county = CountyChoiceField(
        queryset=County.objects.none(),
        to_field_name="code",
        required=False,
        label=capfirst(_("county")),
        empty_label=_("all"),
    )
    gmina = GminaChoiceField(
        queryset=Municipality.objects.none(),
        to_field_name="code",
        required=False,
        label=capfirst(_("gmina")),
        empty_label=_("all"),
    )
    sector = forms.ChoiceField(label=capfirst(_("sector")), choices=[("", _("all")), *Sector.choices], required=False)
    kind = forms.ChoiceField(
        label=capfirst(_("kind")), choices=[("", _("all")), *InstitutionKind.choices], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = self.data
        voivodeship_code = data.get("voivodeship") or ""
        county_code = data.get("county") or ""
        counties = County.objects.order_by("code")
        if voivodeship_code:
            counties = counties.filter(voivodeship__code=voivodeship_code)
        self.fields["county"].queryset = counties  # type: ignore[attr-defined]
        # Offer the gminas of the chosen county, or else the gminas that have institutions:
        # a list of every gmina in Poland would be too long to choose from.
        gminas = Municipality.objects.with_parents().order_by("name", "code")
        if county_code:
            gminas = gminas.filter(county__code=county_code)
        elif voivodeship_code:
            gminas = gminas.filter(county__voivodeship__code=voivodeship_code, institutions__isnull=False)
        else:
            gminas = gminas.filter(institutions__isnull=False)
        self.fields["gmina"].queryset = gminas.distinct()  # type: ignore[attr-defined]

    def filter(self, queryset: QuerySet[Institution]) -> QuerySet[Institution]:
        data = self.cleaned_data
        if data.get("q"):
            words = data["q"].split()
            for word in words:
                queryset = queryset.filter(
                    Q(name__icontains=word) | Q(short_name__icontains=word) | Q(locality__icontains=word)
                )
        if data.get("voivodeship"):
            queryset = queryset.filter(voivodeship=data["voivodeship"])
        if data.get("county"):
            queryset = queryset.filter(county=data["county"])
        if data.get("gmina"):
            queryset = queryset.filter(Q(municipality=data["gmina"]) | Q(serves=data["gmina"])).distinct()
        if data.get("sector"):
            queryset = queryset.filter(sector=data["sector"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        return queryset


ROLE_ERRORS = {
    "required": _("Choose one of the roles on the list."),
    "invalid_choice": _("Choose one of the roles on the list."),
}


class InviteForm(forms.Form):
    email = forms.EmailField(label=capfirst(_("e-mail address")))
    role = forms.ChoiceField(label=capfirst(_("role")), error_messages=ROLE_ERRORS)

    def __init__(self, *args: Any, roles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles  # type: ignore[attr-defined]


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(label=capfirst(_("new role")), error_messages=ROLE_ERRORS)

    def __init__(self, *args: Any, roles: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles  # type: ignore[attr-defined]


def suggested_username(email: str) -> str:
    """The part of the e-mail address before "@", as a free username."""
    base = re.sub(r"[^\w.+-]", "", email.split("@", 1)[0].lower())[:140] or "user"
    user_model = get_user_model()
    taken = set(user_model.objects.filter(username__istartswith=base).values_list("username", flat=True)[:1000])
    taken = {name.lower() for name in taken}
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}{number}"
    return candidate


class NewAccountForm(forms.Form):
    """The invited person's own account: they choose a username and password."""

    username = forms.RegexField(
        label=capfirst(_("username")),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        help_text=_("Letters, digits and . @ + - _ only; you will sign in with it."),
        error_messages={"invalid": _("Use only letters, digits and . @ + - _ in the username.")},
    )
    first_name = forms.CharField(label=capfirst(_("first name")), max_length=150)
    last_name = forms.CharField(label=capfirst(_("last name")), max_length=150)
    password1 = forms.CharField(
        label=capfirst(_("password")),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=capfirst(_("password again")),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken: choose another."))
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            candidate = get_user_model()(
                username=cleaned.get("username", ""),
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(first, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
