"""GET /api/v1/me and PATCH /api/v1/me/notification-preference: authentication, scope, errors."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from kooperacja.api.tests.conftest import bearer
from kooperacja.core.models import AuditAction, AuditEvent, NotificationMode
from kooperacja.core.roles import Role
from kooperacja.institutions import tokens
from kooperacja.institutions.models import ApiToken, TokenScope

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"
PREFERENCE = "/api/v1/me/notification-preference"


def _patch(client, body, secret=None, **extra):
    headers = bearer(secret) if secret else {}
    data = body if isinstance(body, str) else json.dumps(body)
    return client.patch(PREFERENCE, data=data, content_type="application/json", **headers, **extra)


def _assert_error_shape(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    assert all(set(item) == {"field", "message"} for item in body["errors"])
    return body


def test_it_tells_a_personal_token_who_it_acts_as(client, worker, gops, personal_token):
    _, secret = personal_token(TokenScope.READ)
    response = client.get(ME, **bearer(secret))
    assert response.status_code == 200
    assert response.json() == {
        "username": "t.worker",
        "memberships": [{"institution": {"id": str(gops.public_id), "name": gops.name}, "role": "social_worker"}],
        "scope": "read",
    }


def test_it_tells_a_client_token_it_acts_for_its_institution(client, manager, gops):
    api_client = tokens.create_api_client(manager, gops, name="Dziennik", role=Role.SOCIAL_WORKER)
    _, secret = tokens.issue_client_token(manager, api_client, name="A", scope=TokenScope.READ_WRITE)

    response = client.get(ME, **bearer(secret))

    assert response.status_code == 200
    assert response.json() == {
        "client": {"id": str(api_client.public_id), "name": "Dziennik"},
        "memberships": [{"institution": {"id": str(gops.public_id), "name": gops.name}, "role": "social_worker"}],
        "scope": "read_write",
    }


def test_it_answers_401_without_a_token(client):
    response = client.get(ME)
    body = _assert_error_shape(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"
    assert body["errors"] == []


@pytest.mark.parametrize(
    "header",
    ["Bearer kop_" + "A" * 40, "Bearer nonsense", "Basic dXNlcjpwYXNz", "Bearer "],
)
def test_it_answers_401_to_an_unknown_token(client, header):
    response = client.get(ME, HTTP_AUTHORIZATION=header)
    _assert_error_shape(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_answers_401_to_a_revoked_token(client, worker, personal_token):
    token, secret = personal_token()
    tokens.revoke_token(worker, token)
    _assert_error_shape(client.get(ME, **bearer(secret)), 401)
    _assert_error_shape(_patch(client, {"mode": "off"}, secret), 401)


def test_it_answers_401_to_an_expired_token(client, personal_token):
    token, secret = personal_token()
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    _assert_error_shape(client.get(ME, **bearer(secret)), 401)
    _assert_error_shape(_patch(client, {"mode": "off"}, secret), 401)


def test_it_answers_401_to_the_token_of_an_inactive_account(client, worker, personal_token):
    _, secret = personal_token()
    worker.is_active = False
    worker.save()
    _assert_error_shape(client.get(ME, **bearer(secret)), 401)


def test_it_does_not_accept_a_browser_session_instead_of_a_token(client, worker):
    client.force_login(worker)
    _assert_error_shape(client.get(ME), 401)


def test_it_changes_the_notification_preference_with_a_read_write_token(client, worker, personal_token):
    _, secret = personal_token(TokenScope.READ_WRITE)
    response = _patch(client, {"mode": "daily"}, secret)
    assert response.status_code == 200
    assert response.json() == {"mode": "daily"}
    worker.refresh_from_db()
    assert worker.notification_mode == NotificationMode.DAILY


def test_it_refuses_a_change_with_a_read_token(client, worker, personal_token):
    _, secret = personal_token(TokenScope.READ)
    body = _assert_error_shape(_patch(client, {"mode": "off"}, secret), 403)
    with translation.override("pl"):
        in_polish = translation.gettext("This token may only read; changes need a read-and-write token.")
    assert body["detail"] == in_polish  # Polish is the default language
    worker.refresh_from_db()
    assert worker.notification_mode == NotificationMode.IMMEDIATE


def test_it_answers_401_to_a_change_without_a_token(client, worker):
    _assert_error_shape(_patch(client, {"mode": "off"}), 401)
    worker.refresh_from_db()
    assert worker.notification_mode == NotificationMode.IMMEDIATE


def test_it_names_the_field_of_a_wrong_value(client, worker, personal_token):
    _, secret = personal_token()
    body = _assert_error_shape(_patch(client, {"mode": "weekly"}, secret), 422)
    assert [item["field"] for item in body["errors"]] == ["mode"]
    assert "immediate" in body["errors"][0]["message"]
    assert body["errors"][0]["message"].startswith("Wybierz jedną z wartości")
    worker.refresh_from_db()
    assert worker.notification_mode == NotificationMode.IMMEDIATE


def test_it_names_a_missing_field(client, personal_token):
    _, secret = personal_token()
    body = _assert_error_shape(_patch(client, {}, secret), 422)
    assert [item["field"] for item in body["errors"]] == ["mode"]
    assert body["errors"][0]["message"] == "To pole jest wymagane."  # in Polish, not pydantic's English


@pytest.mark.parametrize("body", ["{not json", "[1, 2", "\xff"])
def test_it_answers_400_to_malformed_json(client, worker, personal_token, body):
    _, secret = personal_token()
    _assert_error_shape(_patch(client, body, secret), 400)
    worker.refresh_from_db()
    assert worker.notification_mode == NotificationMode.IMMEDIATE


@pytest.mark.parametrize("body", ['"daily"', "[]", "null", "42"])
def test_it_answers_422_to_json_that_is_not_an_object(client, personal_token, body):
    _, secret = personal_token()
    _assert_error_shape(_patch(client, body, secret), 422)


def test_it_refuses_notification_preferences_to_an_api_client(client, manager, gops):
    api_client = tokens.create_api_client(manager, gops, name="Dziennik", role=Role.SOCIAL_WORKER)
    _, secret = tokens.issue_client_token(manager, api_client, name="A", scope=TokenScope.READ_WRITE)
    _assert_error_shape(_patch(client, {"mode": "off"}, secret), 403)


def test_it_answers_405_to_a_wrong_method(client, personal_token):
    _, secret = personal_token()
    response = client.post(ME, **bearer(secret))
    _assert_error_shape(response, 405)
    assert response["Allow"] == "GET"


def test_it_answers_404_in_the_error_shape_for_an_unknown_path(client, personal_token):
    _, secret = personal_token()
    _assert_error_shape(client.get("/api/v1/no-such-thing", **bearer(secret)), 404)
    _assert_error_shape(client.get("/api/v1/no-such-thing"), 404)
    _assert_error_shape(client.get("/api/v1/"), 404)


def test_it_answers_500_without_revealing_the_internals(client, personal_token, monkeypatch):
    _, secret = personal_token()

    def broken(user):
        raise RuntimeError("secret internals: /srv/kooperacja/settings.py")

    monkeypatch.setattr("kooperacja.api.me.memberships", broken)
    response = client.get(ME, **bearer(secret))
    body = _assert_error_shape(response, 500)
    assert "internals" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert body["errors"] == []


def test_it_answers_in_the_language_of_the_client(client, settings):
    msgid = "Authentication required: send an API token as “Authorization: Bearer <token>”."
    with translation.override("pl"):
        in_polish = translation.gettext(msgid)

    assert client.get(ME).json()["detail"] == in_polish  # Polish is the default
    assert client.get(ME, HTTP_ACCEPT_LANGUAGE="pl").json()["detail"] == in_polish
    assert client.get(ME, HTTP_ACCEPT_LANGUAGE="en").json()["detail"] == msgid

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(ME, HTTP_ACCEPT_LANGUAGE="pl").json()["detail"] == msgid


def test_it_records_token_use_and_last_use(client, worker, personal_token):
    token, secret = personal_token(TokenScope.READ)
    client.get(ME, **bearer(secret), REMOTE_ADDR="10.1.2.3")
    client.get(ME, **bearer(secret))

    token.refresh_from_db()
    assert token.last_used_at is not None
    events = AuditEvent.objects.filter(action=AuditAction.TOKEN_USE, object_id=str(token.public_id))
    assert events.count() == 1
    event = events.get()
    assert event.actor == worker
    assert event.ip == "10.1.2.3"
    assert event.request_id


def test_it_does_not_write_on_every_request(client, personal_token, django_assert_max_num_queries):
    _, secret = personal_token(TokenScope.READ)
    client.get(ME, **bearer(secret))
    # A token used again within the minute costs reads only: the token, the memberships.
    with django_assert_max_num_queries(2):
        assert client.get(ME, **bearer(secret)).status_code == 200
