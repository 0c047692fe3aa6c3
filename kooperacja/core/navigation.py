"""The main navigation: which sections a user sees, by role.

Sections of apps that have not landed yet are skipped (their URL name does not resolve), so
the menu never links to a page that does not exist. Apps above core (DESIGN.md §3: core
imports none of them) add their own entries with `register_entry` from their `ready()`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kooperacja.core.policies import has_role, is_platform_admin
from kooperacja.core.roles import Role


class NavItem(NamedTuple):
    url_name: str
    label: str | Promise
    url: str


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _manager_or_admin(user: Any) -> bool:
    return has_role(user, Role.MANAGER, Role.ADMIN)


def _keeps_services(user: Any) -> bool:
    return has_role(user, Role.PARTNER_STAFF, Role.MANAGER, Role.ADMIN)


def _works_on_cases(user: Any) -> bool:
    return has_role(user, Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT, Role.MANAGER, Role.PARTNER_STAFF)


def _receives_referrals(user: Any) -> bool:
    # The roles that handle an institution's inbox of referrals (plans.referral_policies).
    return has_role(user, Role.SOCIAL_WORKER, Role.MANAGER, Role.PARTNER_STAFF)


def _only_sends_referrals(user: Any) -> bool:
    # A family assistant refers the families it works with, but answers no inbox.
    return has_role(user, Role.FAMILY_ASSISTANT) and not _receives_referrals(user)


def _anyone(user: Any) -> bool:
    return True


Predicate = Callable[[Any], bool]


# In menu order. A user sees an entry when its predicate holds and its URL name resolves.
_SECTIONS: list[tuple[str, str | Promise, Predicate]] = [
    ("core:home", _("My work"), _signed_in),
    ("core:notifications", _("Notifications"), _signed_in),
    ("cases:list", _("Cases"), _works_on_cases),
    ("plans:inbox", _("Referrals"), _receives_referrals),
    ("plans:outbox", _("Referrals"), _only_sends_referrals),
    ("directory:search", _("Service directory"), _anyone),
    ("directory:manage", _("Our services"), _keeps_services),
    ("directory:gaps", _("Resource map"), _signed_in),
    ("institutions:list", _("Institutions"), _manager_or_admin),
    ("territory:list", _("Territory"), is_platform_admin),
    ("directory:taxonomy", _("Service categories"), is_platform_admin),
    ("core:audit", _("Audit log"), _manager_or_admin),
    ("lockouts", _("Sign-in lockouts"), is_platform_admin),
    ("core:tasks", _("Background tasks"), is_platform_admin),
    ("api_access:tokens", _("API access"), _signed_in),
    ("two_factor", _("Sign-in and password"), _signed_in),
    ("core:help", _("Help"), _anyone),
]


# Entries apps registered: URL name → (label, predicate, the URL name it follows).
_REGISTERED: dict[str, tuple[str | Promise, Predicate, str]] = {}


def register_entry(url_name: str, label: str | Promise, predicate: Predicate, *, after: str) -> None:
    """Add an app's section to the menu, right after the entry `after` (at the end when there is
    no such entry). Registering the same URL name again replaces the entry."""
    _REGISTERED[url_name] = (label, predicate, after)


def _menu() -> list[tuple[str, str | Promise, Predicate]]:
    menu = [entry for entry in _SECTIONS if entry[0] not in _REGISTERED]
    for url_name, (label, predicate, after) in _REGISTERED.items():
        place = next((index + 1 for index, entry in enumerate(menu) if entry[0] == after), len(menu))
        menu.insert(place, (url_name, label, predicate))
    return menu


def nav_items(user: Any) -> list[NavItem]:
    """The sections the user may open; anonymous users see the service directory and Help."""
    items = []
    for url_name, label, allowed in _menu():
        if not allowed(user):
            continue
        try:
            items.append(NavItem(url_name, label, reverse(url_name)))
        except NoReverseMatch:
            continue
    return items
