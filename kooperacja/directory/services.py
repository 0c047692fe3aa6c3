"""Every change to the service directory goes through here.

Whoever changes a service (a form, the HSDS import, the demo, the scale generator) calls
`refresh_index` afterwards, so the public search and the gmina filter see the change.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kooperacja.core.audit import record
from kooperacja.core.models import AuditAction
from kooperacja.core.tasks import enqueue
from kooperacja.directory import search
from kooperacja.directory.models import (
    ACCESSIBILITY,
    CATEGORIES,
    FIELDS,
    TARGET_GROUPS,
    SearchTerm,
    ServedMunicipality,
    Service,
    ServiceAttribute,
    Taxonomy,
    TaxonomyTerm,
)
from kooperacja.directory.policies import can_edit_taxonomy
from kooperacja.territory.models import Municipality


def served_municipality_ids(service: Service) -> set[int]:
    """The gminas whose residents the service reaches.

    Its service areas decide (a gmina, every gmina of a powiat or of a voivodeship); a service
    without a territorial area reaches the gminas it is delivered in, and failing that the
    territory of its institution (its gmina and the gminas it serves, else its powiat, else
    its voivodeship).
    """
    gminas: set[int] = set()
    counties: set[int] = set()
    voivodeships: set[int] = set()
    for area in service.service_areas.all():
        if area.municipality_id:
            gminas.add(area.municipality_id)
        elif area.county_id:
            counties.add(area.county_id)
        elif area.voivodeship_id:
            voivodeships.add(area.voivodeship_id)
    if not (gminas or counties or voivodeships):
        gminas = {
            sal.location.municipality_id
            for sal in service.service_at_locations.select_related("location")
            if sal.location.municipality_id
        }
    if not (gminas or counties or voivodeships):
        institution = service.institution
        if institution.municipality_id:
            gminas = {institution.municipality_id, *institution.serves.values_list("id", flat=True)}
        elif institution.county_id:
            counties.add(institution.county_id)
        else:
            voivodeships.add(institution.voivodeship_id)
    if counties or voivodeships:
        gminas.update(
            Municipality.objects.filter(county_id__in=counties).values_list("id", flat=True),
        )
        gminas.update(
            Municipality.objects.filter(county__voivodeship_id__in=voivodeships).values_list("id", flat=True),
        )
    return gminas


def search_terms_of(service: Service) -> set[str]:
    """What a resident may type to find the service: its names and descriptions, its
    categories and target groups, its institution and the localities it is delivered in."""
    texts = [
        service.name,
        service.alternate_name,
        service.description,
        service.eligibility_description,
        service.institution.name,
        service.institution.short_name,
    ]
    texts += [attribute.taxonomy_term.name for attribute in service.attributes.select_related("taxonomy_term")]
    for sal in service.service_at_locations.select_related("location__municipality").prefetch_related(
        "location__addresses"
    ):
        texts += [address.city for address in sal.location.addresses.all()]
        if sal.location.municipality:
            texts.append(sal.location.municipality.name)
    return search.index_terms(*texts)


def refresh_index(services: Iterable[Service]) -> None:
    """Rebuild the search terms and served gminas of the services from their current data."""
    with transaction.atomic():
        for service in services:
            SearchTerm.objects.filter(service=service).delete()
            SearchTerm.objects.bulk_create(SearchTerm(service=service, term=term) for term in search_terms_of(service))
            ServedMunicipality.objects.filter(service=service).delete()
            ServedMunicipality.objects.bulk_create(
                ServedMunicipality(service=service, municipality_id=gmina_id)
                for gmina_id in served_municipality_ids(service)
            )


# The taxonomies the platform ships; their terms are in data/taxonomy.csv.
SHIPPED_TAXONOMIES = {
    CATEGORIES: ("Kategorie usług", "Rodzaje usług instytucji współpracujących w Modelu Kooperacji."),
    TARGET_GROUPS: ("Grupy docelowe", "Dla kogo jest usługa."),
    ACCESSIBILITY: ("Dostępność", "Udogodnienia dla osób z niepełnosprawnością i inne sposoby dotarcia."),
    FIELDS: (
        "Pola Kooperacji",
        "Pola usług Kooperacji spoza HSDS 3.0 (kryteria, miejsca, bezpłatność), przenoszone jako atrybuty.",
    ),
}
TAXONOMY_FILE = Path(__file__).resolve().parent / "data" / "taxonomy.csv"


def sync_taxonomy() -> int:
    """Add the shipped taxonomies and terms that are missing; returns how many terms were added.

    Terms already present are left as they are, so an administrator's renames and additions
    survive every deployment.
    """
    taxonomies = {}
    for code, (name, description) in SHIPPED_TAXONOMIES.items():
        taxonomies[code], _created = Taxonomy.objects.get_or_create(
            code=code, defaults={"name": name, "description": description}
        )
    added = 0
    with TAXONOMY_FILE.open(encoding="utf-8", newline="") as rows:
        for position, row in enumerate(csv.DictReader(rows)):
            taxonomy = taxonomies[row["taxonomy"]]
            parent = TaxonomyTerm.objects.get(taxonomy=taxonomy, code=row["parent"]) if row["parent"] else None
            _term, created = TaxonomyTerm.objects.get_or_create(
                taxonomy=taxonomy,
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "description": row["description"],
                    "parent": parent,
                    "position": position,
                },
            )
            added += created
    return added


# --- Taxonomy administration (issue #5 point 2: "Admins can extend it") ------------------------
#
# Platform administrators add terms to a taxonomy and edit a term's name, description, parent,
# position and whether it is in use, in the shipped taxonomies as in imported ones (not in the
# fields taxonomy: see policies.can_edit_taxonomy). Rules:
#
# - Codes are stable. A term's code is chosen when it is added and never changes afterwards:
#   URLs, the public directory's filters, other deployments and HSDS files refer to a term by
#   it. A new code is lowercase letters a–z and digits, words joined by single hyphens
#   (`is_valid_code`); codes that imports brought (the fields taxonomy's `free_of_charge`)
#   keep their shape.
# - No near-duplicates: a new term's code or name, a new name, or a term brought back, may not
#   differ from another term in use of the taxonomy only by letter case or `_`/`-`
#   (`near_key`): that is the same term typed twice. Retired terms do not count, so a
#   mistaken term can be retired and the right one added with the same name.
# - Terms are never deleted, for the same reason; a mistaken or outdated term is *retired*
#   (`is_active` false, "in use" in the form). A retired term is no longer offered for new
#   choices (the public filters, the staff form's checkboxes, the resource map's columns);
#   services that carry it keep it, and their public pages and HSDS files still show it.
# - A term in use sits under a term in use: a term with terms in use below it cannot be
#   retired (retire those first), and a retired parent takes no term in use (bring it back
#   first). So the terms offered always form a tree of their own.
# - A parent is a term of the same taxonomy, and never the term itself or one below it.
# - Concurrent edits are detected without a version field (TaxonomyTerm has none): the edit
#   form carries a fingerprint of the values it showed; if the saved term's values differ, the
#   edit is refused (StaleTerm).

CODE_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
CODE_MESSAGE = _(
    "Use lowercase letters a–z, digits and single hyphens between them only (no underscores), "
    "for example family-mediation."
)


def is_valid_code(code: str) -> bool:
    """Lowercase letters a–z and digits, in words joined by single hyphens: `family-mediation`."""
    return all(word and set(word) <= CODE_CHARACTERS for word in code.split("-"))


def near_key(text: str) -> str:
    """A code or name as it reads once letter case, `_` against `-` and spacing are set aside:
    two terms with the same key are the same term typed twice."""
    return " ".join(text.casefold().replace("_", "-").split())


def tree(terms: Iterable[TaxonomyTerm]) -> list[tuple[TaxonomyTerm, int]]:
    """The terms depth first (children under their parent, in position order), with depths.
    A term whose parent is missing, or that an import left in a cycle, is shown at the top."""
    terms = sorted(terms, key=lambda term: (term.position, term.code))
    by_id = {term.pk: term for term in terms}
    children: dict[int | None, list[TaxonomyTerm]] = {}
    for term in terms:
        parent = term.parent_id if term.parent_id in by_id else None
        children.setdefault(parent, []).append(term)
    ordered: list[tuple[TaxonomyTerm, int]] = []
    seen: set[int] = set()

    def walk(term: TaxonomyTerm, depth: int) -> None:
        if term.pk in seen:
            return
        seen.add(term.pk)
        ordered.append((term, depth))
        for child in children.get(term.pk, []):
            walk(child, depth + 1)

    for term in children.get(None, []):
        walk(term, 0)
    # Terms in a cycle have no root to be reached from.
    for term in terms:
        walk(term, 0)
    return ordered


def descendant_ids(term: TaxonomyTerm, terms: Iterable[TaxonomyTerm]) -> set[int]:
    """The ids of the term and of every term below it."""
    children: dict[int, list[int]] = {}
    for other in terms:
        if other.parent_id is not None:
            children.setdefault(other.parent_id, []).append(other.pk)
    found: set[int] = set()
    waiting = [term.pk]
    while waiting:
        current = waiting.pop()
        if current in found:
            continue
        found.add(current)
        waiting.extend(children.get(current, []))
    return found


def fingerprint(term: TaxonomyTerm) -> str:
    """A digest of the values an edit form shows, to tell whether someone changed them since."""
    values = [term.name, term.description, term.parent_id, term.position, term.is_active]
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()


class StaleTerm(ValidationError):
    """Someone saved the term after the editor opened it: the edit would overwrite theirs."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else saved changes to this term after you opened the form. Nothing was "
                "saved: the form now shows the current values; repeat your changes and save again."
            ),
            code="stale_term",
        )


class TermCycle(ValidationError):
    """The new parent is the term itself or lies below it."""

    def __init__(self) -> None:
        super().__init__(
            {"parent": _("A term cannot be placed under itself or under a term below it. Choose another parent.")},
            code="cycle",
        )


def _check_parent(
    taxonomy: Taxonomy, term: TaxonomyTerm | None, parent: TaxonomyTerm | None, *, in_use: bool = True
) -> None:
    """The parent belongs to the taxonomy, is in use when the term is, and, for an existing
    term, is not below it (read inside the saving transaction, so a move or a retirement saved
    meanwhile is taken into account: the parent's row is locked while it is checked)."""
    if parent is None:
        return
    if parent.taxonomy_id != taxonomy.pk:
        raise ValidationError({"parent": _("Choose a parent from the list of this taxonomy's terms.")})
    if in_use:
        saved = TaxonomyTerm.objects.select_for_update().filter(pk=parent.pk).only("name", "is_active").first()
        if saved is None or not saved.is_active:
            raise ValidationError(
                {
                    "parent": ValidationError(
                        _("The term “%(name)s” is retired: bring it back first, or choose another parent."),
                        code="retired_parent",
                        params={"name": parent.name},
                    )
                }
            )
    if term is None:
        return
    terms = TaxonomyTerm.objects.filter(taxonomy=taxonomy).only("id", "parent_id")
    if parent.pk in descendant_ids(term, terms):
        raise TermCycle()


def _check_children_retired(term: TaxonomyTerm) -> None:
    """A term is retired only once no term in use is below it (its children are read inside
    the saving transaction)."""
    in_use = list(TaxonomyTerm.objects.filter(parent=term).in_use().order_by("position", "code")[:6])
    if in_use:
        names = ", ".join(f"“{child.name}”" for child in in_use[:5]) + (", …" if len(in_use) > 5 else "")
        raise ValidationError(
            {
                "is_active": ValidationError(
                    _("Terms in use are below this term: %(names)s. Retire them first, or move them elsewhere."),
                    code="children_in_use",
                    params={"names": names},
                )
            }
        )


def _check_near_duplicates(
    taxonomy: Taxonomy,
    *,
    code: str | None = None,
    name: str | None = None,
    other_than: TaxonomyTerm | None = None,
    code_field: str = "code",
) -> None:
    """Refuse a code or name that another term in use of the taxonomy already has, but for
    letter case or `_`/`-` (`near_key`). `code_field` names the field the code error goes to
    (an edit form has no code field: bringing a term back is what makes its code clash)."""
    others = TaxonomyTerm.objects.filter(taxonomy=taxonomy).in_use().only("code", "name")
    if other_than is not None:
        others = others.exclude(pk=other_than.pk)
    errors: dict[str, ValidationError] = {}
    for other in others:
        if code is not None and code_field not in errors and near_key(other.code) == near_key(code):
            errors[code_field] = ValidationError(
                _(
                    "The term “%(name)s” in use has almost the same code: %(code)s. Use that term, or "
                    "retire it first if it was added by mistake."
                ),
                code="near_duplicate_code",
                params={"name": other.name, "code": other.code},
            )
        if name is not None and "name" not in errors and near_key(other.name) == near_key(name):
            errors["name"] = ValidationError(
                _(
                    "A term in use is already called “%(name)s” (code %(code)s). Use that term, give this "
                    "one a name that tells them apart, or retire the other first if it was added by mistake."
                ),
                code="near_duplicate_name",
                params={"name": other.name, "code": other.code},
            )
    if errors:
        raise ValidationError(errors)


def add_term(
    actor: Any,
    taxonomy: Taxonomy,
    *,
    code: str,
    name: str,
    description: str = "",
    parent: TaxonomyTerm | None = None,
    position: int | None = None,
    request: HttpRequest | None = None,
) -> TaxonomyTerm:
    """Add a term, in use, to the taxonomy (platform administrators; never to the fields
    taxonomy). Without a position it goes after every term of the taxonomy. The code must
    have the shape of `is_valid_code`; neither it nor the name may nearly repeat a term in use."""
    if not can_edit_taxonomy(actor, taxonomy):
        raise PermissionDenied
    if not is_valid_code(code):
        raise ValidationError({"code": ValidationError(CODE_MESSAGE, code="invalid")})
    try:
        with transaction.atomic():
            _check_parent(taxonomy, None, parent)
            _check_near_duplicates(taxonomy, code=code, name=name)
            if position is None:
                last = TaxonomyTerm.objects.filter(taxonomy=taxonomy).aggregate(last=Max("position"))["last"]
                position = 0 if last is None else last + 1
            term = TaxonomyTerm.objects.create(
                taxonomy=taxonomy, code=code, name=name, description=description, parent=parent, position=position
            )
    except IntegrityError as error:
        # Someone added the same code between the form's check and ours.
        raise ValidationError(
            {"code": _("This taxonomy already has a term with this code. Choose another code.")}
        ) from error
    record(
        AuditAction.CREATE, request=request, actor=actor, obj=term, details={"taxonomy": taxonomy.code, "code": code}
    )
    return term


def update_term(
    actor: Any,
    term: TaxonomyTerm,
    *,
    name: str,
    description: str,
    parent: TaxonomyTerm | None,
    position: int | None,
    previous: str,
    is_active: bool | None = None,
    request: HttpRequest | None = None,
) -> TaxonomyTerm:
    """Save an edit of the term's name, description, parent, position and whether it is in use
    (`is_active`; None keeps it) made on the values whose fingerprint is `previous`; if the saved
    term no longer has them, refuse (StaleTerm). The code never changes. Retiring and bringing
    back follow the rules above (a term in use sits under a term in use; no near-duplicates in
    use). A renamed term's services are re-indexed, since residents find a service by the names
    of its categories. Every change is audited with its old and new values."""
    taxonomy = term.taxonomy
    if not can_edit_taxonomy(actor, taxonomy):
        raise PermissionDenied
    with transaction.atomic():
        current = TaxonomyTerm.objects.select_for_update().get(pk=term.pk)
        if fingerprint(current) != previous:
            raise StaleTerm()
        in_use = current.is_active if is_active is None else is_active
        _check_parent(taxonomy, current, parent, in_use=in_use)
        if current.is_active and not in_use:
            _check_children_retired(current)
        if in_use:
            brought_back = not current.is_active
            _check_near_duplicates(
                taxonomy,
                code=current.code if brought_back else None,
                name=name if brought_back or near_key(name) != near_key(current.name) else None,
                other_than=current,
                code_field="is_active",
            )
        changes = {}
        new_values = {
            "name": name,
            "description": description,
            "parent_id": parent.pk if parent else None,
            "position": current.position if position is None else position,
            "is_active": in_use,
        }
        for field, value in new_values.items():
            if getattr(current, field) != value:
                changes[field] = [getattr(current, field), value]
                setattr(current, field, value)
        if changes:
            current.save(update_fields=[field.removesuffix("_id") for field in changes])
    if not changes:
        return current
    # Queued once the change is committed (views run outside any transaction), so that a worker
    # with a broker other than the database cannot read the old name.
    if "name" in changes:
        enqueue("kooperacja.directory.services.reindex_services_of_term", current.pk)
    record(
        AuditAction.UPDATE,
        request=request,
        actor=actor,
        obj=current,
        details={"taxonomy": taxonomy.code, "code": current.code, "changes": changes},
    )
    return current


def reindex_services_of_term(term_id: int) -> int:
    """Task: rebuild the search index of the services carrying the term (after a rename).
    Idempotent: it rebuilds from the current data however often it runs. Returns their number."""
    services = Service.objects.filter(
        id__in=ServiceAttribute.objects.filter(taxonomy_term_id=term_id).values("service_id")
    ).select_related("institution")
    count = 0
    batch: list[Service] = []
    for service in services.iterator(chunk_size=500):
        batch.append(service)
        if len(batch) == 500:
            refresh_index(batch)
            count += len(batch)
            batch = []
    refresh_index(batch)
    return count + len(batch)
