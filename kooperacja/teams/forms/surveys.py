"""Forms of the partner survey: opening a round, and a member's answer (one 1–5 scale per
statement of `SURVEY_ITEMS`, each a group of radio buttons under its statement, and free text)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kooperacja.teams.models import SURVEY_ITEMS
from kooperacja.teams.surveys import COMMENT_MAX_LENGTH

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Every step of the scale says what it means, so no one has to remember which end is which.
SCALE = [
    (1, _("1 — strongly disagree")),
    (2, _("2 — rather disagree")),
    (3, _("3 — neither agree nor disagree")),
    (4, _("4 — rather agree")),
    (5, _("5 — strongly agree")),
]


class OpenSurveyForm(forms.Form):
    title = forms.CharField(label=_("Title of the round"), max_length=200)
    opens_on = forms.DateField(label=_("Open from"), widget=DATE_WIDGET)
    closes_on = forms.DateField(
        label=_("Open until"), widget=DATE_WIDGET, help_text=_("Members can answer up to and including this day.")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The survey cannot close before it opens."))
        return data


def _score_field(statement: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=statement,
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one of 1 to 5."), "invalid_choice": _("Choose one of 1 to 5.")},
    )


class AnswerForm(forms.Form):
    comment = forms.CharField(
        label=_("What would you change in the work of the team?"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Optional. Others in the team will read it: leave out names and anything that would show who wrote it."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scores = {key: _score_field(statement) for key, statement in SURVEY_ITEMS.items()}
        # The statements first, in the order the survey asks them; the free text last.
        self.fields = {**scores, "comment": self.fields["comment"]}

    def score_fields(self) -> list[forms.BoundField]:
        return [self[key] for key in SURVEY_ITEMS]

    def scores(self) -> dict[str, int]:
        return {key: self.cleaned_data[key] for key in SURVEY_ITEMS}
