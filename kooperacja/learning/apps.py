from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "kooperacja.learning"
    verbose_name = _("learning, consultations and recommendations")

    def ready(self) -> None:
        from kooperacja.learning import evidence_kinds, home

        home.register()
        evidence_kinds.register()
