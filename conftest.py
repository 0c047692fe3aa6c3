"""Fixtures every test shares. The environment is set by kooperacja.testing (see pyproject).

The test database of each worker is created once with the demo data (the personas of
DESIGN.md §4); each test then runs inside a transaction that is rolled back.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# CI runs property tests with fewer examples and no deadline (a shared 2-core machine);
# HYPOTHESIS_PROFILE=dev gives the thorough default locally.
hypothesis_settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# Demo passwords are hashed thousands of times in tests; Argon2 stays for production.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        call_command("load_demo", "--force", verbosity=0, stdout=io.StringIO())


@pytest.fixture
def persona(db: None) -> Callable[[str], Any]:
    """persona("gops.mirzec") -> the demo user of that name."""
    from django.contrib.auth import get_user_model

    def get(username: str) -> Any:
        return get_user_model().objects.get(username=username)

    return get


@pytest.fixture
def login_as(client: Any, persona: Callable[[str], Any]) -> Callable[[str], Any]:
    """login_as("gops.mirzec") signs the test client in as that persona and returns the user."""

    def sign_in(username: str) -> Any:
        user = persona(username)
        client.force_login(user)
        return user

    return sign_in
