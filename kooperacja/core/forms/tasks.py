"""Forms of the background task status pages."""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TaskState(models.TextChoices):
    QUEUED = "queued", pgettext_lazy("task state", "queued")
    FAILED = "failed", pgettext_lazy("task state", "failed")
    SUCCEEDED = "succeeded", pgettext_lazy("task state", "succeeded")


class TaskFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("all finished")), *TaskState.choices],
        required=False,
        error_messages={"invalid_choice": _("Unknown task state; showing all finished tasks.")},
    )
