"""E-learning rules: writing and publishing courses, completing lessons by reading or by passing
the quiz, the quiz submitted twice counted once, the certificate issued at once when the last
lesson is complete, and progress that stays right when a lesson is added later."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from kooperacja.core.models import Notification
from kooperacja.learning import courses as service
from kooperacja.learning.models import Certificate, LessonAttachment, LessonProgress, QuizAttempt
from kooperacja.learning.tests.course_factories import (
    author,
    make_course,
    make_lesson,
    pdf_upload,
    png_upload,
    right_answers,
    user,
    wrong_answers,
)

pytestmark = pytest.mark.django_db


def _progress(learner, course):
    return service.for_list(learner).get(pk=course.pk)


# --- Writing and publishing ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _english():
    """The refusals are matched by their English wording (the catalogue translates them)."""
    with translation.override("en"):
        yield


def test_it_refuses_a_course_without_a_title_or_with_a_pass_mark_out_of_range():
    with pytest.raises(ValidationError) as refusal:
        service.create_course(
            author(), service.CourseData(title=" ", summary="", topic="model", minutes=0, pass_mark=0)
        )
    assert set(refusal.value.message_dict) == {"title", "minutes", "pass_mark"}


def test_it_refuses_to_publish_a_course_without_lessons():
    course = make_course()
    with pytest.raises(ValidationError, match="without lessons"):
        service.set_published(author(), course, True)
    course.refresh_from_db()
    assert not course.is_published


def test_it_refuses_to_publish_a_course_whose_question_has_no_right_answer():
    course = make_course(quizzes=1)
    question = course.lessons.get().questions.all()[0]
    question.choices.update(is_correct=False)
    with pytest.raises(ValidationError, match="one of them right"):
        service.set_published(author(), course, True)
    question.choices.update(is_correct=True)
    assert service.set_published(author(), course, True).is_published


def test_it_refuses_a_stale_edit_of_a_course_and_of_a_lesson():
    course = make_course(lessons=1)
    data = service.CourseData(title="Nowy", summary="", topic="model", minutes=30, pass_mark=70)
    service.update_course(author(), course, course.version, data)
    with pytest.raises(service.StaleCourse):
        service.update_course(author(), course, course.version, data)
    lesson = course.lessons.get()
    service.update_lesson(author(), lesson, lesson.version, service.LessonData(title="A", body="B"))
    with pytest.raises(service.StaleLesson):
        service.update_lesson(author(), lesson, lesson.version, service.LessonData(title="C", body="D"))


def test_it_refuses_a_question_with_too_few_answers_or_none_right():
    lesson = make_lesson(make_course())
    with pytest.raises(ValidationError, match="from 2 to 6"):
        service.add_question(author(), lesson, text="Pytanie?", choices=[("Tylko jedna", True), ("", False)])
    with pytest.raises(ValidationError, match="at least one"):
        service.add_question(author(), lesson, text="Pytanie?", choices=[("A", False), ("B", False)])
    seven = [(str(n), True) for n in range(7)]
    with pytest.raises(ValidationError, match="from 2 to 6"):
        service.add_question(author(), lesson, text="Pytanie?", choices=seven)
    assert not lesson.questions.exists()


def test_it_takes_a_png_image_with_a_text_alternative_and_a_pdf_to_download():
    lesson = make_lesson(make_course())
    image = service.add_attachment(
        author(), lesson, kind="image", title="Schemat", alt_text="Trzy prostokąty", upload=png_upload()
    )
    material = service.add_attachment(
        author(), lesson, kind="download", title="Broszura", alt_text="x", upload=pdf_upload()
    )
    assert (image.content_type, image.alt_text) == ("image/png", "Trzy prostokąty")
    assert (material.content_type, material.alt_text, material.filename) == ("application/pdf", "", "material.pdf")


def test_it_refuses_an_image_without_a_text_alternative_or_that_is_not_png_or_jpeg():
    lesson = make_lesson(make_course())
    with pytest.raises(ValidationError) as refusal:
        service.add_attachment(author(), lesson, kind="image", title="Schemat", alt_text=" ", upload=png_upload())
    assert "alt_text" in refusal.value.message_dict
    with pytest.raises(ValidationError, match="PNG or JPEG"):
        service.add_attachment(author(), lesson, kind="image", title="Schemat", alt_text="Opis", upload=pdf_upload())
    disguised = SimpleUploadedFile("obraz.png", b"MZ\x90\x00 not an image", content_type="image/png")
    with pytest.raises(ValidationError) as refusal:
        service.add_attachment(author(), lesson, kind="download", title="Plik", alt_text="", upload=disguised)
    assert "file" in refusal.value.message_dict
    assert not LessonAttachment.objects.filter(lesson=lesson).exists()


def test_it_refuses_a_file_larger_than_the_platform_accepts(settings):
    settings.DOCUMENT_MAX_BYTES = 20
    lesson = make_lesson(make_course())
    with pytest.raises(ValidationError) as refusal:
        service.add_attachment(author(), lesson, kind="download", title="Plik", alt_text="", upload=pdf_upload())
    assert "file" in refusal.value.message_dict
    assert not LessonAttachment.objects.filter(lesson=lesson).exists()


def test_the_paragraphs_of_a_lesson_are_split_at_blank_lines():
    assert service.paragraphs("Jeden\nciąg dalszy\n\n\nDwa\r\n\r\nTrzy  ") == ["Jeden\nciąg dalszy", "Dwa", "Trzy"]


# --- Learning ------------------------------------------------------------------------------------


def test_a_lesson_without_a_quiz_is_complete_once_read_and_one_with_a_quiz_cannot_be_just_read():
    course = make_course(lessons=1, quizzes=1, published=True)
    reading, quiz = course.lessons.order_by("position")
    learner = user("gops.oksa")
    service.mark_read(learner, reading)
    assert LessonProgress.objects.get(user=learner, lesson=reading).completed_at is not None
    with pytest.raises(ValidationError, match="quiz"):
        service.mark_read(learner, quiz)
    assert not LessonProgress.objects.filter(user=learner, lesson=quiz).exists()


def test_a_failed_quiz_keeps_the_best_result_and_a_retry_that_passes_completes_the_lesson():
    course = make_course(quizzes=1, published=True)
    lesson = course.lessons.get()
    learner = user("gops.oksa")
    answers = wrong_answers(lesson)
    answers[next(iter(answers))] = right_answers(lesson)[next(iter(answers))]  # one of two right: 50%
    first = service.submit_quiz(learner, lesson, uuid.uuid4(), answers)
    assert (first.attempt.score, first.attempt.passed, first.recorded) == (50, False, True)
    progress = LessonProgress.objects.get(user=learner, lesson=lesson)
    assert progress.best_score == 50 and progress.completed_at is None
    service.submit_quiz(learner, lesson, uuid.uuid4(), right_answers(lesson))
    service.submit_quiz(learner, lesson, uuid.uuid4(), wrong_answers(lesson))
    progress.refresh_from_db()
    assert progress.best_score == 100 and progress.completed_at is not None
    assert QuizAttempt.objects.filter(user=learner, lesson=lesson).count() == 3


def test_a_quiz_submitted_twice_with_the_same_token_is_recorded_once_and_shows_the_first_result():
    course = make_course(quizzes=1, published=True)
    lesson = course.lessons.get()
    learner = user("gops.oksa")
    token = uuid.uuid4()
    first = service.submit_quiz(learner, lesson, token, wrong_answers(lesson))
    again = service.submit_quiz(learner, lesson, token, right_answers(lesson))
    assert again.recorded is False
    assert again.attempt.pk == first.attempt.pk and again.attempt.score == 0
    assert QuizAttempt.objects.filter(user=learner, lesson=lesson).count() == 1
    assert LessonProgress.objects.get(user=learner, lesson=lesson).best_score == 0


def test_a_quiz_form_of_one_lesson_sent_to_another_is_refused_and_records_nothing():
    course = make_course(quizzes=2, published=True)
    lesson, other = course.lessons.order_by("position")
    learner = user("gops.oksa")
    token = uuid.uuid4()
    service.submit_quiz(learner, lesson, token, wrong_answers(lesson))
    with pytest.raises(ValidationError):
        service.submit_quiz(learner, other, token, right_answers(other))
    assert not QuizAttempt.objects.filter(user=learner, lesson=other).exists()


def test_a_quiz_submitted_twice_at_the_same_moment_is_caught_by_the_unique_token(monkeypatch):
    course = make_course(quizzes=1, published=True)
    lesson = course.lessons.get()
    learner = user("gops.oksa")
    token = uuid.uuid4()
    first = service.submit_quiz(learner, lesson, token, wrong_answers(lesson))
    # The race: the second request looked before the first had saved, then hits the constraint.
    real_filter = QuizAttempt.objects.filter
    calls = {"n": 0}

    def blind_first_look(*args, **kwargs):
        calls["n"] += 1
        found = real_filter(*args, **kwargs)
        return found.none() if calls["n"] == 1 else found

    monkeypatch.setattr(QuizAttempt.objects, "filter", blind_first_look)
    again = service.submit_quiz(learner, lesson, token, right_answers(lesson))
    assert again.recorded is False and again.attempt.pk == first.attempt.pk
    assert QuizAttempt.objects.count() == QuizAttempt.objects.filter(pk__lte=first.attempt.pk).count()


def test_a_quiz_with_a_missing_or_foreign_answer_saves_nothing():
    course = make_course(quizzes=2, published=True)
    lesson, other = course.lessons.order_by("position")
    learner = user("gops.oksa")
    answers = right_answers(lesson)
    missing = dict(list(answers.items())[:1])
    with pytest.raises(ValidationError) as refusal:
        service.submit_quiz(learner, lesson, uuid.uuid4(), missing)
    assert len(refusal.value.message_dict) == 1
    foreign = dict(zip(answers, right_answers(other).values(), strict=True))
    with pytest.raises(ValidationError):
        service.submit_quiz(learner, lesson, uuid.uuid4(), foreign)
    assert not QuizAttempt.objects.filter(user=learner).exists()
    assert not LessonProgress.objects.filter(user=learner).exists()


def test_the_certificate_is_issued_and_announced_when_the_last_lesson_is_complete():
    course = make_course(lessons=1, quizzes=1, published=True)
    reading, quiz = course.lessons.order_by("position")
    learner = user("gops.oksa")
    service.mark_read(learner, reading)
    assert not Certificate.objects.filter(user=learner, course=course).exists()
    service.submit_quiz(learner, quiz, uuid.uuid4(), right_answers(quiz))
    certificate = Certificate.objects.get(user=learner, course=course)
    assert certificate.hours == Decimal("1.5")  # 90 minutes
    assert certificate.issued_by == "Platforma Kooperacja" or certificate.issued_by == "Kooperacja platform"
    note = Notification.objects.get(recipient=learner, kind=service.NOTIFICATION_KIND)
    assert course.title in note.title
    # Passing again issues nothing new.
    service.submit_quiz(learner, quiz, uuid.uuid4(), right_answers(quiz))
    assert Certificate.objects.filter(user=learner, course=course).count() == 1
    assert Notification.objects.filter(recipient=learner, kind=service.NOTIFICATION_KIND).count() == 1


def test_a_short_course_gives_at_least_half_an_hour():
    course = make_course()
    course.minutes = 10
    assert service.course_hours(course) == Decimal("0.5")


def test_a_lesson_added_later_leaves_the_course_incomplete_but_the_certificate_stays():
    course = make_course(lessons=2, published=True)
    learner = user("gops.oksa")
    for lesson in course.lessons.all():
        service.mark_read(learner, lesson)
    row = _progress(learner, course)
    assert (row.done_count, row.lesson_count, row.certified) == (2, 2, True)
    make_lesson(course, "Nowa lekcja")
    row = _progress(learner, course)
    assert (row.done_count, row.lesson_count, row.certified) == (2, 3, True)
    data = service.overview(learner, course)
    assert data.next_lesson is not None
    assert (data.done, data.total, data.next_lesson.title) == (2, 3, "Nowa lekcja")
    assert Certificate.objects.filter(user=learner, course=course).count() == 1


def test_my_courses_are_those_started_and_drafts_are_left_out_of_the_list():
    started = make_course(lessons=2, published=True, title="Rozpoczęty")
    make_course(lessons=1, published=True, title="Nierozpoczęty")
    draft = make_course(lessons=1, title="Szkic")
    learner = user("gops.oksa")
    service.mark_read(learner, started.lessons.all()[0])
    assert list(service.mine(learner)) == [started]
    assert draft not in service.for_list(learner)
    assert draft in service.for_list(learner, drafts=True)
