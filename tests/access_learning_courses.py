"""Access-matrix rows of learning: e-learning courses (see tests/access_rows.py).

Every signed-in user learns from a published course: the lists, the course, its lessons and
files, marking a lesson read and sending a quiz. Authors (administrators and the regional
analysts rops.kielce and rops.rzeszow) write courses, lessons, files and questions and publish;
everyone else is refused (403) on a published course. An empty POST is bad input (400).
"""

from __future__ import annotations

from typing import Any

from tests.access_rows import SIGNED_IN, ApiRow, Getter, UrlRow, answers
from tests.personas import ADMIN, ROPS_KIELCE, ROPS_RZESZOW

AUTHORS = [ADMIN, ROPS_KIELCE, ROPS_RZESZOW]
AUTHORS_ONLY = answers(403, dict.fromkeys(AUTHORS, 200))
# An empty POST: authors are refused as bad input (400), everyone else as not allowed (403).
AUTHORS_POST = answers(403, dict.fromkeys(AUTHORS, 400))


def _course(persona: Getter) -> Any:
    from kooperacja.learning.tests.course_factories import make_course

    return make_course(lessons=1, quizzes=1, published=True)


def _course_ids(persona: Getter) -> dict[str, Any]:
    return {"public_id": _course(persona).public_id}


def _reading_ids(persona: Getter) -> dict[str, Any]:
    return {"public_id": _course(persona).lessons.order_by("position").first().public_id}


def _quiz_ids(persona: Getter) -> dict[str, Any]:
    return {"public_id": _course(persona).lessons.order_by("position").last().public_id}


def _file_ids(persona: Getter) -> dict[str, Any]:
    from kooperacja.learning import courses as service
    from kooperacja.learning.tests.course_factories import author, pdf_upload

    lesson = _course(persona).lessons.first()
    material = service.add_attachment(author(), lesson, kind="download", title="M", alt_text="", upload=pdf_upload())
    return {"public_id": material.public_id}


def _author_post(name: str, kwargs: Any) -> UrlRow:
    return UrlRow(name, AUTHORS_POST, method="POST", kwargs=kwargs, wrong_method="GET")


URL_ROWS: list[UrlRow] = [
    UrlRow("learning:courses", SIGNED_IN),
    UrlRow("learning:my_courses", SIGNED_IN),
    UrlRow("learning:course_create", AUTHORS_ONLY, wrong_method="DELETE"),
    UrlRow("learning:course", SIGNED_IN, kwargs=_course_ids),
    UrlRow("learning:course_edit", AUTHORS_ONLY, kwargs=_course_ids, wrong_method="DELETE"),
    _author_post("learning:course_publish", _course_ids),
    UrlRow("learning:lesson_create", AUTHORS_ONLY, kwargs=_course_ids, wrong_method="DELETE"),
    UrlRow("learning:lesson", SIGNED_IN, kwargs=_quiz_ids),
    UrlRow("learning:lesson_edit", AUTHORS_ONLY, kwargs=_quiz_ids, wrong_method="DELETE"),
    # Every learner marks the lesson read (each their own progress) and is led back to the course.
    UrlRow("learning:lesson_read", answers(302), method="POST", kwargs=_reading_ids, wrong_method="GET"),
    # An empty quiz is bad input for every learner; nothing is recorded.
    UrlRow("learning:lesson_quiz", answers(400), method="POST", kwargs=_quiz_ids, wrong_method="GET"),
    _author_post("learning:lesson_attachment_add", _quiz_ids),
    _author_post("learning:lesson_attachment_remove", _quiz_ids),
    _author_post("learning:lesson_question_add", _quiz_ids),
    _author_post("learning:lesson_question_remove", _quiz_ids),
    UrlRow("learning:course_file", SIGNED_IN, kwargs=_file_ids),
]
API_ROWS: list[ApiRow] = []
