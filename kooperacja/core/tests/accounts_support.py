"""Shared helpers of the accounts tests: users with a role, authenticator codes, sign-in."""

from __future__ import annotations

import time
from typing import Any

from django.apps import apps
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from kooperacja.core import accounts
from kooperacja.core.models import User

PASSWORD = "Lipowa-aleja-1987"
LOGIN_URL = "/accounts/login/"


def make_user(username: str = "anna.nowak", *, role: str | None = None, password: str = PASSWORD) -> User:
    """A user with a password and, when a role is given, one membership in a test institution.

    Institutions are reached through the app registry: core does not import a higher app.
    """
    user = User.objects.create_user(
        username=username, email=f"{username}@gops.example", password=password, first_name="Anna", last_name="Nowak"
    )
    if role:
        voivodeship, _ = apps.get_model("territory", "Voivodeship").objects.get_or_create(
            code="26", defaults={"name": "świętokrzyskie"}
        )
        institution = apps.get_model("institutions", "Institution").objects.create(
            name="Gminny Ośrodek Pomocy Społecznej w Testowie",
            sector="social_assistance",
            kind="gops",
            voivodeship=voivodeship,
        )
        user.memberships.create(institution=institution, role=role)
    return user


def totp_code(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The code the user's phone would show now (or `offset_steps` periods away)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def enable_two_factor(user: User) -> tuple[TOTPDevice, list[str]]:
    """The state after a finished set-up: a confirmed app and ten recovery codes."""
    device = TOTPDevice.objects.create(user=user, name="Telefon", confirmed=True)
    return device, accounts.create_recovery_codes(user)


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(LOGIN_URL, {"username": username, "password": password, **extra})


def says(response: Any, msgid: str, language: str = "pl") -> bool:
    """Whether the page shows this message in its language (before and after the catalogue has it)."""
    with translation.override(language):
        return escape(gettext(msgid)) in response.content.decode()


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")
