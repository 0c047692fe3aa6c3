"""The referral loop (skierowania): referrals sent, answered, closed with an outcome, and whether
the person got help — the model's promise that no referral is lost between institutions.

What counts in a period (`datetime_range`): a referral *sent* when its `sent_at` falls in it;
*accepted* or *declined* when its answer (`answered_at`) does — a declined referral is one whose
state is declined, every other answered one was accepted (expiry and cancellation never answer);
*closed* when `closed_at` does and it had been sent (a draft thrown away never entered the loop);
*completed* when it closed as completed, which the engine allows only with an outcome. The
territory is the referral's gmina (the gmina of its case), so a referral counts where the
family lives, whichever institution sent or received it.

Privacy: a referral is about a person of a case, and the case (the family) stands for the
people behind it: one family may have five referrals. So every figure is judged also by the
distinct cases behind it, counted in the same statement (`privacy.people(distinct=…)`,
`share(part_distinct=…, rest_distinct=…)`, `median_of(distinct=…)`), and a decline reason is
named only when five different cases gave it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.db import connection
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Trim
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from kooperacja.evaluation.dashboard import Chart, Column, Headline, Row, Table
from kooperacja.evaluation.periods import Period
from kooperacja.evaluation.privacy import MIN_PEOPLE, Figure, Kind, median, median_of, people, share
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
    got_help = Q(outcome=ReferralOutcome.GOT_HELP)
    return {
        "sent": _within("sent_at", period),
        "accepted": answered & ~Q(status=ReferralStatus.DECLINED),
        "declined": answered & Q(status=ReferralStatus.DECLINED),
        "answered": answered,
        "closed": closed,
        "completed": completed,
        "got_help": completed & got_help,
        # The rest of each share: closed otherwise than completed, completed without full help.
        "closed_otherwise": closed & ~Q(status=ReferralStatus.COMPLETED),
        "completed_otherwise": completed & ~got_help,
    }


def _touching(scope: Scope, period: Period) -> QuerySet[Referral]:
    """The territory's referrals with any step in the period (what every figure reads)."""
    steps = _within("sent_at", period) | _within("answered_at", period) | _within("closed_at", period)
    return Referral.objects.filter(scope.where("municipality")).filter(steps)


def _counts(period: Period, names: Sequence[str], cases: Sequence[str]) -> dict[str, Count]:
    """The referrals of each condition in `names`, and the distinct cases (families) behind
    those of each condition in `cases` (as `<name>_cases`)."""
    conditions = _conditions(period)
    return {
        **{name: Count("pk", filter=conditions[name]) for name in names},
        **{f"{name}_cases": Count("case", distinct=True, filter=conditions[name]) for name in cases},
    }


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
    the outcome (of referrals completed in the period), each hidden under five referrals or
    five families (the distinct cases `found` counted).

    PostgreSQL, the production database, computes the medians in SQL (`percentile_cont`, taken
    by the counting query into `found`). SQLite, the embedded fallback of small deployments, has
    no such aggregate: one more query reads one column of durations per median for the
    territory's referrals of the period into Python, which takes the medians."""
    if _in_database():
        return {
            name: median_of(_days(found[name]), found[condition], distinct=found[f"{condition}_cases"])
            for name, (_f, condition) in _DURATIONS.items()
        }
    conditions = _conditions(period)
    durations = {
        name: Case(When(conditions[condition], then=_since_sent(field)), output_field=DurationField())
        for name, (field, condition) in _DURATIONS.items()
    }
    values = list(rows.annotate(**durations).values_list(*_DURATIONS))
    return {
        name: median(
            [_days(row[index]) for row in values if row[index] is not None],
            distinct=found[f"{condition}_cases"],
        )
        for index, (name, (_f, condition)) in enumerate(_DURATIONS.items())
    }


def _days(duration: dt.timedelta | None) -> float:
    return duration.total_seconds() / SECONDS_PER_DAY if duration is not None else 0.0


# --- The section -----------------------------------------------------------------------------

_HEADLINE_COUNTS = ("sent", "accepted", "declined", "answered", "closed", "completed", "got_help")
_HEADLINE_CASES = (
    "sent",
    "accepted",
    "declined",
    "answered",
    "completed",
    "got_help",
    "closed_otherwise",
    "completed_otherwise",
)
_TABLE_COUNTS = ("sent", "accepted", "declined", "completed", "closed")
_TABLE_CASES = ("sent", "accepted", "declined", "completed", "closed_otherwise")
# A table row's raw figures: the counts, then the cases behind them.
_TABLE_FIELDS = (*_TABLE_COUNTS, *(f"{name}_cases" for name in _TABLE_CASES))


def _table_columns() -> tuple[Column, ...]:
    return (
        Column(pgettext("referral counts", "sent"), Kind.PEOPLE),
        Column(pgettext("referral counts", "accepted"), Kind.PEOPLE),
        Column(pgettext("referral counts", "declined"), Kind.PEOPLE),
        Column(pgettext("referral counts", "completed with an outcome"), Kind.PEOPLE),
        Column(pgettext("referral counts", "closed with an outcome (%)"), Kind.SHARE),
    )


def _table_figures(counts: Sequence[int]) -> tuple[Figure, ...]:
    # A unit without referrals comes as zeros of the columns' width: pad it to every field.
    padded = (*counts, *(0,) * (len(_TABLE_FIELDS) - len(counts)))
    sent, accepted, declined, completed, closed, *cases = padded
    sent_cases, accepted_cases, declined_cases, completed_cases, closed_otherwise_cases = cases
    return (
        people(sent, distinct=sent_cases),
        people(accepted, distinct=accepted_cases),
        people(declined, distinct=declined_cases),
        people(completed, distinct=completed_cases),
        share(completed, closed, part_distinct=completed_cases, rest_distinct=closed_otherwise_cases),
    )


class ReferralsSection:
    key = "referrals"
    title = gettext_lazy("The referral loop")

    def headlines(self, scope: Scope, period: Period) -> list[Headline]:
        rows = _touching(scope, period)
        aggregates: dict[str, Any] = _counts(period, _HEADLINE_COUNTS, _HEADLINE_CASES)
        if _in_database():
            aggregates |= _median_aggregates(period)
        found = rows.aggregate(**aggregates)
        days = _median_days(rows, period, found)
        return [
            Headline("sent", _("Referrals sent"), people(found["sent"], distinct=found["sent_cases"])),
            Headline("accepted", _("Referrals accepted"), people(found["accepted"], distinct=found["accepted_cases"])),
            Headline(
                "declined",
                _("Referrals declined"),
                people(found["declined"], distinct=found["declined_cases"]),
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
                share(
                    found["completed"],
                    found["closed"],
                    part_distinct=found["completed_cases"],
                    rest_distinct=found["closed_otherwise_cases"],
                ),
                help=_(
                    "Of the referrals closed in the period (completed, declined, cancelled or expired without "
                    "an answer), the share completed with a recorded outcome."
                ),
            ),
            Headline(
                "got_help",
                _("Referred people who got help"),
                share(
                    found["got_help"],
                    found["completed"],
                    part_distinct=found["got_help_cases"],
                    rest_distinct=found["completed_otherwise_cases"],
                ),
                help=_(
                    "Of the referrals completed in the period, the share whose outcome says the person got help "
                    "(„got part of the help” is not counted)."
                ),
            ),
        ]

    def tables(self, scope: Scope, period: Period) -> list[Table]:
        return [
            self._reasons_table(scope, period),
            self._sector_table(scope, period),
            *self._unit_table(scope, period),
        ]

    def _sector_table(self, scope: Scope, period: Period) -> Table:
        """The loop per sector of the receiving institution, and over all sectors (whose
        families cannot be added up from the sectors': one statement gives the sectors' rows and
        the total's, which has no sector)."""
        aggregates = _counts(period, _TABLE_COUNTS, _TABLE_CASES)
        touching = _touching(scope, period)
        per_sector = touching.values(sector=F("to_institution__sector")).annotate(**aggregates).order_by()
        overall = (
            touching.annotate(sector=Value(None, output_field=CharField()))
            .values("sector")
            .annotate(**aggregates)
            .order_by()
        )
        found = {
            row["sector"]: tuple(row[name] for name in _TABLE_FIELDS)
            for row in cast(Iterable[dict[str, Any]], per_sector.union(overall, all=True))
        }
        total = found.pop(None, ())
        rows = tuple(Row(str(sector.label), _table_figures(found.get(sector, ()))) for sector in Sector)
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

    def _reasons_table(self, scope: Scope, period: Period) -> Table:
        """Declined referrals by their reason. A reason is free text: it is named only when at
        least five different cases (families) give it in the same words (a common reason, never
        one family's story), the most frequent first; every other reason is counted together
        (one statement: the reasons to name are a subquery of it)."""
        declined = Referral.objects.filter(scope.where("municipality"), _conditions(period)["declined"]).annotate(
            text=Trim("decline_reason")
        )
        named = (
            declined.exclude(text="")
            .values("text")
            .annotate(referrals=Count("pk"), cases=Count("case", distinct=True))
            .filter(cases__gte=MIN_PEOPLE)
            .order_by("-referrals", "text")
            .values("text")[:TOP_REASONS]
        )
        other = ""  # the reason of the rest's group: no named reason is empty
        found = cast(
            Iterable[dict[str, Any]],
            declined.annotate(
                given=Case(When(text__in=named, then=F("text")), default=Value(other), output_field=TextField())
            )
            .values("given")
            .annotate(referrals=Count("pk"), cases=Count("case", distinct=True))
            .order_by(),
        )
        groups = sorted(found, key=lambda row: (-row["referrals"], row["given"]))
        rows = [
            Row(Truncator(row["given"]).chars(200), (people(row["referrals"], distinct=row["cases"]),))
            for row in groups
            if row["given"] != other
        ]
        rows += [
            Row(_("Other reasons"), (people(row["referrals"], distinct=row["cases"]),))
            for row in groups
            if row["given"] == other
        ]
        return Table(
            "referrals-declined-by-reason",
            _("Declined referrals by reason"),
            _("Reason for declining"),
            (Column(pgettext("referral counts", "declined"), Kind.PEOPLE),),
            tuple(rows),
            note=_(
                "A reason is named when at least five families give it in the same words; "
                "the others are counted together as other reasons."
            ),
            chart=Chart.BARS,
            chart_column=0,
        )

    def _unit_table(self, scope: Scope, period: Period) -> list[Table]:
        group = scope.child_key("municipality")
        if group is None:
            return []
        rows = (
            _touching(scope, period).values(group).annotate(**_counts(period, _TABLE_COUNTS, _TABLE_CASES)).order_by()
        )
        values = {row[group]: tuple(row[name] for name in _TABLE_FIELDS) for row in rows}
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
