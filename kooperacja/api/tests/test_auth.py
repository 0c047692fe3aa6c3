"""Bearer-token authentication of the API: refused tokens are audited and guessing is throttled."""

from __future__ import annotations

import time

import pytest
from django.utils import translation

from kooperacja.api import auth
from kooperacja.api.tests.conftest import bearer
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.institutions import tokens
from kooperacja.institutions.models import TokenScope

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"
GUESS = "kop_" + "G" * 40


def _refused_from(ip: str):
    return AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, ip=ip)


def test_it_audits_a_refused_token_with_the_address_and_reason_but_not_the_secret(client):
    response = client.get(ME, **bearer(GUESS), REMOTE_ADDR="10.9.8.7")

    assert response.status_code == 401
    event = _refused_from("10.9.8.7").get()
    assert event.details == {"reason": "unknown", "prefix": "GGGGGGGG", "via": "api_token"}
    assert event.request_id
    assert GUESS not in repr(AuditEvent.objects.values_list())


def test_it_audits_a_revoked_token_under_its_holder(client, worker, personal_token):
    token, secret = personal_token(TokenScope.READ)
    tokens.revoke_token(worker, token)

    assert client.get(ME, **bearer(secret), REMOTE_ADDR="10.9.8.7").status_code == 401

    event = _refused_from("10.9.8.7").get()
    assert event.actor == worker
    assert event.object_id == str(token.public_id)
    assert event.details["reason"] == "revoked"


def test_it_does_not_audit_a_request_without_a_token(client):
    assert client.get(ME).status_code == 401
    assert not AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED).exists()


def test_it_answers_429_to_an_address_after_too_many_refused_tokens(client, personal_token):
    _, secret = personal_token(TokenScope.READ)
    for _ in range(auth.FAILURE_LIMIT):
        assert client.get(ME, **bearer(GUESS), REMOTE_ADDR="10.6.6.6").status_code == 401

    throttled = client.get(ME, **bearer(GUESS), REMOTE_ADDR="10.6.6.6")
    assert throttled.status_code == 429
    body = throttled.json()
    with translation.override("pl"):
        assert body == {"detail": translation.gettext("Too many requests; try again later."), "errors": []}
    assert throttled["Retry-After"] == str(auth.FAILURE_WINDOW_SECONDS)
    # Even a good token gets no answer from that address until the window passes, so a guesser
    # cannot tell a hit; the throttled attempts themselves are not logged one by one.
    assert client.get(ME, **bearer(secret), REMOTE_ADDR="10.6.6.6").status_code == 429
    assert _refused_from("10.6.6.6").count() == auth.FAILURE_LIMIT

    assert client.get(ME, **bearer(secret), REMOTE_ADDR="10.1.1.1").status_code == 200


def test_it_does_not_count_good_tokens_towards_the_limit(client, personal_token):
    _, secret = personal_token(TokenScope.READ)
    for _ in range(auth.FAILURE_LIMIT - 1):
        client.get(ME, **bearer(GUESS), REMOTE_ADDR="10.5.5.5")
    for _ in range(3):
        assert client.get(ME, **bearer(secret), REMOTE_ADDR="10.5.5.5").status_code == 200
    assert client.get(ME, **bearer(GUESS), REMOTE_ADDR="10.5.5.5").status_code == 401
    assert client.get(ME, **bearer(GUESS), REMOTE_ADDR="10.5.5.5").status_code == 429


def test_it_lets_the_address_in_again_when_the_window_has_passed(client, personal_token, monkeypatch):
    _, secret = personal_token(TokenScope.READ)
    monkeypatch.setattr(auth, "FAILURE_LIMIT", 2)
    monkeypatch.setattr(auth, "FAILURE_WINDOW_SECONDS", 1)
    for _ in range(2):
        client.get(ME, **bearer(GUESS), REMOTE_ADDR="10.4.4.4")
    assert client.get(ME, **bearer(secret), REMOTE_ADDR="10.4.4.4").status_code == 429

    time.sleep(1.1)

    assert client.get(ME, **bearer(secret), REMOTE_ADDR="10.4.4.4").status_code == 200
