"""Pages to manage API access: personal tokens, and an institution's API clients."""

from __future__ import annotations

from django.urls import path

from kooperacja.api import views

app_name = "api_access"

urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<uuid:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("institutions/<uuid:institution_id>/clients/", views.clients, name="clients"),
    path("institutions/<uuid:institution_id>/clients/<uuid:client_id>/", views.client, name="client"),
    path(
        "institutions/<uuid:institution_id>/clients/<uuid:client_id>/revoke/",
        views.client_revoke,
        name="client_revoke",
    ),
    path(
        "institutions/<uuid:institution_id>/clients/<uuid:client_id>/tokens/<uuid:token_id>/revoke/",
        views.client_token_revoke,
        name="client_token_revoke",
    ),
]
