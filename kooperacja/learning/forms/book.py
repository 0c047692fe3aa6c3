"""The form that publishes a version of the Księga Rekomendacji. The service checks the note
again and refuses a book without accepted recommendations."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kooperacja.learning.book import NOTE_MAX_LENGTH


class PublishForm(forms.Form):
    note = forms.CharField(
        label=_("What changed in this version"),
        max_length=NOTE_MAX_LENGTH,
        help_text=_("For example: the recommendations of the consultation in Kielce were added."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
