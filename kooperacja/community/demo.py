"""Demo of the community app: indicators of the demo gminas, the programme „Liderzy
kooperacji” and the pilot gminas' social projects (each in its own module)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

# In this order: projects link the programme when it exists.
PARTS = ("demo_indicators", "demo_programme", "demo_projects")


def load(log: Callable[[str], None]) -> None:
    for part in PARTS:
        import_module(f"kooperacja.community.{part}").load(log)
