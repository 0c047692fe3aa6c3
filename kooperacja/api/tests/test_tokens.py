"""The token services of kooperacja.institutions.tokens: issuing, revoking, authenticating."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from kooperacja.api.auth import ClientPrincipal
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.core.roles import Role
from kooperacja.institutions import tokens
from kooperacja.institutions.models import ApiClient, ApiToken, TokenScope
from kooperacja.institutions.policies import grantable_roles_anywhere

pytestmark = pytest.mark.django_db


def _all_stored_text() -> str:
    """Every value of the token and audit tables, as the database holds them."""
    with connection.cursor() as cursor:
        rows = []
        for table in (ApiToken._meta.db_table, AuditEvent._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (table names from the models)
            rows.extend(cursor.fetchall())
    return repr(rows)


def test_it_issues_a_personal_token_whose_secret_is_never_stored(worker):
    token, secret = tokens.issue_personal_token(worker, name="Arkusz", scope=TokenScope.READ)

    assert re.fullmatch(r"kop_[A-Za-z0-9_-]{40}", secret)
    assert token.prefix == secret[4:12]
    assert token.token_hash == tokens.hash_secret(secret)
    assert secret not in _all_stored_text()
    assert secret[4:] not in _all_stored_text()


def test_it_gives_each_token_a_different_secret(worker):
    secrets = {tokens.issue_personal_token(worker, name=f"t{i}", scope=TokenScope.READ)[1] for i in range(5)}
    assert len(secrets) == 5


def test_it_makes_a_token_expire_after_the_default_days(worker, settings):
    settings.API_TOKEN_DAYS = 30
    token, _ = tokens.issue_personal_token(worker, name="Arkusz", scope=TokenScope.READ)
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)


@pytest.mark.parametrize("days", [0, -1, 366])
def test_it_refuses_a_validity_outside_one_to_365_days(worker, days):
    with pytest.raises(ValidationError) as error:
        tokens.issue_personal_token(worker, name="Arkusz", scope=TokenScope.READ, days=days)
    assert "days" in error.value.message_dict
    assert not ApiToken.objects.exists()


def test_it_refuses_an_unknown_scope_and_a_blank_name(worker):
    with pytest.raises(ValidationError):
        tokens.issue_personal_token(worker, name="Arkusz", scope="admin")
    with pytest.raises(ValidationError):
        tokens.issue_personal_token(worker, name="   ", scope=TokenScope.READ)
    assert not ApiToken.objects.exists()


def test_it_records_issuing_and_revoking_as_permission_changes(worker):
    token, _ = tokens.issue_personal_token(worker, name="Arkusz", scope=TokenScope.READ)
    tokens.revoke_token(worker, token)

    events = AuditEvent.objects.filter(action=AuditAction.PERMISSION_CHANGE, object_id=str(token.public_id))
    assert sorted(e.details["event"] for e in events) == ["token_issued", "token_revoked"]
    assert all(e.actor == worker for e in events)


def test_it_lets_a_manager_create_clients_of_its_institution_only(manager, gops, other_gops):
    client = tokens.create_api_client(manager, gops, name="Dziennik szkolny", role=Role.SOCIAL_WORKER)
    assert client.institution == gops
    assert AuditEvent.objects.filter(
        action=AuditAction.PERMISSION_CHANGE, object_id=str(client.public_id), institution_id=gops.pk
    ).exists()

    with pytest.raises(PermissionDenied):
        tokens.create_api_client(manager, other_gops, name="Obcy", role=Role.SOCIAL_WORKER)


def test_it_refuses_clients_to_staff_who_are_not_managers(worker, outsider, gops):
    for who in (worker, outsider):
        with pytest.raises(PermissionDenied):
            tokens.create_api_client(who, gops, name="System", role=Role.SOCIAL_WORKER)
    assert not ApiClient.objects.exists()


def test_it_lets_a_platform_admin_create_clients_anywhere(platform_admin, gops):
    assert tokens.create_api_client(platform_admin, gops, name="System", role=Role.SOCIAL_WORKER)


def test_it_never_lets_a_client_act_as_administrator(manager, platform_admin, gops):
    for who in (manager, platform_admin):
        with pytest.raises(PermissionDenied):
            tokens.create_api_client(who, gops, name="System", role=Role.ADMIN)
    assert not ApiClient.objects.exists()


def test_it_refuses_a_manager_a_client_role_it_could_not_give_a_person(manager, gops):
    with pytest.raises(PermissionDenied):
        tokens.create_api_client(manager, gops, name="Raporty", role=Role.REGIONAL_ANALYST)
    assert not ApiClient.objects.exists()


def test_it_refuses_even_an_admin_a_client_role_foreign_to_the_institution(platform_admin, gops):
    # A social assistance centre has no regional analysts: that role belongs to a ROPS.
    with pytest.raises(PermissionDenied):
        tokens.create_api_client(platform_admin, gops, name="Raporty", role=Role.REGIONAL_ANALYST)
    assert not ApiClient.objects.exists()


def test_it_refuses_an_unknown_role(manager, gops):
    with pytest.raises(ValidationError) as error:
        tokens.create_api_client(manager, gops, name="System", role="superuser")
    assert "role" in error.value.message_dict
    assert not ApiClient.objects.exists()


def test_it_offers_clients_the_roles_the_actor_may_grant_but_never_administrator(manager, platform_admin, worker):
    assert tokens.client_roles(manager) == grantable_roles_anywhere(manager)
    assert Role.REGIONAL_ANALYST not in dict(tokens.client_roles(manager))
    assert dict(tokens.client_roles(platform_admin)).keys() == set(Role.values) - {Role.ADMIN}


def test_it_issues_client_tokens_to_managers_of_the_institution(manager, other_manager, worker, gops):
    client = tokens.create_api_client(manager, gops, name="System", role=Role.SOCIAL_WORKER)
    token, secret = tokens.issue_client_token(manager, client, name="Produkcja", scope=TokenScope.READ)
    assert token.client == client
    assert token.user is None
    assert tokens.authenticate(secret) == token

    for who in (other_manager, worker):
        with pytest.raises(PermissionDenied):
            tokens.issue_client_token(who, client, name="Obcy", scope=TokenScope.READ)


def test_it_lets_only_the_holder_or_an_admin_revoke_a_personal_token(worker, manager, platform_admin):
    token, _ = tokens.issue_personal_token(worker, name="Arkusz", scope=TokenScope.READ)
    with pytest.raises(PermissionDenied):
        tokens.revoke_token(manager, token)
    token.refresh_from_db()
    assert token.revoked_at is None

    tokens.revoke_token(platform_admin, token)
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_it_revokes_a_client_with_all_its_tokens(manager, gops):
    client = tokens.create_api_client(manager, gops, name="System", role=Role.SOCIAL_WORKER)
    _, first = tokens.issue_client_token(manager, client, name="A", scope=TokenScope.READ)
    _, second = tokens.issue_client_token(manager, client, name="B", scope=TokenScope.READ_WRITE)

    tokens.revoke_api_client(manager, client)

    assert tokens.authenticate(first) is None
    assert tokens.authenticate(second) is None
    assert not client.tokens.filter(revoked_at__isnull=True).exists()
    with pytest.raises(ValidationError):
        tokens.issue_client_token(manager, client, name="C", scope=TokenScope.READ)


def test_it_keeps_a_client_token_working_after_its_issuer_leaves(manager, gops):
    client = tokens.create_api_client(manager, gops, name="System", role=Role.SOCIAL_WORKER)
    token, secret = tokens.issue_client_token(manager, client, name="A", scope=TokenScope.READ)

    manager.memberships.update(revoked_at=timezone.now())
    manager.is_active = False
    manager.save()

    assert tokens.authenticate(secret) == token


def test_it_authenticates_only_usable_tokens(worker, make_user, gops):
    token, secret = tokens.issue_personal_token(worker, name="Arkusz", scope=TokenScope.READ)
    assert tokens.authenticate(secret) == token

    assert tokens.authenticate("kop_" + "x" * 40) is None
    assert tokens.authenticate(secret[:-1]) is None
    assert tokens.authenticate(secret.replace("kop_", "pat_")) is None
    assert tokens.authenticate("") is None

    expired, expired_secret = tokens.issue_personal_token(worker, name="Stary", scope=TokenScope.READ)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tokens.authenticate(expired_secret) is None

    tokens.revoke_token(worker, token)
    assert tokens.authenticate(secret) is None


def test_it_refuses_the_token_of_an_inactive_account(worker):
    _, secret = tokens.issue_personal_token(worker, name="Arkusz", scope=TokenScope.READ)
    worker.is_active = False
    worker.save()
    assert tokens.authenticate(secret) is None


def test_it_notes_use_at_most_once_a_minute(worker):
    token, secret = tokens.issue_personal_token(worker, name="Arkusz", scope=TokenScope.READ)

    tokens.authenticate(secret)
    tokens.authenticate(secret)
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_USE, object_id=str(token.public_id)).count() == 1

    # A minute later the next use is noted again.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(seconds=61))
    tokens.authenticate(secret)
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.last_used_at > first_use - timedelta(seconds=61)
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_USE, object_id=str(token.public_id)).count() == 2


def test_it_shows_each_user_the_tokens_and_clients_it_may_manage(
    worker, manager, other_manager, platform_admin, gops, other_gops
):
    own, _ = tokens.issue_personal_token(worker, name="Mój", scope=TokenScope.READ)
    client = tokens.create_api_client(manager, gops, name="System", role=Role.SOCIAL_WORKER)
    client_token, _ = tokens.issue_client_token(manager, client, name="A", scope=TokenScope.READ)
    foreign = tokens.create_api_client(other_manager, other_gops, name="Obcy", role=Role.SOCIAL_WORKER)

    assert list(tokens.tokens_visible_to(worker)) == [own]
    assert list(tokens.tokens_visible_to(manager)) == [client_token]
    assert list(tokens.clients_visible_to(manager)) == [client]
    assert list(tokens.clients_visible_to(worker)) == []
    assert set(tokens.clients_visible_to(platform_admin)) == {client, foreign}
    assert own not in tokens.tokens_visible_to(platform_admin)


def test_it_names_a_client_by_its_public_id_in_the_audit_log_and_as_a_principal(manager, gops):
    client = tokens.create_api_client(manager, gops, name="Dziennik", role=Role.SOCIAL_WORKER)
    token, secret = tokens.issue_client_token(manager, client, name="A", scope=TokenScope.READ)

    tokens.authenticate(secret)

    used = AuditEvent.objects.get(action=AuditAction.TOKEN_USE, object_id=str(token.public_id))
    assert used.actor is None
    assert used.actor_label == f"api-client:{client.public_id}" == tokens.client_label(client)
    assert ClientPrincipal(client).username == tokens.client_label(client)


def _refusals() -> list[dict]:
    return [event.details for event in AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).order_by("id")]


def test_it_records_an_unknown_token_as_a_failed_sign_in_without_its_secret():
    guess = "kop_" + "x" * 40
    assert tokens.authenticate(guess) is None
    assert tokens.authenticate("not-even-a-token") is None

    assert _refusals() == [
        {"reason": "unknown", "prefix": "xxxxxxxx", "via": "api_token"},
        {"reason": "unknown", "via": "api_token"},
    ]
    assert guess not in _all_stored_text()
    assert "not-even-a-token" not in _all_stored_text()


def test_it_records_why_a_known_token_was_refused(worker, manager, gops):
    live, live_secret = tokens.issue_personal_token(worker, name="D", scope=TokenScope.READ)
    revoked, revoked_secret = tokens.issue_personal_token(worker, name="A", scope=TokenScope.READ)
    tokens.revoke_token(worker, revoked)
    expired, expired_secret = tokens.issue_personal_token(worker, name="B", scope=TokenScope.READ)
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    client = tokens.create_api_client(manager, gops, name="System", role=Role.SOCIAL_WORKER)
    client_token, client_secret = tokens.issue_client_token(manager, client, name="C", scope=TokenScope.READ)
    tokens.revoke_api_client(manager, client)

    for secret in (revoked_secret, expired_secret, client_secret):
        assert tokens.authenticate(secret) is None
    worker.is_active = False
    worker.save()
    assert tokens.authenticate(live_secret) is None

    refused = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED)
    assert {(e.object_id, e.details["reason"], e.details["prefix"]) for e in refused} == {
        (str(revoked.public_id), "revoked", revoked.prefix),
        (str(expired.public_id), "expired", expired.prefix),
        (str(client_token.public_id), "revoked", client_token.prefix),
        (str(live.public_id), "inactive user", live.prefix),
    }
    assert refused.get(object_id=str(client_token.public_id)).actor_label == tokens.client_label(client)
    assert refused.get(object_id=str(expired.public_id)).actor == worker
    stored = _all_stored_text()
    for secret in (revoked_secret, expired_secret, client_secret, live_secret):
        assert secret[4:] not in stored
