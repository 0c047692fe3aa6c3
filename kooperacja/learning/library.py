"""The materials library: uploading a material (its file checked by content), changing what is
said about it, deleting it, and the list a viewer sees with its filters.

The caller has checked the actor's right (`library_policies`); a refusal is a
`ValidationError` with a Polish message and stores nothing; every change writes one audit
event. Search follows DESIGN.md §4 as the good practices do: the title and the description are
kept as folded lemmas in `search_text`, so "poradni" finds "Poradnia" and "lodz" finds "Łódź".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.cases.consent import check_upload
from kooperacja.core import audit, versioning
from kooperacja.core.models import AuditAction
from kooperacja.learning import search
from kooperacja.learning.models import AccessLevel, Material, MaterialKind, Topic
from kooperacja.territory.models import Voivodeship


@dataclass(frozen=True)
class MaterialData:
    title: str
    description: str
    kind: str
    topic: str
    access_level: str
    voivodeship: Voivodeship | None


def _checked(data: MaterialData, allowed: QuerySet[Voivodeship]) -> MaterialData:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = [_("Give the material a title.")]
    if data.kind not in MaterialKind.values:
        errors["kind"] = [_("Choose the kind of material.")]
    if data.topic not in Topic.values:
        errors["topic"] = [_("Choose the topic.")]
    if data.access_level not in AccessLevel.values:
        errors["access_level"] = [_("Choose who may open the material.")]
    if data.access_level == AccessLevel.REGION and data.voivodeship is None:
        errors["voivodeship"] = [_("Choose the voivodeship whose staff may open the material.")]
    elif data.voivodeship is not None and not allowed.filter(pk=data.voivodeship.pk).exists():
        errors["voivodeship"] = [_("You may give a material only your own institution's voivodeship.")]
    if errors:
        raise ValidationError(errors)
    return data


def search_text_of(title: str, description: str) -> str:
    """Every term a material is found by: those of its title and its description."""
    return search.search_text(title, description)


def _audit(action: str, actor: Any, material: Material) -> None:
    audit.record(action, actor=actor, obj=material, details={"access_level": material.access_level})


def upload_material(
    actor: Any, data: MaterialData, upload: UploadedFile, *, allowed: QuerySet[Voivodeship]
) -> Material:
    """Store a material with its file. The file's type is read from its content (PDF, JPEG, PNG,
    DOCX or ODT); anything else is refused and nothing is stored. `allowed`: the voivodeships
    the actor may give it (`library_policies.upload_voivodeships`)."""
    data = _checked(data, allowed)
    checked = check_upload(upload)
    material = Material(
        title=data.title.strip()[:300],
        description=data.description.strip(),
        kind=data.kind,
        topic=data.topic,
        access_level=data.access_level,
        voivodeship=data.voivodeship,
        filename=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    material.search_text = search_text_of(material.title, material.description)
    material.file.save(checked.original_name, checked.file, save=False)
    try:
        with transaction.atomic():
            material.save()
            _audit(AuditAction.CREATE, actor, material)
    except BaseException:
        material.file.storage.delete(str(material.file.name))
        raise
    return material


class StaleMaterial(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else saved this material while you were editing it.")


def update_material(
    actor: Any, material: Material, version: int | None, data: MaterialData, *, allowed: QuerySet[Voivodeship]
) -> Material:
    """Change what is said about a material and who may open it (its file stays); refused
    (StaleMaterial) when someone saved it since it was opened."""
    data = _checked(data, allowed)
    with transaction.atomic():
        current = Material.objects.select_for_update().get(pk=material.pk)
        versioning.check_version(current, version, StaleMaterial)
        current.title = data.title.strip()[:300]
        current.description = data.description.strip()
        current.kind = data.kind
        current.topic = data.topic
        current.access_level = data.access_level
        current.voivodeship = data.voivodeship
        current.search_text = search_text_of(current.title, current.description)
        current.save(
            update_fields=[
                "title",
                "description",
                "search_text",
                "kind",
                "topic",
                "access_level",
                "voivodeship",
                *versioning.bump(current),
            ]
        )
        _audit(AuditAction.UPDATE, actor, current)
    return current


def delete_material(actor: Any, material: Material) -> None:
    """Delete a material and, once that is committed, its file."""
    name = str(material.file.name)
    storage = material.file.storage
    with transaction.atomic():
        _audit(AuditAction.DELETE, actor, material)
        Material.objects.filter(pk=material.pk).delete()
        transaction.on_commit(lambda: storage.delete(name) if name else None)


# --- The list -----------------------------------------------------------------------------------


def for_list(materials: QuerySet[Material], *, query: str = "", topic: str = "", kind: str = "") -> QuerySet[Material]:
    """The page of the library: newest first, with the voivodeship of region materials."""
    if topic:
        materials = materials.filter(topic=topic)
    if kind:
        materials = materials.filter(kind=kind)
    if query.strip():
        materials = search.matching(materials, query)
    return materials.select_related("voivodeship").order_by("-uploaded_at", "-id")
