"""The rows of the access matrix (tests/test_access_matrix.py): who gets which answer where.

Each row names a URL (or API operation), how to call it, and the status code for anonymous
and for every demo persona. `answers(default, {persona: code})` gives every persona the
default except those listed; anonymous gets 302 (to login) on staff pages unless stated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.personas import ADMIN, ANONYMOUS, LEADER, PERSONAS

Getter = Callable[[str], Any]  # the `persona` fixture: username -> user


def answers(default: int, special: dict[str, int] | None = None, *, anonymous: int = 302) -> dict[str, int]:
    table = dict.fromkeys(PERSONAS, default)
    table[ANONYMOUS] = anonymous
    table.update(special or {})
    return table


PUBLIC = answers(200, anonymous=200)
SIGNED_IN = answers(200)


@dataclass(frozen=True)
class UrlRow:
    name: str
    answers: dict[str, int]
    method: str = "GET"
    kwargs: Callable[[Getter], dict[str, Any]] | None = None
    data: dict[str, Any] | None = None
    # The method that must answer 405 (asked as the first persona who may use the URL).
    wrong_method: str | None = "POST"
    # Whether an anonymous 302 must lead to our login page (not so for set_language or Django's admin).
    anonymous_to_login: bool = True

    def expect(self, who: str) -> int:
        return self.answers[who]

    def first_allowed(self) -> str:
        allowed = [who for who in PERSONAS if self.answers[who] < 400]
        return allowed[0] if allowed else ANONYMOUS


@dataclass(frozen=True)
class ApiRow:
    method: str
    path: str  # as in the OpenAPI document, relative to /api/v1
    answers: dict[str, int]
    params: Callable[[Getter], dict[str, Any]] | None = None
    body: str | None = None

    def expect(self, who: str) -> int:
        return self.answers[who]

    def concrete_path(self, persona: Getter) -> str:
        return self.path.format(**self.params(persona)) if self.params else self.path


def _rows(*rows: UrlRow) -> dict[str, UrlRow]:
    return {row.name: row for row in rows}


MANAGERS_AND_ADMIN = answers(403, {ADMIN: 200, LEADER: 200})
ADMIN_ONLY = answers(403, {ADMIN: 200})

URL_ROWS: dict[str, UrlRow] = _rows(
    # Public pages.
    UrlRow("core:start", PUBLIC),
    UrlRow("core:accessibility", PUBLIC),
    UrlRow("core:privacy", PUBLIC),
    UrlRow("core:help", PUBLIC),
    UrlRow("core:help_role", PUBLIC, kwargs=lambda persona: {"role": "social_worker"}),
    UrlRow("healthz", PUBLIC),
    UrlRow("set_language", answers(302, anonymous=302), method="POST", data={"language": "pl"}, wrong_method=None),
    # Home and audit.
    UrlRow("core:home", SIGNED_IN),
    UrlRow("core:audit", MANAGERS_AND_ADMIN),
    UrlRow("core:audit_export", MANAGERS_AND_ADMIN),
    # Accounts.
    UrlRow("login", PUBLIC, wrong_method="PUT"),
    # Django's own admin is for superusers on a deployment's console (DESIGN.md §1): no persona
    # is staff, so everyone is sent to its login. Its other URLs behave alike and are left out.
    UrlRow("admin:index", answers(302), wrong_method=None, anonymous_to_login=False),
    UrlRow("admin:login", PUBLIC, wrong_method=None),
)

API_ROWS: list[ApiRow] = []
