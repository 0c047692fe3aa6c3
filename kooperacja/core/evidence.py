"""Evidence links (DESIGN.md §3): the one way an app shows that something was done with an
object of another app — an obligation of an agreement fulfilled by a meeting, a document or a
training.

An app registers each model that may serve as evidence (`register_kind`, in its AppConfig's
`ready`), with how to name it and link to it. Links are stored in `EvidenceLink`; whether the
acting user may link a given object is the calling app's policy, not this module's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.functional import Promise

from kooperacja.core.models import EvidenceLink


@dataclass(frozen=True)
class EvidenceKind:
    model: type[models.Model]
    label: str | Promise
    title: Callable[[Any], str]
    url: Callable[[Any], str]


@dataclass(frozen=True)
class ShownEvidence:
    link: EvidenceLink
    kind: EvidenceKind
    title: str
    url: str


class NotEvidence(ValueError):
    """The object is of a kind that cannot serve as evidence."""


_KINDS: dict[str, EvidenceKind] = {}


def register_kind(
    model: type[models.Model], *, label: str | Promise, title: Callable[[Any], str], url: Callable[[Any], str]
) -> None:
    """Let objects of `model` serve as evidence; `title` and `url` say how a link shows them."""
    _KINDS[model._meta.label_lower] = EvidenceKind(model, label, title, url)


def kind_of(obj: models.Model) -> EvidenceKind | None:
    return _KINDS.get(obj._meta.label_lower)


def link(subject: models.Model, evidence: models.Model, *, note: str = "", actor: Any = None) -> EvidenceLink:
    """Link `evidence` to `subject`; linking the same object twice returns the first link."""
    if kind_of(evidence) is None:
        raise NotEvidence(evidence._meta.label_lower)
    subject_type = ContentType.objects.get_for_model(subject)
    evidence_type = ContentType.objects.get_for_model(evidence)
    found = EvidenceLink.objects.filter(
        subject_type=subject_type, subject_id=subject.pk, evidence_type=evidence_type, evidence_id=evidence.pk
    ).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return EvidenceLink.objects.create(
                subject_type=subject_type,
                subject_id=subject.pk,
                evidence_type=evidence_type,
                evidence_id=evidence.pk,
                note=note.strip()[:300],
                added_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:  # the same link saved at the same moment by someone else
        return EvidenceLink.objects.get(
            subject_type=subject_type, subject_id=subject.pk, evidence_type=evidence_type, evidence_id=evidence.pk
        )


def links_of(subject: models.Model) -> list[ShownEvidence]:
    """The evidence linked to `subject`, oldest first, with each object's title and link.
    A link whose object is gone or whose kind is no longer registered is left out."""
    subject_type = ContentType.objects.get_for_model(subject)
    links = list(EvidenceLink.objects.filter(subject_type=subject_type, subject_id=subject.pk))
    return _shown(links)


def links_of_many(subjects: list[models.Model]) -> dict[int, list[ShownEvidence]]:
    """links_of for several subjects of one model at once: subject pk -> evidence."""
    if not subjects:
        return {}
    subject_type = ContentType.objects.get_for_model(subjects[0])
    links = list(EvidenceLink.objects.filter(subject_type=subject_type, subject_id__in=[s.pk for s in subjects]))
    found: dict[int, list[ShownEvidence]] = {subject.pk: [] for subject in subjects}
    for shown in _shown(links):
        found[shown.link.subject_id].append(shown)
    return found


def _shown(links: list[EvidenceLink]) -> list[ShownEvidence]:
    by_type: dict[int, list[EvidenceLink]] = {}
    for one in links:
        by_type.setdefault(one.evidence_type_id, []).append(one)
    objects: dict[tuple[int, int], Any] = {}
    for type_id, group in by_type.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        for found in model._default_manager.filter(pk__in=[one.evidence_id for one in group]):
            objects[(type_id, found.pk)] = found
    shown = []
    for one in links:
        obj = objects.get((one.evidence_type_id, one.evidence_id))
        kind = kind_of(obj) if obj is not None else None
        if obj is None or kind is None:
            continue
        shown.append(ShownEvidence(one, kind, kind.title(obj), kind.url(obj)))
    return shown


def unlink(subject: models.Model, public_id: UUID | str) -> bool:
    """Remove one evidence link of `subject`, named by its public id; False when it has no such link."""
    subject_type = ContentType.objects.get_for_model(subject)
    try:
        found = EvidenceLink.objects.filter(public_id=public_id, subject_type=subject_type, subject_id=subject.pk)
        deleted, _ = found.delete()
    except (ValueError, ValidationError):  # not a UUID at all
        return False
    return bool(deleted)
