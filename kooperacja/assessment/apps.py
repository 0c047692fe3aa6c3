from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "kooperacja.assessment"
    verbose_name = _("diagnosis")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_instrument, sender=self)


def _sync_instrument(**kwargs: object) -> None:
    """Every database gets the default instrument as soon as its tables exist."""
    from kooperacja.assessment.services import sync_instrument

    sync_instrument()
