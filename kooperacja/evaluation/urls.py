"""URLs of the evaluation app; each view module lists its own (`urls`)."""

from __future__ import annotations

from kooperacja.evaluation import network_views, views

app_name = "evaluation"
urlpatterns = [
    *network_views.urls,
    *views.urls,
]
