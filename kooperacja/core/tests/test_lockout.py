"""Lockout after repeated failed sign-ins (django-axes) and the administrator's unlock page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import ngettext

from kooperacja.core import accounts
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.core.roles import Role
from kooperacja.core.tests.accounts_support import make_user, says, sign_in, signed_in_user_id

pytestmark = pytest.mark.django_db

LOCKOUTS = "/accounts/lockouts/"
WRONG = "Zgadywane-haslo-1"


def _fail(client: Client, username: str, times: int) -> list:
    return [sign_in(client, username, WRONG) for _ in range(times)]


@pytest.fixture
def locked_user(client):
    user = make_user()
    _fail(client, user.username, settings.AXES_FAILURE_LIMIT)
    return user


@pytest.fixture
def admin_client():
    client = Client(REMOTE_ADDR="10.1.1.1")
    client.force_login(make_user("admin.platformy", role=Role.ADMIN))
    return client


# --- Lockout ------------------------------------------------------------------


def test_it_locks_sign_in_at_the_failure_limit_with_a_clear_page(client):
    user = make_user()
    responses = _fail(client, user.username, settings.AXES_FAILURE_LIMIT)
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    locked = responses[-1]
    assert locked.status_code == 429
    minutes = int(timedelta(hours=settings.AXES_COOLOFF_TIME).total_seconds() // 60)
    with translation.override("pl"):
        text = ngettext(
            "There were too many failed sign-in attempts for this account from this computer, so sign-in is "
            "locked for %(minutes)s minute. Even the correct password will not work until then.",
            "There were too many failed sign-in attempts for this account from this computer, so sign-in is "
            "locked for %(minutes)s minutes. Even the correct password will not work until then.",
            minutes,
        ) % {"minutes": minutes}
    assert text in locked.content.decode()
    assert says(locked, "If you need to sign in sooner, ask the platform administrator, who can lift the lock.")


def test_it_refuses_even_the_right_password_while_locked(client, locked_user):
    response = sign_in(client, locked_user.username)
    assert response.status_code == 429
    assert signed_in_user_id(client) is None
    assert client.get("/home/").status_code == 302


def test_it_audits_attempts_made_while_locked(client, locked_user):
    sign_in(client, locked_user.username)
    failed = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, details__username=locked_user.username)
    assert failed.count() == settings.AXES_FAILURE_LIMIT + 1
    assert failed.filter(details__locked_out=True).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN).exists()


def test_it_locks_only_that_name_from_that_address(client, locked_user):
    other_computer = Client(REMOTE_ADDR="10.9.9.9")
    assert sign_in(other_computer, locked_user.username).status_code == 302
    make_user("jan.kowalski")
    assert sign_in(client, "jan.kowalski").status_code == 302


def test_it_ends_the_lock_by_itself_after_the_cool_off_time(client, locked_user):
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1))
    assert sign_in(client, locked_user.username).status_code == 302
    assert signed_in_user_id(client) == str(locked_user.pk)


def test_it_forgets_failures_after_a_successful_sign_in(client):
    user = make_user()
    _fail(client, user.username, settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(client, user.username).status_code == 302
    client.post("/accounts/logout/")
    assert _fail(client, user.username, 1)[0].status_code == 200


# --- The administrator's list -------------------------------------------------


def test_it_lists_current_lockouts_for_the_platform_administrator(admin_client, locked_user):
    response = admin_client.get(LOCKOUTS)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<th scope="row">{locked_user.username}</th>' in html
    assert "127.0.0.1" in html
    assert 'name="csrfmiddlewaretoken"' in html


def test_it_leaves_out_names_below_the_limit(admin_client, client):
    make_user()
    _fail(client, "anna.nowak", settings.AXES_FAILURE_LIMIT - 1)
    assert accounts.current_lockouts() == []
    assert says(admin_client.get(LOCKOUTS), "No one is locked out now.")


@pytest.mark.parametrize("role", [Role.SOCIAL_WORKER, Role.MANAGER, Role.REGIONAL_ANALYST])
def test_it_forbids_the_list_to_everyone_but_platform_administrators(role):
    client = Client()
    client.force_login(make_user("ktos.inny", role=role))
    assert client.get(LOCKOUTS).status_code == 403
    assert client.post(LOCKOUTS, {"username": "anna.nowak", "ip_address": "127.0.0.1"}).status_code == 403


def test_it_sends_an_anonymous_visitor_of_the_list_to_sign_in(client):
    response = client.get(LOCKOUTS)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_unlocks_and_audits_it_as_a_permission_change(admin_client, client, locked_user):
    response = admin_client.post(LOCKOUTS, {"username": locked_user.username, "ip_address": "127.0.0.1"}, follow=True)
    assert response.redirect_chain[-1] == (LOCKOUTS, 302)
    assert says(response, "No one is locked out now.")
    assert locked_user.username in response.content.decode()  # the confirmation names who was unlocked
    assert not AccessAttempt.objects.exists()
    event = AuditEvent.objects.get(action=AuditAction.PERMISSION_CHANGE)
    assert event.actor_label == "admin.platformy"
    assert event.details["unlocked"] == {"username": locked_user.username, "ip_address": "127.0.0.1"}
    # The owner signs in again at once.
    assert sign_in(client, locked_user.username).status_code == 302
    assert signed_in_user_id(client) == str(locked_user.pk)


def test_it_changes_nothing_when_asked_to_unlock_a_lockout_that_is_not_there(admin_client, locked_user):
    response = admin_client.post(LOCKOUTS, {"username": "ktos.inny", "ip_address": "127.0.0.1"}, follow=True)
    assert says(response, "This lockout has already ended or was lifted; nothing was changed.")
    assert len(accounts.current_lockouts()) == 1
    assert not AuditEvent.objects.filter(action=AuditAction.PERMISSION_CHANGE).exists()


def test_it_changes_nothing_for_an_empty_or_malformed_unlock_request(admin_client, locked_user):
    for data in ({}, {"username": "", "ip_address": ""}, {"username": locked_user.username, "ip_address": "nie-ip"}):
        response = admin_client.post(LOCKOUTS, data)
        assert response.status_code == 400
        assert says(response, "The unlock request was incomplete; nothing was changed.")
    assert len(accounts.current_lockouts()) == 1


def test_it_answers_put_on_the_list_with_405(admin_client):
    assert admin_client.put(LOCKOUTS).status_code == 405
