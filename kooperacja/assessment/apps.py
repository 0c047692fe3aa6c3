from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "kooperacja.assessment"
    verbose_name = _("diagnosis")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from kooperacja.assessment.policies import diagnosis_categories
        from kooperacja.cases.consent import register_category_source

        post_migrate.connect(_sync_instrument, sender=self)
        # Consent may cover each diagnosis domain (`diagnosis:<code>`); the domains are read
        # when a form asks, never here.
        register_category_source(diagnosis_categories)


def _sync_instrument(**kwargs: object) -> None:
    """Every database gets the default instrument as soon as its tables exist."""
    from kooperacja.assessment.services import sync_instrument

    sync_instrument()
