"""Good practices of gminas: writing one (with its tags), editing it (version-checked),
publishing and unpublishing it, and finding published ones by words, gmina, tag and year.

The caller has checked the actor's right (`practice_policies`); a refusal is a
`ValidationError` with a Polish message and saves nothing; a stale version raises
`StalePractice`; every change writes one audit event. Search follows DESIGN.md §4: the texts
are kept as folded lemmas in `search_text`, so "poradni" finds "poradnia".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.core import audit, versioning
from kooperacja.core.models import AuditAction
from kooperacja.core.policies import memberships
from kooperacja.directory.search import fold
from kooperacja.learning import search
from kooperacja.learning.models import GoodPractice, PracticeTag
from kooperacja.territory.models import Municipality

FIRST_YEAR = 2000
MAX_TAGS = 10


class StalePractice(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else saved this practice while you were editing it.")


@dataclass(frozen=True)
class PracticeData:
    municipality: Municipality
    title: str
    summary: str
    description: str
    results: str
    year: int
    tags: list[PracticeTag] = field(default_factory=list)
    new_tags: list[str] = field(default_factory=list)


def split_tags(text: str) -> list[str]:
    """Tag names from a comma-separated field, as typed, without repeats or blanks."""
    names = [" ".join(part.split()) for part in text.split(",")]
    return list(dict.fromkeys(name for name in names if name))


def tag_slug(name: str) -> str:
    # fold() first: slugify alone drops "ł" ("współpraca" would become "wspopraca").
    return slugify(fold(name))[:60]


def _checked(data: PracticeData) -> PracticeData:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = [_("Give the practice a title.")]
    if not data.summary.strip():
        errors["summary"] = [_("Say in one sentence what the practice is.")]
    if not data.description.strip():
        errors["description"] = [_("Describe what was done.")]
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= data.year <= this_year:
        errors["year"] = [
            _("The year must be between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": this_year}
        ]
    for name in data.new_tags:
        if len(name) > 100:
            errors["new_tags"] = [_("A tag can have at most 100 characters: „%(tag)s”.") % {"tag": name[:40]}]
        elif not tag_slug(name):
            errors["new_tags"] = [_("A tag must contain letters or digits: „%(tag)s”.") % {"tag": name}]
    if len({tag.slug for tag in data.tags} | {tag_slug(name) for name in data.new_tags}) > MAX_TAGS:
        errors["new_tags"] = [_("A practice can have at most %(count)s tags.") % {"count": MAX_TAGS}]
    if errors:
        raise ValidationError(errors)
    return data


def _tags(data: PracticeData) -> list[PracticeTag]:
    """The chosen tags and the typed ones, creating those that do not exist yet."""
    chosen = {tag.slug: tag for tag in data.tags}
    for name in data.new_tags:
        slug = tag_slug(name)
        if slug not in chosen:
            chosen[slug], _created = PracticeTag.objects.get_or_create(slug=slug, defaults={"name": name})
    return list(chosen.values())


def search_text_of(practice: GoodPractice, tags: list[PracticeTag]) -> str:
    """Every term the practice is found by (`search.search_text`)."""
    return search.search_text(
        practice.title,
        practice.summary,
        practice.description,
        practice.results,
        practice.municipality.name,
        *(tag.name for tag in tags),
    )


def _institution_of(actor: Any, gmina: Municipality) -> Any:
    """The actor's institution in the gmina, named as the practice's author (none for others)."""
    return next((m.institution for m in memberships(actor) if m.institution.municipality_id == gmina.pk), None)


def _fill(practice: GoodPractice, data: PracticeData) -> None:
    practice.municipality = data.municipality
    practice.title = data.title.strip()[:300]
    practice.summary = " ".join(data.summary.split())[:500]
    practice.description = data.description.strip()
    practice.results = data.results.strip()
    practice.year = data.year


def create_practice(actor: Any, data: PracticeData) -> GoodPractice:
    """Write a practice of a gmina, as a draft (published separately)."""
    data = _checked(data)
    try:
        with transaction.atomic():
            tags = _tags(data)
            practice = GoodPractice(
                institution=_institution_of(actor, data.municipality),
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            _fill(practice, data)
            practice.search_text = search_text_of(practice, tags)
            practice.save()
            practice.tags.set(tags)
            audit.record(AuditAction.CREATE, actor=actor, obj=practice, municipality_code=data.municipality.code)
    except IntegrityError:
        raise ValidationError(_("Someone else has just added one of these tags; try again.")) from None
    return practice


def update_practice(actor: Any, practice: GoodPractice, version: int | None, data: PracticeData) -> GoodPractice:
    """Change a practice; refused (StalePractice) when someone saved it since it was opened."""
    data = _checked(data)
    try:
        with transaction.atomic():
            current = GoodPractice.objects.select_for_update().get(pk=practice.pk)
            versioning.check_version(current, version, StalePractice)
            tags = _tags(data)
            _fill(current, data)
            current.search_text = search_text_of(current, tags)
            current.save(
                update_fields=[
                    "municipality",
                    "title",
                    "summary",
                    "description",
                    "results",
                    "year",
                    "search_text",
                    *versioning.bump(current),
                ]
            )
            current.tags.set(tags)
            audit.record(AuditAction.UPDATE, actor=actor, obj=current, municipality_code=data.municipality.code)
    except IntegrityError:
        raise ValidationError(_("Someone else has just added one of these tags; try again.")) from None
    return current


def set_published(actor: Any, practice: GoodPractice, version: int | None, *, published: bool) -> GoodPractice:
    """Publish a practice (everyone reads it) or take it back to a draft."""
    with transaction.atomic():
        current = GoodPractice.objects.select_for_update().get(pk=practice.pk)
        versioning.check_version(current, version, StalePractice)
        current.is_published = published
        current.save(update_fields=["is_published", *versioning.bump(current)])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            obj=current,
            municipality_code=practice.municipality.code,
            details={"published": published},
        )
    return current


# --- Finding practices ----------------------------------------------------------------------------


def for_list(
    practices: QuerySet[GoodPractice],
    *,
    query: str = "",
    gmina: Municipality | None = None,
    tag: PracticeTag | None = None,
    year: int | None = None,
) -> QuerySet[GoodPractice]:
    """The cards of the list: newest year first, with the gmina and the tags (two queries)."""
    if gmina is not None:
        practices = practices.filter(municipality=gmina)
    if tag is not None:
        practices = practices.filter(tags=tag)
    if year is not None:
        practices = practices.filter(year=year)
    if query.strip():
        practices = search.matching(practices, query)
    return (
        practices.select_related("municipality")
        .prefetch_related(Prefetch("tags", queryset=PracticeTag.objects.order_by("name")))
        .order_by("-year", "title", "id")
    )


def gminas_with_practices() -> QuerySet[Municipality]:
    """The gminas that have a published practice, for the filter."""
    return Municipality.objects.filter(
        pk__in=GoodPractice.objects.filter(is_published=True).values("municipality_id")
    ).order_by("name")


def tags_in_use() -> QuerySet[PracticeTag]:
    return PracticeTag.objects.filter(practices__is_published=True).distinct().order_by("name")


def years_in_use() -> list[int]:
    years = GoodPractice.objects.filter(is_published=True).values_list("year", flat=True).distinct()
    return sorted(set(years), reverse=True)
