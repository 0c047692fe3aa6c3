"""The sections of a dashboard, in the order they appear."""

from __future__ import annotations

import importlib


def register_all() -> None:
    from kooperacja.evaluation import dashboard

    for module_name in MODULES:
        module = importlib.import_module(f"kooperacja.evaluation.sections.{module_name}")
        for builder in module.SECTIONS:
            dashboard.register(builder)


# Each module lists its builders in `SECTIONS`.
MODULES: list[str] = [
    "cases",
    "plans",
    "assessments",
    "referrals",
    "services",
    "teams",
    "projects",
    "learning",
    "survey",
    "network",
]
