"""Finding the demo data of every app.

Each app that brings a part of the demo has a `demo.py` with `load(log)`, idempotent: run
twice, it leaves the same rows. They are loaded in the order of INSTALLED_APPS, so an app
can rely on the demo of the apps it builds on.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from types import ModuleType

from django.apps import apps


def demo_modules() -> list[ModuleType]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("kooperacja.") or config.name == "kooperacja.core":
            continue
        try:
            found.append(import_module(f"{config.name}.demo"))
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
    return found


def load_all(log: Callable[[str], None]) -> None:
    for module in demo_modules():
        module.load(log)
