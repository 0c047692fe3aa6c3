"""Membership roles and team roles (DESIGN.md §1)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("social worker")
    FAMILY_ASSISTANT = "family_assistant", _("family assistant")
    MANAGER = "manager", _("manager")
    PARTNER_STAFF = "partner_staff", _("partner institution staff")
    ANIMATOR = "animator", _("animator")
    REGIONAL_ANALYST = "regional_analyst", _("regional analyst")
    ADMIN = "admin", _("platform administrator")


# Roles that can see personal data: they must use two-factor login when REQUIRE_2FA is on.
ROLES_REQUIRING_2FA = frozenset(
    {Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT, Role.MANAGER, Role.PARTNER_STAFF, Role.ADMIN}
)
