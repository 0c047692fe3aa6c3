"""Forms answering what a service refused or what someone else saved meanwhile.

Concurrent edits are detected, never silently overwritten (DESIGN.md §6): a save with a stale
version is refused and the page shows, field by field, the value saved now beside the one the
editor typed. The same module puts a service's `ValidationError` on the form it came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

FormT = TypeVar("FormT", bound=forms.BaseForm)


def put_refusal(form: forms.BaseForm, refusal: ValidationError) -> None:
    """Put a service's refusal on the form: on the fields it names, the rest above the form."""
    if hasattr(refusal, "error_dict"):
        for field, errors in refusal.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, refusal)


@dataclass(frozen=True)
class Difference:
    """A field whose saved value is not the one the editor typed, both as people read them."""

    label: str
    saved: str
    typed: str


def _choice_labels(field: forms.Field) -> dict[str, str]:
    """Every choice's label by its value, groups opened."""
    labels: dict[str, str] = {}

    def add(choices: Iterable[Any]) -> None:
        for value, label in choices:
            if isinstance(label, list | tuple):
                add(label)
            else:
                labels[str(getattr(value, "value", value))] = str(label)

    add(getattr(field, "choices", ()))
    return labels


def _keys(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    items = list(value) if isinstance(value, list | tuple | set | QuerySet) else [value]
    return [str(getattr(item, "pk", item)) for item in items]


def readable(field: forms.Field, value: Any) -> str:
    """A field's value (initial or cleaned) as the form shows it, in one line."""
    if isinstance(field, forms.BooleanField):
        return str(_("yes") if value else _("no"))
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        labels = _choice_labels(field)
        return ", ".join(sorted(labels.get(key, key) for key in _keys(value)))
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    if value is None:
        return ""
    return " ".join(str(value).split())


def differences(
    typed: forms.BaseForm,
    saved: Mapping[str, Any],
    *,
    only: Collection[str] | None = None,
    readers: Mapping[str, Callable[[Any], str]] | None = None,
) -> list[Difference]:
    """The fields of `typed` (a valid bound form) whose value differs from the one saved now
    (`saved`: the values the form would start from), in the form's order. With `only`, among
    those fields (the ones someone else changed); `readers` read fields whose initial and
    cleaned values have different shapes."""
    found = []
    for name, field in typed.fields.items():
        if field.widget.is_hidden or name not in saved or (only is not None and name not in only):
            continue
        read = (readers or {}).get(name)
        now, mine = saved[name], typed.cleaned_data.get(name)
        now, mine = (read(now), read(mine)) if read else (readable(field, now), readable(field, mine))
        if now != mine:
            found.append(Difference(label=str(field.label), saved=now, typed=mine))
    return found


def rebound(form_class: type[FormT], data: QueryDict, version: int, **kwargs: Any) -> FormT:
    """The form as the editor filled it (`data`: the POST refused as stale), carrying the version
    saved now, checked and ready to show on the 409 page: saving it again, after reading what
    the others changed, is the editor's confirmation (unless yet another save came between)."""
    again = data.copy()
    again["version"] = str(version)
    form = form_class(again, **kwargs)
    form.is_valid()
    return form
