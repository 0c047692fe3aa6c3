"""The OpenAPI document at /api/v1/openapi.json and the documentation page at /api/v1/docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_it_lists_the_operations(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    operations = {(method.upper(), path) for path, item in schema["paths"].items() for method in item}
    assert {
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/me/tokens"),
        ("PATCH", "/api/v1/me/notification-preference"),
    } <= operations


def test_it_documents_bearer_authentication_and_the_error_shape(client):
    schema = client.get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= next(iter(schemes.values())).items()
    assert set(schema["components"]["schemas"]["ErrorOut"]["properties"]) == {"detail", "errors"}

    operation = schema["paths"]["/api/v1/me/notification-preference"]["patch"]
    for status in ("400", "401", "403", "404", "422"):
        assert operation["responses"][status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"
        }


def test_it_documents_paging_parameters(client):
    schema = client.get("/api/v1/openapi.json").json()
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/me/tokens"]["get"]["parameters"]}
    assert parameters["page"]["minimum"] == 1
    assert parameters["page_size"] == parameters["page_size"] | {"minimum": 1, "maximum": 200, "default": 50}
    page = schema["components"]["schemas"]["PagedTokenOut"]
    assert set(page["required"]) == {"items", "count"}


def test_it_serves_a_docs_page_that_loads_nothing_from_elsewhere_and_has_no_inline_script(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()

    assert not re.search(r"(https?:)?//", html), "the docs page must not reference another origin"
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts, "Swagger UI is started by scripts"
    for attributes, body in scripts:
        assert 'src="/static/' in attributes
        assert not body.strip(), "no inline script under the Content-Security-Policy"
    assert " style=" not in html
    assert 'data-openapi-url="/api/v1/openapi.json"' in html

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_it_serves_the_files_the_docs_page_uses_locally(client):
    html = client.get("/api/v1/docs").content.decode()
    for path in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
        assert finders.find(path), f"static file {path} is missing"


def test_it_turns_off_the_external_validator_in_the_docs_script():
    path = finders.find("api/docs.js")
    assert isinstance(path, str)
    script = Path(path).read_text(encoding="utf-8")
    assert "validatorUrl: null" in script
