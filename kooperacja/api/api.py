"""The JSON API at /api/v1/ (django-ninja): OpenAPI 3 at /api/v1/openapi.json, docs at /api/v1/docs.

Every operation needs a bearer token unless it says `auth=None` (public reads such as the
service directory). Every answer that is not a success has the error shape of
`kooperacja.api.errors`, including unknown paths (404) and wrong methods (405).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI
from ninja.errors import ValidationError, ValidationErrorContext
from ninja.openapi.docs import DocsBase
from ninja.openapi.schema import OpenAPISchema

from kooperacja.api import (
    aggregates,
    assessments,
    cases,
    community,
    directory,
    errors,
    hsds,
    institutions,
    learning,
    me,
    plans,
    referrals,
    teams,
    territory,
)
from kooperacja.api.auth import token_auth
from kooperacja.api.schemas import ErrorOut

_ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


class LocalDocs(DocsBase):
    """Swagger UI from the files ninja bundles, started by a static script: no CDN, no inline script,
    so the page works under the strict Content-Security-Policy."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        return render(request, "api/docs.html", {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)})


class KooperacjaAPI(NinjaAPI):
    def _get_urls(self) -> list[URLResolver | URLPattern]:
        patterns = super()._get_urls()
        not_found = errors.not_found_view(self)
        for pattern in patterns:
            if not isinstance(pattern, URLPattern):
                continue
            if pattern.name == "api-root":
                # ninja's root view raises a 404 that Django would answer in HTML; the
                # pattern itself stays, ninja reverses it to find the API's prefix.
                pattern.callback = not_found
            else:
                pattern.callback = errors.json_method_not_allowed(self, pattern.callback)
        # Last, so that it only catches what no operation serves.
        patterns.append(re_path(r"^.*$", not_found, name="not-found"))
        return patterns

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> ValidationError:
        found: list[dict[str, Any]] = []
        for context in error_contexts:
            single_attr = getattr(context.model, "__read_from_single_attr__", None)
            for error in super().validation_error_from_error_contexts([context]).errors:
                error["field"] = errors.field_of(error.get("loc", ()), single_attr)
                found.append(error)
        return ValidationError(found)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        _document_errors(schema)
        return schema


def _document_errors(schema: OpenAPISchema) -> None:
    """Every operation documents the error answers it can give, all in the one error shape."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorOut"] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(components["ErrorOut"].pop("$defs", {}))
    error_content = {"application/json": {"schema": _ERROR_REF}}
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            wanted = {
                "400": "The body is not valid JSON.",
                "404": "Not found.",
                "422": "Invalid values; each field's message is in `errors`.",
                "429": "Too many requests.",
            }
            if operation.get("security"):
                wanted["401"] = "No token, or an unknown, revoked or expired token."
                wanted["403"] = "The token may not do this (a read-only token on a change, or no right)."
            for status, description in wanted.items():
                responses.setdefault(status, {"description": description, "content": error_content})


api = KooperacjaAPI(
    title="Kooperacja API",
    version="1",
    urls_namespace="api",
    auth=token_auth,
    docs=LocalDocs(),
    description=(
        "The API of Kooperacja. Authenticate with `Authorization: Bearer <token>` (tokens are "
        "created at /api-access/tokens/). Lists are paged with `?page=&page_size=` and answer "
        '`{"items": [...], "count": N}`; errors answer `{"detail": "…", "errors": '
        '[{"field": …, "message": …}]}`.'
    ),
)
errors.install(api)

api.add_router("/me", me.router)
# Public reads of the service directory (DESIGN.md §4) and the HSDS 3.0 API beside it.
api.add_router("/services", directory.router)
api.add_router("/hsds", hsds.router)
# The receiving side of referrals (issue #7): inbox, answers, thread.
api.add_router("/referrals", referrals.router)
# Territory (public TERYT units), institutions' public data, and cases with their persons,
# diagnoses, plan and basket within the access policy (issue #10, part 5).
api.add_router("", territory.router)
api.add_router("/institutions", institutions.router)
api.add_router("/cases", cases.router)
api.add_router("/cases", assessments.router)
api.add_router("/cases", plans.router)
# Teams, meetings and tasks; community indicators and social projects; trainings; the
# evaluation dashboards (issue #10, part 5).
api.add_router("", teams.router)
api.add_router("", community.router)
api.add_router("/trainings", learning.router)
api.add_router("/aggregates", aggregates.router)
