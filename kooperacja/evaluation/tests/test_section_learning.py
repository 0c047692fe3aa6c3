"""The learning section: staff of the territory who attended trainings, the certificates and
course completions they earned and the hours they spent in training; counts of people follow the
people rules („< 5”, rounded to 5)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from kooperacja.evaluation import dashboard
from kooperacja.evaluation.periods import Period, Unit
from kooperacja.evaluation.scope import Scope, gmina_scope, powiat_scope
from kooperacja.learning.models import (
    Certificate,
    Course,
    Enrolment,
    EnrolmentStatus,
    SessionAttendance,
    Topic,
    Training,
    TrainingSession,
)
from kooperacja.learning.tests.course_factories import make_course
from kooperacja.learning.tests.training_factories import make_staff, make_training

Q1_2024 = Period(2024, Unit.QUARTER, 1)
YEAR_2024 = Period(2024, Unit.YEAR, 1)
_codes = itertools.count(1)


def _section(scope: Scope, period: Period) -> dashboard.Section:
    (section,) = dashboard.build(scope, period, only=lambda builder: builder.key == "learning").sections
    return section


def _headlines(scope: Scope, period: Period) -> dict[str, Any]:
    figures = {}
    for comparison in _section(scope, period).comparisons:
        figure = comparison.now.figure
        figures[comparison.now.key] = "< 5" if figure.hidden else figure.value
    return figures


def _training(topic: str = Topic.COOPERATION, *days: dt.date, hours: int = 3) -> Training:
    """A training with a session of `hours` at 9:00 on each day."""
    training = make_training(days=(), topic=topic)
    for day in days:
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
        TrainingSession.objects.create(training=training, starts_at=start, ends_at=start + dt.timedelta(hours=hours))
    return training


def _attend(training: Training, user: Any, *, institution: Any = None, present: bool = True) -> Enrolment:
    """The user enrolled (from `institution`, or naming none) and marked at every session."""
    enrolment = Enrolment.objects.create(
        training=training, user=user, institution=institution, status=EnrolmentStatus.ENROLLED
    )
    for session in training.sessions.all():
        SessionAttendance.objects.create(session=session, enrolment=enrolment, present=present)
    return enrolment


def _certificate(
    user: Any, day: dt.date, *, training: Training | None = None, course: Course | None = None, **fields: Any
) -> Certificate:
    return Certificate.objects.create(
        code=f"TEST-{next(_codes)}",
        user=user,
        holder_name="Anna Testowa",
        title="Szkolenie",
        training=training,
        course=course,
        hours=Decimal(6),
        issued_on=day,
        issued_by="ROPS Kielce",
        **fields,
    )


def _staff(institution: Any, count: int) -> list[Any]:
    return [make_staff(institution) for _ in range(count)]


def test_it_counts_each_person_present_in_the_period_once_with_their_hours(fresh_powiat):
    training = _training(Topic.COOPERATION, dt.date(2024, 2, 1), dt.date(2024, 3, 31), dt.date(2024, 4, 1))
    for user in _staff(fresh_powiat.gops_north, 8):
        _attend(training, user)
    for user in _staff(fresh_powiat.gops_north, 2):
        _attend(training, user, present=False)

    figures = _headlines(gmina_scope(fresh_powiat.north), Q1_2024)

    # 8 people at two sessions: 8 people (rounded to 5s: 10), 8 × 2 × 3 = 48 hours (rounded to 10s: 50).
    assert (figures["trained"], figures["hours"]) == (10, 50)


def test_it_hides_the_people_and_their_hours_when_they_are_fewer_than_five(fresh_powiat):
    training = _training(Topic.COOPERATION, dt.date(2024, 2, 1))
    for user in _staff(fresh_powiat.gops_north, 3):
        _attend(training, user)

    figures = _headlines(gmina_scope(fresh_powiat.north), Q1_2024)

    assert (figures["trained"], figures["hours"]) == ("< 5", "< 5")


def test_it_leaves_out_the_sessions_of_a_cancelled_training(fresh_powiat):
    training = _training(Topic.COOPERATION, dt.date(2024, 2, 1))
    Training.objects.filter(pk=training.pk).update(is_cancelled=True)
    for user in _staff(fresh_powiat.gops_north, 6):
        _attend(training, user)

    assert _headlines(gmina_scope(fresh_powiat.north), Q1_2024)["trained"] == 0


def test_it_places_a_learner_by_the_institution_of_the_enrolment_or_else_by_their_memberships(fresh_powiat):
    training = _training(Topic.COOPERATION, dt.date(2024, 2, 1))
    # Staff of the north who enrolled from their own GOPS, and without naming an institution.
    for user in _staff(fresh_powiat.gops_north, 3):
        _attend(training, user, institution=fresh_powiat.gops_north)
    for user in _staff(fresh_powiat.gops_north, 3):
        _attend(training, user)
    # Staff with a membership in the north who enrolled from the south count for the south.
    for user in _staff(fresh_powiat.gops_north, 5):
        _attend(training, user, institution=fresh_powiat.gops_south)

    north = _headlines(gmina_scope(fresh_powiat.north), Q1_2024)
    south = _headlines(gmina_scope(fresh_powiat.south), Q1_2024)
    powiat = _headlines(powiat_scope(fresh_powiat.county), Q1_2024)

    assert (north["trained"], north["hours"]) == (5, 20)  # 6 people and 18 hours, rounded
    assert (south["trained"], south["hours"]) == (5, 20)  # 15 hours, rounded half up
    assert powiat["trained"] == 10  # 11 people, none of the demo's


def test_it_counts_training_certificates_and_course_completions_issued_in_the_period(fresh_powiat):
    training = _training(Topic.COOPERATION, dt.date(2023, 12, 1))
    course = make_course(title="Model kooperacji")
    people = _staff(fresh_powiat.gops_north, 9)
    for user in people[:7]:
        _attend(training, user, institution=fresh_powiat.gops_north)
        _certificate(user, dt.date(2024, 1, 15), training=training)
    for user in people[:6]:
        _certificate(user, dt.date(2024, 3, 31), course=course)
    _certificate(people[7], dt.date(2024, 4, 1), course=course)
    _attend(training, people[8], institution=fresh_powiat.gops_north)
    _certificate(people[8], dt.date(2024, 2, 1), training=training, revoked_at=timezone.now())

    figures = _headlines(gmina_scope(fresh_powiat.north), Q1_2024)

    assert (figures["certificates"], figures["courses"]) == (5, 5)  # 7 and 6, rounded to 5
    assert _headlines(gmina_scope(fresh_powiat.south), Q1_2024)["certificates"] == 0


def test_it_places_a_certificate_by_the_enrolment_it_was_earned_through(fresh_powiat):
    training = _training(Topic.COOPERATION, dt.date(2023, 12, 1))
    for user in _staff(fresh_powiat.gops_north, 6):
        _attend(training, user, institution=fresh_powiat.gops_south)
        _certificate(user, dt.date(2024, 1, 15), training=training)

    assert _headlines(gmina_scope(fresh_powiat.south), Q1_2024)["certificates"] == 5
    assert _headlines(gmina_scope(fresh_powiat.north), Q1_2024)["certificates"] == 0


def test_it_breaks_the_figures_down_by_topic(fresh_powiat):
    cooperation = _training(Topic.COOPERATION, dt.date(2024, 2, 1), hours=4)
    negotiation = _training(Topic.NEGOTIATION, dt.date(2024, 2, 2))
    for user in _staff(fresh_powiat.gops_north, 6):
        _attend(cooperation, user)
        _certificate(user, dt.date(2024, 2, 1), training=cooperation)
    for user in _staff(fresh_powiat.gops_north, 2):
        _attend(negotiation, user)

    (table,) = _section(gmina_scope(fresh_powiat.north), Q1_2024).tables
    rows = {row.label: row for row in table.rows}

    assert table.key == "learning-by-topic" and len(table.rows) == len(Topic)
    cooperation_row = rows[str(Topic.COOPERATION.label).capitalize()]
    assert [figure.export_value() for figure in cooperation_row.figures] == [5, 5, 0, 20]  # 24 hours
    negotiation_row = rows[str(Topic.NEGOTIATION.label).capitalize()]
    assert [figure.export_value() for figure in negotiation_row.figures] == ["< 5", 0, 0, "< 5"]


def test_it_gives_no_hidden_topic_s_hours_back_by_subtraction_from_the_total(fresh_powiat):
    # 6 people 4 hours on cooperation (24), 3 people 3 hours on negotiation (9, hidden): the
    # total of 33 hours less the cooperation row's would give 9 back if either were exact.
    cooperation = _training(Topic.COOPERATION, dt.date(2024, 2, 1), hours=4)
    negotiation = _training(Topic.NEGOTIATION, dt.date(2024, 2, 2))
    for user in _staff(fresh_powiat.gops_north, 6):
        _attend(cooperation, user)
    for user in _staff(fresh_powiat.gops_north, 3):
        _attend(negotiation, user)
    north = gmina_scope(fresh_powiat.north)

    total = _headlines(north, Q1_2024)["hours"]
    (table,) = _section(north, Q1_2024).tables
    shown = {row.label: row.figures[3].export_value() for row in table.rows}

    assert shown[str(Topic.NEGOTIATION.label).capitalize()] == "< 5"
    assert (total, shown[str(Topic.COOPERATION.label).capitalize()]) == (30, 20)
    assert total - sum(value for value in shown.values() if isinstance(value, int)) != 9


def test_it_hides_certificates_held_by_fewer_than_five_people(fresh_powiat):
    # Six certificates of one course, but held by two people only.
    courses = [make_course(title=f"Kurs {number}") for number in range(3)]
    for user in _staff(fresh_powiat.gops_north, 2):
        for course in courses:
            _certificate(user, dt.date(2024, 2, 1), course=course)

    assert _headlines(gmina_scope(fresh_powiat.north), Q1_2024)["courses"] == "< 5"


def _learning(fresh_powiat: Any, trainings: int) -> None:
    course = make_course(title="Kurs")
    for number in range(trainings):
        training = _training(list(Topic)[number % len(Topic)], dt.date(2024, 2, 1 + number), dt.date(2024, 3, 1))
        for institution in (fresh_powiat.gops_north, fresh_powiat.gops_south, None):
            user = make_staff(fresh_powiat.gops_north)
            _attend(training, user, institution=institution)
            _certificate(user, dt.date(2024, 3, 2), training=training)
            _certificate(user, dt.date(2024, 3, 3), course=course)


@pytest.mark.parametrize("trainings", [1, 6])
def test_it_reads_the_section_in_a_fixed_number_of_queries(fresh_powiat, django_assert_max_num_queries, trainings):
    _learning(fresh_powiat, trainings)
    powiat = powiat_scope(fresh_powiat.county)

    # Two queries of headlines for the period and two for the one before, two for the table.
    with django_assert_max_num_queries(6):
        section = _section(powiat, Q1_2024)

    assert section.comparisons[0].now.figure.value == (20 if trainings == 6 else None)  # 18 people, or 3
