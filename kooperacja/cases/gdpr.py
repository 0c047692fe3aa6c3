"""GDPR (RODO) tools: the export of everything about a person, irreversible anonymisation and
the retention job (DESIGN.md §3, Personal data).

Who may (`may_export`, `may_anonymise`): the export is for the social workers and managers of
the institution that registered the person (the controller answering an art. 15/20 request);
anonymisation for its managers only, once. Everyone else who sees the person gets 403, anyone who
does not see them 404 (the views ask `policies.get_person_for_user` first).

What anonymisation removes and keeps (`anonymise_person`):
- the person: names become "Osoba zanonimizowana", the PESEL (sealed value, hash, last
  digits), street, postal code, phone, e-mail and notes are cleared, the birth date becomes
  1 January of its year, and the disability degree, income and accessibility needs are
  cleared; the locality, gmina, sex and place in the household stay, so aggregates (age bands,
  places, reasons) still count;
- the person's cases (their own and their household's): the summary, every note's text and
  every timeline title become fixed placeholders (free text may name the person in any
  inflection, so nothing is kept), the free text of assessments of the person or of the
  household as a whole is cleared; case rows, reasons, statuses, dates, teams and assessment
  scores stay;
- consents: the legal guardian's name is cleared and the signed scans (they carry the name and
  signature) are deleted with their files; other documents are deleted only from cases whose
  every person is anonymised (a household case still serves its other members);
- the household: its name, street, postal code and notes go once all its members are
  anonymised; its locality stays;
- records merged into the person are anonymised with it; audit events keep only internal ids.
A person with an open case is not anonymised (close the cases first). Running it again changes
nothing.

The retention job (`apply_retention`, daily; `manage.py apply_retention`) anonymises every
person who has at least one case, no open case, and whose cases were all closed more than
`CASE_RETENTION_YEARS` years ago (a closed case without a closing date counts from its last
change). People registered without any case are left alone.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

from kooperacja.cases.models import (
    Case,
    CaseStatus,
    Consent,
    Document,
    Household,
    Note,
    Person,
    TimelineEntry,
)
from kooperacja.core import audit, versioning
from kooperacja.core.models import AuditAction, AuditEvent
from kooperacja.core.pdf import document as pdf_document
from kooperacja.core.policies import institution_ids_with_role
from kooperacja.core.roles import Role
from kooperacja.core.tasks import register_schedule
from kooperacja.institutions.models import Institution

if TYPE_CHECKING:
    from weasyprint.document import Document as WeasyDocument

# --- Who may ------------------------------------------------------------------------------------


def may_export(user: Any, person: Person) -> bool:
    """Social workers and managers of the institution that registered the person."""
    return person.institution_id in institution_ids_with_role(user, Role.SOCIAL_WORKER, Role.MANAGER)


def manages_registration(user: Any, person: Person) -> bool:
    """A manager of the institution that registered the person (who answers for anonymising)."""
    return person.institution_id in institution_ids_with_role(user, Role.MANAGER)


def may_anonymise(user: Any, person: Person) -> bool:
    """Managers of the institution that registered the person, while it is not anonymised yet."""
    return person.anonymised_at is None and manages_registration(user, person)


# --- What belongs to a person -------------------------------------------------------------------


def person_cases(person: Person) -> QuerySet[Case]:
    """The cases the person is in: their own and their household's."""
    scope = Q(person=person)
    if person.household_id:
        scope |= Q(household_id=person.household_id)
    return Case.objects.filter(scope)


def _assessments(cases: list[Case], person: Person) -> list[dict[str, Any]]:
    """The assessments of the person, and of their household as a whole, in their cases (not
    other members' own assessments). Empty when the diagnosis app is not installed."""
    try:
        from kooperacja.assessment.models import Assessment
    except ImportError:  # pragma: no cover - the app is part of the project
        return []
    found = (
        Assessment.objects.filter(case__in=cases)
        .filter(Q(person=person) | Q(person__isnull=True))
        .select_related("instrument", "institution", "case")
        .prefetch_related("scores__domain")
        .order_by("assessed_on", "id")
    )
    return [
        {
            "case": str(assessment.case.public_id),
            "of": "person" if assessment.person_id else "household",
            "instrument": f"{assessment.instrument.name} ({assessment.instrument.version})",
            "assessed_on": assessment.assessed_on,
            "institution": assessment.institution.name,
            "notes": assessment.notes,
            "scores": [
                {
                    "domain": score.domain.name,
                    "level": score.level,
                    "strengths": score.strengths,
                    "priority": score.get_priority_display() if score.priority else "",
                }
                for score in sorted(assessment.scores.all(), key=lambda s: (s.domain.position, s.domain_id))
            ],
        }
        for assessment in found
    ]


def person_data(person: Person) -> dict[str, Any]:
    """Everything the platform holds about the person, as plain data: their record (PESEL in
    full), household and its members' names, cases with their reasons, team institutions,
    notes, timeline and documents (titles only), consents, assessments, and who saw the data."""
    household: dict[str, Any] | None = None
    if person.household is not None:
        members = person.household.members.filter(merged_into__isnull=True).exclude(pk=person.pk)
        household = {
            "name": person.household.name,
            "locality": person.household.locality,
            "street": person.household.street,
            "postal_code": person.household.postal_code,
            "members": [
                {"name": member.full_name, "relationship": member.get_relationship_display()}
                for member in members.order_by("last_name", "first_name", "id")
            ],
        }
    cases = list(
        person_cases(person)
        .select_related("institution", "municipality")
        .prefetch_related("reasons", "participations__institution", "notes__institution")
        .order_by("opened_on", "id")
    )
    timeline: dict[int, list[TimelineEntry]] = {}
    for entry in TimelineEntry.objects.filter(case__in=cases).select_related("institution").order_by("occurred_at"):
        timeline.setdefault(entry.case_id, []).append(entry)
    documents: dict[int, list[Document]] = {}
    for document in Document.objects.filter(case__in=cases).select_related("institution").order_by("uploaded_at"):
        documents.setdefault(document.case_id, []).append(document)
    consents = Consent.objects.filter(person=person).select_related("institution").order_by("recorded_at", "id")
    events = list(AuditEvent.objects.about_person(person.pk).for_list()[:5000])
    event_institutions = Institution.objects.only("name").in_bulk(
        {event.institution_id for event in events if event.institution_id}
    )
    return {
        "exported_at": timezone.now(),
        "controller": person.institution.name,
        "person": {
            "id": str(person.public_id),
            "first_name": person.first_name,
            "last_name": person.last_name,
            "pesel": person.pesel,
            "birth_date": person.birth_date,
            "sex": person.get_sex_display() if person.sex else "",
            "gmina": person.municipality.name,
            "locality": person.locality,
            "street": person.street,
            "postal_code": person.postal_code,
            "phone": person.phone,
            "email": person.email,
            "relationship": person.get_relationship_display() if person.relationship else "",
            "disability_degree": person.get_disability_degree_display() if person.disability_degree else "",
            "income_per_person": person.income_per_person,
            "accessibility_needs": [str(term) for term in person.accessibility_needs.all()],
            "notes": person.notes,
            "registered_by": person.institution.name,
            "created_at": person.created_at,
            "anonymised_at": person.anonymised_at,
        },
        "household": household,
        "cases": [
            {
                "id": str(case.public_id),
                "kind": case.get_kind_display(),
                "institution": case.institution.name,
                "gmina": case.municipality.name,
                "status": case.get_status_display(),
                "closing_reason": case.get_closing_reason_display() if case.closing_reason else "",
                "opened_on": case.opened_on,
                "closed_on": case.closed_on,
                "summary": case.summary,
                "reasons": [reason.get_reason_display() for reason in case.reasons.all()],
                "team_institutions": sorted({p.institution.name for p in case.participations.all()}),
                "notes": [
                    {"written": note.created_at, "institution": note.institution.name, "text": note.text}
                    for note in sorted(case.notes.all(), key=lambda n: (n.created_at, n.pk))
                ],
                "timeline": [
                    {
                        "when": entry.occurred_at,
                        "kind": entry.get_kind_display(),
                        "title": entry.title,
                        "institution": entry.institution.name if entry.institution else "",
                    }
                    for entry in timeline.get(case.pk, [])
                ],
                "documents": [
                    {
                        "title": document.title,
                        "uploaded": document.uploaded_at,
                        "institution": document.institution.name,
                    }
                    for document in documents.get(case.pk, [])
                ],
            }
            for case in cases
        ],
        "consents": [
            {
                "recipient": consent.institution.name if consent.institution else consent.get_sector_display(),
                "categories": consent.categories,
                "basis": consent.get_basis_display(),
                "guardian": consent.guardian_name,
                "legal_reference": consent.legal_reference,
                "valid_from": consent.valid_from,
                "valid_until": consent.valid_until,
                "withdrawn_at": consent.withdrawn_at,
            }
            for consent in consents
        ],
        "assessments": _assessments(cases, person),
        "access_log": [
            {
                "when": event.at,
                "who": (event.actor.get_full_name() if event.actor else "") or event.actor_label,
                "institution": getattr(event_institutions.get(event.institution_id or 0), "name", ""),
                "action": event.get_action_display(),
                "reason": event.reason,
            }
            for event in events
        ],
    }


def _audit_export(actor: Any, person: Person, request: HttpRequest | None, kind: str) -> None:
    audit.record(
        AuditAction.EXPORT,
        request=request,
        actor=actor,
        obj=person,
        persons=[person.pk],
        institution_id=person.institution_id,
        municipality_code=person.municipality.code,
        details={"gdpr_export": kind},
    )


def export_json(actor: Any, person: Person, *, request: HttpRequest | None = None) -> bytes:
    """The person's data as JSON (RODO art. 15 and 20); the export is audited."""
    with translation.override(settings.LANGUAGE_CODE):
        data = person_data(person)
    _audit_export(actor, person, request, "json")
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


EXPORT_CSS = """
@page { size: A4; margin: 16mm 16mm 18mm;
        @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.4; color: #000; }
h1 { font-size: 15pt; margin: 0 0 3mm; }
h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 0.6pt solid #000; }
h3 { font-size: 10.5pt; margin: 4mm 0 1.5mm; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 3mm; }
th, td { border: 0.5pt solid #555; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
th { background: #eee; }
/* Label and value on one table row: a long label wraps inside its cell, never past its value. */
table.facts { table-layout: fixed; }
table.facts th { width: 45mm; background: none; }
table.facts th, table.facts td { border: none; border-bottom: 0.3pt solid #bbb; padding: 0.8mm 1.5mm 0.8mm 0; }
.note { white-space: pre-wrap; }
"""


def export_pdf(actor: Any, person: Person, *, request: HttpRequest | None = None) -> bytes:
    """The person's data as a printable PDF (WeasyPrint, local fonts, nothing fetched from the
    network: kooperacja.core.pdf); the export is audited."""
    pdf = bytes(export_document(person).write_pdf() or b"")
    _audit_export(actor, person, request, "pdf")
    return pdf


def export_document(person: Person) -> WeasyDocument:
    """The laid-out pages of the person's export (not audited: `export_pdf` is what is handed out)."""
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("cases/gdpr/export_pdf.html", {"data": person_data(person)})
    return pdf_document(html, css=EXPORT_CSS)


# --- Anonymisation ------------------------------------------------------------------------------


def anonymised_first_name() -> str:
    return pgettext("first name of an anonymised person", "Person")


def anonymised_last_name() -> str:
    return pgettext("last name of an anonymised person", "anonymised")


def anonymised_full_name() -> str:
    return f"{anonymised_first_name()} {anonymised_last_name()}"


def removed_text() -> str:
    return gettext("Text removed when the person's data was anonymised.")


def removed_entry() -> str:
    return gettext("Entry anonymised")


def anonymised_household_name() -> str:
    return gettext("Anonymised household")


@dataclass
class Anonymised:
    """What one anonymisation changed (counts), for the audit and the retention command."""

    persons: int = 0
    cases: int = 0
    notes: int = 0
    timeline_entries: int = 0
    documents: int = 0


def has_open_case(person: Person) -> bool:
    return person_cases(person).exclude(status=CaseStatus.CLOSED).exists()


def _clear_identity(person: Person, now: dt.datetime) -> None:
    person.first_name = anonymised_first_name()
    person.last_name = anonymised_last_name()
    person.set_pesel("")
    if person.birth_date is not None:
        person.birth_date = dt.date(person.birth_date.year, 1, 1)
    person.street = person.postal_code = person.phone = person.email = person.notes = ""
    # No statistic reads them, and with the locality, sex and year they could point to one
    # person; the disability degree and accessibility needs are health data (RODO art. 9).
    person.disability_degree = ""
    person.income_per_person = None
    person.accessibility_needs.clear()
    person.anonymised_at = now
    versioning.bump(person, now)
    person.save()


def _delete_documents(documents: Iterable[Document]) -> int:
    """Delete the rows now and their files once the transaction commits."""
    count = 0
    for document in documents:
        name, storage = document.file.name, document.file.storage
        document.delete()
        if name:
            transaction.on_commit(partial(storage.delete, name))
        count += 1
    return count


def _anonymise_cases(cases: list[Case], person: Person, now: dt.datetime) -> Anonymised:
    done = Anonymised(cases=len(cases))
    done.notes = Note.objects.filter(case__in=cases).exclude(text=removed_text()).update(text=removed_text())
    done.timeline_entries = (
        TimelineEntry.objects.filter(case__in=cases).exclude(title=removed_entry()).update(title=removed_entry())
    )
    Case.objects.filter(pk__in=[case.pk for case in cases]).exclude(summary="").update(summary="", updated_at=now)
    try:
        from kooperacja.assessment.models import Assessment, DomainScore
    except ImportError:  # pragma: no cover - the app is part of the project
        pass
    else:
        assessments = Assessment.objects.filter(case__in=cases).filter(Q(person=person) | Q(person__isnull=True))
        assessments.exclude(notes="").update(notes="")
        DomainScore.objects.filter(assessment__in=assessments).exclude(strengths="").update(strengths="")
    scans = Document.objects.filter(pk__in=Consent.objects.filter(person=person).values("signed_scan"))
    done.documents = _delete_documents(scans)
    Consent.objects.filter(person=person).exclude(guardian_name="").update(guardian_name="")
    # Other documents go from cases nobody identifiable is left in.
    finished = [case for case in cases if all(p.anonymised_at is not None for p in case.persons())]
    done.documents += _delete_documents(Document.objects.filter(case__in=finished))
    return done


def _anonymise_household(household: Household, now: dt.datetime) -> None:
    if household.members.filter(anonymised_at__isnull=True).exists():
        return
    if household.name == anonymised_household_name() and not (household.street or household.notes):
        return
    household.name = anonymised_household_name()
    household.street = household.postal_code = household.notes = ""
    versioning.bump(household, now)
    household.save()


def anonymise_person(
    actor: Any, person: Person, *, request: HttpRequest | None = None, reason: str = ""
) -> Anonymised | None:
    """Remove the person's identity for good (see the module docstring for what goes and what
    stays). None when the person was anonymised already (nothing changes). Refused with
    ValidationError while the person has an open case. `actor` is None for the retention job."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        locked = Person.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=person.pk)
        if locked.anonymised_at is not None:
            return None
        if has_open_case(locked):
            raise ValidationError(
                gettext("The person has an open case. Close their cases first, then anonymise the data.")
            )
        now = timezone.now()
        merged = list(Person.objects.filter(merged_into=locked, anonymised_at__isnull=True))
        for record in [locked, *merged]:
            _clear_identity(record, now)
        cases = list(person_cases(locked).select_related("person", "household"))
        done = _anonymise_cases(cases, locked, now)
        done.persons = 1 + len(merged)
        if locked.household is not None:
            _anonymise_household(locked.household, now)
        audit.record(
            AuditAction.UPDATE,
            request=request,
            actor=actor,
            actor_from_request=actor is not None,
            obj=locked,
            persons=[record.pk for record in [locked, *merged]],
            institution_id=locked.institution_id,
            municipality_code=locked.municipality.code,
            reason=reason,
            details={"anonymised": True, "cases": done.cases, "documents_deleted": done.documents},
        )
    person.refresh_from_db()
    return done


# --- Retention ----------------------------------------------------------------------------------


def retention_cutoff(today: dt.date, years: int) -> dt.date:
    """The day `years` years before `today` (28 February for a 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def retention_due(today: dt.date | None = None, years: int | None = None) -> QuerySet[Person]:
    """Persons (not anonymised, not merged away) with at least one case, none open, all closed
    on or before the cut-off day."""
    today = today or timezone.localdate()
    cutoff = retention_cutoff(today, settings.CASE_RETENTION_YEARS if years is None else years)
    keeping = Case.objects.filter(
        ~Q(status=CaseStatus.CLOSED) | Q(closed_on__gt=cutoff) | Q(closed_on__isnull=True, updated_at__date__gt=cutoff)
    )
    return (
        Person.objects.filter(anonymised_at__isnull=True, merged_into__isnull=True)
        .filter(Q(cases__isnull=False) | Q(household__cases__isnull=False))
        .exclude(cases__in=keeping)
        .exclude(household__cases__in=keeping)
        .distinct()
        .order_by("pk")
    )


def apply_retention(today_iso: str | None = None, *, dry_run: bool = False, batch_size: int = 200) -> int:
    """The daily job (03:00): anonymise every person `retention_due` finds. Returns how many
    persons were (or, with dry_run, would be) anonymised. Idempotent: an anonymised person is
    not found again; each person is anonymised in a transaction of its own."""
    today = dt.date.fromisoformat(today_iso) if today_iso else timezone.localdate()
    due = retention_due(today)
    if dry_run:
        return due.count()
    count = 0
    last_pk = 0
    while True:
        batch = list(due.filter(pk__gt=last_pk)[:batch_size])
        if not batch:
            return count
        last_pk = batch[-1].pk
        for person in batch:
            if anonymise_person(None, person, reason="retention") is not None:
                count += 1


register_schedule("case-retention", "kooperacja.cases.gdpr.apply_retention", daily_at="03:00")
