"""Consent (RODO) and case documents: recording and withdrawing a consent, the printable consent
form, and uploading a document whose type is checked from its content.

A consent lets one institution, or every institution of a sector, see chosen categories of a
person's data (zgoda, DESIGN.md §2); withdrawal takes effect at once, because every shared view
reads the consents in force on each request (`policies.consented_categories`). Documents are
kept in the private store (`STORAGES["documents"]`) and served only through the case's policy.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from kooperacja.cases.models import (
    Case,
    CaseStatus,
    Consent,
    ConsentBasis,
    ConsentCategory,
    Document,
    Person,
    TimelineKind,
)
from kooperacja.cases.services import record_timeline
from kooperacja.core import audit
from kooperacja.core.models import AuditAction
from kooperacja.core.pdf import document as pdf_document
from kooperacja.institutions.models import Institution, Sector

# --- Categories -------------------------------------------------------------------------------

# Where more consent categories come from. The diagnosis (assessment app, which sits below
# cases) registers a source giving one `diagnosis:<domain code>` category per domain of the
# instrument in force; cases cannot import it, so it reaches us through this hook.
CategorySource = Callable[[], Iterable[tuple[str, str]]]
CATEGORY_SOURCES: list[CategorySource] = []


def register_category_source(source: CategorySource) -> None:
    """Add a source of consent categories (e.g. the diagnosis domains, named `diagnosis:<code>`)."""
    if source not in CATEGORY_SOURCES:
        CATEGORY_SOURCES.append(source)


def consent_categories() -> list[tuple[str, str]]:
    """Every category a consent may cover, as (value, label): the fixed ones, then the registered."""
    found: list[tuple[str, str]] = [(str(value), str(label)) for value, label in ConsentCategory.choices]
    for source in CATEGORY_SOURCES:
        found.extend((str(value), str(label)) for value, label in source())
    return found


# --- Recording and withdrawing ----------------------------------------------------------------


def recipient_institutions(person: Person) -> Any:
    """Institutions a consent of the person may name: the active ones of the person's gmina and
    powiat (the powiat's PCPR, PUP and the gmina institutions of the whole powiat)."""
    county_id = person.municipality.county_id
    return (
        Institution.objects.filter(is_active=True)
        .filter(Q(municipality=person.municipality) | Q(county_id=county_id))
        .exclude(pk=person.institution_id)
        .order_by("name", "id")
    )


@dataclass
class ConsentTerms:
    """What a consent says, as the form gives it."""

    categories: list[str]
    institution: Institution | None = None
    sector: str = ""
    basis: str = ConsentBasis.CONSENT
    guardian_name: str = ""
    legal_reference: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


def check_terms(terms: ConsentTerms) -> None:
    """The rules of a consent, with a Polish message for each broken one (field -> message)."""
    errors: dict[str, list[str]] = {}
    if (terms.institution is None) == (not terms.sector):
        errors.setdefault("institution", []).append(_("Choose one institution or one whole sector, not both."))
    if terms.sector and terms.sector not in Sector.values:
        errors.setdefault("sector", []).append(_("Choose a sector from the list."))
    known = dict(consent_categories())
    if not terms.categories:
        errors.setdefault("categories", []).append(_("Choose at least one category of data."))
    elif any(category not in known for category in terms.categories):
        errors.setdefault("categories", []).append(_("Choose categories from the list."))
    if terms.basis == ConsentBasis.GUARDIAN and not terms.guardian_name.strip():
        errors.setdefault("guardian_name", []).append(_("Give the name of the legal guardian who consents."))
    if terms.basis == ConsentBasis.STATUTE and not terms.legal_reference.strip():
        errors.setdefault("legal_reference", []).append(
            _("Give the legal provision the sharing rests on, e.g. art. 9 ust. 2 lit. h RODO.")
        )
    if terms.valid_from and terms.valid_until and terms.valid_until < terms.valid_from:
        errors.setdefault("valid_until", []).append(
            _("The consent cannot end before it begins: the end date is earlier than the start date.")
        )
    if errors:
        raise ValidationError(errors)


def person_cases(person: Person) -> Any:
    """The cases the person is in: their own and their household's."""
    scope = Q(person=person)
    if person.household_id:
        scope |= Q(household_id=person.household_id)
    return Case.objects.filter(scope)


def scan_case(person: Person) -> Case | None:
    """The case a signed consent scan is kept in: the person's latest open case of the
    institution that registered them (a document always belongs to a case)."""
    cases = person_cases(person).filter(institution_id=person.institution_id)
    return (
        cases.exclude(status=CaseStatus.CLOSED).order_by("-updated_at", "-id").first()
        or cases.order_by("-updated_at", "-id").first()
    )


def _consent_title(consent: Consent, verb: str) -> str:
    recipient = consent.institution.name if consent.institution else Sector(consent.sector).label
    return f"{verb}: {consent.person.full_name} → {recipient}"


def record_consent(
    actor: Any,
    person: Person,
    terms: ConsentTerms,
    *,
    scan: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> Consent:
    """Record a consent (or a statutory basis) of the person; with the signed scan kept as a
    document of the person's case. Refused with ValidationError when a rule is broken; when
    anything fails, the stored scan is deleted with the rows."""
    with _files_removed_on_failure() as stored, transaction.atomic():
        return _record_consent(actor, person, terms, scan=scan, request=request, stored=stored)


def _record_consent(
    actor: Any,
    person: Person,
    terms: ConsentTerms,
    *,
    scan: UploadedFile | None,
    request: HttpRequest | None,
    stored: list[str],
) -> Consent:
    check_terms(terms)
    home: Case | None = None
    checked: CheckedUpload | None = None
    if scan is not None:
        home = scan_case(person)
        if home is None:
            raise ValidationError(
                {"scan": [_("The person has no case yet to keep the scan in. Record the consent without the scan.")]}
            )
        # Checked before anything is saved, so a refused scan leaves no consent behind.
        try:
            checked = check_upload(scan)
        except ValidationError as refusal:
            raise ValidationError({"scan": refusal.messages}) from None
    basis = terms.basis
    consent = Consent.objects.create(
        person=person,
        municipality=person.municipality,
        recorded_by_institution=person.institution,
        institution=terms.institution,
        sector=terms.sector if terms.institution is None else "",
        categories=list(dict.fromkeys(terms.categories)),
        basis=basis,
        guardian_name=terms.guardian_name.strip() if basis == ConsentBasis.GUARDIAN else "",
        legal_reference=terms.legal_reference.strip() if basis == ConsentBasis.STATUTE else "",
        valid_from=terms.valid_from or timezone.localdate(),
        valid_until=terms.valid_until,
        recorded_by=actor,
    )
    if home is not None and checked is not None:
        consent.signed_scan = _store_document(
            actor,
            home,
            checked,
            title=_("Signed consent: %(name)s") % {"name": person.full_name},
            shareable=False,
            stored=stored,
        )
        consent.save(update_fields=["signed_scan"])
    for case in person_cases(person).select_related("institution"):
        record_timeline(
            case,
            TimelineKind.CONSENT,
            _consent_title(consent, _("Consent recorded")),
            actor=actor,
            institution=person.institution,
            source=consent,
        )
    audit.record(
        AuditAction.CREATE,
        request=request,
        actor=actor,
        obj=consent,
        persons=[person.pk],
        institution_id=person.institution_id,
        municipality_code=person.municipality.code,
        details={"categories": consent.categories, "basis": consent.basis},
    )
    return consent


@transaction.atomic
def withdraw_consent(actor: Any, consent: Consent, *, request: HttpRequest | None = None) -> bool:
    """Withdraw a consent at once: from this moment no shared view shows what it covered.
    False when it had been withdrawn already (nothing changes)."""
    locked = Consent.objects.select_for_update(of=("self",)).select_related("person", "institution").get(pk=consent.pk)
    if locked.withdrawn_at is not None:
        return False
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = actor
    locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
    consent.withdrawn_at, consent.withdrawn_by = locked.withdrawn_at, actor
    person = locked.person
    for case in person_cases(person):
        record_timeline(
            case,
            TimelineKind.CONSENT,
            _consent_title(locked, _("Consent withdrawn")),
            actor=actor,
            institution=person.institution,
            source=locked,
        )
    audit.record(
        AuditAction.UPDATE,
        request=request,
        actor=actor,
        obj=locked,
        persons=[person.pk],
        institution_id=person.institution_id,
        municipality_code=person.municipality.code,
        details={"withdrawn": True},
    )
    return True


def consent_state(consent: Consent, today: dt.date | None = None) -> str:
    """ "withdrawn", "ended", "future" or "in_force" on the day."""
    day = today or timezone.localdate()
    if consent.withdrawn_at is not None:
        return "withdrawn"
    if consent.valid_until is not None and consent.valid_until < day:
        return "ended"
    if consent.valid_from > day:
        return "future"
    return "in_force"


# --- Documents ----------------------------------------------------------------------------------

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"

# The file name endings each accepted type may have.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    PDF: (".pdf",),
    JPEG: (".jpg", ".jpeg"),
    PNG: (".png",),
    DOCX: (".docx",),
    ODT: (".odt",),
}
TYPE_NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", DOCX: "DOCX", ODT: "ODT"}


def sniff_type(head: bytes, file: IO[bytes]) -> str | None:
    """The type of a file from its content (magic bytes; for a ZIP, the entries that make it a
    DOCX or an ODT), or None when it is none of the accepted types."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        file.seek(0)
        try:
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                    return ODT
                if "[Content_Types].xml" in names and "word/document.xml" in names:
                    return DOCX
        except (zipfile.BadZipFile, KeyError, OSError):
            return None
    return None


@dataclass
class CheckedUpload:
    file: UploadedFile
    content_type: str
    size: int
    sha256: str
    original_name: str


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Refuse a file that is empty, too large, of a type we do not accept, or whose name says
    another type than its content (a disguised file); ValidationError on the "file" field."""
    limit = settings.DOCUMENT_MAX_BYTES
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": [_("The file is empty.")]})
    if size > limit:
        raise ValidationError(
            {
                "file": [
                    _("The file is too large (%(size)s); the largest accepted is %(limit)s.")
                    % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
                ]
            }
        )
    upload.seek(0)
    head = upload.read(16)
    content_type = sniff_type(head, upload)
    name = PurePath(upload.name or "").name[:255] or "plik"
    suffix = PurePath(name).suffix.lower()
    if content_type is None:
        claimed = next((TYPE_NAMES[kind] for kind, endings in EXTENSIONS.items() if suffix in endings), None)
        if claimed:
            message = _(
                "The file is named as %(type)s, but its content is not a %(type)s file. Nothing was saved: "
                "send the document itself (PDF, JPEG, PNG, DOCX or ODT)."
            ) % {"type": claimed}
        else:
            message = _(
                "This kind of file is not accepted. Send a PDF, a JPEG or PNG image, or a DOCX or ODT document."
            )
        raise ValidationError({"file": [message]})
    if suffix not in EXTENSIONS[content_type]:
        raise ValidationError(
            {
                "file": [
                    _(
                        "The file's name does not match its content: it is a %(type)s file. "
                        "Rename it to end with %(ending)s and send it again."
                    )
                    % {"type": TYPE_NAMES[content_type], "ending": EXTENSIONS[content_type][0]}
                ]
            }
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(upload, content_type, size, digest.hexdigest(), name)


@contextmanager
def _files_removed_on_failure() -> Iterator[list[str]]:
    """Collects the names of files stored in the documents store; when the block fails (a row
    or the audit cannot be written), the files are deleted, so no orphan stays on disk."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        storage = Document._meta.get_field("file").storage
        for name in stored:
            storage.delete(name)
        raise


def _store_document(
    actor: Any, case: Case, checked: CheckedUpload, *, title: str, shareable: bool, stored: list[str]
) -> Document:
    # Only the owning institution's case workers may upload (CaseAccess.can_edit).
    actor_institution = case.institution
    document = Document(
        case=case,
        municipality=case.municipality,
        institution=actor_institution,
        uploaded_by=actor,
        title=title[:200],
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        shareable=shareable,
    )
    document.file.save(checked.original_name, checked.file, save=False)
    stored.append(str(document.file.name))
    document.save()
    record_timeline(
        case,
        TimelineKind.DOCUMENT,
        _("Document added: %(title)s") % {"title": document.title},
        actor=actor,
        institution=actor_institution,
        category=ConsentCategory.DOCUMENTS if shareable else "",
        source=document,
    )
    return document


def upload_document(
    actor: Any,
    case: Case,
    upload: UploadedFile,
    *,
    title: str,
    shareable: bool = False,
    request: HttpRequest | None = None,
) -> Document:
    """Keep a file on the case (private store, with its SHA-256, size and original name) and
    tell the timeline; shareable documents are seen by partners with consent for documents.
    Refused with ValidationError (nothing stored) when `check_upload` refuses the file."""
    title = title.strip()
    if not title:
        raise ValidationError({"title": [_("Give the document a title.")]})
    checked = check_upload(upload)
    with _files_removed_on_failure() as stored, transaction.atomic():
        document = _store_document(actor, case, checked, title=title, shareable=shareable, stored=stored)
        audit.record(
            AuditAction.CREATE,
            request=request,
            actor=actor,
            obj=document,
            persons=[person.pk for person in case.persons()],
            institution_id=case.institution_id,
            municipality_code=case.municipality.code,
            details={"case": str(case.public_id), "size": document.size, "type": document.content_type},
        )
    return document


# --- The printable consent form -------------------------------------------------------------------

CONSENT_FORM_CSS = """
@page { size: A4; margin: 18mm 18mm 20mm; }
html { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.45; color: #000; }
h1 { font-size: 16pt; margin: 0 0 4mm; }
h2 { font-size: 11pt; margin: 5mm 0 2mm; }
p { margin: 0 0 2mm; }
.box { display: inline-block; width: 3.5mm; height: 3.5mm; border: 0.8pt solid #000; margin-right: 2mm;
       text-align: center; line-height: 3.5mm; font-size: 8pt; vertical-align: middle; }
ul.choices { list-style: none; padding: 0; }
ul.choices li { margin-bottom: 1.5mm; }
.line { border-bottom: 0.8pt dotted #000; min-height: 6mm; }
.signatures { margin-top: 14mm; display: flex; justify-content: space-between; }
.signatures div { width: 45%; text-align: center; border-top: 0.8pt solid #000; padding-top: 1mm; font-size: 8.5pt; }
.clause { font-size: 8.5pt; }
"""


def consent_form_html(
    request: HttpRequest | None,
    person: Person,
    *,
    institution: Institution | None,
    sector: str,
    categories: Iterable[str],
) -> str:
    chosen = set(categories)
    return render_to_string(
        "cases/consent/form_pdf.html",
        {
            "person": person,
            "controller": person.institution,
            "institution": institution,
            "sector_label": Sector(sector).label if sector else "",
            "categories": [(value, label, value in chosen) for value, label in consent_categories()],
            "today": timezone.localdate(),
        },
        request,
    )


def consent_form_document(html: str) -> Any:
    """The laid-out pages of the consent form (WeasyPrint, the system's DejaVu fonts, nothing
    fetched from the network: kooperacja.core.pdf)."""
    return pdf_document(html, css=CONSENT_FORM_CSS, trim_whitespace=False)


def render_consent_form_pdf(html: str) -> bytes:
    return bytes(consent_form_document(html).write_pdf() or b"")


def consent_form_pdf(
    request: HttpRequest,
    actor: Any,
    person: Person,
    *,
    institution: Institution | None = None,
    sector: str = "",
    categories: Iterable[str] = (),
) -> bytes:
    """A printable Polish consent form for the person to sign; the print is audited."""
    chosen = list(categories)
    pdf = render_consent_form_pdf(
        consent_form_html(request, person, institution=institution, sector=sector, categories=chosen)
    )
    audit.record(
        AuditAction.PRINT,
        request=request,
        actor=actor,
        obj=person,
        persons=[person.pk],
        institution_id=person.institution_id,
        municipality_code=person.municipality.code,
        details={
            "document": "consent_form",
            "institution": str(institution.public_id) if institution else "",
            "sector": sector,
            "categories": chosen,
        },
    )
    return pdf
