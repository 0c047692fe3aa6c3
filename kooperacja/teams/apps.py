from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "kooperacja.teams"
    verbose_name = _("cooperation teams")

    def ready(self) -> None:
        from kooperacja.core.tasks import register_schedule
        from kooperacja.teams import evidence_kinds, home

        evidence_kinds.register()
        # 'Moja praca' and the menu: core asks no app, so the app tells core (DESIGN.md §3).
        home.register()
        # Tasks and obligations coming due or overdue (teams/reminders.py), before the 07:00 digest.
        register_schedule("team-reminders", "kooperacja.teams.reminders.send_team_reminders", daily_at="06:30")
        # Case conferences: end the participation of institutions whose consent was withdrawn meanwhile.
        register_schedule(
            "conference-participations", "kooperacja.teams.conferences.resync_conferences", daily_at="00:30"
        )
