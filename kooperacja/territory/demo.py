"""Demo territory: the TERC extract for macroregion I shipped in data/terc_demo.csv."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kooperacja.territory.services import decode_terc, import_terc

DEMO_TERC = Path(__file__).resolve().parent / "data" / "terc_demo.csv"


def load(log: Callable[[str], None]) -> None:
    """Import the shipped extract through the same service as `import_teryt` (idempotent)."""
    report = import_terc(None, decode_terc(DEMO_TERC.read_bytes()))
    for line in report.lines():
        log(f"TERYT: {line}")
