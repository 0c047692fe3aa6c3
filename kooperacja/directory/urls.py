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
    # Partner staff and managers keep their institution's entries.
    path("manage/", manage.service_list, name="manage"),
    path("manage/institutions/<uuid:institution_id>/services/add/", manage.service_add, name="service_add"),
    path("manage/services/<uuid:public_id>/", manage.service_edit, name="service_edit"),
    path("manage/services/<uuid:public_id>/history/", manage.service_history, name="service_history"),
    path("manage/services/<uuid:public_id>/verify/", manage.service_verify, name="service_verify"),
    path("manage/services/<uuid:public_id>/places/add/", manage.location_add, name="location_add"),
    path("manage/services/<uuid:public_id>/places/<uuid:location_id>/", manage.location_edit, name="location_edit"),
    path(
        "manage/services/<uuid:public_id>/places/<uuid:location_id>/remove/",
        manage.location_remove,
        name="location_remove",
    ),
    # The resource map and gap analysis (staff).
    path("gaps/", gaps.gap_matrix, name="gaps"),
    # Platform administrators extend the taxonomy.
    path("taxonomy/", taxonomy.taxonomy_list, name="taxonomy"),
    path("taxonomy/<uuid:public_id>/", taxonomy.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy/<uuid:public_id>/add/", taxonomy.term_add, name="term_add"),
    path("taxonomy/terms/<uuid:public_id>/edit/", taxonomy.term_edit, name="term_edit"),
]
