from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "kooperacja.cases"
    verbose_name = _("cases")

    def ready(self) -> None:
        # The retention schedule registers itself on import; every process must know it, or
        # ensure_schedules would drop the job.
        from kooperacja.cases import gdpr  # noqa: F401
