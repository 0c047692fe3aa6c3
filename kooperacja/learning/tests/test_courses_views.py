"""E-learning pages as users meet them: the course list with my progress, a course with its
lessons and "Continue", a lesson with text, images, materials and its quiz; the quiz submitted
twice; drafts hidden from learners; authors writing, with bad input answered and nothing changed,
and stale edits refused with the conflict box."""

from __future__ import annotations

import random
import uuid

import pytest
from django.conf import settings
from django.urls import reverse

from kooperacja.learning import courses as service
from kooperacja.learning.models import Course, LessonAttachment, LessonProgress, QuizAttempt, QuizQuestion
from kooperacja.learning.tests.course_factories import (
    author,
    make_course,
    make_lesson,
    pdf_upload,
    png_upload,
    quiz_post,
    right_answers,
    user,
    wrong_answers,
)

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def _in_english(client) -> None:
    """Pages are checked by their English msgids (the Polish comes with the merged catalogue)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _course_url(name: str, course: Course) -> str:
    return reverse(f"learning:{name}", args=[course.public_id])


def _lesson_url(name: str, lesson) -> str:
    return reverse(f"learning:{name}", args=[lesson.public_id])


# --- Learners: lists and the course page ---------------------------------------------------------


def test_the_list_shows_published_courses_with_my_progress_and_hides_drafts(client, login_as):
    course = make_course(title="Kurs opublikowany", lessons=4, published=True)
    draft = make_course(title="Kurs w szkicu", lessons=1)
    learner = login_as("gops.oksa")
    for lesson in course.lessons.order_by("position")[:2]:
        service.mark_read(learner, lesson)
    page = _text(client.get(reverse("learning:courses")))
    assert "Kurs opublikowany" in page and "2 of 4 lessons" in page
    assert "90 min" in page
    assert draft.title not in page
    assert reverse("learning:course_create") not in page
    mine = _text(client.get(reverse("learning:my_courses")))
    assert "Kurs opublikowany" in mine


def test_authors_see_drafts_in_the_list_and_may_create_a_course(client, login_as):
    draft = make_course(title="Kurs w szkicu", lessons=1)
    login_as("rops.rzeszow")
    page = _text(client.get(reverse("learning:courses")))
    assert draft.title in page and "draft" in page
    assert reverse("learning:course_create") in page


def test_the_list_and_my_courses_ask_the_same_number_of_queries_for_few_or_many_courses(
    client, login_as, django_assert_max_num_queries
):
    learner = login_as("gops.oksa")
    course = make_course(lessons=2, published=True)
    service.mark_read(learner, course.lessons.all()[0])
    client.get(reverse("learning:courses"))
    with django_assert_max_num_queries(9):
        client.get(reverse("learning:courses"))
    with django_assert_max_num_queries(9):
        client.get(reverse("learning:my_courses"))
    for number in range(6):
        more = make_course(title=f"Kurs {number}", lessons=3, published=True)
        service.mark_read(learner, more.lessons.all()[0])
    with django_assert_max_num_queries(9):
        client.get(reverse("learning:courses"))
    with django_assert_max_num_queries(9):
        client.get(reverse("learning:my_courses"))


def test_the_course_page_shows_each_lessons_state_and_continues_at_the_first_unfinished(client, login_as):
    course = make_course(lessons=2, quizzes=2, published=True)
    first, second, quiz, untried = course.lessons.order_by("position")
    learner = login_as("gops.oksa")
    service.mark_read(learner, first)
    service.submit_quiz(learner, quiz, uuid.uuid4(), right_answers(quiz))
    service.submit_quiz(learner, untried, uuid.uuid4(), wrong_answers(untried))
    page = _text(client.get(_course_url("course", course)))
    assert "2 of 4 lessons" in page
    assert "quiz passed" in page and "quiz not passed yet" in page and "not started" in page
    assert f'class="button" href="{_lesson_url("lesson", second)}"' in page
    assert "Continue" in page
    assert reverse("learning:course_edit", args=[course.public_id]) not in page


def test_the_course_page_asks_the_same_number_of_queries_for_few_or_many_lessons(
    client, login_as, django_assert_max_num_queries
):
    course = make_course(lessons=1, quizzes=1, published=True)
    learner = login_as("gops.oksa")
    client.get(_course_url("course", course))
    with django_assert_max_num_queries(12):
        client.get(_course_url("course", course))
    for number in range(5):
        lesson = make_lesson(course, f"Więcej {number}", questions=2)
        service.submit_quiz(learner, lesson, uuid.uuid4(), right_answers(lesson))
    with django_assert_max_num_queries(12):
        client.get(_course_url("course", course))


def test_a_draft_is_not_found_for_learners_but_open_to_authors(client, login_as):
    draft = make_course(lessons=1)
    lesson = draft.lessons.get()
    image = service.add_attachment(author(), lesson, kind="image", title="S", alt_text="Opis", upload=png_upload())
    login_as("gops.mirzec")
    assert client.get(_course_url("course", draft)).status_code == 404
    assert client.get(_lesson_url("lesson", lesson)).status_code == 404
    assert client.get(reverse("learning:course_file", args=[image.public_id])).status_code == 404
    assert client.post(_lesson_url("lesson_read", lesson)).status_code == 404
    login_as("rops.kielce")
    assert client.get(_course_url("course", draft)).status_code == 200
    assert client.get(_lesson_url("lesson", lesson)).status_code == 200


def test_an_unknown_course_or_lesson_is_not_found(client, login_as):
    login_as("admin")
    unknown = uuid.uuid4()
    assert client.get(reverse("learning:course", args=[unknown])).status_code == 404
    assert client.get(reverse("learning:lesson", args=[unknown])).status_code == 404
    assert client.get(reverse("learning:course_file", args=[unknown])).status_code == 404


# --- Learners: a lesson --------------------------------------------------------------------------


def test_the_lesson_shows_escaped_paragraphs_images_with_alternatives_and_materials(client, login_as):
    course = make_course(lessons=1, published=True)
    lesson = make_lesson(course, "Lekcja z plikami", body="Akapit <b>pierwszy</b>.\n\nAkapit drugi.")
    image = service.add_attachment(
        author(), lesson, kind="image", title="Schemat", alt_text="Trzy prostokąty", upload=png_upload()
    )
    material = service.add_attachment(
        author(), lesson, kind="download", title="Broszura", alt_text="", upload=pdf_upload()
    )
    login_as("szkola.mirzec")
    page = _text(client.get(_lesson_url("lesson", lesson)))
    assert "<p>Akapit &lt;b&gt;pierwszy&lt;/b&gt;.</p>" in page and "<p>Akapit drugi.</p>" in page
    assert f'src="{reverse("learning:course_file", args=[image.public_id])}" alt="Trzy prostokąty"' in page
    assert reverse("learning:course_file", args=[material.public_id]) in page and "material.pdf" in page
    assert "Mark as read" in page
    assert "Lesson 2 of 2" in page
    download = client.get(reverse("learning:course_file", args=[material.public_id]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_the_lesson_page_asks_the_same_number_of_queries_for_few_or_many_questions_and_files(
    client, login_as, django_assert_max_num_queries
):
    course = make_course(quizzes=1, published=True)
    lesson = course.lessons.get()
    learner = login_as("gops.oksa")
    attempt = service.submit_quiz(learner, lesson, uuid.uuid4(), right_answers(lesson)).attempt
    url = f"{_lesson_url('lesson', lesson)}?attempt={attempt.public_id}"
    client.get(url)
    # 16: the passed attempt's result also asks whether it finished the course (one query).
    with django_assert_max_num_queries(16):
        client.get(url)
    for number in range(5):
        service.add_question(author(), lesson, text=f"Więcej {number}?", choices=[("Tak", True), ("Nie", False)])
        service.add_attachment(author(), lesson, kind="download", title=f"M{number}", alt_text="", upload=pdf_upload())
        make_lesson(course, f"Dalsza {number}")
    with django_assert_max_num_queries(16):
        client.get(url)


def test_marking_a_lesson_read_completes_it_and_leads_back_to_the_course(client, login_as):
    course = make_course(lessons=2, published=True)
    lesson = course.lessons.order_by("position")[0]
    learner = login_as("gops.oksa")
    response = client.post(_lesson_url("lesson_read", lesson))
    assert response.status_code == 302
    assert response["Location"].endswith(f"#lesson-{lesson.public_id}")
    assert LessonProgress.objects.get(user=learner, lesson=lesson).completed_at is not None
    assert client.get(_lesson_url("lesson_read", lesson)).status_code == 405


def test_a_lesson_with_a_quiz_is_not_just_marked_read(client, login_as):
    course = make_course(quizzes=1, published=True)
    lesson = course.lessons.get()
    learner = login_as("gops.oksa")
    response = client.post(_lesson_url("lesson_read", lesson))
    assert response.status_code == 400
    assert "answer it to complete the lesson" in _text(response)
    assert not LessonProgress.objects.filter(user=learner).exists()


def test_the_quiz_shows_radio_buttons_and_a_one_time_token(client, login_as):
    course = make_course(quizzes=1, published=True)
    lesson = course.lessons.get()
    login_as("gops.oksa")
    page = _text(client.get(_lesson_url("lesson", lesson)))
    assert page.count('type="radio"') == 4
    assert 'name="token"' in page
    assert "<legend" in page  # each question is a fieldset named by its question


def test_a_quiz_with_a_missing_answer_is_refused_and_nothing_is_saved(client, login_as):
    course = make_course(quizzes=1, published=True)
    lesson = course.lessons.get()
    learner = login_as("gops.oksa")
    answers = right_answers(lesson)
    first_question = next(iter(answers))
    del answers[first_question]
    token = str(uuid.uuid4())
    response = client.post(_lesson_url("lesson_quiz", lesson), quiz_post(lesson, answers, token))
    assert response.status_code == 400
    page = _text(response)
    assert "Your answers were not sent" in page and "Choose one answer." in page
    assert f'value="{token}"' in page  # the same form, to send again
    assert not QuizAttempt.objects.filter(user=learner).exists()
    assert not LessonProgress.objects.filter(user=learner).exists()


def test_a_quiz_without_its_token_or_with_a_foreign_answer_is_refused(client, login_as):
    course = make_course(quizzes=1, published=True)
    lesson = course.lessons.get()
    learner = login_as("gops.oksa")
    answers = {f"q{q}": str(c) for q, c in right_answers(lesson).items()}
    assert client.post(_lesson_url("lesson_quiz", lesson), answers).status_code == 400
    other = make_lesson(course, "Inna", questions=1)
    foreign = quiz_post(lesson, right_answers(lesson), str(uuid.uuid4()))
    foreign[next(k for k in foreign if k.startswith("q"))] = str(next(iter(right_answers(other).values())))
    assert client.post(_lesson_url("lesson_quiz", lesson), foreign).status_code == 400
    assert not QuizAttempt.objects.filter(user=learner).exists()


def test_the_quiz_result_shows_the_score_and_which_answers_were_right(client, login_as):
    course = make_course(quizzes=1, published=True)
    lesson = course.lessons.get()
    login_as("gops.oksa")
    answers = right_answers(lesson)
    wrong = wrong_answers(lesson)
    second = list(answers)[1]
    answers[second] = wrong[second]
    response = client.post(_lesson_url("lesson_quiz", lesson), quiz_post(lesson, answers, str(uuid.uuid4())))
    assert response.status_code == 302
    attempt = QuizAttempt.objects.get(lesson=lesson)
    assert response["Location"].endswith(f"?attempt={attempt.public_id}#result")
    page = _text(client.get(response["Location"]))
    assert "Your result: 50%" in page and "not passed" in page
    assert page.count(">right<") == 1 and page.count(">wrong<") == 1


def test_a_quiz_submitted_twice_records_one_attempt_and_shows_the_first_result(client, login_as):
    course = make_course(quizzes=1, published=True)
    lesson = course.lessons.get()
    learner = login_as("gops.oksa")
    token = str(uuid.uuid4())
    first = client.post(_lesson_url("lesson_quiz", lesson), quiz_post(lesson, wrong_answers(lesson), token))
    again = client.post(
        _lesson_url("lesson_quiz", lesson), quiz_post(lesson, right_answers(lesson), token), follow=True
    )
    assert QuizAttempt.objects.filter(user=learner, lesson=lesson).count() == 1
    assert again.redirect_chain[0][0] == first["Location"]
    page = _text(again)
    assert "already submitted from the same form" in page and "Your result: 0%" in page
    assert LessonProgress.objects.get(user=learner, lesson=lesson).completed_at is None


def test_another_learners_attempt_is_not_shown(client, login_as):
    course = make_course(quizzes=1, published=True)
    lesson = course.lessons.get()
    theirs = service.submit_quiz(user("gops.mirzec"), lesson, uuid.uuid4(), right_answers(lesson)).attempt
    login_as("gops.oksa")
    page = _text(client.get(f"{_lesson_url('lesson', lesson)}?attempt={theirs.public_id}"))
    assert "Your result" not in page


def test_passing_the_last_quiz_shows_the_certificate_on_the_course_page(client, login_as):
    course = make_course(quizzes=1, published=True)
    lesson = course.lessons.get()
    login_as("gops.oksa")
    client.post(_lesson_url("lesson_quiz", lesson), quiz_post(lesson, right_answers(lesson), str(uuid.uuid4())))
    page = _text(client.get(_course_url("course", course)))
    assert "You completed this course." in page and "KOOP-" in page
    assert "1 of 1 lesson" in page


def test_the_result_of_the_attempt_that_finishes_the_course_links_to_the_certificate(client, login_as):
    course = make_course(quizzes=2, published=True)
    first, last = course.lessons.order_by("position")
    login_as("gops.oksa")
    done_first = client.post(
        _lesson_url("lesson_quiz", first), quiz_post(first, right_answers(first), str(uuid.uuid4()))
    )
    assert "You completed the course" not in _text(client.get(done_first["Location"]))
    done_last = client.post(_lesson_url("lesson_quiz", last), quiz_post(last, right_answers(last), str(uuid.uuid4())))
    page = _text(client.get(done_last["Location"]))
    assert "You completed the course „Kurs testowy”." in page and "Certificate:" in page
    assert reverse("learning:my_certificates") in page and "KOOP-" in page
    # A later attempt, even passed, did not finish the course: it says nothing of it.
    again = client.post(_lesson_url("lesson_quiz", first), quiz_post(first, right_answers(first), str(uuid.uuid4())))
    assert "You completed the course" not in _text(client.get(again["Location"]))


def _answer_order(page: str, question: QuizQuestion) -> list[int]:
    marker = f'name="q{question.pk}" value="'
    return [int(part.split('"', 1)[0]) for part in page.split(marker)[1:]]


def test_the_answers_are_shuffled_per_form_and_keep_their_order_when_the_form_is_refused(client, login_as):
    course = make_course(lessons=1, published=True)
    lesson = make_lesson(course, "Quiz")
    for number in range(1, 5):
        service.add_question(
            author(), lesson, text=f"Pytanie {number}?", choices=[("A", True), ("B", False), ("C", False), ("D", False)]
        )
    questions = list(lesson.questions.order_by("position"))
    login_as("gops.oksa")
    orders: set[tuple[tuple[int, ...], ...]] = set()
    for _attempt in range(4):
        page = _text(client.get(_lesson_url("lesson", lesson)))
        orders.add(tuple(tuple(_answer_order(page, question)) for question in questions))
    assert len(orders) > 1  # not always the order the author typed them in
    first_is_right = [
        answers[0] == question.choices.get(is_correct=True).pk
        for form in orders
        for question, answers in zip(questions, form, strict=True)
    ]
    assert not all(first_is_right)
    token = str(uuid.uuid4())
    answers = right_answers(lesson)
    del answers[questions[0].pk]
    refused = _text(client.post(_lesson_url("lesson_quiz", lesson), quiz_post(lesson, answers, token)))
    again = _text(client.post(_lesson_url("lesson_quiz", lesson), quiz_post(lesson, answers, token)))
    assert [_answer_order(refused, q) for q in questions] == [_answer_order(again, q) for q in questions]
    rng_order = [choice.pk for choice in questions[0].choices.all()]
    random.Random(f"{token}:{questions[0].pk}").shuffle(rng_order)  # noqa: S311
    assert _answer_order(refused, questions[0]) == rng_order


# --- Authors -------------------------------------------------------------------------------------


def _course_post(**changes: str) -> dict[str, str]:
    return {"title": "Nowy kurs", "summary": "", "topic": "model", "minutes": "45", "pass_mark": "70", **changes}


def test_an_author_creates_a_course_as_a_draft_and_bad_input_changes_nothing(client, login_as):
    login_as("rops.kielce")
    before = Course.objects.count()
    response = client.post(reverse("learning:course_create"), _course_post(title="", pass_mark="120"))
    assert response.status_code == 400
    assert "Nothing was saved" in _text(response)
    assert Course.objects.count() == before
    response = client.post(reverse("learning:course_create"), _course_post())
    course = Course.objects.get(title="Nowy kurs")
    assert response.status_code == 302 and not course.is_published and course.pass_mark == 70


def test_learners_may_not_write(client, login_as):
    course = make_course(quizzes=1, published=True)
    lesson = course.lessons.get()
    login_as("gops.mirzec")
    assert client.get(reverse("learning:course_create")).status_code == 403
    assert client.get(_course_url("course_edit", course)).status_code == 403
    assert client.post(_course_url("course_publish", course), {"published": "0"}).status_code == 403
    assert client.get(_lesson_url("lesson_edit", lesson)).status_code == 403
    question = lesson.questions.all()[0]
    assert client.post(_lesson_url("lesson_question_remove", lesson), {"item": question.pk}).status_code == 403
    assert QuizQuestion.objects.filter(pk=question.pk).exists()
    course.refresh_from_db()
    assert course.is_published


def test_a_stale_course_edit_is_refused_with_the_conflict_box(client, login_as):
    course = make_course(lessons=1)
    login_as("rops.kielce")
    opened = course.version
    service.update_course(
        author(),
        course,
        opened,
        service.CourseData(title="Zmieniony", summary="", topic="model", minutes=30, pass_mark=60),
    )
    response = client.post(_course_url("course_edit", course), _course_post(title="Mój tytuł", version=str(opened)))
    assert response.status_code == 409
    page = _text(response)
    assert "Someone else saved this record" in page and "Zmieniony" in page and "Mój tytuł" in page
    course.refresh_from_db()
    assert course.title == "Zmieniony"


def test_a_stale_lesson_edit_is_refused_with_the_conflict_box(client, login_as):
    course = make_course(lessons=1)
    lesson = course.lessons.get()
    login_as("rops.kielce")
    opened = lesson.version
    service.update_lesson(author(), lesson, opened, service.LessonData(title="Cudza", body="Tekst"))
    response = client.post(
        _lesson_url("lesson_edit", lesson), {"title": "Moja", "body": "Mój tekst", "version": str(opened)}
    )
    assert response.status_code == 409
    assert "Someone else saved this record" in _text(response)
    lesson.refresh_from_db()
    assert lesson.title == "Cudza"


def test_publishing_without_lessons_is_refused_and_with_them_it_publishes(client, login_as):
    course = make_course()
    login_as("rops.kielce")
    response = client.post(_course_url("course_publish", course), {"published": "1"})
    assert response.status_code == 400 and "without lessons" in _text(response)
    assert client.post(_course_url("course_publish", course), {}).status_code == 400
    make_lesson(course)
    assert client.post(_course_url("course_publish", course), {"published": "1"}).status_code == 302
    course.refresh_from_db()
    assert course.is_published


def test_an_author_adds_a_lesson_then_files_and_questions(client, login_as):
    course = make_course()
    login_as("rops.kielce")
    assert client.post(_course_url("lesson_create", course), {"title": "", "body": ""}).status_code == 400
    assert not course.lessons.exists()
    response = client.post(_course_url("lesson_create", course), {"title": "Wstęp", "body": "Tekst."})
    lesson = course.lessons.get()
    assert response.status_code == 302 and lesson.position == 1
    url = _lesson_url("lesson_attachment_add", lesson)
    no_alt = client.post(url, {"kind": "image", "title": "Schemat", "alt_text": "", "file": png_upload()})
    assert no_alt.status_code == 400 and "Describe the image" in _text(no_alt)
    not_png = client.post(url, {"kind": "image", "title": "Schemat", "alt_text": "Opis", "file": pdf_upload()})
    assert not_png.status_code == 400 and "PNG or JPEG" in _text(not_png)
    assert not LessonAttachment.objects.filter(lesson=lesson).exists()
    ok = client.post(url, {"kind": "image", "title": "Schemat", "alt_text": "Opis", "file": png_upload()})
    assert ok.status_code == 302 and ok["Location"].endswith("#files")
    question_url = _lesson_url("lesson_question_add", lesson)
    none_right = client.post(question_url, {"text": "Pytanie?", "answer_1": "A", "answer_2": "B"})
    assert none_right.status_code == 400 and "Mark at least one answer as right." in _text(none_right)
    one_answer = client.post(question_url, {"text": "Pytanie?", "answer_1": "A", "right_1": "on"})
    assert one_answer.status_code == 400 and "from 2 to 6 answers" in _text(one_answer)
    assert not lesson.questions.exists()
    added = client.post(question_url, {"text": "Pytanie?", "answer_1": "A", "answer_3": "C", "right_3": "on"})
    assert added.status_code == 302
    question = lesson.questions.get()
    assert [(c.text, c.is_correct) for c in question.choices.all()] == [("A", False), ("C", True)]
    page = _text(client.get(_lesson_url("lesson_edit", lesson)))
    assert "Pytanie?" in page and "Schemat" in page


def test_an_author_removes_a_file_and_a_question_and_a_wrong_one_is_refused(client, login_as):
    course = make_course(quizzes=1)
    lesson = course.lessons.get()
    material = service.add_attachment(author(), lesson, kind="download", title="M", alt_text="", upload=pdf_upload())
    login_as("rops.kielce")
    assert client.post(_lesson_url("lesson_attachment_remove", lesson), {"item": "nie-uuid"}).status_code == 400
    assert client.post(_lesson_url("lesson_question_remove", lesson), {"item": "999999999"}).status_code == 400
    assert (
        client.post(_lesson_url("lesson_attachment_remove", lesson), {"item": str(material.public_id)}).status_code
        == 302
    )
    assert not LessonAttachment.objects.filter(pk=material.pk).exists()
    question = lesson.questions.all()[0]
    unconfirmed = client.post(_lesson_url("lesson_question_remove", lesson), {"item": str(question.pk)})
    assert unconfirmed.status_code == 400
    assert "Nothing was removed." in _text(unconfirmed) and "Yes, remove this question" in _text(unconfirmed)
    assert lesson.questions.count() == 2
    confirmed = client.post(_lesson_url("lesson_question_remove", lesson), {"item": str(question.pk), "confirm": "1"})
    assert confirmed.status_code == 302
    assert lesson.questions.count() == 1


def test_each_question_on_the_lesson_edit_page_has_its_own_labelled_confirmation(client, login_as):
    course = make_course(quizzes=1)
    lesson = course.lessons.get()
    login_as("rops.kielce")
    page = _text(client.get(_lesson_url("lesson_edit", lesson)))
    for question in lesson.questions.all():
        assert f'<input type="checkbox" name="confirm" value="1" id="confirm-question-{question.pk}">' in page
        assert f'<label for="confirm-question-{question.pk}">Yes, remove this question' in page
