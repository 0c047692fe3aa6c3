"""Certificates of trainings attended and courses completed: issuing them (once per person and
training or course) and finding one by its verification code.

A code looks like `KOOP-7K3M-Q9TX`: 8 characters from an alphabet without look-alikes (no 0/O,
1/I/L), about 40 bits — enough that guessing a valid code on the public page is hopeless.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from kooperacja.learning.models import Certificate, Course, Training

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
PREFIX = "KOOP"


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{PREFIX}-{body[:4]}-{body[4:]}"


def normalise_code(text: str) -> str:
    """The code as stored, from what someone typed: case, spaces and dashes do not matter."""
    bare = "".join(char for char in text.upper() if char.isalnum())
    if bare.startswith(PREFIX):
        bare = bare[len(PREFIX) :]
    if len(bare) != 8:
        return ""
    return f"{PREFIX}-{bare[:4]}-{bare[4:]}"


def find_by_code(text: str) -> Certificate | None:
    """The certificate a typed code names, or None (revoked ones are found: the page says so)."""
    code = normalise_code(text)
    if not code:
        return None
    return Certificate.objects.select_related("training", "course").filter(code=code).first()


def holder_name(user: Any) -> str:
    return (user.get_full_name() or user.get_username()).strip()


def issue(
    user: Any, *, training: Training | None = None, course: Course | None = None, hours: Decimal, issued_by: str
) -> Certificate:
    """The user's certificate of the training or course: the one already issued, or a new one."""
    if (training is None) == (course is None):
        raise ValueError("a certificate is of exactly one training or course")
    found = Certificate.objects.filter(user=user, training=training, course=course).first()
    if found is not None:
        return found
    title = training.title if training is not None else course.title  # type: ignore[union-attr]
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    code=new_code(),
                    user=user,
                    holder_name=holder_name(user),
                    title=title,
                    training=training,
                    course=course,
                    hours=hours,
                    issued_by=issued_by,
                )
        except IntegrityError:
            # Either the same certificate was issued at this moment, or the code was taken.
            found = Certificate.objects.filter(user=user, training=training, course=course).first()
            if found is not None:
                return found
    raise RuntimeError("no free certificate code after 5 attempts")
