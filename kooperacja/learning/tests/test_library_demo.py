"""The demo of the library and good practices: loaded twice, it creates nothing new; its PDFs
are valid; one practice is a draft."""

from __future__ import annotations

import time

import pytest

from kooperacja.cases.consent import sniff_type
from kooperacja.learning import demo_library
from kooperacja.learning.models import AccessLevel, GoodPractice, Material, PracticeTag

pytestmark = pytest.mark.django_db


def test_it_loads_materials_at_every_level_and_practices_once_and_fast():
    started = time.monotonic()
    demo_library.load(print)
    assert time.monotonic() - started < 1.5
    counts = (Material.objects.count(), GoodPractice.objects.count(), PracticeTag.objects.count())
    demo_library.load(print)
    assert (Material.objects.count(), GoodPractice.objects.count(), PracticeTag.objects.count()) == counts
    levels = set(Material.objects.values_list("access_level", flat=True))
    assert levels >= {AccessLevel.PUBLIC, AccessLevel.STAFF, AccessLevel.REGION}
    assert GoodPractice.objects.filter(is_published=False).count() == 1
    assert GoodPractice.objects.filter(is_published=True).values("municipality").distinct().count() == 7


def test_its_files_are_pdfs_the_upload_check_accepts():
    demo_library.load(print)
    material = Material.objects.get(title="Model kooperacji — założenia")
    with material.file.open("rb") as file:
        head = file.read(16)
        assert sniff_type(head, file) == "application/pdf"
    assert material.size == len(demo_library.tiny_pdf(material.title))
