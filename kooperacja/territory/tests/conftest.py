"""Helpers for the territory tests: TERC files written as the GUS register writes them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import translation

from kooperacja.territory.models import County, Municipality, MunicipalityPart, Voivodeship

HEADER = "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA"

# A voivodeship code no real unit has, so counts do not mix with the demo's TERYT extract.
TEST_VOIVODESHIP = [
    "90;;;;TESTOWE;województwo;2024-01-01",
    "90;01;;;próbny;powiat;2024-01-01",
    "90;01;01;1;Próbków;gmina miejska;2024-01-01",
    "90;01;02;2;Wola Próbna;gmina wiejska;2024-01-01",
    "90;01;03;3;Miasteczko;gmina miejsko-wiejska;2024-01-01",
    "90;01;03;4;Miasteczko;miasto;2024-01-01",
    "90;01;03;5;Miasteczko;obszar wiejski;2024-01-01",
]


def terc(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def territory_snapshot() -> tuple[list[tuple[object, ...]], ...]:
    """Every territory row, to show that a refused import changed nothing."""
    return (
        sorted(Voivodeship.objects.values_list("code", "name")),
        sorted(County.objects.values_list("code", "name", "voivodeship__code")),
        sorted(Municipality.objects.values_list("code", "name", "kind", "county__code")),
        sorted(MunicipalityPart.objects.values_list("code", "name", "kind", "municipality__code")),
    )


@pytest.fixture
def write_terc(tmp_path: Path) -> Callable[..., Path]:
    """write_terc(text, bom=False) -> the path of a TERC file with that text (UTF-8)."""
    counter = iter(range(1000))

    def write(text: str, *, bom: bool = False) -> Path:
        path = tmp_path / f"terc-{next(counter)}.csv"
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
        return path

    return write


@pytest.fixture
def english() -> object:
    """Messages in English, so a test can read them whatever catalogue is compiled."""
    with translation.override("en"):
        yield
