"""URLs of the community app; each view module lists its own (`urls`)."""

from __future__ import annotations

from kooperacja.community.views import indicators, programme, projects

app_name = "community"
urlpatterns = [*indicators.urls, *programme.urls, *projects.urls]
