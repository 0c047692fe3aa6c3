"""The diagnosis form: built from the instrument's data, one group of fields per domain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kooperacja.assessment.models import Domain, Instrument, Level, Priority
from kooperacja.assessment.services import Score
from kooperacja.cases.models import CaseKind, Person

HOUSEHOLD = "household"


@dataclass
class DomainFields:
    """The fields of one domain, for the template's fieldset."""

    domain: Domain
    level: forms.BoundField
    strengths: forms.BoundField
    priority: forms.BoundField


def _level_choices(domain: Domain) -> list[tuple[int, str]]:
    texts = {description.level: description.text for description in domain.levels.all()}
    return [(level, f"{level} – {label}: {texts.get(level, '')}") for level, label in Level.choices]


class AssessmentForm(forms.Form):
    """Who is assessed, when, and a level (1–5), strengths and priority for every domain. Domains
    are not required one by one: the service refuses missing domains naming all of them."""

    person = forms.ChoiceField(label=_("Who is assessed"))
    assessed_on = forms.DateField(
        label=_("Date of the diagnosis"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date, e.g. 2026-03-15.")},
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        instrument: Instrument,
        domains: list[Domain],
        kind: str = CaseKind.HOUSEHOLD,
        persons: list[Person] | None = None,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.domains = domains
        self.persons = {str(person.public_id): person for person in persons or []}
        choices = [(key, person.full_name) for key, person in self.persons.items()]
        if kind != CaseKind.PERSON:
            choices.insert(0, (HOUSEHOLD, str(_("the household as a whole"))))
        person_field = cast(forms.ChoiceField, self.fields["person"])
        person_field.choices = choices
        if editing:
            del self.fields["person"]
        self.fields["assessed_on"].initial = timezone.localdate()
        for domain in domains:
            self.fields[f"level_{domain.code}"] = forms.TypedChoiceField(
                label=domain.name,
                choices=_level_choices(domain),
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"strengths_{domain.code}"] = forms.CharField(
                label=_("Strengths and resources"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"priority_{domain.code}"] = forms.ChoiceField(
                label=_("Priority"),
                required=False,
                choices=[("", _("not set")), *Priority.choices],
            )

    def domain_fields(self) -> list[DomainFields]:
        return [
            DomainFields(
                domain,
                self[f"level_{domain.code}"],
                self[f"strengths_{domain.code}"],
                self[f"priority_{domain.code}"],
            )
            for domain in self.domains
        ]

    def chosen_person(self) -> Person | None:
        key = self.cleaned_data.get("person", HOUSEHOLD)
        return None if key == HOUSEHOLD else self.persons[key]

    def scores(self) -> dict[str, Score]:
        data = self.cleaned_data
        return {
            domain.code: Score(
                level=data.get(f"level_{domain.code}"),
                strengths=data.get(f"strengths_{domain.code}", ""),
                priority=data.get(f"priority_{domain.code}", ""),
            )
            for domain in self.domains
        }

    @staticmethod
    def initial_for(assessment: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "assessed_on": assessment.assessed_on,
            "notes": assessment.notes,
            "version": assessment.version,
        }
        for score in assessment.scores.all():
            code = score.domain.code
            initial[f"level_{code}"] = score.level
            initial[f"strengths_{code}"] = score.strengths
            initial[f"priority_{code}"] = score.priority
        return initial
