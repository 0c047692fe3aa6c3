from __future__ import annotations

from django.urls import path

from kooperacja.core.views import public

app_name = "core"

urlpatterns = [
    path("", public.start, name="start"),
    path("home/", public.home, name="home"),
]
