"""URLs of the learning app; each view module lists its own (`urls`)."""

from __future__ import annotations

from kooperacja.learning.views import (
    book,
    certificates,
    consultations,
    courses,
    hub,
    library,
    practices,
    support,
    trainings,
)

app_name = "learning"
urlpatterns = [
    *hub.urls,
    *trainings.urls,
    *certificates.urls,
    *courses.urls,
    *library.urls,
    *practices.urls,
    *support.urls,
    *consultations.urls,
    *book.urls,
]
