"""The consultations of the model and the recommendations drawn from them: recording a
consultation with who took part and the remarks raised, grouping remarks into recommendations
kept by each region (ROPS/MCPS), deciding them with a reason, and the figures the pages show
(each region's recommendations, and the summary for the project leader).

The caller has checked the actor's right (`consultation_policies`); a refusal is a
`ValidationError` with a Polish message and saves nothing; stale versions raise
`StaleConsultation` / `StaleRecommendation`; every change writes one audit event.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.community.models import Programme
from kooperacja.core import audit, versioning
from kooperacja.core.models import AuditAction
from kooperacja.institutions.models import Institution, InstitutionKind
from kooperacja.learning.models import (
    Consultation,
    ConsultationParticipant,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Remark,
    RemarkTopic,
)
from kooperacja.teams.dashboard import Bar

# Statuses that are a decision: choosing one needs the reason for it.
DECIDED = (
    RecommendationStatus.ACCEPTED,
    RecommendationStatus.PARTLY,
    RecommendationStatus.REJECTED,
    RecommendationStatus.IMPLEMENTED,
)
# The variants of the model a recommendation applies to: (code, model field, label).
VARIANTS: tuple[tuple[str, str, Any], ...] = (
    ("rural", "for_rural", gettext_lazy("rural gminas")),
    ("urban_rural", "for_urban_rural", gettext_lazy("urban-rural gminas")),
    ("city", "for_city", gettext_lazy("cities")),
)
VARIANT_FIELDS = {code: name for code, name, _label in VARIANTS}

# The bar charts' geometry, in the units of their SVG viewBox (420 wide): each row has its label
# above its bar, so long Polish labels are never cut, and the chart scales to a phone's width.
BAR_ROW = 44
BAR_MAX = 340


class StaleConsultation(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else saved this consultation while you were editing it.")


class StaleRecommendation(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else saved this recommendation while you were editing it.")


def _audit(action: str, actor: Any, obj: Any, **details: Any) -> None:
    audit.record(action, actor=actor, obj=obj, details={key: str(value) for key, value in details.items()})


def _required(name: str, value: str, message: str) -> str:
    if not value.strip():
        raise ValidationError({name: [message]})
    return value.strip()


def _a_region(name: str, institution: Institution) -> None:
    if institution.kind != InstitutionKind.ROPS:
        raise ValidationError({name: [_("Choose a regional centre (ROPS or MCPS).")]})


# --- Consultations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsultationData:
    title: str
    held_on: dt.date
    place: str
    organiser: Institution
    programme: Programme | None = None
    summary: str = ""


def _checked_consultation(data: ConsultationData) -> ConsultationData:
    _required("title", data.title, _("Give the consultation a title."))
    _required("place", data.place, _("Say where the consultation took place."))
    _a_region("organiser", data.organiser)
    return data


def create_consultation(actor: Any, data: ConsultationData) -> Consultation:
    """Record a consultation of the model organised by a ROPS or MCPS; participants and remarks
    are added afterwards."""
    data = _checked_consultation(data)
    with transaction.atomic():
        consultation = Consultation.objects.create(
            title=data.title.strip()[:300],
            held_on=data.held_on,
            place=data.place.strip()[:300],
            organiser=data.organiser,
            programme=data.programme,
            summary=data.summary.strip(),
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _audit(AuditAction.CREATE, actor, consultation)
    return consultation


def update_consultation(
    actor: Any, consultation: Consultation, version: int | None, data: ConsultationData
) -> Consultation:
    """Change what is recorded about the consultation itself (refused when someone else saved it
    meanwhile)."""
    data = _checked_consultation(data)
    with transaction.atomic():
        current = Consultation.objects.select_for_update().get(pk=consultation.pk)
        versioning.check_version(current, version, StaleConsultation)
        current.title = data.title.strip()[:300]
        current.held_on = data.held_on
        current.place = data.place.strip()[:300]
        current.organiser = data.organiser
        current.programme = data.programme
        current.summary = data.summary.strip()
        current.save(
            update_fields=[
                "title",
                "held_on",
                "place",
                "organiser",
                "programme",
                "summary",
                *versioning.bump(current),
            ]
        )
        _audit(AuditAction.UPDATE, actor, current)
    return current


def add_participant(
    actor: Any,
    consultation: Consultation,
    *,
    institution: Institution | None,
    description: str,
    people: int,
) -> ConsultationParticipant:
    """Who took part: an institution of the platform or a group described in words (or both),
    with how many people; an institution is listed once per consultation."""
    description = description.strip()
    if institution is None and not description:
        raise ValidationError(_("Choose an institution or describe who took part."))
    if people < 1:
        raise ValidationError({"people": [_("At least one person took part.")]})
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if institution is not None and locked.participants.filter(institution=institution).exists():
            raise ValidationError({"institution": [_("This institution is already listed; change its line instead.")]})
        participant = ConsultationParticipant.objects.create(
            consultation=locked, institution=institution, description=description[:300], people=people
        )
        _audit(AuditAction.CREATE, actor, participant, consultation=consultation.public_id)
    return participant


def remove_participant(actor: Any, consultation: Consultation, participant_id: int) -> None:
    """Take a participant line off the consultation."""
    with transaction.atomic():
        participant = consultation.participants.filter(pk=participant_id).first()
        if participant is None:
            raise ValidationError(_("This participant is no longer listed; the page shows the list as it is now."))
        _audit(AuditAction.DELETE, actor, participant, consultation=consultation.public_id)
        participant.delete()


def add_remark(actor: Any, consultation: Consultation, *, topic: str, text: str, raised_by: str = "") -> Remark:
    """A remark raised at the consultation, with its topic and who raised it (an institution's
    kind or a group, never a person's name)."""
    if topic not in RemarkTopic.values:
        raise ValidationError({"topic": [_("Choose the topic of the remark.")]})
    text = _required("text", text, _("Write the remark."))
    with transaction.atomic():
        remark = Remark.objects.create(
            consultation=consultation, topic=topic, text=text, raised_by=raised_by.strip()[:300]
        )
        _audit(AuditAction.CREATE, actor, remark, consultation=consultation.public_id)
    return remark


def delete_remark(actor: Any, remark: Remark) -> None:
    """Delete a remark recorded by mistake. A remark that feeds a recommendation stays: it is the
    evidence behind it in the Księga Rekomendacji."""
    with transaction.atomic():
        locked = Remark.objects.select_for_update().get(pk=remark.pk)
        if locked.recommendations.exists():
            raise ValidationError(
                _(
                    "This remark cannot be deleted: recommendations were drawn from it and it is their "
                    "evidence. Take it off those recommendations first."
                )
            )
        _audit(AuditAction.DELETE, actor, locked, consultation=remark.consultation.public_id)
        locked.delete()


# --- Recommendations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RecommendationData:
    title: str
    text: str
    kind: str
    programme: Programme | None = None
    variants: frozenset[str] = frozenset({"rural"})
    remarks: tuple[Remark, ...] = ()


def _checked_recommendation(data: RecommendationData) -> RecommendationData:
    _required("title", data.title, _("Give the recommendation a title."))
    _required("text", data.text, _("Write the recommendation."))
    if data.kind not in RecommendationKind.values:
        raise ValidationError({"kind": [_("Choose the kind of the recommendation.")]})
    if not data.variants & set(VARIANT_FIELDS):
        raise ValidationError(
            {"variants": [_("Choose at least one variant of the model: rural gminas, urban-rural gminas or cities.")]}
        )
    return data


def _variant_values(variants: Iterable[str]) -> dict[str, bool]:
    chosen = set(variants)
    return {name: code in chosen for code, name in VARIANT_FIELDS.items()}


def create_recommendation(actor: Any, region: Institution, data: RecommendationData) -> Recommendation:
    """A recommendation of a region (its ROPS or MCPS), proposed, drawn from any remarks."""
    data = _checked_recommendation(data)
    _a_region("region", region)
    with transaction.atomic():
        recommendation = Recommendation.objects.create(
            region=region,
            programme=data.programme,
            title=data.title.strip()[:300],
            text=data.text.strip(),
            kind=data.kind,
            created_by=actor if getattr(actor, "pk", None) else None,
            **_variant_values(data.variants),
        )
        recommendation.remarks.set(data.remarks)
        _audit(AuditAction.CREATE, actor, recommendation, remarks=len(data.remarks))
    return recommendation


def update_recommendation(
    actor: Any, recommendation: Recommendation, version: int | None, data: RecommendationData
) -> Recommendation:
    """Change the recommendation's text, kind, variants and the remarks it is drawn from (refused
    when someone else saved it meanwhile). Its status changes only by a decision."""
    data = _checked_recommendation(data)
    with transaction.atomic():
        current = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        versioning.check_version(current, version, StaleRecommendation)
        current.title = data.title.strip()[:300]
        current.text = data.text.strip()
        current.kind = data.kind
        current.programme = data.programme
        for name, value in _variant_values(data.variants).items():
            setattr(current, name, value)
        current.save(
            update_fields=[
                "title",
                "text",
                "kind",
                "programme",
                *VARIANT_FIELDS.values(),
                *versioning.bump(current),
            ]
        )
        current.remarks.set(data.remarks)
        _audit(AuditAction.UPDATE, actor, current, remarks=len(data.remarks))
    return current


def decide(
    actor: Any, recommendation: Recommendation, version: int | None, *, status: str, reason: str
) -> Recommendation:
    """Decide a recommendation: accepted, partly accepted, rejected or implemented, always with
    the reason; who decided and when are kept. Back to proposed clears who decided and when.
    A changed decision needs its own reason: the one saved for the previous decision (say why it
    was rejected) must never stand as the reason of the new one (say implemented)."""
    if status not in RecommendationStatus.values:
        raise ValidationError({"status": [_("Choose the status.")]})
    reason = reason.strip()
    with transaction.atomic():
        current = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
        versioning.check_version(current, version, StaleRecommendation)
        previous_status, previous_reason = current.status, current.reason
        changes = status in DECIDED and status != previous_status
        if changes and (reason or previous_status in DECIDED) and reason in ("", previous_reason.strip()):
            raise ValidationError({"reason": [_("The decision changes: give the reason for the new decision.")]})
        if status in DECIDED and not reason:
            raise ValidationError({"reason": [_("Give the reason for the decision.")]})
        if status == RecommendationStatus.PROPOSED:
            current.decided_by, current.decided_at = None, None
        elif status != current.status or current.decided_at is None:
            current.decided_by = actor if getattr(actor, "pk", None) else None
            current.decided_at = timezone.now()
        current.status = status
        current.reason = reason
        current.save(update_fields=["status", "reason", "decided_by", "decided_at", *versioning.bump(current)])
        _audit(
            AuditAction.UPDATE,
            actor,
            current,
            old_status=previous_status,
            status=status,
            old_reason=previous_reason,
            reason=reason,
        )
    return current


def variants_of(recommendation: Recommendation) -> list[str]:
    """The codes of the variants the recommendation applies to."""
    return [code for code, name in VARIANT_FIELDS.items() if getattr(recommendation, name)]


def variant_labels(recommendation: Recommendation) -> list[str]:
    return [str(label) for code, name, label in VARIANTS if getattr(recommendation, name)]


# --- What the pages show -----------------------------------------------------------------------


def consultations_for_list() -> QuerySet[Consultation]:
    """The consultations with their organiser, people taking part and remark counts, in one query."""
    people = (
        ConsultationParticipant.objects.filter(consultation=OuterRef("pk"))
        .order_by()
        .values("consultation")
        .annotate(total=Sum("people"))
        .values("total")
    )
    remarks = (
        Remark.objects.filter(consultation=OuterRef("pk"))
        .order_by()
        .values("consultation")
        .annotate(total=Count("id"))
        .values("total")
    )
    number = IntegerField()
    return (
        Consultation.objects.select_related("organiser")
        .annotate(
            people=Coalesce(Subquery(people, output_field=number), Value(0), output_field=number),
            remark_count=Coalesce(Subquery(remarks, output_field=number), Value(0), output_field=number),
        )
        .order_by("-held_on", "-id")
    )


@dataclass
class TopicGroup:
    topic: str
    label: str
    remarks: list[Remark]


@dataclass
class ConsultationPage:
    participants: list[ConsultationParticipant]
    people: int
    topics: list[TopicGroup]
    remark_count: int


def consultation_page(consultation: Consultation) -> ConsultationPage:
    """Participants, and the remarks grouped by topic (in the topics' order), each with the
    recommendations it fed, in a fixed number of queries."""
    participants = list(consultation.participants.select_related("institution").order_by("id"))
    fed = Prefetch(
        "recommendations",
        queryset=Recommendation.objects.only("public_id", "title", "status").order_by("created_at", "id"),
    )
    remarks = list(consultation.remarks.prefetch_related(fed).order_by("id"))
    by_topic: dict[str, list[Remark]] = defaultdict(list)
    for remark in remarks:
        by_topic[remark.topic].append(remark)
    topics = [
        TopicGroup(topic.value, str(topic.label), by_topic[topic.value])
        for topic in RemarkTopic
        if by_topic[topic.value]
    ]
    return ConsultationPage(
        participants=participants,
        people=sum(participant.people for participant in participants),
        topics=topics,
        remark_count=len(remarks),
    )


@dataclass(frozen=True)
class RecommendationFilter:
    region: Institution | None = None
    kind: str = ""
    status: str = ""
    variant: str = ""


def recommendations_for_list(chosen: RecommendationFilter | None = None) -> QuerySet[Recommendation]:
    """The recommendations (filtered by region, kind, status, variant) with their region,
    programme and remark count, in one query."""
    chosen = chosen or RecommendationFilter()
    found = Recommendation.objects.select_related("region", "programme").annotate(remark_count=Count("remarks"))
    if chosen.region is not None:
        found = found.filter(region=chosen.region)
    if chosen.kind:
        found = found.filter(kind=chosen.kind)
    if chosen.status:
        found = found.filter(status=chosen.status)
    if chosen.variant in VARIANT_FIELDS:
        found = found.filter(**{VARIANT_FIELDS[chosen.variant]: True})
    return found.order_by("region__short_name", "region__name", "created_at", "id")


def export_rows(recommendations: Iterable[Recommendation]) -> list[list[Any]]:
    """The recommendations as an export's rows (see the view for the header)."""
    return [
        [
            recommendation.title,
            recommendation.region.short_name or recommendation.region.name,
            recommendation.get_kind_display(),
            recommendation.get_status_display(),
            ", ".join(variant_labels(recommendation)),
            getattr(recommendation, "remark_count", 0),
            recommendation.reason,
            timezone.localtime(recommendation.decided_at).date() if recommendation.decided_at else None,
            recommendation.programme.name if recommendation.programme else "",
            recommendation.text,
        ]
        for recommendation in recommendations
    ]


@dataclass
class Row:
    label: str
    cells: list[int]
    total: int


@dataclass
class Table:
    """Counts of one row per region (or topic) against columns, with totals both ways."""

    columns: list[str]
    rows: list[Row]
    totals: list[int]
    total: int


def _table(row_keys: Sequence[tuple[Any, str]], columns: Sequence[tuple[str, Any]], counts: dict[Any, int]) -> Table:
    rows = []
    for key, label in row_keys:
        cells = [counts.get((key, column), 0) for column, _label in columns]
        rows.append(Row(label, cells, sum(cells)))
    totals = [sum(row.cells[index] for row in rows) for index in range(len(columns))]
    return Table([str(label) for _code, label in columns], rows, totals, sum(totals))


@dataclass
class TopicRow:
    label: str
    remarks: int
    consultations: int


@dataclass
class Summary:
    by_kind: Table
    by_status: Table
    topics: list[TopicRow]
    silent: list[Institution]
    chart: list[Bar] = field(default_factory=list)
    topic_chart: list[Bar] = field(default_factory=list)

    @property
    def remarks(self) -> int:
        return sum(row.remarks for row in self.topics)

    @property
    def chart_height(self) -> int:
        return BAR_ROW * len(self.chart)

    @property
    def topic_chart_height(self) -> int:
        return BAR_ROW * len(self.topic_chart)


def bars(figures: list[tuple[str, int]]) -> list[Bar]:
    """A chart's rows: each bar's width against the largest value, and its row's top."""
    largest = max((value for _label, value in figures), default=0) or 1
    return [
        Bar(label, value, round(BAR_MAX * value / largest), index * BAR_ROW)
        for index, (label, value) in enumerate(figures)
    ]


def _name(institution: Institution) -> str:
    return str(institution.short_name or institution.name)


def summary() -> Summary:
    """The recommendations of every region by kind and by status, the remarks by topic across
    all consultations, and the regions that have recorded nothing yet, in a fixed number of
    queries (for the project leader, readable by everyone signed in)."""
    recorded_regions = Recommendation.objects.values("region_id")
    organisers = Consultation.objects.values("organiser_id")
    shown = sorted(
        Institution.objects.filter(
            Q(kind=InstitutionKind.ROPS, is_active=True) | Q(pk__in=recorded_regions) | Q(pk__in=organisers)
        ),
        key=_name,
    )
    by_kind: dict[Any, int] = {}
    by_status: dict[Any, int] = {}
    for row in Recommendation.objects.order_by().values("region_id", "kind", "status").annotate(n=Count("id")):
        key = row["region_id"]
        by_kind[(key, row["kind"])] = by_kind.get((key, row["kind"]), 0) + row["n"]
        by_status[(key, row["status"])] = by_status.get((key, row["status"]), 0) + row["n"]
    consulted = set(Consultation.objects.order_by().values_list("organiser_id", flat=True).distinct())
    regions = [(institution.pk, _name(institution)) for institution in shown]
    kind_table = _table(regions, RecommendationKind.choices, by_kind)
    status_table = _table(regions, RecommendationStatus.choices, by_status)

    counted = {
        row["topic"]: row
        for row in Remark.objects.order_by()
        .values("topic")
        .annotate(n=Count("id"), meetings=Count("consultation", distinct=True))
    }
    topics = [
        TopicRow(str(topic.label), counted[topic.value]["n"], counted[topic.value]["meetings"])
        for topic in RemarkTopic
        if topic.value in counted
    ]

    silent = [
        institution
        for institution, row in zip(shown, kind_table.rows, strict=True)
        if row.total == 0 and institution.pk not in consulted
    ]
    return Summary(
        by_kind=kind_table,
        by_status=status_table,
        topics=topics,
        silent=silent,
        chart=bars([(row.label, row.total) for row in kind_table.rows]),
        topic_chart=bars([(row.label, row.remarks) for row in topics]),
    )
