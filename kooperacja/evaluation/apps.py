from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "kooperacja.evaluation"
    verbose_name = _("evaluation")

    def ready(self) -> None:
        from kooperacja.evaluation import home, sections

        sections.register_all()
        home.register()
