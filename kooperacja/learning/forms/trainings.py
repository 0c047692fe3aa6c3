"""Forms of trainings, sessions, enrolment, attendance, certificates and the verification page.
Choices come from the user (the institutions they may organise for, their own institutions) and
from the training (its enrolled people), so a form rarely offers what the service would refuse;
the service still checks everything."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kooperacja.institutions.models import Institution
from kooperacja.learning import trainings as service
from kooperacja.learning.models import Enrolment, Topic, Training, TrainingKind, TrainingSession
from kooperacja.teams.forms.teams import date_field
from kooperacja.teams.models import Team

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _when(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


class _Named(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class FilterForm(forms.Form):
    """The list's filters; a value that is not a choice is left out, never an error."""

    WHEN_CHOICES = [
        ("", _("all")),
        (service.UPCOMING, _("upcoming")),
        (service.PAST, pgettext_lazy("trainings", "past")),
    ]

    topic = forms.ChoiceField(label=_("Topic"), required=False, choices=[("", _("all")), *Topic.choices])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("all")), *TrainingKind.choices])
    when = forms.ChoiceField(label=_("When"), required=False, choices=WHEN_CHOICES)

    def filters(self) -> dict[str, str]:
        if self.is_valid():
            return {name: self.cleaned_data[name] for name in ("topic", "kind", "when")}
        return {
            name: self.data.get(name, "")
            for name in ("topic", "kind", "when")
            if self.data.get(name, "") in {str(value) for value, _label in self.fields[name].choices}  # type: ignore[attr-defined]
        }


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingKind.choices, initial=TrainingKind.TRAINING)
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    organiser = _Named(label=_("Organiser"), queryset=Institution.objects.none(), to_field_name="public_id")
    team = _Named(
        label=_("For the team"),
        queryset=Team.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_(
            "A training for one cooperation team can be shown as evidence of its obligations. The organiser must "
            "be a member of the team or support its powiat or voivodeship."
        ),
    )
    trainer = forms.CharField(label=_("Trainer"), max_length=200, required=False)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=10000)
    enrolment_closes_on = date_field(_("Enrolment closes on"), required=False)
    required_attendance = forms.IntegerField(
        label=_("Attendance required for a certificate (%)"),
        min_value=1,
        max_value=100,
        initial=100,
        help_text=_("The share of sessions a person must attend to get a certificate."),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, organisers: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, training: Training) -> dict[str, Any]:
        return {
            "title": training.title,
            "kind": training.kind,
            "topic": training.topic,
            "organiser": training.organiser.public_id,
            "team": training.team.public_id if training.team else None,
            "trainer": training.trainer,
            "capacity": training.capacity,
            "enrolment_closes_on": training.enrolment_closes_on,
            "required_attendance": training.required_attendance,
            "description": training.description,
            "version": training.version,
        }

    def training_data(self) -> service.TrainingData:
        data = self.cleaned_data
        return service.TrainingData(
            title=data["title"],
            kind=data["kind"],
            topic=data["topic"],
            organiser=data["organiser"],
            capacity=data["capacity"],
            description=data["description"],
            team=data["team"],
            trainer=data["trainer"],
            enrolment_closes_on=data["enrolment_closes_on"],
            required_attendance=data["required_attendance"],
        )


READERS = {
    "organiser": lambda value: str(getattr(value, "name", "") or value or ""),
    "team": lambda value: str(getattr(value, "name", "") or value or ""),
}


class SessionForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=300, required=False, help_text=_("For example: Day 1: communication.")
    )
    starts_at = _when(_("Starts"))
    ends_at = _when(_("Ends"))
    place = forms.CharField(label=_("Place"), max_length=300, required=False)

    @classmethod
    def initial_for(cls, session: TrainingSession) -> dict[str, Any]:
        return {
            "title": session.title,
            "starts_at": timezone.localtime(session.starts_at).replace(tzinfo=None),
            "ends_at": timezone.localtime(session.ends_at).replace(tzinfo=None),
            "place": session.place,
        }

    def session_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("title", "starts_at", "ends_at", "place")}


class EnrolForm(forms.Form):
    """Which of the user's institutions the enrolment is for (asked only when they have several)."""

    institution = _Named(
        label=_("On behalf of"), queryset=Institution.objects.none(), to_field_name="public_id", required=False
    )

    def __init__(self, *args: Any, institutions: list[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        field.queryset = Institution.objects.filter(pk__in=[one.pk for one in institutions]).order_by("name")  # type: ignore[attr-defined]
        if len(institutions) < 2:
            field.widget = forms.HiddenInput()


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Present"), required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args: Any, enrolled: list[Enrolment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by_key = {str(one.public_id): one for one in enrolled}
        self.fields["present"].choices = [  # type: ignore[attr-defined]
            (str(one.public_id), f"{_full_name(one.user)}{_of(one)}") for one in enrolled
        ]

    def present_ids(self) -> set[int]:
        return {self.by_key[key].pk for key in self.cleaned_data["present"]}


def _full_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()).strip()


def _of(enrolment: Enrolment) -> str:
    return f" ({enrolment.institution.name})" if enrolment.institution else ""


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The verification page will say the certificate was revoked, and when."),
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        help_text=_("As printed on the certificate, for example KOOP-7K3M-Q9TX."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
