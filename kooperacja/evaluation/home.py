"""The evaluation's entry in the menu."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kooperacja.core.navigation import register_entry
from kooperacja.evaluation.policies import reads_dashboards


def register() -> None:
    register_entry("evaluation:hub", _("Evaluation"), reads_dashboards, after="learning:hub")
