"""Forms of the materials library: the filters of the list, uploading a material and changing
what is said about it. The service checks everything again and says what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kooperacja.learning.models import AccessLevel, Material, MaterialKind, Topic
from kooperacja.territory.models import Voivodeship


def _any(label: Any, choices: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class MaterialFilterForm(forms.Form):
    q = forms.CharField(label=_("Words"), max_length=200, required=False)
    topic = forms.ChoiceField(label=_("Topic"), choices=_any(_("any topic"), Topic.choices), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=_any(_("any kind"), MaterialKind.choices), required=False)

    def filters(self) -> dict[str, str]:
        """The filters that are valid (an invalid one is left out and its error shown)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or "" for name in ("q", "topic", "kind") if name not in self.errors}


class _VoivodeshipChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("Kind"), choices=MaterialKind.choices)
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    access_level = forms.ChoiceField(label=_("Who may open it"), choices=AccessLevel.choices, initial=AccessLevel.STAFF)
    voivodeship = _VoivodeshipChoice(
        label=_("Voivodeship"),
        queryset=Voivodeship.objects.none(),
        to_field_name="code",
        required=False,
        help_text=_(
            "Required when only the staff of a voivodeship may open the material; "
            "otherwise the region that keeps it (its analysts may change it)."
        ),
    )

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, voivodeships: QuerySet[Voivodeship], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["voivodeship"].queryset = voivodeships  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, material: Material) -> dict[str, Any]:
        return {
            "title": material.title,
            "description": material.description,
            "kind": material.kind,
            "topic": material.topic,
            "access_level": material.access_level,
            "voivodeship": material.voivodeship.code if material.voivodeship else None,
            "version": material.version,
        }


class UploadForm(MaterialForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG image, DOCX or ODT document."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.odt"}),
    )
    field_order = ["file", "title", "description", "kind", "topic", "access_level", "voivodeship"]
