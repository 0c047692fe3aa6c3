"""/api/v1/referrals: the receiving side's inbox, answers and thread, with an institution's API
client token and with personal tokens."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kooperacja.api.tests.conftest import bearer
from kooperacja.core.models import AuditEvent
from kooperacja.institutions import tokens
from kooperacja.institutions.models import TokenScope
from kooperacja.plans.models import Message, ReferralOutcome, ReferralStatus
from kooperacja.plans.tests.factories import make_referral, school, user

pytestmark = pytest.mark.django_db


def client_token(scope: str = TokenScope.READ_WRITE) -> str:
    """A token of an API client of the demo school, acting as its partner staff."""
    admin = user("admin")
    api_client = tokens.create_api_client(admin, school(), name="System szkoły", role="partner_staff")
    return tokens.issue_client_token(admin, api_client, name="t", scope=scope)[1]


def personal(username: str, scope: str = TokenScope.READ_WRITE) -> str:
    return tokens.issue_personal_token(user(username), name="t", scope=scope)[1]


def post(client: Any, path: str, secret: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", **bearer(secret))


def test_it_lists_the_inbox_of_the_client_institution_with_a_status_filter(client: Any) -> None:
    sent = make_referral()
    accepted = make_referral(status=ReferralStatus.ACCEPTED)
    make_referral(status=ReferralStatus.DRAFT)
    secret = client_token()
    answer = client.get("/api/v1/referrals/inbox", **bearer(secret))
    assert answer.status_code == 200
    ids = {item["id"] for item in answer.json()["items"]}
    assert {str(sent.public_id), str(accepted.public_id)} <= ids
    assert answer.json()["count"] == len(ids)
    waiting = client.get("/api/v1/referrals/inbox?status=sent", **bearer(secret)).json()
    assert {item["status"] for item in waiting["items"]} == {"sent"}
    assert str(sent.public_id) in {item["id"] for item in waiting["items"]}
    assert client.get("/api/v1/referrals/inbox?status=nonsense", **bearer(secret)).status_code == 422
    assert AuditEvent.objects.filter(action="list", details__list="api inbox").exists()


def test_it_accepts_starts_and_completes_a_referral(client: Any) -> None:
    referral = make_referral()
    secret = client_token()
    path = f"/api/v1/referrals/{referral.public_id}"
    answer = post(client, f"{path}/accept", secret, {"version": referral.version})
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "accepted"
    answer = post(client, f"{path}/start", secret, {"version": answer.json()["version"]})
    assert answer.json()["status"] == "in_progress"
    version = answer.json()["version"]
    refused = post(client, f"{path}/complete", secret, {"version": version})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "outcome"
    answer = post(client, f"{path}/complete", secret, {"version": version, "outcome": "partly", "note": "Część"})
    assert answer.status_code == 200
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED and referral.outcome == ReferralOutcome.PARTLY


def test_it_answers_409_when_the_referral_changed_meanwhile(client: Any) -> None:
    referral = make_referral()
    secret = client_token()
    opened = referral.version
    assert (
        post(client, f"/api/v1/referrals/{referral.public_id}/accept", secret, {"version": opened}).status_code == 200
    )
    stale = post(client, f"/api/v1/referrals/{referral.public_id}/decline", secret, {"version": opened, "reason": "x"})
    assert stale.status_code == 409
    assert set(stale.json()) == {"detail", "errors"} and stale.json()["detail"]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def test_it_refuses_accepting_a_cancelled_referral_in_the_error_shape(client: Any) -> None:
    referral = make_referral(status=ReferralStatus.CANCELLED)
    answer = post(
        client, f"/api/v1/referrals/{referral.public_id}/accept", client_token(), {"version": referral.version}
    )
    assert answer.status_code == 422
    assert answer.json()["detail"]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CANCELLED


def test_it_declines_with_a_reason_only(client: Any) -> None:
    referral = make_referral()
    secret = client_token()
    path = f"/api/v1/referrals/{referral.public_id}/decline"
    assert post(client, path, secret, {"version": referral.version}).status_code == 422
    assert post(client, path, secret, {"version": referral.version, "reason": " "}).status_code == 422
    answer = post(client, path, secret, {"version": referral.version, "reason": "Brak miejsc"})
    assert answer.status_code == 200 and answer.json()["decline_reason"] == "Brak miejsc"


def test_it_refuses_changes_with_a_read_token_and_from_the_sending_side(client: Any) -> None:
    referral = make_referral()
    path = f"/api/v1/referrals/{referral.public_id}/accept"
    assert post(client, path, client_token(TokenScope.READ), {"version": referral.version}).status_code == 403
    assert post(client, path, personal("gops.mirzec"), {"version": referral.version}).status_code == 403
    assert post(client, path, personal("policja.mirzec"), {"version": referral.version}).status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_it_shows_the_person_only_with_consent_for_identity(client: Any) -> None:
    referral = make_referral()
    secret = client_token()
    detail = client.get(f"/api/v1/referrals/{referral.public_id}", **bearer(secret)).json()
    assert referral.person is not None
    assert detail["person"]["last_name"] == referral.person.last_name
    assert detail["allowed_actions"] == ["accept", "decline", "forward"]
    referral.person.consents.update(withdrawn_at="2020-01-01T00:00:00Z")
    detail = client.get(f"/api/v1/referrals/{referral.public_id}", **bearer(secret)).json()
    assert detail["person"] is None


def test_it_keeps_the_thread_between_the_two_institutions(client: Any) -> None:
    referral = make_referral()
    secret = client_token()
    path = f"/api/v1/referrals/{referral.public_id}/messages"
    answer = post(client, path, secret, {"text": "Prosimy o kontakt z rodziną."})
    assert answer.status_code == 201
    assert answer.json()["institution"]["name"] == school().name
    assert post(client, path, secret, {"text": ""}).status_code == 422
    thread = client.get(path, **bearer(personal("gops.mirzec"))).json()
    assert [m["text"] for m in thread] == ["Prosimy o kontakt z rodziną."]
    assert Message.objects.filter(referral=referral).count() == 1


def test_it_lists_the_inbox_in_the_same_number_of_queries_for_1_and_20_referrals(
    client: Any, django_assert_max_num_queries: Any
) -> None:
    secret = client_token()
    make_referral()
    with django_assert_max_num_queries(12):
        assert len(client.get("/api/v1/referrals/inbox", **bearer(secret)).json()["items"]) >= 1
    for _ in range(19):
        make_referral()
    with django_assert_max_num_queries(12):
        assert len(client.get("/api/v1/referrals/inbox", **bearer(secret)).json()["items"]) >= 20


def test_it_is_in_the_openapi_document(client: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    operations = {(method.upper(), path) for path, item in schema["paths"].items() for method in item}
    assert {
        ("GET", "/api/v1/referrals/inbox"),
        ("GET", "/api/v1/referrals/{id}"),
        ("POST", "/api/v1/referrals/{id}/accept"),
        ("POST", "/api/v1/referrals/{id}/decline"),
        ("POST", "/api/v1/referrals/{id}/start"),
        ("POST", "/api/v1/referrals/{id}/complete"),
        ("GET", "/api/v1/referrals/{id}/messages"),
        ("POST", "/api/v1/referrals/{id}/messages"),
    } <= operations
