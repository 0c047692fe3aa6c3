"""Partner survey results: the rounds of the teams' partner survey that closed in the period,
how many members answered, and the average score of each statement (1–5, 5 = fully agree).

A round belongs to the territory of its team's gmina. As on a team's own pages
(`teams/surveys.py`), a round's answers enter the averages only once it has closed and only
when at least `MIN_ANSWERS` members answered it; each average rests on at least five answers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.evaluation.dashboard import Chart, Column, Headline, Row, Table, remember
from kooperacja.evaluation.periods import Period
from kooperacja.evaluation.privacy import Kind, average, people, things
from kooperacja.evaluation.scope import Scope
from kooperacja.teams.models import SURVEY_ITEMS, Survey
from kooperacja.teams.surveys import ITEM_NAMES, MIN_ANSWERS


def _closed_rounds(scope: Scope, period: Period, today: dt.date) -> QuerySet[Survey]:
    """Rounds of the territory's teams that closed in the period (and are closed by today)."""
    return Survey.objects.filter(
        scope.where("team__municipality"), closes_on__range=(period.start, period.end), closes_on__lt=today
    )


def _figures(scope: Scope, period: Period) -> dict[str, Any]:
    """One query (once per dashboard build, for the headlines and the table): each closed round
    with its answers and score totals, summed over the rounds; the totals only over rounds with
    results (at least MIN_ANSWERS answers)."""

    def compute() -> dict[str, Any]:
        rounds = _closed_rounds(scope, period, timezone.localdate()).annotate(
            answers=Count("responses"), **{f"total_{key}": Sum(f"responses__{key}") for key in SURVEY_ITEMS}
        )
        with_results = Q(answers__gte=MIN_ANSWERS)
        found = rounds.aggregate(
            rounds=Count("pk"),
            all_answers=Sum("answers"),
            counted=Sum("answers", filter=with_results),
            **{f"sum_{key}": Sum(f"total_{key}", filter=with_results) for key in SURVEY_ITEMS},
        )
        return {key: value or 0 for key, value in found.items()}

    return remember(("survey-figures", scope, period), compute)


class SurveySection:
    key = "survey"
    title = gettext_lazy("Partner survey results")

    def headlines(self, scope: Scope, period: Period) -> list[Headline]:
        found = _figures(scope, period)
        scores = [
            Headline(
                f"score_{key}",
                _("Average score: %(item)s") % {"item": ITEM_NAMES[key]},
                average(found[f"sum_{key}"], found["counted"]),
                str(SURVEY_ITEMS[key]),
            )
            for key in SURVEY_ITEMS
        ]
        return [
            Headline(
                "rounds",
                _("Survey rounds closed"),
                things(found["rounds"]),
                _("Rounds of the teams' partner survey that closed in the period."),
            ),
            Headline("answers", _("Answers"), people(found["all_answers"]), _("Members who answered those rounds.")),
            *scores,
        ]

    def tables(self, scope: Scope, period: Period) -> list[Table]:
        found = _figures(scope, period)
        rows = tuple(
            Row(
                str(ITEM_NAMES[key]),
                (average(found[f"sum_{key}"], found["counted"]), people(found["counted"])),
            )
            for key in SURVEY_ITEMS
        )
        columns = (Column(_("average score (1–5)"), Kind.AVERAGE), Column(_("answers"), Kind.PEOPLE))
        return [
            Table(
                "survey-by-statement",
                _("Partner survey: average score of each statement"),
                _("Statement"),
                columns,
                rows,
                note=_(
                    "5 means the members fully agree. Only rounds with at least %(count)s answers are "
                    "counted, as on the teams' own pages."
                )
                % {"count": MIN_ANSWERS},
                chart=Chart.BARS,
                chart_column=0,
            )
        ]


SECTIONS = [SurveySection()]
