"""`manage.py demo_logins`: where the demo runs and who can sign in (printed by `make run`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kooperacja.institutions.demo import PERSONAS


class Command(BaseCommand):
    help = "Prints the address of the platform, the demo password and the demo personas."
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        width = max(len(username) for username, _description in PERSONAS)
        self.stdout.write(_("Kooperacja: %(url)s") % {"url": f"{settings.SITE_URL}/"})
        self.stdout.write(_("Password of every demo login: %(password)s") % {"password": settings.DEMO_PASSWORD})
        self.stdout.write("")
        login, who = _("login"), _("who")
        self.stdout.write(f"{login:<{width}}  {who}")
        for username, description in PERSONAS:
            self.stdout.write(f"{username:<{width}}  {description}")
