"""URLs of the diagnosis: a case's diagnoses, recording one, one diagnosis and correcting it."""

from __future__ import annotations

from django.urls import URLPattern, path

from kooperacja.assessment import views

app_name = "assessment"
urlpatterns: list[URLPattern] = [
    path("cases/<uuid:public_id>/", views.case_assessments, name="case"),
    path("cases/<uuid:public_id>/new/", views.assessment_new, name="new"),
    path("<uuid:public_id>/", views.assessment_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.assessment_edit, name="edit"),
]
