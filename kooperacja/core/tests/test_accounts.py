"""Sign-in, sign-out, passwords, idle timeout, CSRF and the production start-up checks."""

from __future__ import annotations

import base64
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.utils import timezone

from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.core.tests.accounts_support import (
    LOGIN_URL,
    PASSWORD,
    make_user,
    says,
    sign_in,
    signed_in_user_id,
)

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)


# --- Sign-in ------------------------------------------------------------------


def test_it_shows_the_sign_in_form_with_username_and_password(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'autocomplete="current-password"' in html
    assert '<label for="id_username"' in html


def test_it_signs_in_and_lands_on_my_work(client):
    user = make_user()
    response = sign_in(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == "/home/"
    assert signed_in_user_id(client) == str(user.pk)
    assert client.get("/home/").status_code == 200


def test_it_audits_a_sign_in(client):
    user = make_user()
    sign_in(client, user.username)
    event = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert event.actor_id == user.pk
    assert event.ip == "127.0.0.1"


def test_it_refuses_a_wrong_password_in_polish_and_audits_it_without_the_password(client):
    make_user()
    response = sign_in(client, "anna.nowak", "Zle-haslo-zupelnie")
    assert response.status_code == 200
    assert "Nazwa użytkownika lub hasło są nieprawidłowe." in response.content.decode()
    assert signed_in_user_id(client) is None
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.details == {"username": "anna.nowak"}
    assert event.actor_id is None
    assert "Zle-haslo" not in str(event.details) and "*****" not in str(event.details)


def test_it_audits_a_failed_sign_in_for_a_name_that_does_not_exist(client):
    sign_in(client, "nikt.taki", "cokolwiek-123")
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, details__username="nikt.taki").exists()


def test_it_follows_a_next_address_on_this_site(client):
    user = make_user()
    response = sign_in(client, user.username, next="/accounts/password/change/")
    assert response["Location"] == "/accounts/password/change/"


@pytest.mark.parametrize("unsafe", ["https://evil.example/", "//evil.example/home/", "javascript:alert(1)"])
def test_it_ignores_a_next_address_off_this_site(client, unsafe):
    user = make_user()
    response = sign_in(client, user.username, next=unsafe)
    assert response["Location"] == "/home/"


def test_it_sends_an_anonymous_visitor_of_a_staff_page_to_sign_in(client):
    response = client.get("/home/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/home/"


def test_it_refuses_a_sign_in_post_without_the_csrf_token():
    make_user()
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN_URL, {"username": "anna.nowak", "password": PASSWORD})
    assert response.status_code == 403
    assert signed_in_user_id(client) is None


def test_it_accepts_a_sign_in_post_with_the_csrf_token():
    make_user()
    client = Client(enforce_csrf_checks=True)
    page = client.get(LOGIN_URL)
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert found
    token = found.group(1)
    response = client.post(LOGIN_URL, {"username": "anna.nowak", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_it_answers_put_on_the_sign_in_page_with_405(client):
    assert client.put(LOGIN_URL).status_code == 405


# --- Sign-out -----------------------------------------------------------------


def test_it_signs_out_on_post_and_audits_it(client):
    user = make_user()
    client.force_login(user)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, actor_id=user.pk).exists()


def test_it_does_not_sign_out_on_get(client):
    user = make_user()
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    assert signed_in_user_id(client) == str(user.pk)


# --- Idle timeout -------------------------------------------------------------


def test_it_sends_a_user_idle_longer_than_the_limit_back_to_sign_in(client):
    user = make_user()
    sign_in(client, user.username)
    session = Session.objects.get(session_key=client.session.session_key)
    # The idle limit is the session's age, renewed on every request (SESSION_SAVE_EVERY_REQUEST).
    session.expire_date = timezone.now() - timedelta(seconds=1)
    session.save()
    response = client.get("/home/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_renews_the_idle_limit_on_each_request(client):
    user = make_user()
    sign_in(client, user.username)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get("/home/").status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


# --- Password change ----------------------------------------------------------


def test_it_changes_the_password_when_the_old_one_is_given(client):
    user = make_user()
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "Nowe-haslo-do-pracy", "new_password2": "Nowe-haslo-do-pracy"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/done/"
    user.refresh_from_db()
    assert user.check_password("Nowe-haslo-do-pracy")
    # The session that changed the password stays signed in.
    assert client.get("/home/").status_code == 200
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, actor_id=user.pk, details={"password": "changed"}
    ).exists()


def test_it_refuses_a_password_change_with_a_wrong_old_password(client):
    user = make_user()
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": "nie-to-haslo-123",
            "new_password1": "Nowe-haslo-do-pracy",
            "new_password2": "Nowe-haslo-do-pracy",
        },
    )
    assert response.status_code == 200
    assert "Podane stare hasło jest niepoprawne." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("weak", "message"),
    [
        ("krotkie", "To hasło jest za krótkie. Musi zawierać co najmniej 10 znaków."),
        ("1234567890", "Hasło składa się wyłącznie z cyfr."),
        ("password123", "To hasło jest zbyt powszechne."),
    ],
)
def test_it_refuses_a_weak_new_password_in_polish(client, weak, message):
    user = make_user()
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/", {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_it_asks_an_anonymous_visitor_to_sign_in_before_changing_a_password(client):
    response = client.get("/accounts/password/change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Password reset -----------------------------------------------------------


def _reset_link(message: Any) -> str:
    match = re.search(r"http://[^/\s]+(/accounts/password/reset/[^/\s]+/[^/\s]+/)", str(message.body))
    assert match, message.body
    return match.group(1)


def test_it_e_mails_a_reset_link_in_text_and_html(client):
    user = make_user()
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message: Any = mail.outbox[0]
    assert message.to == [user.email]
    assert "anna.nowak" in message.body
    assert message.body.count(settings.SITE_URL + "/accounts/password/reset/") == 1
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert _reset_link(message) in html
    assert "\n" not in message.subject


def test_it_keeps_the_reset_link_out_of_the_task_table(client):
    from django_q.models import Task

    user = make_user()
    client.post("/accounts/password/reset/", {"email": user.email})
    link = _reset_link(mail.outbox[0])
    task = Task.objects.get(func="kooperacja.core.accounts.deliver_email")
    stored = repr(task.args) + repr(task.kwargs)
    assert link not in stored and user.email not in stored


def test_it_answers_the_same_for_an_address_no_one_uses(client):
    make_user()
    known = client.post("/accounts/password/reset/", {"email": "anna.nowak@gops.example"})
    unknown = client.post("/accounts/password/reset/", {"email": "nieznany@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
    sent_page = client.get(unknown["Location"])
    assert sent_page.status_code == 200
    assert says(sent_page, "Check your e-mail")


def test_it_sets_a_new_password_through_the_e_mailed_link(client):
    user = make_user()
    client.post("/accounts/password/reset/", {"email": user.email})
    link = _reset_link(mail.outbox[0])
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert 'name="new_password1"' in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "Zupelnie-nowe-haslo", "new_password2": "Zupelnie-nowe-haslo"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    user.refresh_from_db()
    assert user.check_password("Zupelnie-nowe-haslo")
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, actor_id=user.pk, details={"password": "reset"}
    ).exists()
    # The link works once.
    again = client.get(link, follow=True)
    assert says(again, "The link does not work")


def test_it_refuses_a_weak_password_through_the_reset_link(client):
    user = make_user()
    client.post("/accounts/password/reset/", {"email": user.email})
    form_page = client.get(_reset_link(mail.outbox[0]), follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": "1234567890", "new_password2": "1234567890"}
    )
    assert response.status_code == 200
    assert "Hasło składa się wyłącznie z cyfr." in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("link", ["/accounts/password/reset/MQ/zly-token/", "/accounts/password/reset/xyz/abc-def/"])
def test_it_explains_an_invalid_or_expired_reset_link(client, link):
    make_user()
    response = client.get(link)
    assert response.status_code == 200
    assert says(response, "The link does not work")
    assert 'name="new_password1"' not in response.content.decode()
    assert 'href="/accounts/password/reset/"' in response.content.decode()


def test_it_answers_put_on_a_reset_link_with_405(client):
    assert client.put("/accounts/password/reset/MQ/set-password/").status_code == 405


def test_it_explains_a_reset_link_that_has_expired(client, settings):
    user = make_user()
    client.post("/accounts/password/reset/", {"email": user.email})
    link = _reset_link(mail.outbox[0])
    settings.PASSWORD_RESET_TIMEOUT = -1
    response = client.get(link, follow=True)
    assert says(response, "The link does not work")


# --- Production start-up ------------------------------------------------------


def _production_environment(**overrides: str | None) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "SECURE_", "SECRET_", "FIELD_", "DEBUG", "ALLOWED_", "REQUIRE_"))
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "kooperacja.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "ALLOWED_HOSTS": "kooperacja.example",
            "SECURE_SSL_REDIRECT": "1",
            "SECURE_COOKIES": "1",
            "SECURE_HSTS_SECONDS": "31536000",
        }
    )
    for name, value in overrides.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    return environment


def _manage(tmp_path: Path, *args: str, **overrides: str | None) -> subprocess.CompletedProcess[str]:
    environment = _production_environment(VAR_DIR=str(tmp_path), **overrides)
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_it_passes_the_deployment_checks_with_production_settings(tmp_path):
    result = _manage(tmp_path, "check", "--deploy")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output, output


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path):
    result = _manage(tmp_path, "check", SECRET_KEY=None)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_refuses_to_start_in_production_without_a_field_encryption_key(tmp_path):
    result = _manage(tmp_path, "check", FIELD_ENCRYPTION_KEY=None)
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEY" in result.stderr


def test_it_refuses_a_debug_value_that_is_not_a_boolean(tmp_path):
    result = _manage(tmp_path, "check", DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG" in result.stderr
    assert "'maybe'" in result.stderr


def test_it_records_a_failed_sign_in_against_the_account_tried_not_the_signed_in_user(client):
    signed_in = make_user("zalogowana")
    target = make_user("atakowany")
    client.force_login(signed_in)
    client.post("/accounts/login/", {"username": target.username, "password": "zle-haslo-123"})
    event = AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).latest("at")
    assert event.actor is None and event.actor_label == ""
    assert (event.object_type, event.object_id) == ("core.user", "atakowany")


def test_it_runs_commands_from_a_checkout_in_development_but_never_the_web_server(tmp_path):
    bare = _production_environment(VAR_DIR=str(tmp_path), DEBUG=None, SECRET_KEY=None, FIELD_ENCRYPTION_KEY=None)
    command = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, str(BASE_DIR / "manage.py"), "check"],
        cwd=BASE_DIR, env=bare, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert command.returncode == 0, command.stderr
    server = subprocess.run(
        [sys.executable, "-c", "import kooperacja.wsgi"],
        cwd=BASE_DIR, env=bare, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert server.returncode != 0
    assert "SECRET_KEY" in server.stderr
