"""Fixtures of the institutions tests: the demo institutions, more staff, and Polish messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.html import escape

from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution, InstitutionKind, Membership, Sector
from kooperacja.territory.models import Municipality


def institution(short_name: str) -> Institution:
    return Institution.objects.get(short_name=short_name)


@pytest.fixture
def gops_mirzec(db: None) -> Institution:
    return institution("GOPS Mirzec")


@pytest.fixture
def gops_oksa(db: None) -> Institution:
    return institution("GOPS Oksa")


@pytest.fixture
def make_institution(db: None) -> Callable[..., Institution]:
    """make_institution(name=..., **fields) -> a school in Mirzec, or what the fields say."""
    counter = iter(range(10_000))

    def make(**fields: Any) -> Institution:
        mirzec = Municipality.objects.with_parents().get(code="2611032")
        values: dict[str, Any] = {
            "name": f"Szkoła testowa nr {next(counter)}",
            "kind": InstitutionKind.SCHOOL,
            "sector": Sector.EDUCATION,
            "voivodeship": mirzec.county.voivodeship,
            "county": mirzec.county,
            "municipality": mirzec,
        }
        values.update(fields)
        return Institution.objects.create(**values)

    return make


@pytest.fixture
def make_member(db: None) -> Callable[..., Membership]:
    """make_member(institution, role, username=None, email=None) -> a new user's active membership."""
    counter = iter(range(10_000))

    def make(institution: Institution, role: str = Role.SOCIAL_WORKER, **user_fields: Any) -> Membership:
        number = next(counter)
        username = user_fields.pop("username", f"pracownik{number}")
        user = get_user_model().objects.create_user(
            username=username,
            email=user_fields.pop("email", f"{username}@test.example"),
            password="haslo-testowe-123",
            first_name=user_fields.pop("first_name", "Jan"),
            last_name=user_fields.pop("last_name", f"Testowy {number}"),
        )
        return Membership.objects.create(user=user, institution=institution, role=role)

    return make


def polish(msgid: str, **params: Any) -> str:
    """The message as a Polish page shows it (HTML-escaped), whichever catalogue is compiled."""
    with translation.override("pl"):
        text = translation.gettext(msgid)
    return escape(text % params if params else text)
