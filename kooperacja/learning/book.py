"""The Księga Rekomendacji: its content built from the programme's recommendations, remarks and
consultations; the typeset Polish PDF (WeasyPrint, `templates/learning/book/pdf.html` and
`pdf.css`); and publishing a version, whose PDF is stored as it was generated.

A version's number is the next one of its programme (1, 2, 3…, no gaps): the programme row is
locked while the number is taken, and the unique (programme, number) constraint is the last
guard (a clash is retried with the next number). Building the content takes the same few
queries however many recommendations there are.

The caller has checked the actor's right (`book_policies`); a refusal is a `ValidationError`
with a Polish message and stores nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, OuterRef, Prefetch, Q, Subquery
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from kooperacja.community.models import PartnerRole, Programme, ProgrammePartner
from kooperacja.core import audit, pdf
from kooperacja.core.models import AuditAction
from kooperacja.core.roles import Role
from kooperacja.learning.models import (
    Consultation,
    ConsultationParticipant,
    Recommendation,
    RecommendationBook,
    RecommendationKind,
    RecommendationStatus,
    Remark,
)

if TYPE_CHECKING:
    from weasyprint.document import Document

PDF_CSS = Path(__file__).resolve().parent / "templates" / "learning" / "book" / "pdf.css"
PDF_TEMPLATE = "learning/book/pdf.html"
# The language the book is printed in, whatever the publisher's interface language.
BOOK_LANGUAGE = "pl"
NOTE_MAX_LENGTH = 2000
# How often a clash of version numbers (two publishing at once where the database cannot lock
# a row, as SQLite) is retried with the next number before the publisher is asked to try again.
PUBLISH_ATTEMPTS = 3

ADOPTED = (RecommendationStatus.ACCEPTED, RecommendationStatus.PARTLY, RecommendationStatus.IMPLEMENTED)

# The three variants of the model, in the book's order: (anchor, flag on Recommendation, title).
VARIANTS = (
    ("rural", "for_rural", gettext_lazy("Model for rural gminas")),
    ("urban-rural", "for_urban_rural", gettext_lazy("Model for urban-rural gminas")),
    ("city", "for_city", gettext_lazy("Model for cities")),
)
# The book's own words (one recommendation's status, a table's columns, headings of the kinds):
# in Polish they agree with „rekomendacja”, unlike the model's shorter choice labels.
VARIANT_NAMES = {
    "for_rural": pgettext_lazy("model variant", "rural"),
    "for_urban_rural": pgettext_lazy("model variant", "urban-rural"),
    "for_city": pgettext_lazy("model variant", "city"),
}
STATUS_NAMES = {
    RecommendationStatus.PROPOSED: pgettext_lazy("one recommendation", "proposed"),
    RecommendationStatus.ACCEPTED: pgettext_lazy("one recommendation", "accepted"),
    RecommendationStatus.PARTLY: pgettext_lazy("one recommendation", "partly accepted"),
    RecommendationStatus.REJECTED: pgettext_lazy("one recommendation", "rejected"),
    RecommendationStatus.IMPLEMENTED: pgettext_lazy("one recommendation", "implemented"),
}
STATUS_COLUMNS = {
    RecommendationStatus.PROPOSED: pgettext_lazy("recommendations", "awaiting a decision"),
    RecommendationStatus.ACCEPTED: pgettext_lazy("recommendations", "accepted"),
    RecommendationStatus.PARTLY: pgettext_lazy("recommendations", "partly accepted"),
    RecommendationStatus.REJECTED: pgettext_lazy("recommendations", "rejected"),
    RecommendationStatus.IMPLEMENTED: pgettext_lazy("recommendations", "implemented"),
}
KIND_HEADINGS = {
    RecommendationKind.MODEL_CHANGE: gettext_lazy("Changes of the model"),
    RecommendationKind.LEGAL_CHANGE: gettext_lazy("Proposals of legal change"),
    RecommendationKind.EVALUATION: gettext_lazy("Evaluation instruments"),
    RecommendationKind.TRAINING: gettext_lazy("Training needs"),
}


@dataclass(frozen=True)
class Entry:
    """One recommendation as the book prints it, with its code (R-03) and the remarks behind it."""

    code: str
    recommendation: Recommendation
    remarks: list[Remark]

    @property
    def anchor(self) -> str:
        return f"evidence-{self.code}"

    @property
    def status(self) -> str:
        return str(STATUS_NAMES[RecommendationStatus(self.recommendation.status)])

    @property
    def variants(self) -> str:
        return ", ".join(str(name) for flag, name in VARIANT_NAMES.items() if getattr(self.recommendation, flag))


@dataclass(frozen=True)
class KindGroup:
    label: str
    entries: list[Entry]


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    groups: list[KindGroup]

    @property
    def count(self) -> int:
        return sum(len(group.entries) for group in self.groups)


@dataclass(frozen=True)
class ConsultationRow:
    consultation: Consultation
    participants: list[ConsultationParticipant]
    remark_count: int

    @property
    def people(self) -> int:
        return sum(participant.people for participant in self.participants)


@dataclass(frozen=True)
class CountRow:
    label: str
    cells: list[int]
    total: int


@dataclass
class BookContent:
    """Everything the PDF shows, read in a fixed number of queries."""

    programme: Programme
    number: int | None  # None for a preview
    day: dt.date
    leader: str
    regions: list[str]
    consultations: list[ConsultationRow]
    remark_count: int
    sections: list[Section]
    rejected: list[Entry]
    evidence: list[Entry]
    adopted_count: int
    proposed_count: int
    status_labels: list[str] = field(default_factory=list)
    counts: list[CountRow] = field(default_factory=list)
    count_totals: list[int] = field(default_factory=list)

    @property
    def title(self) -> str:
        return book_title(self.programme)


def book_title(programme: Programme) -> str:
    """The book's title as printed (in the book's language, whoever publishes it)."""
    with translation.override(BOOK_LANGUAGE):
        return _("Księga Rekomendacji — %(programme)s") % {"programme": programme.name}


def recommendation_code(position: int) -> str:
    """R-01, R-02…: a recommendation's place among all of its programme's recommendations in the
    order they were made, so that its code stays the same from one version to the next."""
    return f"R-{position:02d}"


def _recommendations(programme: Programme) -> list[Recommendation]:
    remarks = Remark.objects.select_related("consultation").order_by("consultation__held_on", "consultation_id", "id")
    return list(
        Recommendation.objects.filter(programme=programme)
        .select_related("region")
        .prefetch_related(Prefetch("remarks", queryset=remarks))
        .order_by("created_at", "id")
    )


def _consultations(programme: Programme) -> list[ConsultationRow]:
    """The programme's consultations and any other whose remarks stand behind its
    recommendations, oldest first, with their participants and number of remarks."""
    behind = Remark.objects.filter(recommendations__programme=programme).values("consultation_id")
    participants = ConsultationParticipant.objects.select_related("institution").order_by("id")
    consultations = (
        Consultation.objects.filter(Q(programme=programme) | Q(pk__in=behind))
        .select_related("organiser")
        .prefetch_related(Prefetch("participants", queryset=participants))
        .annotate(remark_count=Count("remarks"))
        .order_by("held_on", "id")
    )
    return [ConsultationRow(item, list(item.participants.all()), item.remark_count) for item in consultations]


def _leader(programme: Programme) -> str:
    partner = (
        ProgrammePartner.objects.filter(programme=programme, role=PartnerRole.LEADER)
        .select_related("institution")
        .first()
    )
    return partner.institution.name if partner else ""


def _grouped(entries: Iterable[Entry]) -> list[KindGroup]:
    by_kind: dict[str, list[Entry]] = {}
    for entry in entries:
        by_kind.setdefault(entry.recommendation.kind, []).append(entry)
    return [KindGroup(str(KIND_HEADINGS[kind]), by_kind[kind]) for kind in RecommendationKind if kind in by_kind]


def _counts(recommendations: list[Recommendation]) -> tuple[list[str], list[CountRow], list[int]]:
    """The table of the introduction: recommendations by kind (rows) and status (columns)."""
    tally = Counter((item.kind, item.status) for item in recommendations)
    statuses = list(STATUS_COLUMNS)
    rows = [
        CountRow(
            str(KIND_HEADINGS[kind]),
            [tally[(kind, status)] for status in statuses],
            sum(tally[(kind, status)] for status in statuses),
        )
        for kind in RecommendationKind
    ]
    totals = [sum(row.cells[index] for row in rows) for index in range(len(statuses))] + [len(recommendations)]
    return [str(STATUS_COLUMNS[status]) for status in statuses], rows, totals


def build_content(programme: Programme, *, number: int | None, day: dt.date) -> BookContent:
    """What version `number` of the programme's book (None: a preview) prints, as of `day`."""
    recommendations = _recommendations(programme)
    entries = [
        Entry(recommendation_code(position), item, list(item.remarks.all()))
        for position, item in enumerate(recommendations, start=1)
    ]
    adopted = [entry for entry in entries if entry.recommendation.status in ADOPTED]
    rejected = [entry for entry in entries if entry.recommendation.status == RecommendationStatus.REJECTED]
    sections = [
        Section(anchor, str(title), _grouped(entry for entry in adopted if getattr(entry.recommendation, flag)))
        for anchor, flag, title in VARIANTS
    ]
    consultations = _consultations(programme)
    decided = [entry for entry in entries if entry.recommendation.status != RecommendationStatus.PROPOSED]
    regions = {entry.recommendation.region.name for entry in decided}
    regions |= {row.consultation.organiser.name for row in consultations}
    status_labels, counts, totals = _counts(recommendations)
    return BookContent(
        programme=programme,
        number=number,
        day=day,
        leader=_leader(programme),
        regions=sorted(regions),
        consultations=consultations,
        remark_count=sum(row.remark_count for row in consultations),
        sections=sections,
        rejected=rejected,
        evidence=decided,
        adopted_count=len(adopted),
        proposed_count=sum(1 for entry in entries if entry.recommendation.status == RecommendationStatus.PROPOSED),
        status_labels=status_labels,
        counts=counts,
        count_totals=totals,
    )


# --- The PDF -------------------------------------------------------------------------------------


def book_html(content: BookContent) -> str:
    with translation.override(BOOK_LANGUAGE):
        return render_to_string(PDF_TEMPLATE, {"book": content, "language": BOOK_LANGUAGE})


def book_document(content: BookContent) -> Document:
    """The laid-out pages (tests read their text)."""
    return pdf.document(book_html(content), stylesheet_path=PDF_CSS)


def render_book(content: BookContent) -> bytes:
    return bytes(book_document(content).write_pdf() or b"")


def preview(programme: Programme) -> bytes:
    """The PDF the next version would be, from the current data; nothing is stored."""
    return render_book(build_content(programme, number=None, day=timezone.localdate()))


def download_name(book: RecommendationBook) -> str:
    return f"ksiega-rekomendacji-v{book.number}.pdf"


# --- The versions page -------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeBooks:
    programme: Programme | None
    books: list[RecommendationBook]
    may_publish: bool


def versions(publishable: Iterable[Programme]) -> list[ProgrammeBooks]:
    """Every published version, by programme (those whose book the user may publish come even
    without a version yet), newest version first. Each version is annotated with
    `publisher_institution`: the leader in whose name its regional analyst published it (empty
    when an administrator did)."""
    leader_of_publisher = ProgrammePartner.objects.filter(
        programme=OuterRef("programme"),
        role=PartnerRole.LEADER,
        institution__memberships__user=OuterRef("published_by"),
        institution__memberships__role=Role.REGIONAL_ANALYST,
    ).values("institution__name")[:1]
    books = (
        RecommendationBook.objects.select_related("programme")
        .annotate(publisher_institution=Subquery(leader_of_publisher))
        .order_by("programme__name", "programme_id", "-number")
    )
    publishable_ids = {programme.pk: programme for programme in publishable}
    grouped: dict[int | None, ProgrammeBooks] = {}
    for book in books:
        key = book.programme_id
        if key not in grouped:
            grouped[key] = ProgrammeBooks(book.programme, [], key in publishable_ids)
        grouped[key].books.append(book)
    for pk, programme in publishable_ids.items():
        grouped.setdefault(pk, ProgrammeBooks(programme, [], True))
    return sorted(grouped.values(), key=lambda group: (group.programme is None, str(group.programme or "")))


# --- Publishing a version ---------------------------------------------------------------------


def _next_number(programme: Programme) -> int:
    latest = RecommendationBook.objects.filter(programme=programme).aggregate(latest=Max("number"))["latest"]
    return (latest or 0) + 1


class _NumberTaken(Exception):
    """Another version took the number this one was rendered with: render it again."""


def _publish_once(actor: Any, programme: Programme, note: str, publisher_institution: str) -> RecommendationBook:
    # The PDF takes seconds to lay out: it is rendered before the lock, so nothing else waits
    # for WeasyPrint; under the lock the number is checked again and the version saved.
    now = timezone.now()
    number = _next_number(programme)
    content = build_content(programme, number=number, day=timezone.localdate(now))
    if not content.adopted_count:
        raise ValidationError(_("There is no accepted recommendation to publish yet: decide on the proposals first."))
    document = render_book(content)
    with transaction.atomic():
        # Whoever publishes next for this programme waits here until this version is saved.
        Programme.objects.select_for_update().get(pk=programme.pk)
        if _next_number(programme) != number:
            raise _NumberTaken
        book = RecommendationBook(
            programme=programme,
            number=number,
            title=content.title[:300],
            note=note,
            recommendation_count=content.adopted_count,
            size=len(document),
            sha256=hashlib.sha256(document).hexdigest(),
            published_by=actor if getattr(actor, "pk", None) else None,
            published_at=now,
        )
        book.file.save(download_name(book), ContentFile(document), save=False)
        try:
            with transaction.atomic():
                book.save()
            audit.record(
                AuditAction.CREATE,
                actor=actor,
                obj=book,
                details={
                    "programme": str(programme.public_id),
                    "number": str(number),
                    "institution": publisher_institution,
                    "sha256": book.sha256,
                },
            )
        except BaseException:
            book.file.storage.delete(str(book.file.name))
            raise
    return book


def publish(actor: Any, programme: Programme, note: str, *, publisher_institution: str = "") -> RecommendationBook:
    """Publish the next version of the programme's book: the PDF from the current data, stored
    with its SHA-256. Refused when the note („what changed”) is empty or too long, or when no
    recommendation is accepted, partly accepted or implemented yet."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": [_("Say what changed in this version.")]})
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": [_("Keep it to %(limit)d characters or fewer.") % {"limit": NOTE_MAX_LENGTH}]})
    for attempt in range(1, PUBLISH_ATTEMPTS + 1):
        try:
            return _publish_once(actor, programme, note, publisher_institution)
        except (IntegrityError, _NumberTaken):
            if attempt == PUBLISH_ATTEMPTS:
                break
    raise ValidationError(_("Another version was being published at the same moment. Try again."))
