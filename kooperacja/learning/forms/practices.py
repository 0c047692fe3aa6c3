"""Forms of good practices: the filters of the list and writing a practice with its tags. The
service checks everything again and says what is wrong."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kooperacja.learning.models import GoodPractice, PracticeTag
from kooperacja.learning.practices import split_tags
from kooperacja.territory.models import Municipality

GMINA_CODE = re.compile(r"^\d{7}$")


class PracticeFilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), max_length=200, required=False)
    gmina = forms.CharField(label=_("Gmina"), required=False, widget=forms.Select)
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(
        self, *args: Any, gminas: list[Municipality], tags: list[PracticeTag], years: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gmina"].widget.choices = [("", _("any gmina"))] + [
            (gmina.code, f"{gmina.name} ({gmina.code})") for gmina in gminas
        ]
        self.fields["tag"].choices = [("", _("any tag"))] + [(tag.slug, tag.name) for tag in tags]  # type: ignore[attr-defined]
        self.fields["year"].choices = [("", _("any year"))] + [(str(year), str(year)) for year in years]  # type: ignore[attr-defined]
        self._tags = {tag.slug: tag for tag in tags}

    def clean_gmina(self) -> Municipality | None:
        code = self.cleaned_data["gmina"].strip()
        if not code:
            return None
        if not GMINA_CODE.match(code):
            raise forms.ValidationError(_("Type the gmina's TERYT code: 7 digits."))
        gmina = Municipality.objects.filter(code=code).first()
        if gmina is None:
            raise forms.ValidationError(_("No gmina has the code %(code)s.") % {"code": code})
        return gmina

    def filters(self) -> dict[str, Any]:
        """The filters that are valid (an invalid one is left out and its error shown)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        found: dict[str, Any] = {"query": (data.get("q") or "") if "q" not in self.errors else ""}
        found["gmina"] = data.get("gmina") if "gmina" not in self.errors else None
        found["tag"] = self._tags.get(data.get("tag") or "") if "tag" not in self.errors else None
        found["year"] = data.get("year") if "year" not in self.errors else None
        return found


class _GminaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class PracticeForm(forms.Form):
    municipality = _GminaChoice(label=_("Gmina"), queryset=Municipality.objects.none(), to_field_name="code")
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("In one sentence"), max_length=500)
    description = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 6}))
    results = forms.CharField(label=_("What it changed"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    year = forms.IntegerField(label=_("Year"), widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"),
        queryset=PracticeTag.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_tags = forms.CharField(
        label=_("New tags"),
        max_length=500,
        required=False,
        help_text=_("Separate tags with commas, e.g. „seniorzy, wolontariat”."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, gminas: QuerySet[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = gminas.order_by("name")  # type: ignore[attr-defined]

    def clean_new_tags(self) -> list[str]:
        return split_tags(self.cleaned_data["new_tags"])

    @classmethod
    def initial_for(cls, practice: GoodPractice) -> dict[str, Any]:
        return {
            "municipality": practice.municipality.code,
            "title": practice.title,
            "summary": practice.summary,
            "description": practice.description,
            "results": practice.results,
            "year": practice.year,
            "tags": [tag.slug for tag in practice.tags.all()],
            "new_tags": "",
            "version": practice.version,
        }
