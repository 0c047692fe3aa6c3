from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "kooperacja.directory"
    label = "directory"
    verbose_name = _("Service directory")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # The reminder schedule registers itself on import; every process must know it, or
        # ensure_schedules would drop the job.
        from kooperacja.directory import upkeep  # noqa: F401

        post_migrate.connect(_sync_taxonomy, sender=self)


def _sync_taxonomy(**kwargs: object) -> None:
    """Every database gets the shipped taxonomy as soon as its tables exist."""
    from kooperacja.directory.services import sync_taxonomy

    sync_taxonomy()
