"""The referral loop (skierowania): referrals sent, answered, closed with an outcome, and whether
the person got help — the model's promise that no referral is lost between institutions.

What counts in a period (`datetime_range`): a referral *sent* when its `sent_at` falls in it;
*accepted* or *declined* when its answer (`answered_at`) does — a declined referral is one whose
state is declined, every other answered one was accepted (expiry and cancellation never answer);
*closed* when `closed_at` does and it had been sent (a draft thrown away never entered the loop);
*completed* when it closed as completed, which the engine allows only with an outcome. The
territory is the referral's gmina (the gmina of its case), so a referral counts where the
family lives, whichever institution sent or received it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.db import connection
from django.db.models import Aggregate, Case, Count, DurationField, ExpressionWrapper, F, Q, QuerySet, When
from django.db.models.functions import Trim
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from kooperacja.evaluation.dashboard import Chart, Column, Headline, Row, Table
from kooperacja.evaluation.periods import Period
from kooperacja.evaluation.privacy import MIN_PEOPLE, Figure, Kind, median, people, share
from kooperacja.evaluation.scope import Scope
from kooperacja.evaluation.sections.common import datetime_range, unit_table
from kooperacja.institutions.models import Sector
from kooperacja.plans.models import Referral, ReferralOutcome, ReferralStatus

# The reasons table names at most this many reasons (the most frequent); the rest are counted together.
TOP_REASONS = 10
SECONDS_PER_DAY = 86_400


def _within(field: str, period: Period) -> Q:
    start, end = datetime_range(period)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _conditions(period: Period) -> dict[str, Q]:
    """The referrals each figure counts in the period (the rules of the module docstring)."""
    answered = _within("answered_at", period)
    closed = _within("closed_at", period) & Q(sent_at__isnull=False)
    completed = closed & Q(status=ReferralStatus.COMPLETED)
    return {
        "sent": _within("sent_at", period),
        "accepted": answered & ~Q(status=ReferralStatus.DECLINED),
        "declined": answered & Q(status=ReferralStatus.DECLINED),
        "answered": answered,
        "closed": closed,
        "completed": completed,
        "got_help": completed & Q(outcome=ReferralOutcome.GOT_HELP),
    }


def _touching(scope: Scope, period: Period) -> QuerySet[Referral]:
    """The territory's referrals with any step in the period (what every figure reads)."""
    steps = _within("sent_at", period) | _within("answered_at", period) | _within("closed_at", period)
    return Referral.objects.filter(scope.where("municipality")).filter(steps)


def _counts(period: Period, names: Sequence[str]) -> dict[str, Count]:
    conditions = _conditions(period)
    return {name: Count("pk", filter=conditions[name]) for name in names}


# --- Medians of days -------------------------------------------------------------------------


class _Median(Aggregate):
    """PostgreSQL's exact median of the rows (`percentile_cont(0.5)`, the middle value or the
    mean of the two middle ones, as `statistics.median`)."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def _since_sent(field: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(field) - F("sent_at"), output_field=DurationField())


# Each median: (the duration it takes the middle of, the condition of the referrals it is over).
_DURATIONS = {
    "answer_days": ("answered_at", "answered"),
    "outcome_days": ("closed_at", "completed"),
}


def _in_database() -> bool:
    """Whether the database takes medians itself (PostgreSQL's `percentile_cont`)."""
    return connection.vendor == "postgresql"


def _median_aggregates(period: Period) -> dict[str, Any]:
    """PostgreSQL: the medians as aggregates, to join the counts in one query."""
    conditions = _conditions(period)
    return {
        name: _Median(_since_sent(field), filter=conditions[condition], output_field=DurationField())
        for name, (field, condition) in _DURATIONS.items()
    }


def _median_days(rows: QuerySet[Referral], period: Period, found: dict[str, Any]) -> dict[str, Figure]:
    """The median days from sending to the answer (of referrals answered in the period) and to
    the outcome (of referrals completed in the period), each hidden under five referrals.

    On PostgreSQL the counting query took the medians already (`found`). Elsewhere (SQLite, the
    embedded database of small deployments) one more query fetches one column of durations per
    median for the territory's referrals of the period, and Python takes the medians."""
    if _in_database():
        # `privacy.median` keeps the rule of five: n copies of the median have the same median.
        return {name: median([_days(found[name])] * found[condition]) for name, (_f, condition) in _DURATIONS.items()}
    conditions = _conditions(period)
    durations = {
        name: Case(When(conditions[condition], then=_since_sent(field)), output_field=DurationField())
        for name, (field, condition) in _DURATIONS.items()
    }
    values = list(rows.annotate(**durations).values_list(*_DURATIONS))
    return {
        name: median([_days(row[index]) for row in values if row[index] is not None])
        for index, name in enumerate(_DURATIONS)
    }


def _days(duration: dt.timedelta | None) -> float:
    return duration.total_seconds() / SECONDS_PER_DAY if duration is not None else 0.0


# --- The section -----------------------------------------------------------------------------

_HEADLINE_COUNTS = ("sent", "accepted", "declined", "answered", "closed", "completed", "got_help")
_TABLE_COUNTS = ("sent", "accepted", "declined", "completed", "closed")


def _table_columns() -> tuple[Column, ...]:
    return (
        Column(pgettext("referral counts", "sent"), Kind.PEOPLE),
        Column(pgettext("referral counts", "accepted"), Kind.PEOPLE),
        Column(pgettext("referral counts", "declined"), Kind.PEOPLE),
        Column(pgettext("referral counts", "completed with an outcome"), Kind.PEOPLE),
        Column(pgettext("referral counts", "closed with an outcome (%)"), Kind.SHARE),
    )


def _table_figures(counts: Sequence[int]) -> tuple[Figure, ...]:
    sent, accepted, declined, completed, closed = counts
    return (people(sent), people(accepted), people(declined), people(completed), share(completed, closed))


class ReferralsSection:
    key = "referrals"
    title = gettext_lazy("The referral loop")

    def headlines(self, scope: Scope, period: Period) -> list[Headline]:
        rows = _touching(scope, period)
        aggregates: dict[str, Any] = _counts(period, _HEADLINE_COUNTS)
        if _in_database():
            aggregates |= _median_aggregates(period)
        found = rows.aggregate(**aggregates)
        days = _median_days(rows, period, found)
        return [
            Headline("sent", _("Referrals sent"), people(found["sent"])),
            Headline("accepted", _("Referrals accepted"), people(found["accepted"])),
            Headline(
                "declined",
                _("Referrals declined"),
                people(found["declined"]),
                help=_("A referral declined and forwarded to another institution counts here once declined."),
            ),
            Headline(
                "answer_days",
                _("Median days to an answer"),
                days["answer_days"],
                help=_("From sending to acceptance or refusal, over the referrals answered in the period."),
            ),
            Headline(
                "outcome_days",
                _("Median days to the outcome"),
                days["outcome_days"],
                help=_("From sending to the recorded outcome, over the referrals completed in the period."),
            ),
            Headline(
                "closed_with_outcome",
                _("Referrals closed with an outcome"),
                share(found["completed"], found["closed"]),
                help=_(
                    "Of the referrals closed in the period (completed, declined, cancelled or expired without "
                    "an answer), the share completed with a recorded outcome."
                ),
            ),
            Headline(
                "got_help",
                _("Referred people who got help"),
                share(found["got_help"], found["completed"]),
                help=_(
                    "Of the referrals completed in the period, the share whose outcome says the person got help "
                    "(„got part of the help” is not counted)."
                ),
            ),
        ]

    def tables(self, scope: Scope, period: Period) -> list[Table]:
        by_sector = self._by_sector(scope, period)
        declined = sum(counts[2] for counts in by_sector.values())
        return [
            self._reasons_table(scope, period, declined),
            self._sector_table(by_sector),
            *self._unit_table(scope, period),
        ]

    def _by_sector(self, scope: Scope, period: Period) -> dict[str, tuple[int, ...]]:
        """Raw counts per sector of the receiving institution (one query)."""
        rows = cast(
            Iterable[dict[str, Any]],
            _touching(scope, period)
            .values("to_institution__sector")
            .annotate(**_counts(period, _TABLE_COUNTS))
            .order_by(),
        )
        return {row["to_institution__sector"]: tuple(row[name] for name in _TABLE_COUNTS) for row in rows}

    def _sector_table(self, by_sector: dict[str, tuple[int, ...]]) -> Table:
        empty = (0,) * len(_TABLE_COUNTS)
        rows = tuple(Row(str(sector.label), _table_figures(by_sector.get(sector, empty))) for sector in Sector)
        total = tuple(sum(counts[index] for counts in by_sector.values()) for index in range(len(_TABLE_COUNTS)))
        return Table(
            "referrals-by-sector",
            _("Referrals by sector of the receiving institution"),
            _("Sector"),
            _table_columns(),
            rows,
            chart=Chart.BARS,
            chart_column=0,
            total=Row(_("All sectors"), _table_figures(total)),
        )

    def _reasons_table(self, scope: Scope, period: Period, declined: int) -> Table:
        """Declined referrals by their reason. A reason is free text: it is named only when at
        least five referrals give it in the same words (a common reason, never one family's
        story), the most frequent first; every other reason is counted together (one query)."""
        named = list(
            Referral.objects.filter(scope.where("municipality"), _conditions(period)["declined"])
            .annotate(text=Trim("decline_reason"))
            .exclude(text="")
            .values("text")
            .annotate(referrals=Count("pk"))
            .filter(referrals__gte=MIN_PEOPLE)
            .order_by("-referrals", "text")[:TOP_REASONS]
        )
        rows = [Row(Truncator(row["text"]).chars(200), (people(row["referrals"]),)) for row in named]
        rest = declined - sum(row["referrals"] for row in named)
        if rest > 0:
            rows.append(Row(_("Other reasons"), (people(rest),)))
        return Table(
            "referrals-declined-by-reason",
            _("Declined referrals by reason"),
            _("Reason for declining"),
            (Column(pgettext("referral counts", "declined"), Kind.PEOPLE),),
            tuple(rows),
            note=_(
                "A reason is named when at least five referrals give it in the same words; "
                "the others are counted together as other reasons."
            ),
            chart=Chart.BARS,
            chart_column=0,
        )

    def _unit_table(self, scope: Scope, period: Period) -> list[Table]:
        group = scope.child_key("municipality")
        if group is None:
            return []
        rows = _touching(scope, period).values(group).annotate(**_counts(period, _TABLE_COUNTS)).order_by()
        values = {row[group]: tuple(row[name] for name in _TABLE_COUNTS) for row in rows}
        return unit_table(
            scope,
            period,
            key="referrals-by-unit",
            title=_("Referrals by unit"),
            columns=_table_columns(),
            values=values,
            figures=_table_figures,
        )


SECTIONS = [ReferralsSection()]
