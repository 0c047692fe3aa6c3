"""Forms of the community diagnosis: a gmina's year of figures, the CSV import, the comparison."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from kooperacja.community.indicators import parse_value, plain
from kooperacja.community.models import CommunityIndicator, IndicatorDefinition, IndicatorGroup
from kooperacja.territory.models import Municipality

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_COMPARED_GMINAS = 10
MAX_COMPARED_YEARS = 15
VALUE_PREFIX = "value_"


class FigureField(forms.CharField):
    """A figure typed as people do: `1 234,5` or `1234.5`; empty means no figure."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "class": "input-number"})

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        return parse_value(text) if text else None


class YearForm(forms.Form):
    """All figures of one gmina's year in one form; saving it replaces them together."""

    source = forms.CharField(
        label=_("Source of the figures"),
        max_length=300,
        required=False,
        help_text=_("For example: GUS, Bank Danych Lokalnych; sprawozdanie MRPiPS-03-R za rok."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, definitions: Sequence[IndicatorDefinition], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definitions = list(definitions)
        for definition in self.definitions:
            self.fields[VALUE_PREFIX + definition.code] = FigureField(
                label=definition.name,
                required=False,
                help_text=definition.unit,
            )

    @staticmethod
    def initial_for(figures: Mapping[str, CommunityIndicator], version: int) -> dict[str, Any]:
        initial: dict[str, Any] = {VALUE_PREFIX + code: plain(row.value) for code, row in figures.items()}
        sources = sorted({row.source for row in figures.values() if row.source})
        initial["source"] = sources[0] if sources else ""
        initial["version"] = version
        return initial

    def values(self) -> dict[str, Decimal | None]:
        return {d.code: self.cleaned_data.get(VALUE_PREFIX + d.code) for d in self.definitions}

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The figure fields under the headings of their groups, in the groups' order."""
        labels = dict(IndicatorGroup.choices)
        grouped: dict[str, list[forms.BoundField]] = {}
        for definition in self.definitions:
            grouped.setdefault(definition.group, []).append(self[VALUE_PREFIX + definition.code])
        order = [group for group, _label in IndicatorGroup.choices]
        return [
            (str(labels.get(group, group)), fields)
            for group, fields in sorted(grouped.items(), key=lambda item: _position(order, item[0]))
        ]


def _position(order: list[str], group: str) -> int:
    return order.index(group) if group in order else len(order)


class IndicatorImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file with figures"),
        help_text=_(
            "Columns: gmina (7-digit TERYT code); year; indicator (code); value; source (optional). "
            "UTF-8, cells separated by semicolons or commas."
        ),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 5 MB). Split it into smaller files."))
        return upload


class CompareForm(forms.Form):
    """Which gminas, years and indicators to set side by side (sent by GET)."""

    gmina = forms.MultipleChoiceField(
        label=_("Gminas"),
        help_text=_("Choose up to 10. To choose several, hold Ctrl (Cmd on a Mac) while clicking."),
    )
    year = forms.TypedMultipleChoiceField(label=_("Years"), coerce=int)
    indicator = forms.MultipleChoiceField(
        label=_("Indicators"), required=False, help_text=_("Leave empty to compare all indicators.")
    )

    def __init__(self, *args: Any, gminas: Sequence[Municipality], years: Sequence[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gminas = {g.code: g for g in gminas}
        gmina_field: Any = self.fields["gmina"]
        gmina_field.choices = [(g.code, f"{g.name} ({g.code})") for g in gminas]
        year_field: Any = self.fields["year"]
        year_field.choices = [(year, str(year)) for year in years]
        self.definitions = {d.code: d for d in IndicatorDefinition.objects.filter(is_active=True)}
        indicator_field: Any = self.fields["indicator"]
        indicator_field.choices = [(d.code, d.name) for d in self.definitions.values()]

    def clean_gmina(self) -> list[str]:
        codes: list[str] = self.cleaned_data["gmina"]
        if len(codes) > MAX_COMPARED_GMINAS:
            raise forms.ValidationError(_("Choose at most 10 gminas."))
        return codes

    def clean_year(self) -> list[int]:
        years: list[int] = self.cleaned_data["year"]
        if len(years) > MAX_COMPARED_YEARS:
            raise forms.ValidationError(_("Choose at most 15 years."))
        return sorted(years)

    def chosen_gminas(self) -> list[Municipality]:
        return sorted((self.gminas[code] for code in self.cleaned_data["gmina"]), key=lambda g: (g.name, g.code))

    def chosen_indicators(self) -> list[IndicatorDefinition]:
        codes = set(self.cleaned_data["indicator"])
        return [d for code, d in self.definitions.items() if not codes or code in codes]


class DefinitionForm(forms.ModelForm):
    """An indicator definition as an administrator keeps it. A locked code (figures record it,
    or the platform ships it) is shown but not taken from the form; the service checks it too."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = IndicatorDefinition
        fields = ["code", "name", "group", "unit", "description", "position", "is_active"]
        help_texts = {
            "code": _("Letters, digits, underscores and hyphens, for example seniors_75_plus; used in CSV imports."),
            "unit": _("For example: osoby, rodziny, %."),
            "position": _("Indicators are listed from the smallest number within their group."),
            "is_active": _("An indicator out of use is not entered or compared; its figures stay."),
        }
        error_messages = {"code": {"invalid": _("Use only letters, digits, underscores and hyphens.")}}

    def __init__(self, *args: Any, locked: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["description"].widget.attrs["rows"] = 3
        if locked:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = locked

    def validate_unique(self) -> None:
        # The service refuses a code in use, with its own message (and under a lock).
        return

    def data_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or () if name in self.cleaned_data}
