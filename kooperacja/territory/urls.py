from __future__ import annotations

from django.urls import path, re_path

from kooperacja.territory import views

app_name = "territory"

urlpatterns = [
    path("", views.territory_list, name="list"),
    path("import/", views.import_register, name="import"),
    re_path(r"^voivodeships/(?P<code>[0-9]{2})/$", views.voivodeship_detail, name="voivodeship"),
    re_path(r"^counties/(?P<code>[0-9]{4})/$", views.county_detail, name="county"),
]
