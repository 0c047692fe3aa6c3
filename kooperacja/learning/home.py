"""What the learning app puts in the menu (core/navigation.py): core stands below it
(DESIGN.md §3), so `LearningConfig.ready()` registers these."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kooperacja.core.navigation import register_entry
from kooperacja.core.policies import has_role
from kooperacja.core.roles import Role


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _consults_the_model(user: Any) -> bool:
    # Everyone signed in reads consultations; the menu offers them to the regions that run them.
    return has_role(user, Role.REGIONAL_ANALYST, Role.ADMIN)


def register() -> None:
    register_entry("learning:hub", _("Learning"), _signed_in, after="community:programmes")
    register_entry("learning:consultations", _("Consultations of the model"), _consults_the_model, after="learning:hub")
