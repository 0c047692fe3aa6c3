"""The access matrix: every URL pattern and every API operation, asked by every demo persona.

DESIGN.md §1 fixes the answers: anonymous on a staff page -> 302 to login; API without a
token -> 401; an object outside the persona's scope -> 404; in scope but not allowed -> 403;
wrong method -> 405. A URL or API operation without a row in tests/access_rows.py fails the
first two tests, so no endpoint can be added without deciding who may use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access_rows import API_ROWS, URL_ROWS, ApiRow, UrlRow
from tests.personas import ANONYMOUS, PERSONAS


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else str(pattern.name)


def _html_url_names() -> set[str]:
    """Every named URL, except the API's operations (they have API rows) and Django's admin."""
    names = set(_walk(get_resolver().url_patterns))
    left_out = {name for name in names if name.startswith(("api:", "admin:"))} - set(URL_ROWS)
    return names - left_out


def _api_operations() -> set[tuple[str, str]]:
    from kooperacja.api.api import api

    schema = api.get_openapi_schema(path_prefix="")
    return {(method.upper(), path) for path, methods in schema["paths"].items() for method in methods}


def test_it_has_a_row_for_every_url():
    names = _html_url_names()
    assert not sorted(names - set(URL_ROWS)), (
        f"URLs without a row in tests/access_rows.py: {sorted(names - set(URL_ROWS))}"
    )
    assert not sorted(set(URL_ROWS) - names), f"rows for URLs that no longer exist: {sorted(set(URL_ROWS) - names)}"


def test_it_has_a_row_for_every_api_operation():
    rows = {(row.method, row.path) for row in API_ROWS}
    operations = _api_operations()
    assert not sorted(operations - rows), f"API operations without a row: {sorted(operations - rows)}"
    assert not sorted(rows - operations), f"rows for API operations that no longer exist: {sorted(rows - operations)}"


def _request(client: Client, method: str, url: str, data: dict[str, Any] | None) -> Any:
    if method == "POST":
        return client.post(url, data or {})
    return client.generic(method, url)


@pytest.mark.django_db
@pytest.mark.parametrize("row", list(URL_ROWS.values()), ids=list(URL_ROWS))
def test_each_persona_gets_the_answer_the_design_defines(row: UrlRow, persona):
    url = reverse(row.name, kwargs=row.kwargs(persona) if row.kwargs else None)
    failures = []
    for who in [ANONYMOUS, *PERSONAS]:
        client = Client()
        if who != ANONYMOUS:
            client.force_login(persona(who))
        response = _request(client, row.method, url, row.data)
        expected = row.expect(who)
        if response.status_code != expected:
            failures.append(f"{who}: expected {expected}, got {response.status_code}")
        elif (
            who == ANONYMOUS
            and expected == 302
            and row.anonymous_to_login
            and not response["Location"].startswith("/accounts/login/")
        ):
            failures.append(f"{who}: redirected to {response['Location']}, not to the login page")
    if row.wrong_method:
        client = Client()
        who = row.first_allowed()
        if who != ANONYMOUS:
            client.force_login(persona(who))
        response = client.generic(row.wrong_method, url)
        if response.status_code != 405:
            failures.append(f"{row.wrong_method} as {who}: expected 405, got {response.status_code}")
    assert not failures, f"{row.method} {url}:\n  " + "\n  ".join(failures)


@pytest.fixture
def api_tokens(persona) -> dict[str, str]:
    """A read-write personal token for every persona."""
    from kooperacja.institutions.models import TokenScope
    from kooperacja.institutions.tokens import issue_personal_token

    return {who: issue_personal_token(persona(who), name="matrix", scope=TokenScope.READ_WRITE)[1] for who in PERSONAS}


@pytest.mark.django_db
@pytest.mark.parametrize("row", API_ROWS, ids=[f"{row.method} {row.path}" for row in API_ROWS])
def test_each_api_client_gets_the_answer_the_design_defines(row: ApiRow, persona, api_tokens):
    path = "/api/v1" + row.concrete_path(persona)
    failures = []
    for who in [ANONYMOUS, *PERSONAS]:
        headers = {} if who == ANONYMOUS else {"HTTP_AUTHORIZATION": f"Bearer {api_tokens[who]}"}
        response = Client().generic(row.method, path, row.body or "", content_type="application/json", **headers)
        if response.status_code != row.expect(who):
            failures.append(f"{who}: expected {row.expect(who)}, got {response.status_code} {response.content[:200]!r}")
    assert not failures, f"{row.method} {path}:\n  " + "\n  ".join(failures)
