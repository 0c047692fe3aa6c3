"""Every change of the diagnosis: instruments published as data, assessments recorded and edited.

Rules (issue #6 point 7):
* An instrument version is immutable once published. Publishing adds the next version and
  makes it current; assessments keep the version they were made with.
* An assessment scores every domain of its instrument 1–5 and is dated no later than today;
  otherwise nothing is saved and the refusal names what is missing.
* Domains at or below a threshold in the latest assessment are the case's *needs* (the
  matching engine of the plans app reads them).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kooperacja.assessment.models import (
    Assessment,
    Domain,
    DomainScore,
    Instrument,
    Level,
    LevelDescription,
    Priority,
)
from kooperacja.cases.models import Case, Person, TimelineKind
from kooperacja.cases.services import record_timeline
from kooperacja.core import audit, versioning
from kooperacja.core.models import AuditAction

DEFAULT_INSTRUMENT_FILE = Path(__file__).resolve().parent / "data" / "instrument.json"
DEFAULT_INSTRUMENT_CODE = "diagnoza-wielowymiarowa"
LEVELS = tuple(Level.values)


class StaleVersion(versioning.StaleVersion):
    """Someone saved the assessment after the editor opened it: nothing is saved."""

    default_message = _("Someone else saved this diagnosis while you were editing it.")


class MissingDomains(ValidationError):
    """Some domains of the instrument were not scored; `domains` names them."""

    def __init__(self, domains: list[Domain]) -> None:
        self.domains = domains
        names = ", ".join(domain.name for domain in domains)
        super().__init__(_("Score every domain of the diagnosis. Not scored: %(domains)s.") % {"domains": names})


@dataclass(frozen=True)
class Score:
    """What the form gives for one domain."""

    level: int | None
    strengths: str = ""
    priority: str = ""


# --- Instruments --------------------------------------------------------------------------------


def read_instrument_file(path: Path | str) -> dict[str, Any]:
    """Read and check an instrument definition (the shape of data/instrument.json)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValidationError(_("The instrument file cannot be read: %(error)s") % {"error": error}) from None
    check_instrument_data(data)
    return data


def check_instrument_data(data: Any) -> None:
    """Refuse a definition without a code, a name or domains, with repeated domain codes, or
    with a domain lacking a description of one of the five levels."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise ValidationError(_("The instrument must be a JSON object."))
    problems.extend(
        _("The instrument has no %(key)s.") % {"key": key}
        for key in ("code", "name")
        if not str(data.get(key, "")).strip()
    )
    domains = data.get("domains")
    if not isinstance(domains, list) or not domains:
        problems.append(_("The instrument has no domains."))
        domains = []
    seen: set[str] = set()
    for number, domain in enumerate(domains, start=1):
        if not isinstance(domain, dict):
            problems.append(_("Domain %(number)s is not an object.") % {"number": number})
            continue
        code = str(domain.get("code", "")).strip()
        if not code or not str(domain.get("name", "")).strip():
            problems.append(_("Domain %(number)s has no code or name.") % {"number": number})
        if code in seen:
            problems.append(_("The domain code %(code)s is repeated.") % {"code": code})
        seen.add(code)
        levels = domain.get("levels")
        if not isinstance(levels, dict):
            levels = {}
        missing = [str(level) for level in LEVELS if not str(levels.get(str(level), "")).strip()]
        if missing:
            problems.append(
                _("Domain %(code)s lacks the description of levels %(levels)s.")
                % {"code": code or number, "levels": ", ".join(missing)}
            )
    if problems:
        raise ValidationError(problems)


def _create_version(data: Mapping[str, Any], version: int) -> Instrument:
    instrument = Instrument.objects.create(
        code=data["code"],
        name=data["name"],
        description=data.get("description", ""),
        version=version,
        published_at=timezone.now(),
        is_current=True,
    )
    for position, item in enumerate(data["domains"]):
        domain = Domain.objects.create(
            instrument=instrument,
            code=item["code"],
            name=item["name"],
            description=item.get("description", ""),
            position=position,
        )
        LevelDescription.objects.bulk_create(
            LevelDescription(domain=domain, level=level, text=item["levels"][str(level)]) for level in LEVELS
        )
    return instrument


def sync_instrument(path: Path | str = DEFAULT_INSTRUMENT_FILE) -> Instrument | None:
    """Ship the default instrument: create it when no version of it exists; returns it then,
    None otherwise. A published version is never changed, so this runs after every migrate."""
    data = read_instrument_file(path)
    if Instrument.objects.filter(code=data["code"]).exists():
        return None
    with transaction.atomic():
        return _create_version(data, version=1)


def publish_instrument(actor: Any, data: Mapping[str, Any]) -> Instrument:
    """Publish the next version of an instrument and make it current; earlier versions stay
    as they are, and so do the assessments made with them."""
    check_instrument_data(data)
    with transaction.atomic():
        earlier = Instrument.objects.select_for_update().filter(code=data["code"]).order_by("-version")
        latest = earlier.first()
        earlier.filter(is_current=True).update(is_current=False)
        instrument = _create_version(data, version=(latest.version + 1) if latest else 1)
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            obj=instrument,
            object_id=f"{instrument.code}@{instrument.version}",
            details={"code": instrument.code, "version": instrument.version},
        )
    return instrument


def current_instrument(code: str = DEFAULT_INSTRUMENT_CODE) -> Instrument:
    return Instrument.objects.current().get(code=code)


# --- Assessments --------------------------------------------------------------------------------


def _subject_person_ids(case: Case, person: Person | None) -> list[int]:
    return [person.pk] if person is not None else [p.pk for p in case.persons()]


def _checked_scores(instrument: Instrument, scores: Mapping[str, Score], assessed_on: dt.date) -> list[DomainScore]:
    """DomainScore rows (unsaved) for every domain, or a refusal naming every problem."""
    domains = list(instrument.domains.order_by("position", "id"))
    missing = [domain for domain in domains if scores.get(domain.code) is None or scores[domain.code].level is None]
    if missing:
        raise MissingDomains(missing)
    problems: list[str] = []
    if assessed_on > timezone.localdate():
        problems.append(_("The date of the diagnosis cannot be in the future."))
    known = {domain.code for domain in domains}
    unknown = sorted(set(scores) - known)
    if unknown:
        problems.append(_("Unknown domains: %(codes)s.") % {"codes": ", ".join(unknown)})
    rows = []
    for domain in domains:
        score = scores[domain.code]
        if score.level not in LEVELS:
            problems.append(_("%(domain)s: the level must be from 1 to 5.") % {"domain": domain.name})
        if score.priority not in ("", *Priority.values):
            problems.append(_("%(domain)s: unknown priority.") % {"domain": domain.name})
        rows.append(
            DomainScore(
                domain=domain, level=score.level or 0, strengths=score.strengths.strip(), priority=score.priority
            )
        )
    if problems:
        raise ValidationError(problems)
    return rows


def _subject_label(person: Person | None) -> str:
    return person.full_name if person is not None else _("the household as a whole")


def _audit_change(actor: Any, assessment: Assessment, action: str, **details: Any) -> None:
    audit.record(
        action,
        actor=actor,
        obj=assessment,
        persons=_subject_person_ids(assessment.case, assessment.person),
        institution_id=assessment.institution_id,
        municipality_code=assessment.case.municipality.code,
        details={"case": str(assessment.case.public_id), **{key: str(value) for key, value in details.items()}},
    )


def record_assessment(
    actor: Any,
    case: Case,
    person: Person | None,
    scores: Mapping[str, Score],
    assessed_on: dt.date,
    notes: str = "",
    instrument: Instrument | None = None,
) -> Assessment:
    """Record a diagnosis of a person of the case, or of its household as a whole (person None),
    with the current instrument unless told. Every domain must be scored.

    The timeline entry is shared as "" (the owning institution's team only): its title names the
    subject, and a partner may have consent for some domains only, which it reads on the
    diagnosis page, domain by domain."""
    if person is not None and person.pk not in {p.pk for p in case.persons()}:
        raise ValidationError({"person": _("This person is not in the case.")})
    instrument = instrument or current_instrument()
    rows = _checked_scores(instrument, scores, assessed_on)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            case=case,
            person=person,
            municipality_id=case.municipality_id,
            institution_id=case.institution_id,
            instrument=instrument,
            assessed_on=assessed_on,
            assessed_by=actor,
            notes=notes.strip(),
        )
        for row in rows:
            row.assessment = assessment
        DomainScore.objects.bulk_create(rows)
        record_timeline(
            case,
            TimelineKind.ASSESSMENT,
            _("Diagnosis: %(subject)s") % {"subject": _subject_label(person)},
            actor=actor,
            institution=case.institution,
            source=assessment,
        )
        _audit_change(actor, assessment, AuditAction.CREATE, instrument=f"{instrument.code}@{instrument.version}")
    return assessment


def update_assessment(
    actor: Any,
    assessment: Assessment,
    scores: Mapping[str, Score],
    assessed_on: dt.date,
    notes: str,
    version: int,
) -> Assessment:
    """Correct an assessment (on its own instrument version). Refused with StaleVersion when it
    was saved by someone else since `version` was read."""
    rows = _checked_scores(assessment.instrument, scores, assessed_on)
    with transaction.atomic():
        updated = Assessment.objects.filter(pk=assessment.pk, version=version).update(
            assessed_on=assessed_on, notes=notes.strip(), **versioning.bumped(Assessment)
        )
        if not updated:
            raise StaleVersion()
        for row in rows:
            DomainScore.objects.filter(assessment=assessment, domain=row.domain).update(
                level=row.level, strengths=row.strengths, priority=row.priority
            )
        assessment.refresh_from_db()
        record_timeline(
            assessment.case,
            TimelineKind.ASSESSMENT,
            _("Diagnosis corrected: %(subject)s") % {"subject": _subject_label(assessment.person)},
            actor=actor,
            institution=assessment.case.institution,
            source=assessment,
        )
        _audit_change(actor, assessment, AuditAction.UPDATE, version=assessment.version)
    return assessment


# --- Needs and change ------------------------------------------------------------------------


# These read a case's assessments whole, with no access check: they are for system use (the
# matching engine of the plans app) and for code that has already checked the case. A page
# reaches the case through `cases.policies.get_case_for_user` and shows only the domains of
# `assessment.policies.visible_domain_ids` (a partner: those its consent covers).


def latest_assessment(case: Case, person: Person | None = None, *, any_subject: bool = True) -> Assessment | None:
    """The latest assessment of the case (of any subject, or of `person` — None: the household as
    a whole — with any_subject=False). System use; no access check (see above)."""
    assessments = Assessment.objects.filter(case=case)
    if not any_subject:
        assessments = assessments.filter(person=person)
    return assessments.order_by("-assessed_on", "-id").first()


def needs(case_or_assessment: Case | Assessment, threshold: int = 2) -> list[DomainScore]:
    """The needs: domains scored at or below `threshold` in the given assessment, or in the
    latest assessment of the case; the lowest and most urgent first. Every domain: system use
    (the matching engine); a page must keep only `visible_domain_ids` (see above)."""
    if isinstance(case_or_assessment, Assessment):
        assessment: Assessment | None = case_or_assessment
    else:
        assessment = latest_assessment(case_or_assessment)
    if assessment is None:
        return []
    priority_order = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2, "": 3}
    found = list(assessment.scores.filter(level__lte=threshold).select_related("domain"))
    return sorted(found, key=lambda s: (s.level, priority_order.get(s.priority, 3), s.domain.position))


@dataclass(frozen=True)
class Change:
    """One domain from the first to the latest assessment of a subject."""

    code: str
    name: str
    first: int | None
    latest: int

    @property
    def difference(self) -> int | None:
        return None if self.first is None else self.latest - self.first


def change_between(assessments: Iterable[Assessment]) -> list[Change]:
    """First against latest level per domain of already loaded assessments (with their scores
    and domains prefetched), in the order of the latest assessment's domains. Domains are
    matched by code, so change is shown across instrument versions."""
    ordered = sorted(assessments, key=lambda a: (a.assessed_on, a.pk))
    if not ordered:
        return []
    first = {score.domain.code: score.level for score in ordered[0].scores.all()}
    latest = sorted(ordered[-1].scores.all(), key=lambda s: (s.domain.position, s.domain_id))
    return [Change(s.domain.code, s.domain.name, first.get(s.domain.code), s.level) for s in latest]


def change(case: Case, person: Person | None) -> list[Change]:
    """The change from the first to the latest assessment of a person of the case, or of its
    household as a whole (person None), in every domain. System use; a page filters the
    assessments and domains by `visible_domain_ids` and calls `change_between` (see the views)."""
    return change_between(Assessment.objects.filter(case=case, person=person).for_case_page())
