"""Materials for tests: a tiny valid PDF stored through the service, as an uploader would."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from kooperacja.learning import library as service
from kooperacja.learning import library_policies as policies
from kooperacja.learning.demo_library import tiny_pdf
from kooperacja.learning.models import AccessLevel, Material, MaterialKind, Topic
from kooperacja.territory.models import Voivodeship

SWIETOKRZYSKIE = "26"


def pdf_upload(name: str = "material.pdf", title: str = "Material") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(title), content_type="application/pdf")


def make_material(
    uploader: Any,
    *,
    title: str = "Materiał z testu",
    description: str = "",
    access_level: str = AccessLevel.STAFF,
    voivodeship: str | None = SWIETOKRZYSKIE,
    kind: str = MaterialKind.GUIDE,
    topic: str = Topic.MODEL,
) -> Material:
    data = service.MaterialData(
        title=title,
        description=description,
        kind=kind,
        topic=topic,
        access_level=access_level,
        voivodeship=Voivodeship.objects.get(code=voivodeship) if voivodeship else None,
    )
    allowed = policies.upload_voivodeships(uploader) if uploader else Voivodeship.objects.all()
    return service.upload_material(uploader, data, pdf_upload(title=title), allowed=allowed)
