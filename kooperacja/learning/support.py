"""Support for teams: recording and changing advisory and animator consultations, focus research
sessions with their findings and partner exchange visits, and the figures of the list (totals
per kind, the CSV export).

The caller has checked the actor's right (`support_policies`); this module checks it again for
the provider and team chosen. A refusal is a `ValidationError` with a Polish message and saves
nothing; a stale version raises `StaleSupport`; every change writes one audit event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.core import audit, versioning
from kooperacja.core.models import AuditAction
from kooperacja.institutions.models import Institution
from kooperacja.learning import support_policies
from kooperacja.learning.models import SupportActivity, SupportKind
from kooperacja.teams.models import Team

ZERO = Decimal("0")


class StaleSupport(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else saved this support activity while you were editing it.")


@dataclass(frozen=True)
class SupportData:
    kind: str
    subject: str
    provided_by: Institution
    team: Team | None
    starts_on: dt.date
    ends_on: dt.date
    place: str = ""
    hours: Decimal = ZERO
    participant_count: int = 0
    participants: Sequence[Institution] = field(default_factory=tuple)
    findings: str = ""


def _territory_voivodeship(data: SupportData) -> int:
    """The voivodeship the activity belongs to: its team's, or (without a team) its provider's."""
    if data.team is not None:
        return int(data.team.county.voivodeship_id)
    return int(data.provided_by.voivodeship_id)


def _team_within_provider(provider: Institution, team: Team) -> bool:
    """A powiat or gmina institution supports the teams of its powiat; a regional centre (no
    powiat) those of its voivodeship."""
    if provider.county_id:
        return bool(team.county_id == provider.county_id)
    return bool(team.county.voivodeship_id == provider.voivodeship_id)


def _checked(actor: Any, data: SupportData, today: dt.date) -> SupportData:
    errors: dict[str, list[str]] = {}
    if data.kind not in SupportKind.values:
        errors["kind"] = [_("Choose the kind of support.")]
    if not data.subject.strip():
        errors["subject"] = [_("Say what the support was about.")]
    if data.ends_on < data.starts_on:
        errors["ends_on"] = [_("The end date cannot be before the start date.")]
    elif data.ends_on > today:
        errors["ends_on"] = [
            _("Support is recorded once it has happened: the end date cannot be later than today (%(today)s).")
            % {"today": today.strftime("%d.%m.%Y")}
        ]
    if data.hours < 0:
        errors["hours"] = [_("The hours cannot be negative.")]
    if data.participant_count < 0:
        errors["participant_count"] = [_("The number of people cannot be negative.")]
    if data.team is not None and not _team_within_provider(data.provided_by, data.team):
        errors["team"] = [_("This team is outside the territory of the institution providing the support.")]
    voivodeship = _territory_voivodeship(data)
    outside = sorted(str(i.short_name or i.name) for i in data.participants if i.voivodeship_id != voivodeship)
    if outside:
        errors["participants"] = [
            _("Only institutions of the team's voivodeship can take part; not: %(names)s.")
            % {"names": ", ".join(outside)}
        ]
    if not errors and actor is not None and not support_policies.may_record_for(actor, data.provided_by, data.team):
        errors["provided_by"] = [_("You cannot record support of this institution for this team.")]
    if errors:
        raise ValidationError(errors)
    return data


def _audit(action: str, actor: Any, activity: SupportActivity) -> None:
    audit.record(
        action,
        actor=actor,
        obj=activity,
        institution_id=activity.provided_by_id,
        details={"kind": activity.kind, "team": str(activity.team.public_id) if activity.team else ""},
    )


def _apply(activity: SupportActivity, data: SupportData) -> None:
    activity.kind = data.kind
    activity.subject = data.subject.strip()[:300]
    activity.provided_by = data.provided_by
    activity.team = data.team
    activity.voivodeship_id = _territory_voivodeship(data)
    activity.starts_on = data.starts_on
    activity.ends_on = data.ends_on
    activity.place = data.place.strip()[:300]
    activity.hours = data.hours
    activity.participant_count = data.participant_count
    activity.findings = data.findings.strip()


FIELDS = [
    "kind",
    "subject",
    "provided_by",
    "team",
    "voivodeship",
    "starts_on",
    "ends_on",
    "place",
    "hours",
    "participant_count",
    "findings",
]


def record_support(actor: Any, data: SupportData, *, today: dt.date | None = None) -> SupportActivity:
    """Record support given to a team (or to the voivodeship's gminas) once it has happened."""
    data = _checked(actor, data, today or timezone.localdate())
    with transaction.atomic():
        activity = SupportActivity(recorded_by=actor if getattr(actor, "pk", None) else None)
        _apply(activity, data)
        activity.save()
        activity.participants.set(data.participants)
        _audit(AuditAction.CREATE, actor, activity)
    return activity


def update_support(
    actor: Any, activity: SupportActivity, version: int | None, data: SupportData, *, today: dt.date | None = None
) -> SupportActivity:
    """Change a recorded activity; refused when someone else saved it meanwhile."""
    data = _checked(actor, data, today or timezone.localdate())
    with transaction.atomic():
        current = SupportActivity.objects.select_for_update().get(pk=activity.pk)
        versioning.check_version(current, version, StaleSupport)
        _apply(current, data)
        current.save(update_fields=[*FIELDS, *versioning.bump(current)])
        current.participants.set(data.participants)
        _audit(AuditAction.UPDATE, actor, current)
    return current


# --- The list ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    team: Team | None = None
    year: int | None = None


def filtered(activities: QuerySet[SupportActivity], filters: Filters) -> QuerySet[SupportActivity]:
    if filters.kind:
        activities = activities.filter(kind=filters.kind)
    if filters.team is not None:
        activities = activities.filter(team=filters.team)
    if filters.year is not None:
        activities = activities.filter(starts_on__year=filters.year)
    return activities


def for_list(activities: QuerySet[SupportActivity]) -> QuerySet[SupportActivity]:
    return activities.select_related("team__municipality", "provided_by").order_by("-starts_on", "-id")


@dataclass(frozen=True)
class KindTotal:
    kind: str
    label: str
    count: int
    hours: Decimal
    people: int


def totals(activities: QuerySet[SupportActivity]) -> list[KindTotal]:
    """Count, hours and people of each kind in the set (every kind shown, zero or not), then
    the whole set (kind "")."""
    rows: dict[str, Any] = {
        row["kind"]: row
        for row in activities.order_by()
        .values("kind")
        .annotate(n=Count("id"), h=Sum("hours"), p=Sum("participant_count"))
    }
    found = []
    for kind in SupportKind:
        row = rows.get(kind.value, {})
        found.append(KindTotal(kind.value, str(kind.label), row.get("n", 0), row.get("h") or ZERO, row.get("p") or 0))
    found.append(
        KindTotal(
            "",
            _("All kinds"),
            sum(t.count for t in found),
            sum((t.hours for t in found), ZERO),
            sum(t.people for t in found),
        )
    )
    return found


def years(activities: QuerySet[SupportActivity]) -> list[int]:
    """The years in which the activities began, latest first (for the filter)."""
    return sorted({day.year for day in activities.order_by().dates("starts_on", "year")}, reverse=True)


EXPORT_HEADER = [
    gettext_lazy("Kind"),
    gettext_lazy("Subject"),
    gettext_lazy("From"),
    gettext_lazy("Until"),
    gettext_lazy("Team"),
    gettext_lazy("Provided by"),
    gettext_lazy("Place"),
    gettext_lazy("Hours"),
    gettext_lazy("People taking part"),
    gettext_lazy("Participating institutions"),
    gettext_lazy("Findings and agreed next steps"),
]


def export_rows(activities: QuerySet[SupportActivity]) -> list[list[Any]]:
    rows = []
    for activity in for_list(activities).prefetch_related("participants"):
        participants = sorted(str(i.short_name or i.name) for i in activity.participants.all())
        rows.append(
            [
                activity.get_kind_display(),
                activity.subject,
                activity.starts_on,
                activity.ends_on,
                activity.team.name if activity.team else "",
                activity.provided_by.short_name or activity.provided_by.name,
                activity.place,
                activity.hours,
                activity.participant_count,
                ", ".join(participants),
                activity.findings,
            ]
        )
    return rows
