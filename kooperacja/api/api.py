"""The JSON API at /api/v1/ (django-ninja)."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="Kooperacja API", version="1", urls_namespace="api")
