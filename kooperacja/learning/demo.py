"""Demo of the learning app (each part in its own module, loaded in this order)."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

PARTS: tuple[str, ...] = (
    "demo_trainings",
    "demo_courses",
    "demo_support",
    "demo_consultations",
    "demo_library",
    "demo_book",
)


def load(log: Callable[[str], None]) -> None:
    for part in PARTS:
        import_module(f"kooperacja.learning.{part}").load(log)
