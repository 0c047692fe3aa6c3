"""URLs of cases, people and consent; each view module lists its own (`urls`)."""

from __future__ import annotations

from kooperacja.cases.views import breakglass, cases, consent, gdpr, people, privacy

app_name = "cases"
urlpatterns = [*cases.urls, *people.urls, *consent.urls, *breakglass.urls, *privacy.urls, *gdpr.urls]
