"""The audit helper: who, from where, about whom."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from kooperacja.core import audit
from kooperacja.core.models import AuditAction


def test_it_takes_the_connection_address_when_not_behind_a_proxy(settings):
    settings.BEHIND_PROXY = False
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert audit.client_ip(request) == "203.0.113.5"


def test_it_takes_the_hop_our_proxy_added_when_behind_it(settings):
    settings.BEHIND_PROXY = True
    # The client may forge the first entries; the proxy appends the address it saw last.
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert audit.client_ip(request) == "198.51.100.7"


@pytest.mark.django_db
def test_it_records_the_request_user_persons_and_request_id(persona):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    request.user = persona("gops.mirzec")
    request.request_id = "abc123"  # type: ignore[attr-defined]  # RequestIdMiddleware's job
    event = audit.record(AuditAction.VIEW, request=request, object_type="cases.case", persons=[7, 3, 7])
    assert event.actor == request.user
    assert event.actor_label == "gops.mirzec"
    assert event.persons == [3, 7]
    assert event.ip == "203.0.113.9"
    assert event.request_id == "abc123"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("behind_proxy", "sent", "kept"),
    [(True, "req-42abc", True), (True, "bad id; DROP", False), (False, "req-42abc", False)],
)
def test_it_takes_a_request_id_only_from_our_proxy_and_only_a_plain_one(client, settings, behind_proxy, sent, kept):
    settings.BEHIND_PROXY = behind_proxy
    response = client.get("/healthz", HTTP_X_REQUEST_ID=sent)
    assert (response["X-Request-ID"] == sent) is kept
    assert len(response["X-Request-ID"]) <= 64
