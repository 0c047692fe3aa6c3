"""The demo e-learning: two published courses and a draft by rops.kielce, loaded twice the same,
with gops.mirzec certified, szkola.mirzec halfway and pcpr.starachowice just started."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kooperacja.learning import courses as service
from kooperacja.learning import demo_courses
from kooperacja.learning.models import Certificate, Course, LessonAttachment, QuizAttempt, QuizChoice, QuizQuestion
from kooperacja.learning.tests.course_factories import user

pytestmark = pytest.mark.django_db


def _load_twice() -> None:
    demo_courses.load(lambda line: None)
    counts = (Course.objects.count(), QuizAttempt.objects.count(), Certificate.objects.count())
    demo_courses.load(print)
    assert (Course.objects.count(), QuizAttempt.objects.count(), Certificate.objects.count()) == counts


def test_the_demo_courses_have_their_lessons_quizzes_and_a_diagram():
    _load_twice()
    model = Course.objects.get(public_id=demo_courses.MODEL_COURSE_ID)
    talk = Course.objects.get(public_id=demo_courses.TALK_COURSE_ID)
    draft = Course.objects.get(public_id=demo_courses.DRAFT_COURSE_ID)
    assert model.is_published and talk.is_published and not draft.is_published
    assert model.lessons.count() == 4 and talk.lessons.count() == 3
    for lesson in [*model.lessons.all(), *talk.lessons.all()]:
        assert 2 <= lesson.questions.count() <= 3
    diagram = LessonAttachment.objects.get(public_id=demo_courses.DIAGRAM_ID)
    assert diagram.file.read().startswith(b"\x89PNG") and diagram.alt_text


def test_the_demo_learners_are_where_the_story_says():
    _load_twice()
    model = Course.objects.get(public_id=demo_courses.MODEL_COURSE_ID)
    talk = Course.objects.get(public_id=demo_courses.TALK_COURSE_ID)
    assert Certificate.objects.filter(user=user("gops.mirzec"), course=model).exists()
    halfway = service.overview(user("szkola.mirzec"), model)
    assert (halfway.done, halfway.total) == (2, 4)
    started = service.overview(user("pcpr.starachowice"), talk)
    assert (started.done, started.total) == (1, 3)


def test_the_demo_lesson_with_its_diagram_opens_for_a_learner(client, login_as):
    _load_twice()
    diagram = LessonAttachment.objects.get(public_id=demo_courses.DIAGRAM_ID)
    login_as("policja.mirzec")
    page = client.get(reverse("learning:lesson", args=[diagram.lesson.public_id])).content.decode()
    assert "G-PZK i jego Lider" in page
    assert reverse("learning:course_file", args=[diagram.public_id]) in page
    assert client.get(reverse("learning:course_file", args=[diagram.public_id])).status_code == 200


def test_the_demo_quizzes_have_their_right_answers_in_varied_places_and_the_learners_chose_them():
    _load_twice()
    questions = QuizQuestion.objects.filter(
        lesson__course__public_id__in=[demo_courses.MODEL_COURSE_ID, demo_courses.TALK_COURSE_ID]
    ).prefetch_related("choices")
    places = [next(n for n, c in enumerate(q.choices.order_by("id"), start=1) if c.is_correct) for q in questions]
    assert len(places) >= 10
    assert set(places) >= {1, 2, 3}  # "always the first" does not pass a demo quiz
    assert places.count(1) <= len(places) // 2
    for attempt in QuizAttempt.objects.filter(lesson__course__public_id=demo_courses.MODEL_COURSE_ID):
        chosen = QuizChoice.objects.filter(pk__in=attempt.answers.values())
        assert attempt.passed and all(choice.is_correct for choice in chosen)
        assert chosen.count() == attempt.lesson.questions.count()
