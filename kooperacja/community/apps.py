from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "kooperacja.community"
    verbose_name = _("community diagnosis, projects and the programme")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from kooperacja.community.indicator_policies import reads_indicators
        from kooperacja.community.project_policies import uses_projects
        from kooperacja.core.navigation import register_entry

        post_migrate.connect(_sync_indicators, sender=self)
        # The directory's resource map shows people in need beside services (community/gap_needs.py).
        from kooperacja.community.gap_needs import needs_provider
        from kooperacja.directory.gaps import register_provider

        register_provider(needs_provider)
        # Core imports no app above it (DESIGN.md §3): the app adds its own menu entries.
        register_entry("community:indicators", _("Community diagnosis"), reads_indicators, after="directory:gaps")
        register_entry("community:projects", _("Social projects"), uses_projects, after="community:indicators")
        # Everyone signed in may read programmes; the menu offers them to those who run them.
        register_entry("community:programmes", _("Programmes"), _runs_programmes, after="community:projects")


def _runs_programmes(user: object) -> bool:
    from kooperacja.core.policies import has_role
    from kooperacja.core.roles import Role

    return has_role(user, Role.REGIONAL_ANALYST, Role.ADMIN)


def _sync_indicators(**kwargs: object) -> None:
    """Every database gets the shipped indicator definitions (data/indicators.json)."""
    from kooperacja.community.indicators import sync_definitions

    sync_definitions()
