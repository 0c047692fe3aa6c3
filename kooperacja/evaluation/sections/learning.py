"""People trained and courses completed: staff of the territory's institutions who attended
training sessions, the certificates they earned, the e-learning courses they completed and the
hours they spent in training.

A learner belongs to the territory of the institution they enrolled from; where a record names
no institution (an enrolment without one, an e-learning course), to the institutions of their
memberships located in the territory. The figures count people, so they follow the people rules
of `privacy`. Certificates stand for their holders (one person may earn several), so each count
of them is judged also by the distinct holders (users) behind it. Hours, being hours of those
people, are a sum over people (`privacy.sum_over_people`): hidden when 1–4 people spent them,
otherwise rounded to 10, the total too, so the total less the topics shown never gives back the
hours of a topic hidden.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.evaluation.dashboard import Column, Headline, Row, Table
from kooperacja.evaluation.periods import Period
from kooperacja.evaluation.privacy import Figure, Kind, people, sum_over_people
from kooperacja.evaluation.scope import Scope
from kooperacja.evaluation.sections.common import datetime_range
from kooperacja.institutions.models import Membership
from kooperacja.learning.models import Certificate, Enrolment, SessionAttendance, Topic

LENGTH = ExpressionWrapper(F("session__ends_at") - F("session__starts_at"), output_field=DurationField())


def _member_in(scope: Scope, user_path: str) -> Exists:
    """The user at `user_path` of the outer row works (or worked) in an institution of the
    territory: their memberships are how a learner's institution is known."""
    return Exists(Membership.objects.filter(scope.where_institution("institution"), user=OuterRef(user_path)))


def _attended(scope: Scope, period: Period) -> QuerySet[SessionAttendance]:
    """Presence at sessions of the period (of trainings not cancelled) of learners of the
    territory: by the institution of their enrolment, or by their memberships when it names none."""
    start, end = datetime_range(period)
    of_territory = scope.where_institution("enrolment__institution") | (
        Q(enrolment__institution__isnull=True) & _member_in(scope, "enrolment__user")
    )
    return SessionAttendance.objects.filter(
        of_territory,
        present=True,
        session__starts_at__gte=start,
        session__starts_at__lt=end,
        session__training__is_cancelled=False,
    )


def _certificates(scope: Scope, period: Period) -> QuerySet[Certificate]:
    """Certificates issued in the period and not revoked, to learners of the territory: for a
    training, by the institution of the holder's enrolment; for a course (or an enrolment that
    names no institution), by the holder's memberships."""
    enrolment = Enrolment.objects.filter(training=OuterRef("training"), user=OuterRef("user"))
    of_territory = Exists(enrolment.filter(scope.where_institution("institution"))) | (
        ~Exists(enrolment.filter(institution__isnull=False)) & _member_in(scope, "user")
    )
    return Certificate.objects.filter(
        of_territory, issued_on__range=(period.start, period.end), revoked_at__isnull=True
    )


def _hours(total: dt.timedelta | None, learners: int) -> Figure:
    """Hours in training that `learners` people spent (a sum over people)."""
    seconds = Decimal((total or dt.timedelta()).total_seconds())
    return sum_over_people(seconds / 3600, learners)


def _certificates_of(found: Mapping[str, Any], kind: str) -> Figure:
    """Certificates of a kind (trainings or courses), hidden too when 1–4 people hold them."""
    return people(found.get(kind, 0), distinct=found.get(f"{kind}_holders", 0))


_ATTENDANCE = {"learners": Count("enrolment__user", distinct=True), "length": Sum(LENGTH)}
_CERTIFICATES = {
    "trainings": Count("pk", filter=Q(training__isnull=False)),
    "courses": Count("pk", filter=Q(course__isnull=False)),
    "trainings_holders": Count("user", distinct=True, filter=Q(training__isnull=False)),
    "courses_holders": Count("user", distinct=True, filter=Q(course__isnull=False)),
}


class LearningSection:
    key = "learning"
    title = gettext_lazy("People trained and courses completed")

    def headlines(self, scope: Scope, period: Period) -> list[Headline]:
        attended = _attended(scope, period).aggregate(**_ATTENDANCE)
        issued = _certificates(scope, period).aggregate(**_CERTIFICATES)
        return [
            Headline(
                "trained",
                _("People who attended a training"),
                people(attended["learners"]),
                _("Staff of the territory's institutions present at one or more training sessions of the period."),
            ),
            Headline(
                "certificates",
                _("Training certificates issued"),
                _certificates_of(issued, "trainings"),
                _("Certificates of trainings attended, issued in the period and not revoked."),
            ),
            Headline(
                "courses",
                _("E-learning courses completed"),
                _certificates_of(issued, "courses"),
                _("Completions of e-learning courses in the period (each earns a certificate)."),
            ),
            Headline(
                "hours",
                _("Hours in training"),
                _hours(attended["length"], attended["learners"]),
                _("The lengths of the sessions each person attended, added up."),
            ),
        ]

    def tables(self, scope: Scope, period: Period) -> list[Table]:
        attended = _grouped(
            _attended(scope, period).values(topic=F("session__training__topic")).annotate(**_ATTENDANCE)
        )
        issued = _grouped(
            _certificates(scope, period)
            .values(topic=Coalesce(F("training__topic"), F("course__topic")))
            .annotate(**_CERTIFICATES)
        )
        rows = []
        for topic in Topic:
            seen, earned = attended.get(topic.value, {}), issued.get(topic.value, {})
            learners = seen.get("learners", 0)
            figures = (
                people(learners),
                _certificates_of(earned, "trainings"),
                _certificates_of(earned, "courses"),
                _hours(seen.get("length"), learners),
            )
            rows.append(Row(str(topic.label).capitalize(), figures))
        columns = (
            Column(_("people who attended"), Kind.PEOPLE),
            Column(_("training certificates"), Kind.PEOPLE),
            Column(_("courses completed"), Kind.PEOPLE),
            Column(_("hours in training"), Kind.COUNT),
        )
        return [
            Table(
                "learning-by-topic",
                _("Training by topic"),
                _("Topic"),
                columns,
                tuple(rows),
                note=_(
                    "A person who attended trainings on several topics is counted under each; "
                    "counts of people under 5 are shown as „< 5”, the rest rounded to 5; hours of "
                    "fewer than 5 people are hidden, the rest rounded to 10."
                ),
            )
        ]


def _grouped(rows: QuerySet[Any]) -> Mapping[str, dict[str, Any]]:
    return {row["topic"]: row for row in rows.order_by()}


SECTIONS = [LearningSection()]
