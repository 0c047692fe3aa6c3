from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kooperacja.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from kooperacja.core import signals  # noqa: F401  (connects login/logout audit)
