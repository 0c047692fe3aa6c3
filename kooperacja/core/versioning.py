"""Optimistic locking: concurrent edits are detected, never silently overwritten (DESIGN.md §6).

A versioned record has a `version` (and, most of them, an `updated_at`). A form carries the
version the editor opened; the service saves only while the record still has it, and refuses
with a `StaleVersion` (each app's subclass says which record) when anyone saved meanwhile.
Every save moves the version on: `bump` on an instance, `bumped` in a queryset's update().
The 409 page that follows is built with `kooperacja.core.forms.conflicts.rebound`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils import timezone


class StaleVersion(ValidationError):
    """Someone saved the record after the editor opened it: nothing was saved.

    An app's subclass sets `default_message` (and `default_code`), so `raise Subclass()` says
    which record; the base also takes a message of its own, like any ValidationError."""

    default_message: Any = None
    default_code: str | None = None

    def __init__(self, message: Any = None, code: str | None = None, params: Any = None) -> None:
        super().__init__(
            self.default_message if message is None else message, code=code or self.default_code, params=params
        )


def check_version(current: models.Model, opened: int | None, refusal: type[StaleVersion] = StaleVersion) -> None:
    """Refuse (`refusal`) unless `current`, the record as saved now, still has the version the
    editor opened."""
    if current.version != opened:  # type: ignore[attr-defined]
        raise refusal()


def _has_updated_at(model: type[models.Model] | models.Model) -> bool:
    return any(field.name == "updated_at" for field in model._meta.concrete_fields)


def bump(obj: models.Model, now: dt.datetime | None = None) -> list[str]:
    """Move the instance to its next version and, when the model has `updated_at`, stamp it with
    `now` (the current time by default). Returns the fields set, for `save(update_fields=...)`."""
    obj.version += 1  # type: ignore[attr-defined]
    if not _has_updated_at(obj):
        return ["version"]
    obj.updated_at = now or timezone.now()  # type: ignore[attr-defined]
    return ["version", "updated_at"]


def bumped(model: type[models.Model], now: dt.datetime | None = None) -> dict[str, Any]:
    """The same as `bump`, as keyword arguments of a queryset's update(): the version is moved
    on in the database, so a row changed meanwhile is not counted twice."""
    values: dict[str, Any] = {"version": F("version") + 1}
    if _has_updated_at(model):
        values["updated_at"] = now or timezone.now()
    return values
