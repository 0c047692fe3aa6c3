"""Needs: what the matching engine looks for services for.

* The needs and the directory categories answering each (weights 1–3) are data,
  `data/needs.json`, shipped into every database after migrate (`sync_needs`, like the
  diagnosis instrument) and replaced by `publish_needs` (`manage.py publish_needs FILE`). A need
  left out of a published file is retired, not deleted: cases keep the needs they were given.
* A case's needs (`case_needs`) are the domains scored 1–2 in its latest diagnosis (each the
  need with that domain's code) and the needs staff added by hand and have not resolved.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kooperacja.assessment.models import Level
from kooperacja.assessment.services import needs as diagnosis_needs
from kooperacja.cases.models import Case, CaseKind, CaseStatus, Person
from kooperacja.core import audit
from kooperacja.core.models import AuditAction
from kooperacja.directory.models import TaxonomyTerm
from kooperacja.plans.models import CaseNeed, Need, NeedCategory

DEFAULT_NEEDS_FILE = Path(__file__).resolve().parent / "data" / "needs.json"
# Domains scored at or below this level in the latest diagnosis are needs (levels 1–2:
# crisis and at risk).
DIAGNOSIS_THRESHOLD = 2


def read_needs_file(path: Path | str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValidationError(_("The needs file cannot be read: %(error)s") % {"error": error}) from None
    check_needs_data(data)
    return data


def check_needs_data(data: Any) -> None:
    """Refuse a mapping without needs, with a need lacking a code or a name, with a repeated
    code, or with a category that is not a directory category or a weight outside 1–3."""
    if not isinstance(data, dict) or not isinstance(data.get("needs"), list) or not data["needs"]:
        raise ValidationError(_("The needs file must be a JSON object with a non-empty list of needs."))
    known = set(TaxonomyTerm.objects.categories().values_list("code", flat=True))
    problems: list[str] = []
    seen: set[str] = set()
    for number, item in enumerate(data["needs"], start=1):
        if not isinstance(item, dict):
            problems.append(_("Need %(number)s is not an object.") % {"number": number})
            continue
        code = str(item.get("code", "")).strip()
        if not code or not str(item.get("name", "")).strip():
            problems.append(_("Need %(number)s has no code or name.") % {"number": number})
        if code in seen:
            problems.append(_("The need code %(code)s is repeated.") % {"code": code})
        seen.add(code)
        categories = item.get("categories")
        if not isinstance(categories, dict) or not categories:
            problems.append(_("Need %(code)s has no categories.") % {"code": code or number})
            continue
        for term, weight in categories.items():
            if term not in known:
                problems.append(
                    _("Need %(code)s names %(term)s, which is not a directory category.")
                    % {"code": code or number, "term": term}
                )
            if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= 3:
                problems.append(
                    _("Need %(code)s gives %(term)s a weight other than 1, 2 or 3.")
                    % {"code": code or number, "term": term}
                )
    if problems:
        raise ValidationError(problems)


def _write_need(position: int, item: Mapping[str, Any], terms: Mapping[str, TaxonomyTerm]) -> Need:
    need, _created = Need.objects.update_or_create(
        code=item["code"],
        defaults={
            "name": item["name"],
            "domain_code": item.get("domain_code", ""),
            "position": position,
            "is_active": True,
        },
    )
    NeedCategory.objects.filter(need=need).delete()
    NeedCategory.objects.bulk_create(
        NeedCategory(need=need, term=terms[code], weight=weight)
        for code, weight in item["categories"].items()
        if code in terms
    )
    return need


def sync_needs(path: Path | str = DEFAULT_NEEDS_FILE) -> int:
    """Ship the default needs: add those whose code no database row has yet (a published or
    retired need is left as it is). Runs after every migrate; returns how many were added.
    Categories missing from the taxonomy are skipped, not refused: migrate must not fail."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    present = set(Need.objects.values_list("code", flat=True))
    terms = {term.code: term for term in TaxonomyTerm.objects.categories()}
    added = 0
    with transaction.atomic():
        for position, item in enumerate(data["needs"]):
            if item["code"] not in present:
                _write_need(position, item, terms)
                added += 1
    return added


def publish_needs(actor: Any, data: Mapping[str, Any]) -> list[Need]:
    """Replace the mapping with the file's: its needs with their categories and weights become
    the active ones, in its order; the others are retired."""
    check_needs_data(data)
    terms = {term.code: term for term in TaxonomyTerm.objects.categories()}
    with transaction.atomic():
        published = [_write_need(position, item, terms) for position, item in enumerate(data["needs"])]
        retired = Need.objects.exclude(pk__in=[need.pk for need in published]).filter(is_active=True)
        retired_codes = list(retired.values_list("code", flat=True))
        retired.update(is_active=False)
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type="plans.need",
            object_id="needs",
            details={"published": [need.code for need in published], "retired": retired_codes},
        )
    return published


# --- Needs of a case ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedOfCase:
    """A need of the case: from its latest diagnosis (`level` 1–2) or added by hand (`case_need`)."""

    need: Need
    level: int | None = None
    person: Person | None = None
    case_need: CaseNeed | None = None

    @property
    def from_diagnosis(self) -> bool:
        return self.level is not None

    @property
    def key(self) -> str:
        """Tells the need apart on a page: its code, and whose it is when it is a person's."""
        return f"{self.need.code}-{self.person.public_id}" if self.person is not None else self.need.code

    @property
    def level_name(self) -> str:
        return str(Level(self.level).label) if self.level in Level.values else ""


def case_needs(case: Case) -> list[NeedOfCase]:
    """The diagnosis needs first (lowest level and most urgent first), then the open hand-added
    ones by when they were added. A need is a need and whose it is (a person, or the case as a
    whole): one both diagnosed and added by hand for the same subject is listed once, with its
    hand-added row (so that it can be resolved); the same need added for another member of the
    household is listed on its own. Three queries."""
    scores = diagnosis_needs(case, threshold=DIAGNOSIS_THRESHOLD)
    by_domain = {
        need.domain_code or need.code: need
        for need in Need.objects.filter(is_active=True).order_by("position", "id")
        if need.domain_code or need.code
    }
    open_rows = list(
        CaseNeed.objects.filter(case=case, resolved_at__isnull=True)
        .select_related("need", "person")
        .order_by("added_at", "id")
    )
    # In a person's case, a need without a person is that person's.
    own = case.person_id if case.kind == CaseKind.PERSON else None

    def subject(need_id: int, person_id: int | None) -> tuple[int, int | None]:
        return need_id, person_id or own

    by_subject = {subject(row.need_id, row.person_id): row for row in open_rows}
    found: list[NeedOfCase] = []
    listed: set[tuple[int, int | None]] = set()
    for score in scores:
        need = by_domain.get(score.domain.code)
        if need is None or subject(need.pk, score.assessment.person_id) in listed:
            continue
        key = subject(need.pk, score.assessment.person_id)
        listed.add(key)
        found.append(NeedOfCase(need, level=score.level, person=score.assessment.person, case_need=by_subject.get(key)))
    for row in open_rows:
        if subject(row.need_id, row.person_id) not in listed:
            listed.add(subject(row.need_id, row.person_id))
            found.append(NeedOfCase(row.need, person=row.person, case_need=row))
    return found


def add_case_need(actor: Any, case: Case, need: Need, *, person: Person | None = None, note: str = "") -> CaseNeed:
    """Add a need to the case by hand. Refused: a closed case, a retired need, a person not of
    the case, the same need already open for the same person."""
    if case.status == CaseStatus.CLOSED:
        raise ValidationError(_("The case is closed: its needs cannot change."))
    if not need.is_active:
        raise ValidationError({"need": _("This need is no longer in use.")})
    if person is not None and person.pk not in {member.pk for member in case.persons()}:
        raise ValidationError({"person": _("This person is not in the case.")})
    with transaction.atomic():
        if CaseNeed.objects.filter(case=case, need=need, person=person, resolved_at__isnull=True).exists():
            raise ValidationError({"need": _("The case already has this need open.")})
        row = CaseNeed.objects.create(
            case=case, municipality_id=case.municipality_id, need=need, person=person, note=note.strip(), added_by=actor
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            obj=row,
            persons=[person.pk] if person is not None else [],
            institution_id=case.institution_id,
            details={"case": str(case.public_id), "need": need.code},
        )
    return row


def resolve_case_need(actor: Any, row: CaseNeed) -> CaseNeed:
    """Mark a hand-added need as resolved; it then no longer shows among the case's needs."""
    if row.resolved_at is not None:
        raise ValidationError(_("This need is already resolved."))
    row.resolved_at = timezone.now()
    row.save(update_fields=["resolved_at"])
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=row,
        persons=[row.person_id] if row.person_id else [],
        details={"case": str(row.case.public_id), "need": row.need.code, "resolved": True},
    )
    return row
