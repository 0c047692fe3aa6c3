"""Paging of API lists: ?page=&page_size= -> {"items": [...], "count": N}, shown on GET /api/v1/me/tokens."""

from __future__ import annotations

import pytest

from kooperacja.api.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from kooperacja.api.tests.conftest import bearer
from kooperacja.institutions import tokens
from kooperacja.institutions.models import TokenScope

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/me/tokens"


@pytest.fixture
def secret_and_tokens(worker):
    """The worker with five personal tokens; the last one is the one used to call."""
    issued = [tokens.issue_personal_token(worker, name=f"Token {i}", scope=TokenScope.READ) for i in range(5)]
    return issued[-1][1], [token for token, _ in issued]


def test_it_pages_with_items_and_count(client, secret_and_tokens):
    secret, _ = secret_and_tokens
    response = client.get(TOKENS, {"page": 2, "page_size": 2}, **bearer(secret))
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "count"}
    assert body["count"] == 5
    # Newest first: the second page holds the third and fourth newest.
    assert [item["name"] for item in body["items"]] == ["Token 2", "Token 1"]
    assert set(body["items"][0]) == {
        "id",
        "name",
        "prefix",
        "scope",
        "status",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    }


def test_it_answers_an_empty_page_past_the_end(client, secret_and_tokens):
    secret, _ = secret_and_tokens
    body = client.get(TOKENS, {"page": 9, "page_size": 2}, **bearer(secret)).json()
    assert body == {"items": [], "count": 5}


def test_it_shows_only_the_holders_own_tokens(client, secret_and_tokens, manager):
    secret, _ = secret_and_tokens
    tokens.issue_personal_token(manager, name="Cudzy", scope=TokenScope.READ)
    body = client.get(TOKENS, **bearer(secret)).json()
    assert body["count"] == 5
    assert "Cudzy" not in {item["name"] for item in body["items"]}


def test_it_has_a_default_and_a_maximum_page_size():
    assert (DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE) == (50, 200)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": 0}, "page"),
        ({"page": -1}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"page": 10**30}, "page"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": MAX_PAGE_SIZE + 1}, "page_size"),
        ({"page_size": "many"}, "page_size"),
    ],
)
def test_it_answers_422_naming_a_bad_paging_value(client, secret_and_tokens, params, field):
    secret, _ = secret_and_tokens
    response = client.get(TOKENS, params, **bearer(secret))
    assert response.status_code == 422
    body = response.json()
    assert body["detail"]
    assert [item["field"] for item in body["errors"]] == [field]


def test_it_pins_the_queries_of_a_page(client, worker, secret_and_tokens, django_assert_max_num_queries):
    secret, _ = secret_and_tokens
    client.get(TOKENS, **bearer(secret))  # the first use is noted; later ones within the minute are not
    with django_assert_max_num_queries(3):
        client.get(TOKENS, **bearer(secret))
    for i in range(30):
        tokens.issue_personal_token(worker, name=f"More {i}", scope=TokenScope.READ)
    with django_assert_max_num_queries(3):
        assert len(client.get(TOKENS, **bearer(secret)).json()["items"]) == 35
