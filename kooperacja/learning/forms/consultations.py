"""Forms of the consultations and recommendations: a consultation, a participant, a remark, a
recommendation, a decision, and the recommendations list's filter. The service checks
everything again and says what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kooperacja.community.models import Programme
from kooperacja.institutions.models import Institution
from kooperacja.learning.consultations import VARIANTS, variants_of
from kooperacja.learning.models import (
    Consultation,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Remark,
    RemarkTopic,
)
from kooperacja.teams.forms.teams import date_field


class _Named(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class _RemarkChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        consultation = obj.consultation
        text = obj.text if len(obj.text) <= 160 else obj.text[:157] + "…"
        return f"{consultation.place}, {consultation.held_on:%d.%m.%Y} · {obj.get_topic_display()}: {text}"


def _only_choice_first(field: forms.Field, choices: QuerySet[Institution]) -> None:
    """An analyst of one regional centre finds it chosen already."""
    only = list(choices[:2])
    if len(only) == 1:
        field.initial = only[0].public_id


def _programmes() -> QuerySet[Programme]:
    return Programme.objects.order_by("-starts_on", "name")


class ConsultationForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    held_on = date_field(pgettext_lazy("meeting date", "Held on"))
    place = forms.CharField(label=_("Place"), max_length=300)
    organiser = _Named(
        label=_("Organiser"),
        queryset=Institution.objects.none(),
        to_field_name="public_id",
        help_text=_("The regional centre (ROPS or MCPS) that organised it."),
    )
    programme = _Named(label=_("Programme"), queryset=_programmes(), to_field_name="public_id", required=False)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was presented and how the meeting went."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, organisers: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers  # type: ignore[attr-defined]
        _only_choice_first(self.fields["organiser"], organisers)

    @classmethod
    def initial_for(cls, consultation: Consultation) -> dict[str, Any]:
        return {
            "title": consultation.title,
            "held_on": consultation.held_on,
            "place": consultation.place,
            "organiser": consultation.organiser,
            "programme": consultation.programme,
            "summary": consultation.summary,
            "version": consultation.version,
        }


class ParticipantForm(forms.Form):
    institution = _Named(
        label=_("Institution"),
        queryset=Institution.objects.filter(is_active=True).order_by("name"),
        to_field_name="public_id",
        required=False,
        help_text=_("When it is an institution of the platform."),
    )
    description = forms.CharField(
        label=_("Who"),
        max_length=300,
        required=False,
        help_text=_("For example „pracownicy GOPS-ów powiatu sandomierskiego”."),
    )
    people = forms.IntegerField(label=_("People"), min_value=1, max_value=10000, initial=1)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and data.get("institution") is None and not data.get("description", "").strip():
            raise forms.ValidationError(_("Choose an institution or describe who took part."))
        return data


class RemarkForm(forms.Form):
    topic = forms.ChoiceField(label=_("Topic"), choices=[("", "—"), *RemarkTopic.choices])
    text = forms.CharField(label=_("Remark"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    raised_by = forms.CharField(
        label=_("Raised by"),
        max_length=300,
        required=False,
        help_text=_(
            "The kind of institution or the group, for example „GOPS”, „PCPR” or „organizacja "
            "pozarządowa”. Never a person's name."
        ),
    )


class RecommendationForm(forms.Form):
    region = _Named(
        label=_("Region (ROPS or MCPS)"),
        queryset=Institution.objects.none(),
        to_field_name="public_id",
        help_text=_("The regional centre that keeps and decides the recommendation."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 5}))
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *RecommendationKind.choices])
    variants = forms.MultipleChoiceField(
        label=_("Applies to"),
        choices=[(code, label) for code, _field, label in VARIANTS],
        widget=forms.CheckboxSelectMultiple,
        initial=["rural"],
        error_messages={
            "required": _("Choose at least one variant of the model: rural gminas, urban-rural gminas or cities.")
        },
        help_text=_("The variants of the model, which are the sections of the Księga Rekomendacji."),
    )
    programme = _Named(label=_("Programme"), queryset=_programmes(), to_field_name="public_id", required=False)
    remarks = _RemarkChoice(
        label=_("Drawn from the remarks"),
        queryset=Remark.objects.none(),
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Any remark of any consultation may feed the recommendation."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, regions: QuerySet[Institution] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if regions is None:
            del self.fields["region"]  # a recommendation stays with the region that keeps it
        else:
            self.fields["region"].queryset = regions  # type: ignore[attr-defined]
            _only_choice_first(self.fields["region"], regions)
        self.fields["remarks"].queryset = Remark.objects.select_related("consultation").order_by(  # type: ignore[attr-defined]
            "-consultation__held_on", "consultation_id", "id"
        )

    @classmethod
    def initial_for(cls, recommendation: Recommendation) -> dict[str, Any]:
        return {
            "title": recommendation.title,
            "text": recommendation.text,
            "kind": recommendation.kind,
            "variants": variants_of(recommendation),
            "programme": recommendation.programme,
            "remarks": list(recommendation.remarks.all()),
            "version": recommendation.version,
        }


class DecisionForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=RecommendationStatus.choices)
    reason = forms.CharField(
        label=_("Reason for the decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the recommendation is accepted, partly accepted, rejected or implemented."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, recommendation: Recommendation) -> dict[str, Any]:
        return {"status": recommendation.status, "reason": recommendation.reason, "version": recommendation.version}

    @classmethod
    def start_for(cls, recommendation: Recommendation) -> dict[str, Any]:
        """What the form starts from: once decided, with an empty reason, so that a changed
        decision is never saved with the reason of the previous one (shown above the form)."""
        initial = cls.initial_for(recommendation)
        if recommendation.status != RecommendationStatus.PROPOSED:
            initial["reason"] = ""
        return initial


class RecommendationFilterForm(forms.Form):
    region = _Named(
        label=_("Region"),
        queryset=Institution.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=_("all regions"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("any kind")), *RecommendationKind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("any status")), *RecommendationStatus.choices], required=False
    )
    variant = forms.ChoiceField(
        label=_("Applies to"),
        choices=[("", _("any variant")), *[(code, label) for code, _field, label in VARIANTS]],
        required=False,
    )

    def __init__(self, *args: Any, regions: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
