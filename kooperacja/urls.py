"""The project's URLs. Paths are English and carry no language prefix."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from kooperacja.api.api import api
from kooperacja.core.views.health import healthz

urlpatterns = [
    path("", include("kooperacja.core.urls")),
    path("accounts/", include("kooperacja.core.accounts_urls")),
    path("territory/", include("kooperacja.territory.urls")),
    path("institutions/", include("kooperacja.institutions.urls")),
    path("directory/", include("kooperacja.directory.urls")),
    path("cases/", include("kooperacja.cases.urls")),
    path("assessment/", include("kooperacja.assessment.urls")),
    path("plans/", include("kooperacja.plans.urls")),
    path("teams/", include("kooperacja.teams.urls")),
    path("community/", include("kooperacja.community.urls")),
    path("learning/", include("kooperacja.learning.urls")),
    path("evaluation/", include("kooperacja.evaluation.urls")),
    path("api-access/", include("kooperacja.api.urls")),
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

handler403 = "kooperacja.core.views.errors.permission_denied"
handler404 = "kooperacja.core.views.errors.page_not_found"
handler500 = "kooperacja.core.views.errors.server_error"
