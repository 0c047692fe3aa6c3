"""Building e-learning courses for tests: each call makes a new course (never the demo's),
written by rops.kielce, so tests look only at their own objects."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from kooperacja.learning import courses as service
from kooperacja.learning.demo_courses import png
from kooperacja.learning.models import Course, Lesson

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def user(username: str) -> Any:
    return get_user_model().objects.get(username=username)


def author() -> Any:
    return user("rops.kielce")


def png_bytes() -> bytes:
    return png(4, 3, lambda x, y: (0, 94, 184) if x < 2 else (255, 255, 255))


def png_upload(name: str = "schemat.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf_upload(name: str = "material.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def make_course(
    *, title: str = "Kurs testowy", lessons: int = 0, quizzes: int = 0, published: bool = False, pass_mark: int = 60
) -> Course:
    """A course with `lessons` lessons without quiz, then `quizzes` lessons with a two-question
    quiz (the first answer of each is right); published when asked (it then has a lesson)."""
    course = service.create_course(
        author(),
        service.CourseData(title=title, summary="Opis kursu.", topic="model", minutes=90, pass_mark=pass_mark),
    )
    for number in range(1, lessons + 1):
        make_lesson(course, f"Lekcja {number}")
    for number in range(1, quizzes + 1):
        make_lesson(course, f"Lekcja z quizem {number}", questions=2)
    if published:
        service.set_published(author(), course, True)
        course.refresh_from_db()
    return course


def make_lesson(course: Course, title: str = "Lekcja", *, questions: int = 0, body: str = "") -> Lesson:
    lesson = service.add_lesson(
        author(), course, service.LessonData(title=title, body=body or "Pierwszy akapit.\n\nDrugi akapit.")
    )
    for number in range(1, questions + 1):
        service.add_question(
            author(),
            lesson,
            text=f"Pytanie {number}?",
            choices=[(f"Dobra odpowiedź {number}", True), (f"Zła odpowiedź {number}", False)],
        )
    return lesson


def right_answers(lesson: Lesson) -> dict[int, int]:
    return {q.pk: q.choices.get(is_correct=True).pk for q in lesson.questions.all()}


def wrong_answers(lesson: Lesson) -> dict[int, int]:
    return {q.pk: q.choices.filter(is_correct=False).first().pk for q in lesson.questions.all()}  # type: ignore[union-attr]


def quiz_post(lesson: Lesson, answers: dict[int, int], token: str) -> dict[str, str]:
    return {"token": token, **{f"q{question}": str(choice) for question, choice in answers.items()}}
