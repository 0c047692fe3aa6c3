"""URLs of cooperation teams; each view module lists its own (`urls`)."""

from __future__ import annotations

from kooperacja.teams.views import agreements, calendar, conferences, meetings, surveys, tasks, teams, workload

app_name = "teams"
urlpatterns = [
    *teams.urls,
    *agreements.urls,
    *meetings.urls,
    *conferences.urls,
    *calendar.urls,
    *tasks.urls,
    *workload.urls,
    *surveys.urls,
]
