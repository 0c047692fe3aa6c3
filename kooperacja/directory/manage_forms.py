"""The forms staff keep their institution's directory entries with (views/manage.py).

The list of entries has its filters (ManageFilterForm) and, for administrators, a search for
the institution to add a service to (InstitutionSearchForm). Two forms edit: the service
itself (what it is, for whom, how to apply, cost, capacity, area) and one place where it is
delivered (address, phone, e-mail, weekly hours, accessibility). Both work without
JavaScript: long lists of gminas are checkboxes grouped by powiat in `<details>` (a browser
opens and closes them by itself), categories are grouped under their parent term.
Cross-field rules are the services' own (`upkeep.check_service_rules`,
`upkeep.check_location_rules`), so forms and API say the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q, QuerySet
from django.forms.boundfield import BoundField, BoundWidget
from django.utils import translation
from django.utils.dates import WEEKDAYS as WEEKDAY_NAMES
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kooperacja.directory import upkeep
from kooperacja.directory.models import CATEGORIES, Service, ServiceQuerySet, ServiceStatus, TaxonomyTerm
from kooperacja.institutions.models import Institution
from kooperacja.institutions.validators import validate_phone, validate_postal_code
from kooperacja.territory.models import County, Municipality, Voivodeship

# Languages most services in Poland are offered in; any other is written in "other languages".
LANGUAGE_CHOICES = [
    ("pl", _("Polish")),
    ("uk", _("Ukrainian")),
    ("en", _("English")),
    ("de", _("German")),
    ("ru", _("Russian")),
    ("be", _("Belarusian")),
    ("pso", _("Polish Sign Language")),
]
MAX_DOCUMENTS = 30
DOCUMENT_MAX_LENGTH = 500


# How many institutions an administrator's search for one to add a service to shows.
INSTITUTION_MATCHES = 20


class ManageFilterForm(forms.Form):
    """The filters of the list of entries: words of the name, a status, entries due for confirmation."""

    q = forms.CharField(label=capfirst(_("name contains")), required=False, max_length=100)
    status = forms.ChoiceField(
        label=capfirst(_("status")), choices=[("", _("all")), *ServiceStatus.choices], required=False
    )
    due = forms.BooleanField(label=_("Only entries waiting for confirmation"), required=False)

    def filter(self, services: ServiceQuerySet) -> ServiceQuerySet:
        """Narrow the entries to the filters; invalid filters show nothing rather than everything."""
        if not self.is_bound:
            return services
        if not self.is_valid():
            return services.none()
        data = self.cleaned_data
        for word in data["q"].split():
            services = services.filter(name__icontains=word)
        if data["status"]:
            services = services.filter(status=data["status"])
        if data["due"]:
            services = services.due_for_verification()
        return services


class InstitutionSearchForm(forms.Form):
    """An administrator finds the institution to add a service to by words of its name."""

    institution_q = forms.CharField(
        label=_("Add a service to an institution: its name"), required=False, max_length=100
    )

    def institutions(self) -> list[Institution]:
        """The first INSTITUTION_MATCHES active institutions whose name or short name holds every word."""
        if not self.is_valid() or not self.cleaned_data["institution_q"]:
            return []
        found = Institution.objects.filter(is_active=True).order_by("name")
        for word in self.cleaned_data["institution_q"].split():
            found = found.filter(Q(name__icontains=word) | Q(short_name__icontains=word))
        return list(found[:INSTITUTION_MATCHES])


@dataclass(frozen=True)
class Group:
    """A heading and the checkboxes under it (a parent category, a powiat)."""

    label: str
    options: list[BoundWidget]
    key: str = ""

    @property
    def checked(self) -> int:
        return sum(1 for option in self.options if option.data.get("selected"))


def _grouped(field: BoundField, sizes: Sequence[tuple[str, int, str]]) -> list[Group]:
    """Split the field's checkboxes into the groups its choices were built from."""
    options = list(field.subwidgets)
    groups, start = [], 0
    for label, size, key in sizes:
        groups.append(Group(label=label, options=options[start : start + size], key=key))
        start += size
    return groups


class ChoiceList(forms.CheckboxSelectMultiple):
    """Checkboxes in columns on a wide screen (directory/manage.css)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"class": "choice-list", **(attrs or {})})


def _term_label(term: TaxonomyTerm) -> str:
    """A term as a checkbox names it; a retired one (offered only while the entry carries it) says so."""
    if term.is_active:
        return str(term.name)
    return str(_("%(name)s (retired: untick to remove it)") % {"name": term.name})


class TermChoiceField(forms.ModelMultipleChoiceField):
    widget = ChoiceList

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class GminaCheckboxField(forms.ModelMultipleChoiceField):
    """Gminas as checkboxes, grouped under their powiat (the template puts each powiat in a
    `<details>`): a resident's gmina is found by its powiat, with no script and no Ctrl-click."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class UnitCheckboxField(forms.ModelMultipleChoiceField):
    widget = ChoiceList

    def label_from_instance(self, obj: Any) -> str:
        return upkeep.area_label(obj)


def _gmina_choices(gminas: Iterable[Municipality]) -> tuple[list[Any], list[tuple[str, int, str]]]:
    """Choices grouped by powiat, and each group's (label, size, powiat code)."""
    by_county: dict[str, list[Municipality]] = {}
    counties: dict[str, County] = {}
    for gmina in gminas:
        by_county.setdefault(gmina.county.code, []).append(gmina)
        counties[gmina.county.code] = gmina.county
    choices: list[Any] = []
    sizes = []
    for code in sorted(by_county):
        label = capfirst(upkeep.area_label(counties[code]))
        items = sorted(by_county[code], key=lambda gmina: (gmina.name, gmina.code))
        choices.append((label, [(gmina.pk, f"{gmina.name} ({gmina.get_kind_display()})") for gmina in items]))
        sizes.append((label, len(items), code))
    return choices, sizes


def _territory_gminas(institution: Institution, keep: Iterable[int] = ()) -> QuerySet[Municipality]:
    """The gminas a keeper picks from: those of the institution's voivodeship, and any already
    chosen elsewhere (an imported entry), so that saving never drops them."""
    return (
        Municipality.objects.select_related("county")
        .filter(Q(county__voivodeship_id=institution.voivodeship_id) | Q(pk__in=list(keep)))
        .order_by("county__code", "name", "code")
    )


class ServiceForm(forms.ModelForm):
    """What a service is, for whom, how to apply, what it costs, how many places it has and
    where it reaches. The place(s) where it is delivered are LocationForm."""

    status = forms.ChoiceField(
        label=capfirst(_("status")),
        choices=ServiceStatus.choices,
        widget=forms.RadioSelect(attrs={"class": "choice-list choice-stack"}),
        initial=ServiceStatus.ACTIVE,
        help_text=_(
            "An entry is never deleted: a service that ended is marked inactive (it may come back) or "
            "defunct. Neither is shown in the public directory."
        ),
        error_messages={"invalid_choice": _("Choose one of the statuses on the list.")},
    )
    categories = TermChoiceField(
        queryset=TaxonomyTerm.objects.none(),
        required=False,
        label=capfirst(_("categories")),
        help_text=_("What the service offers. Tick all that apply; residents find it under each."),
    )
    target_groups = TermChoiceField(
        queryset=TaxonomyTerm.objects.none(), required=False, label=capfirst(_("target groups"))
    )
    accessibility_features = TermChoiceField(
        queryset=TaxonomyTerm.objects.none(), required=False, label=capfirst(_("accessibility"))
    )
    residence_municipalities = GminaCheckboxField(
        queryset=Municipality.objects.none(),
        required=False,
        label=capfirst(_("gminas of residence served")),
        help_text=_(
            "Only when the service is for residents of particular gminas. Open a powiat to see its "
            "gminas. None ticked: residents of any gmina the service reaches."
        ),
    )
    required_documents = forms.CharField(
        label=capfirst(_("required documents")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One document per line."),
    )
    languages = forms.MultipleChoiceField(
        label=capfirst(_("languages")),
        choices=LANGUAGE_CHOICES,
        required=False,
        widget=ChoiceList,
    )
    other_languages = forms.CharField(
        label=capfirst(_("other languages")),
        required=False,
        max_length=500,
        help_text=_("Separate them with commas, for example: Czech, Slovak."),
    )
    area_voivodeships = UnitCheckboxField(
        queryset=Voivodeship.objects.none(), required=False, label=capfirst(_("whole voivodeships"))
    )
    area_counties = UnitCheckboxField(queryset=County.objects.none(), required=False, label=capfirst(_("powiats")))
    area_municipalities = GminaCheckboxField(
        queryset=Municipality.objects.none(), required=False, label=capfirst(_("gminas"))
    )
    url = forms.URLField(label=capfirst(_("website")), required=False, assume_scheme="https", max_length=500)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Service
        fields = [name for name in upkeep.SERVICE_FIELDS if name not in {"status", "url"}]
        labels = {
            "eligibility_description": capfirst(_("who it is for")),
            "application_process": capfirst(_("how to apply")),
            "fees_description": capfirst(_("fees")),
            "free_of_charge": capfirst(_("free of charge")),
            "income_criterion_percent": capfirst(_("income criterion (% of the statutory criterion)")),
            "email": capfirst(_("e-mail of the service")),
        }
        help_texts = {
            "alternate_name": _("Another name people know the service by, or its abbreviation."),
            "eligibility_description": _("In plain words: who may use the service and on what conditions."),
            "income_criterion_percent": _(
                "For example 150: income per person up to 150% of the income criterion of social assistance. "
                "Empty when income does not matter."
            ),
            "application_process": _("What a person does to get the service: call, come, write, bring what."),
            "fees_description": _("What a person pays, and who pays less or nothing."),
            "waiting_list": _("How many people are waiting for a place."),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "eligibility_description": forms.Textarea(attrs={"rows": 3}),
            "application_process": forms.Textarea(attrs={"rows": 3}),
            "fees_description": forms.Textarea(attrs={"rows": 2}),
            "minimum_age": forms.NumberInput(attrs={"min": 0, "max": 130}),
            "maximum_age": forms.NumberInput(attrs={"min": 0, "max": 130}),
            "income_criterion_percent": forms.NumberInput(attrs={"min": 1, "max": 1000}),
            "places": forms.NumberInput(attrs={"min": 0}),
            "free_places": forms.NumberInput(attrs={"min": 0}),
            "waiting_list": forms.NumberInput(attrs={"min": 0}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args: Any, institution: Institution, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.institution = institution
        service: Service = self.instance
        saved = service.pk is not None
        for name, maximum in (("minimum_age", 130), ("maximum_age", 130), ("income_criterion_percent", 1000)):
            self.fields[name].validators.append(MaxValueValidator(maximum))
        self.fields["income_criterion_percent"].validators.append(MinValueValidator(1))

        self._set_term_choices(saved)
        self._set_territory_choices(saved)
        if saved:
            self.fields["version"].initial = service.version
            self.fields["url"].initial = service.url
            self.fields["status"].initial = service.status
            documents = service.required_documents.order_by("id").values_list("document", flat=True)
            self.fields["required_documents"].initial = "\n".join(documents)
            known = dict(LANGUAGE_CHOICES)
            languages = list(service.languages.order_by("id"))
            self.fields["languages"].initial = [language.code for language in languages if language.code in known]
            self.fields["other_languages"].initial = ", ".join(
                language.name or language.code for language in languages if language.code not in known
            )

    def _set_term_choices(self, saved: bool) -> None:
        """Categories grouped under their top-level term (which may itself be ticked, "in general").

        Only terms in use are offered; a retired term the entry already carries is offered too,
        ticked and marked as retired, so that saving keeps it until the editor unticks it (once
        unticked and saved, it is gone from the form)."""
        service: Service = self.instance
        every_term = list(
            TaxonomyTerm.objects.filter(taxonomy__code__in=upkeep.TERM_FIELDS.values()).select_related("taxonomy")
        )
        by_pk = {term.pk: term for term in every_term}
        chosen: dict[str, list[int]] = {field: [] for field in upkeep.TERM_FIELDS}
        if saved:
            for term_id, code in service.attributes.values_list("taxonomy_term_id", "taxonomy_term__taxonomy__code"):
                for field, taxonomy_code in upkeep.TERM_FIELDS.items():
                    if code == taxonomy_code:
                        chosen[field].append(term_id)
        carried = {pk for ids in chosen.values() for pk in ids}
        terms = [term for term in every_term if term.is_active or term.pk in carried]
        for field, taxonomy_code in upkeep.TERM_FIELDS.items():
            offered = [term.pk for term in terms if term.taxonomy.code == taxonomy_code]
            queryset = TaxonomyTerm.objects.filter(pk__in=offered).select_related("taxonomy")
            cast(TermChoiceField, self.fields[field]).queryset = queryset
            if saved:
                self.fields[field].initial = chosen[field]
            if field != "categories":
                cast(TermChoiceField, self.fields[field]).choices = [
                    (term.pk, _term_label(term)) for term in terms if term.taxonomy.code == taxonomy_code
                ]

        def top(term: TaxonomyTerm) -> TaxonomyTerm:
            seen = set()
            while term.parent_id is not None and term.parent_id in by_pk and term.pk not in seen:
                seen.add(term.pk)
                term = by_pk[term.parent_id]
            return term

        groups: dict[int, list[TaxonomyTerm]] = {}
        for term in terms:
            if term.taxonomy.code == CATEGORIES:
                groups.setdefault(top(term).pk, []).append(term)
        choices: list[Any] = []
        self.category_sizes: list[tuple[str, int, str]] = []
        for head_pk, members in groups.items():
            head = by_pk[head_pk]
            members.sort(key=lambda term: (term.pk != head_pk, term.position, term.code))
            items = [
                (term.pk, _("%(name)s (in general)") % {"name": _term_label(term)})
                if term.pk == head_pk
                else (term.pk, _term_label(term))
                for term in members
            ]
            choices.append((head.name, items))
            self.category_sizes.append((head.name, len(items), head.code))
        cast(TermChoiceField, self.fields["categories"]).choices = choices

    def _set_territory_choices(self, saved: bool) -> None:
        service: Service = self.instance
        institution = self.institution
        residence_ids: list[int] = []
        areas: dict[str, list[int]] = {"area_voivodeships": [], "area_counties": [], "area_municipalities": []}
        if saved:
            residence_ids = list(service.residence_municipalities.values_list("pk", flat=True))
            for municipality_id, county_id, voivodeship_id in service.service_areas.values_list(
                "municipality_id", "county_id", "voivodeship_id"
            ):
                if municipality_id:
                    areas["area_municipalities"].append(municipality_id)
                elif county_id:
                    areas["area_counties"].append(county_id)
                elif voivodeship_id:
                    areas["area_voivodeships"].append(voivodeship_id)
            self.fields["residence_municipalities"].initial = residence_ids
            for name, ids in areas.items():
                self.fields[name].initial = ids
        gminas = list(_territory_gminas(institution, [*residence_ids, *areas["area_municipalities"]]))
        choices, self.gmina_sizes = _gmina_choices(gminas)
        for name in ("residence_municipalities", "area_municipalities"):
            field = cast(GminaCheckboxField, self.fields[name])
            field.queryset = Municipality.objects.filter(pk__in=[gmina.pk for gmina in gminas])
            field.choices = choices
        counties = cast(UnitCheckboxField, self.fields["area_counties"])
        counties.queryset = County.objects.filter(
            Q(voivodeship_id=institution.voivodeship_id) | Q(pk__in=areas["area_counties"])
        ).order_by("code")
        cast(UnitCheckboxField, self.fields["area_voivodeships"]).queryset = Voivodeship.objects.order_by("name")
        self.own_county_code = institution.county.code if institution.county is not None else ""

    # --- Groups for the template -----------------------------------------------------------

    def category_groups(self) -> list[Group]:
        return _grouped(self["categories"], self.category_sizes)

    def residence_groups(self) -> list[Group]:
        return _grouped(self["residence_municipalities"], self.gmina_sizes)

    def area_gmina_groups(self) -> list[Group]:
        return _grouped(self["area_municipalities"], self.gmina_sizes)

    # --- Cleaning --------------------------------------------------------------------------

    def clean_required_documents(self) -> list[str]:
        lines = [" ".join(line.split()) for line in self.cleaned_data.get("required_documents", "").splitlines()]
        documents = [line for line in lines if line]
        if len(documents) > MAX_DOCUMENTS:
            raise ValidationError(
                _("List at most %(count)d documents.") % {"count": MAX_DOCUMENTS}, code="too_many_documents"
            )
        too_long = [line for line in documents if len(line) > DOCUMENT_MAX_LENGTH]
        if too_long:
            raise ValidationError(
                _("Each document may have at most %(count)d characters; shorten: %(line)s")
                % {"count": DOCUMENT_MAX_LENGTH, "line": too_long[0][:60] + "…"},
                code="document_too_long",
            )
        return documents

    def clean_other_languages(self) -> list[str]:
        names = [" ".join(name.split()) for name in self.cleaned_data.get("other_languages", "").split(",")]
        names = [name for name in names if name]
        if any(len(name) > 100 for name in names):
            raise ValidationError(_("A language name may have at most 100 characters."), code="language_too_long")
        return names

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            upkeep.check_service_rules(cleaned)
        except ValidationError as error:
            for field, messages in error.error_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, messages)
        return cleaned

    def _post_clean(self) -> None:
        # The model's checks run on the services' copy of the entry when it is saved; here
        # they would write on the instance the page still shows.
        pass

    def service_fields(self) -> dict[str, Any]:
        """The checked values for upkeep.create_service / update_service."""
        data = self.cleaned_data
        fields = {name: data[name] for name in upkeep.SERVICE_FIELDS}
        for name in upkeep.RELATED_FIELDS:
            if name != "languages":
                fields[name] = list(data[name])
        with translation.override(settings.LANGUAGE_CODE):
            names = dict(LANGUAGE_CHOICES)
            fields["languages"] = [
                (code, str(names[code])) for code, _label in LANGUAGE_CHOICES if code in data["languages"]
            ]
        fields["languages"] += [("", name) for name in data["other_languages"]]
        return fields


class LocationForm(forms.Form):
    """A place where the service is delivered: its address, how to reach it, when it is open."""

    name = forms.CharField(
        label=capfirst(_("name of the place")),
        max_length=250,
        required=False,
        help_text=_("For example: Main office, Community centre. Empty: the address is shown."),
    )
    address_1 = forms.CharField(label=capfirst(_("street and number")), max_length=250)
    postal_code = forms.CharField(
        label=capfirst(_("postal code")),
        max_length=6,
        help_text=_("For example 27-220."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    city = forms.CharField(label=capfirst(_("locality")), max_length=100)
    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.none(),
        label=capfirst(_("gmina")),
        help_text=_("The gmina the place lies in."),
        error_messages={"invalid_choice": _("Choose a gmina from the list.")},
    )
    phone = forms.CharField(
        label=capfirst(_("phone")),
        max_length=20,
        required=False,
        help_text=_("For example 41 274 10 00 or +48 41 274 10 00."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=capfirst(_("e-mail")), required=False)
    accessibility = forms.CharField(
        label=capfirst(_("accessibility notes")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: entrance from the car park with a ramp, lift to the first floor."),
    )
    transportation = forms.CharField(
        label=capfirst(_("getting there")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bus stops, parking, how to find the entrance."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, institution: Institution, current: Municipality | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for index, day in enumerate(upkeep.WEEKDAYS):
            name = WEEKDAY_NAMES[index]
            self.fields[f"opens_{day}"] = forms.TimeField(
                label=_("%(day)s, opens at") % {"day": name},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            self.fields[f"closes_{day}"] = forms.TimeField(
                label=_("%(day)s, closes at") % {"day": name},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
        gminas = _territory_gminas(institution, [current.pk] if current else [])
        field = cast(forms.ModelChoiceField, self.fields["municipality"])
        field.queryset = gminas
        choices, _sizes = _gmina_choices(gminas)
        field.choices = [("", _("choose a gmina")), *choices]
        if not self.is_bound and "municipality" not in self.initial and institution.municipality_id:
            self.initial["municipality"] = institution.municipality_id

    @classmethod
    def initial_from(cls, values: dict[str, Any], version: int) -> dict[str, Any]:
        """Initial data for a saved place (upkeep.location_values)."""
        initial = {name: values[name] for name in upkeep.LOCATION_FIELDS if name != "hours"}
        initial["municipality"] = values["municipality"].pk if values["municipality"] else None
        for day, (opens, closes) in values["hours"].items():
            initial[f"opens_{day}"] = opens
            initial[f"closes_{day}"] = closes
        initial["version"] = version
        return initial

    def hour_rows(self) -> list[tuple[str, str, BoundField, BoundField]]:
        """Each weekday's name, its abbreviation (what a narrow screen shows) and its two times."""
        return [
            (str(WEEKDAY_NAMES[index]), str(WEEKDAYS_ABBR[index]), self[f"opens_{day}"], self[f"closes_{day}"])
            for index, day in enumerate(upkeep.WEEKDAYS)
        ]

    def clean_postal_code(self) -> str:
        value: str = self.cleaned_data.get("postal_code", "").strip()
        if value:
            validate_postal_code(value)
        return value

    def clean_phone(self) -> str:
        value: str = self.cleaned_data.get("phone", "").strip()
        if value:
            validate_phone(value)
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        hours: dict[str, tuple[dt.time | None, dt.time | None]] = {
            day: (cleaned.get(f"opens_{day}"), cleaned.get(f"closes_{day}"))
            for day in upkeep.WEEKDAYS
            if f"opens_{day}" not in self.errors and f"closes_{day}" not in self.errors
        }
        for day, errors in upkeep.check_hours(hours).items():
            self.add_error(f"closes_{day}", errors)
        return cleaned

    def location_fields(self) -> dict[str, Any]:
        """The checked values for upkeep.create_service / add_location / update_location."""
        data = self.cleaned_data
        fields = {name: data[name] for name in upkeep.LOCATION_FIELDS if name != "hours"}
        fields["hours"] = {
            day: (data[f"opens_{day}"], data[f"closes_{day}"])
            for day in upkeep.WEEKDAYS
            if data.get(f"opens_{day}") and data.get(f"closes_{day}")
        }
        return fields


# --- What someone else changed: the refused save of a form ---------------------------------


def _document_lines(value: Any) -> str:
    lines = value.splitlines() if isinstance(value, str) else list(value or ())
    return "; ".join(line.strip() for line in lines if line.strip())


def _language_names(value: Any) -> str:
    names = value.split(",") if isinstance(value, str) else list(value or ())
    return ", ".join(part.strip() for part in names if part.strip())


# Fields whose saved text and typed list read alike only through these (conflicts.differences).
CONFLICT_READERS = {"required_documents": _document_lines, "other_languages": _language_names}


# The fields of ServiceForm that a ServiceChange's field code stands for (others: the same name).
CHANGE_FIELDS = {
    "service_area": ("area_voivodeships", "area_counties", "area_municipalities"),
    "languages": ("languages", "other_languages"),
}


def fields_changed(changes: Iterable[Mapping[str, Any]]) -> set[str]:
    """The ServiceForm fields that ServiceChange rows' `changes` name (places' fields are not on
    the form and are left out)."""
    return {field for change in changes for code in change for field in CHANGE_FIELDS.get(code, (code,))}
