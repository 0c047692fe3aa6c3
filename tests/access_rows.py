"""The rows of the access matrix (tests/test_access_matrix.py): who gets which answer where.

Each row names a URL (or API operation), how to call it, and the status code for anonymous
and for every demo persona. `answers(default, {persona: code})` gives every persona the
default except those listed; anonymous gets 302 (to login) on staff pages unless stated.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.personas import ADMIN, ANONYMOUS, ASSISTANT, COLLEAGUE, GOPS_MIRZEC, LEADER, PERSONAS

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


# --- Objects the rows ask about ------------------------------------------------------------


def _gops_mirzec() -> Any:
    from kooperacja.institutions.models import Institution, InstitutionKind

    return Institution.objects.get(kind=InstitutionKind.GOPS, municipality__name="Mirzec")


def _personal_token(persona: Getter) -> dict[str, Any]:
    from kooperacja.institutions.tokens import issue_personal_token

    token, _ = issue_personal_token(persona(GOPS_MIRZEC), name="matrix", scope="read")
    return {"token_id": token.public_id}


def _api_client(persona: Getter, *, with_token: bool = False) -> dict[str, Any]:
    from kooperacja.institutions.tokens import create_api_client, issue_client_token

    institution = _gops_mirzec()
    client = create_api_client(persona(LEADER), institution, name="matrix", role="social_worker")
    ids = {"institution_id": institution.public_id, "client_id": client.public_id}
    if with_token:
        token, _ = issue_client_token(persona(LEADER), client, name="matrix", scope="read")
        ids["token_id"] = token.public_id
    return ids


def _notification(persona: Getter) -> dict[str, Any]:
    from kooperacja.core.notifications import notify

    note = notify(persona(GOPS_MIRZEC), kind="matrix", title="Nowe skierowanie", url="/home/")
    return {"public_id": note.public_id}


def _finished_task(persona: Getter) -> dict[str, Any]:
    from kooperacja.core.tasks import enqueue

    return {"task_id": enqueue("math.floor", 1.5)}  # tests run tasks at once, leaving its record


def _gops_mirzec_ids(persona: Getter) -> dict[str, Any]:
    return {"public_id": _gops_mirzec().public_id}


def _colleague_membership(persona: Getter) -> dict[str, Any]:
    membership = persona(COLLEAGUE).memberships.get(revoked_at__isnull=True)
    return {"public_id": _gops_mirzec().public_id, "membership_id": membership.public_id}


def _unknown_membership(persona: Getter) -> dict[str, Any]:
    return {"public_id": _gops_mirzec().public_id, "membership_id": uuid.uuid4()}


def _unknown_invitation(persona: Getter) -> dict[str, Any]:
    return {"public_id": _gops_mirzec().public_id, "invitation_id": uuid.uuid4()}


def _rows(*rows: UrlRow) -> dict[str, UrlRow]:
    return {row.name: row for row in rows}


MANAGERS_AND_ADMIN = answers(403, {ADMIN: 200, LEADER: 200})
ADMIN_ONLY = answers(403, {ADMIN: 200})
GOPS_MIRZEC_STAFF = [GOPS_MIRZEC, COLLEAGUE, ASSISTANT, LEADER]


def gops_mirzec_managed(allowed: int, *, members: int = 403, outsiders: int = 404) -> dict[str, int]:
    """Something of GOPS Mirzec that its manager (and the admin) may manage: its other staff
    get 403, everyone outside the institution 404."""
    table = answers(outsiders, dict.fromkeys(GOPS_MIRZEC_STAFF, members))
    table[ADMIN] = table[LEADER] = allowed
    return table


URL_ROWS: dict[str, UrlRow] = _rows(
    # Public pages.
    UrlRow("core:start", PUBLIC),
    UrlRow("core:accessibility", PUBLIC),
    UrlRow("core:privacy", PUBLIC),
    UrlRow("core:help", PUBLIC),
    UrlRow("core:help_role", PUBLIC, kwargs=lambda persona: {"role": "social_worker"}),
    UrlRow("healthz", PUBLIC),
    UrlRow(
        "set_language",
        answers(302),
        method="POST",
        data={"language": "pl"},
        wrong_method=None,
        anonymous_to_login=False,
    ),
    # Home and audit.
    UrlRow("core:home", SIGNED_IN),
    UrlRow("core:audit", MANAGERS_AND_ADMIN),
    UrlRow("core:audit_export", MANAGERS_AND_ADMIN),
    # Notifications and background tasks.
    UrlRow("core:notifications", SIGNED_IN),
    UrlRow("core:notifications_read_all", answers(302), method="POST", wrong_method="GET"),
    UrlRow("core:notification_preferences", SIGNED_IN, wrong_method="PUT"),
    UrlRow(
        "core:notification_read",
        answers(404, {GOPS_MIRZEC: 302}),
        method="POST",
        kwargs=_notification,
        wrong_method="GET",
    ),
    UrlRow("core:tasks", ADMIN_ONLY),
    UrlRow("core:task_detail", ADMIN_ONLY, kwargs=_finished_task),
    # Territory (platform administrators).
    UrlRow("territory:list", ADMIN_ONLY),
    UrlRow("territory:voivodeship", ADMIN_ONLY, kwargs=lambda persona: {"code": "26"}),
    UrlRow("territory:county", ADMIN_ONLY, kwargs=lambda persona: {"code": "2611"}),
    UrlRow("territory:import", ADMIN_ONLY, wrong_method="DELETE"),
    # Institutions and their staff.
    UrlRow("institutions:list", MANAGERS_AND_ADMIN),
    UrlRow("institutions:create", ADMIN_ONLY, wrong_method="DELETE"),
    UrlRow("institutions:detail", gops_mirzec_managed(200, members=200), kwargs=_gops_mirzec_ids),
    UrlRow(
        "institutions:edit",
        answers(404, {ADMIN: 200} | dict.fromkeys(GOPS_MIRZEC_STAFF, 403)),
        kwargs=_gops_mirzec_ids,
        wrong_method="DELETE",
    ),
    UrlRow("institutions:staff", gops_mirzec_managed(200), kwargs=_gops_mirzec_ids),
    # Posting an empty form: allowed users get 400 with the form's errors, nothing changes.
    UrlRow("institutions:invite", gops_mirzec_managed(400), method="POST", kwargs=_gops_mirzec_ids, wrong_method="GET"),
    UrlRow(
        "institutions:change_role",
        gops_mirzec_managed(400),
        method="POST",
        kwargs=_colleague_membership,
        wrong_method="GET",
    ),
    UrlRow(
        "institutions:revoke", gops_mirzec_managed(404), method="POST", kwargs=_unknown_membership, wrong_method="GET"
    ),
    UrlRow("institutions:choose_role", gops_mirzec_managed(200), kwargs=_colleague_membership),
    UrlRow("institutions:confirm_revoke", gops_mirzec_managed(200), kwargs=_colleague_membership),
    UrlRow(
        "institutions:cancel_invitation",
        gops_mirzec_managed(404),
        method="POST",
        kwargs=_unknown_invitation,
        wrong_method="GET",
    ),
    # Without an invitation link opened first there is nothing to show.
    UrlRow("institutions:current_invitation", answers(404, anonymous=404), wrong_method="DELETE"),
    UrlRow(
        "institutions:accept_invitation",
        answers(404, anonymous=404),
        kwargs=lambda persona: {"token": "unknown"},
        wrong_method="DELETE",
    ),
    # Accounts.
    UrlRow("login", PUBLIC, wrong_method="PUT"),
    UrlRow("logout", answers(302), method="POST", wrong_method="GET", anonymous_to_login=False),
    UrlRow("password_change", SIGNED_IN, wrong_method="PUT"),
    UrlRow("password_change_done", SIGNED_IN),
    UrlRow("password_reset", PUBLIC, wrong_method="PUT"),
    UrlRow("password_reset_done", PUBLIC),
    UrlRow(
        "password_reset_confirm",
        PUBLIC,
        kwargs=lambda persona: {"uidb64": "MQ", "token": "set-password"},
        wrong_method="PUT",
    ),
    UrlRow("password_reset_complete", PUBLIC),
    UrlRow("two_factor", SIGNED_IN),
    UrlRow("two_factor_setup", SIGNED_IN, wrong_method="PUT"),
    # Verifying needs a second factor to verify: without one the user is sent on.
    UrlRow("two_factor_verify", answers(302), wrong_method="PUT"),
    UrlRow("two_factor_recovery_codes", answers(302), method="POST", wrong_method="GET"),
    UrlRow("two_factor_disable", answers(302), method="POST", wrong_method="GET"),
    UrlRow("lockouts", ADMIN_ONLY, wrong_method="PUT"),
    # An empty form: the admin is told what is missing (400), nothing changes.
    UrlRow("two_factor_reset", answers(403, {ADMIN: 400}), method="POST", wrong_method="GET"),
    # API access: personal tokens and institution API clients.
    UrlRow("api_access:tokens", SIGNED_IN, wrong_method="PUT"),
    UrlRow("api_access:token_revoke", answers(404, {GOPS_MIRZEC: 200}), kwargs=_personal_token, wrong_method="PUT"),
    UrlRow(
        "api_access:clients",
        gops_mirzec_managed(200),
        kwargs=lambda persona: {"institution_id": _gops_mirzec().public_id},
        wrong_method="PUT",
    ),
    UrlRow("api_access:client", gops_mirzec_managed(200), kwargs=_api_client, wrong_method="PUT"),
    UrlRow("api_access:client_revoke", gops_mirzec_managed(200), kwargs=_api_client, wrong_method="PUT"),
    UrlRow(
        "api_access:client_token_revoke",
        gops_mirzec_managed(200),
        kwargs=lambda persona: _api_client(persona, with_token=True),
        wrong_method="PUT",
    ),
    # Django's own admin is for superusers on a deployment's console (DESIGN.md §1): no persona
    # is staff, so everyone is sent to its login. Its other URLs behave alike and are left out.
    UrlRow("admin:index", answers(302), wrong_method=None, anonymous_to_login=False),
    UrlRow("admin:login", PUBLIC, wrong_method=None),
)

EVERY_TOKEN = answers(200, anonymous=401)

API_ROWS: list[ApiRow] = [
    ApiRow("GET", "/me", EVERY_TOKEN),
    ApiRow("GET", "/me/tokens", EVERY_TOKEN),
    ApiRow("PATCH", "/me/notification-preference", EVERY_TOKEN, body='{"mode": "daily"}'),
]

# The rows of the directory, cases and diagnosis live beside their features, one module per area; each defines
# URL_ROWS (a list of UrlRow) and API_ROWS (a list of ApiRow). Imported last because they use
# the helpers above.
from tests import (  # noqa: E402 - the modules import answers() and the row classes from here
    access_api_people,
    access_api_teams,
    access_assessment,
    access_cases_cases,
    access_cases_consent,
    access_cases_gdpr,
    access_cases_people,
    access_cases_security,
    access_community_indicators,
    access_community_programme,
    access_community_projects,
    access_directory_gaps,
    access_directory_hsds,
    access_directory_manage,
    access_directory_public,
    access_evaluation_dashboards,
    access_evaluation_network,
    access_learning_book,
    access_learning_consultations,
    access_learning_courses,
    access_learning_hub,
    access_learning_library,
    access_learning_practices,
    access_learning_support,
    access_learning_trainings,
    access_plans_api,
    access_plans_matching,
    access_plans_plans,
    access_plans_referrals,
    access_teams_agreements,
    access_teams_calendar,
    access_teams_conferences,
    access_teams_meetings,
    access_teams_surveys,
    access_teams_tasks,
    access_teams_teams,
    access_teams_workload,
)

for _module in (
    access_directory_public,
    access_directory_manage,
    access_directory_gaps,
    access_directory_hsds,
    access_cases_cases,
    access_cases_people,
    access_cases_consent,
    access_cases_security,
    access_cases_gdpr,
    access_assessment,
    access_plans_plans,
    access_plans_matching,
    access_plans_referrals,
    access_plans_api,
    access_teams_teams,
    access_teams_agreements,
    access_teams_meetings,
    access_teams_conferences,
    access_teams_calendar,
    access_teams_tasks,
    access_teams_workload,
    access_teams_surveys,
    access_community_indicators,
    access_community_programme,
    access_community_projects,
    access_learning_book,
    access_learning_consultations,
    access_learning_courses,
    access_learning_hub,
    access_learning_library,
    access_learning_practices,
    access_learning_support,
    access_learning_trainings,
    access_evaluation_dashboards,
    access_evaluation_network,
    access_api_people,
    access_api_teams,
):
    URL_ROWS.update(_rows(*_module.URL_ROWS))
    API_ROWS.extend(_module.API_ROWS)
