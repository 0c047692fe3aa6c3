"""The service directory: public pages, staff upkeep, the resource map, the taxonomy."""

from __future__ import annotations

from django.urls import path

from kooperacja.directory.views import gaps, manage, public, taxonomy

app_name = "directory"

urlpatterns = [
    # Public (DESIGN.md §4).
    path("", public.search, name="search"),
    path("services/<uuid:public_id>/", public.service_detail, name="service"),
    path("gminas/<str:teryt>/informator.pdf", public.informator, name="informator"),
    # Staff keep their institution's entries.
    *manage.urlpatterns,
    # The resource map and gap analysis.
    path("gaps/", gaps.gap_matrix, name="gaps"),
    # Platform administrators extend the taxonomy.
    *taxonomy.urlpatterns,
]
