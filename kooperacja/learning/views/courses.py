"""E-learning pages: the courses and "my courses", a course with its lessons and the learner's
progress, a lesson with its text, images, materials and quiz; and for authors writing courses,
lessons, files and quiz questions, and publishing.

Every signed-in user learns; writing follows `learning.course_policies` (403 otherwise, 404 for
a draft to a learner)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kooperacja.core.forms.conflicts import differences, put_refusal, rebound
from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest, landing, serve_private_file
from kooperacja.learning import course_policies as policies
from kooperacja.learning import courses as service
from kooperacja.learning.course_policies import CourseAccess
from kooperacja.learning.forms.courses import (
    AttachmentForm,
    CourseForm,
    LessonForm,
    PublishForm,
    QuestionForm,
    QuestionRemoveForm,
    QuizForm,
    RemoveForm,
)
from kooperacja.learning.models import AttachmentKind, Course, Lesson, LessonProgress, QuizAttempt
from kooperacja.learning.views import form_page

# --- Lists ---------------------------------------------------------------------------------------


@require_safe
@login_required
def course_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    authors = policies.may_author(request.user)
    context = {"courses": service.for_list(request.user, drafts=authors), "may_author": authors, "mine": False}
    return render(request, "learning/courses/list.html", context)


@require_safe
@login_required
def my_courses(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = {"courses": service.mine(request.user), "may_author": False, "mine": True}
    return render(request, "learning/courses/list.html", context)


# --- A course ------------------------------------------------------------------------------------


def _course_data(form: CourseForm) -> service.CourseData:
    data = form.cleaned_data
    return service.CourseData(
        title=data["title"],
        summary=data["summary"],
        topic=data["topic"],
        minutes=data["minutes"],
        pass_mark=data["pass_mark"],
    )


@require_http_methods(GET_POST)
@login_required
def course_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policies.require_may_author(request.user)
    heading, back = _("New course"), reverse("learning:courses")
    if request.method != "POST":
        return form_page(request, CourseForm(), heading, back)
    form = CourseForm(request.POST)
    if form.is_valid():
        try:
            course = service.create_course(request.user, _course_data(form))
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The course was created as a draft. Add its lessons, then publish it."))
            return landing("learning:course", "main", public_id=course.public_id)
    return form_page(request, form, heading, back, status=400)


def _course_page(
    request: AuthenticatedHttpRequest,
    course: Course,
    access: CourseAccess,
    *,
    publish_form: PublishForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "course": course,
        "access": access,
        "data": service.overview(request.user, course),
        "publish_form": publish_form,
    }
    return render(request, "learning/courses/detail.html", context, status=status)


@require_safe
@login_required
def course_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    course, access = policies.get_course_for_user(request.user, public_id)
    return _course_page(request, course, access)


@require_http_methods(GET_POST)
@login_required
def course_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    course, access = policies.get_course_for_user(request.user, public_id)
    policies.require_authors(access)
    heading, back = _("Edit the course"), reverse("learning:course", args=[course.public_id])
    if request.method != "POST":
        return form_page(request, CourseForm(initial=CourseForm.initial_for(course)), heading, back)
    form = CourseForm(request.POST)
    if form.is_valid():
        try:
            service.update_course(request.user, course, form.cleaned_data["version"], _course_data(form))
        except service.StaleCourse:
            course.refresh_from_db()
            conflict = differences(form, CourseForm.initial_for(course))
            again = rebound(CourseForm, request.POST, course.version)
            return form_page(request, again, heading, back, status=409, conflict=conflict)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The changes were saved."))
            return landing("learning:course", "main", public_id=course.public_id)
    return form_page(request, form, heading, back, status=400)


@require_POST
@login_required
def course_publish(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    course, access = policies.get_course_for_user(request.user, public_id)
    policies.require_authors(access)
    form = PublishForm(request.POST)
    if form.is_valid():
        published = form.cleaned_data["published"]
        try:
            course = service.set_published(request.user, course, published)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            if published:
                messages.success(request, _("The course was published: every signed-in user can take it now."))
            else:
                messages.success(request, _("The course was taken back to a draft: learners no longer see it."))
            return landing("learning:course", "main", public_id=course.public_id)
    return _course_page(request, course, access, publish_form=form, status=400)


# --- Writing lessons -----------------------------------------------------------------------------


def _lesson_data(form: LessonForm) -> service.LessonData:
    data = form.cleaned_data
    return service.LessonData(title=data["title"], body=data["body"], position=data["position"])


@require_http_methods(GET_POST)
@login_required
def lesson_create(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    course, access = policies.get_course_for_user(request.user, public_id)
    policies.require_authors(access)
    heading, back = _("New lesson"), reverse("learning:course", args=[course.public_id])
    if request.method != "POST":
        return form_page(request, LessonForm(), heading, back)
    form = LessonForm(request.POST)
    if form.is_valid():
        try:
            lesson = service.add_lesson(request.user, course, _lesson_data(form))
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The lesson was added. Add its images, materials and quiz here."))
            return landing("learning:lesson_edit", "main", public_id=lesson.public_id)
    return form_page(request, form, heading, back, status=400)


def _lesson_edit_page(
    request: AuthenticatedHttpRequest,
    lesson: Lesson,
    *,
    status: int = 200,
    conflict: Any = None,
    **bound: forms.Form,
) -> HttpResponse:
    context = {
        "lesson": lesson,
        "course": lesson.course,
        "lesson_form": bound.get("lesson_form") or LessonForm(initial=LessonForm.initial_for(lesson)),
        "attachment_form": bound.get("attachment_form") or AttachmentForm(),
        "question_form": bound.get("question_form") or QuestionForm(),
        "remove_error": bound.get("remove_form"),
        "attachments": list(lesson.attachments.order_by("kind", "id")),
        "questions": list(lesson.questions.prefetch_related("choices").order_by("position", "id")),
        "conflict": conflict,
    }
    return render(request, "learning/courses/lesson_edit.html", context, status=status)


def _authored_lesson(request: AuthenticatedHttpRequest, public_id: UUID) -> Lesson:
    lesson, access = policies.get_lesson_for_user(request.user, public_id)
    policies.require_authors(access)
    return lesson


@require_http_methods(GET_POST)
@login_required
def lesson_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    lesson = _authored_lesson(request, public_id)
    if request.method != "POST":
        return _lesson_edit_page(request, lesson)
    form = LessonForm(request.POST)
    if form.is_valid():
        try:
            service.update_lesson(request.user, lesson, form.cleaned_data["version"], _lesson_data(form))
        except service.StaleLesson:
            lesson.refresh_from_db()
            conflict = differences(form, LessonForm.initial_for(lesson))
            again = rebound(LessonForm, request.POST, lesson.version)
            return _lesson_edit_page(request, lesson, lesson_form=again, conflict=conflict, status=409)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The changes were saved."))
            return landing("learning:lesson_edit", "main", public_id=lesson.public_id)
    return _lesson_edit_page(request, lesson, lesson_form=form, status=400)


@require_POST
@login_required
def attachment_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    lesson = _authored_lesson(request, public_id)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            service.add_attachment(
                request.user,
                lesson,
                kind=data["kind"],
                title=data["title"],
                alt_text=data["alt_text"],
                upload=data["file"],
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The file was added to the lesson."))
            return landing("learning:lesson_edit", "files", public_id=lesson.public_id)
    return _lesson_edit_page(request, lesson, attachment_form=form, status=400)


@require_POST
@login_required
def attachment_remove(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    lesson = _authored_lesson(request, public_id)
    form = RemoveForm(request.POST)
    attachment = None
    if form.is_valid():
        attachment = lesson.attachments.filter(public_id__in=_uuids(form.cleaned_data["item"])).first()
        if attachment is None:
            form.add_error("item", _("This file is not in the lesson any more."))
    if attachment is None:
        return _lesson_edit_page(request, lesson, remove_form=form, status=400)
    service.remove_attachment(request.user, attachment)
    messages.success(request, _("The file was removed from the lesson."))
    return landing("learning:lesson_edit", "files", public_id=lesson.public_id)


def _uuids(text: str) -> list[UUID]:
    try:
        return [UUID(text)]
    except ValueError:
        return []


@require_POST
@login_required
def question_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    lesson = _authored_lesson(request, public_id)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            service.add_question(request.user, lesson, text=form.cleaned_data["text"], choices=form.choices())
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The question was added to the quiz."))
            return landing("learning:lesson_edit", "quiz", public_id=lesson.public_id)
    return _lesson_edit_page(request, lesson, question_form=form, status=400)


@require_POST
@login_required
def question_remove(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    lesson = _authored_lesson(request, public_id)
    form = QuestionRemoveForm(request.POST)
    question = None
    if form.is_valid():
        item = form.cleaned_data["item"]
        question = lesson.questions.filter(pk=int(item)).first() if item.isdigit() else None
        if question is None:
            form.add_error("item", _("This question is not in the quiz any more."))
    if question is None:
        return _lesson_edit_page(request, lesson, remove_form=form, status=400)
    service.remove_question(request.user, question)
    messages.success(request, _("The question was removed from the quiz."))
    return landing("learning:lesson_edit", "quiz", public_id=lesson.public_id)


# --- Learning a lesson ---------------------------------------------------------------------------


def _lesson_page(
    request: AuthenticatedHttpRequest,
    lesson: Lesson,
    access: CourseAccess,
    *,
    quiz_form: QuizForm | None = None,
    attempt: QuizAttempt | None = None,
    status: int = 200,
) -> HttpResponse:
    course = lesson.course
    attachments = list(lesson.attachments.order_by("kind", "id"))
    questions = list(lesson.questions.prefetch_related("choices").order_by("position", "id"))
    progress = LessonProgress.objects.filter(user=request.user, lesson=lesson).first()
    siblings = list(course.lessons.order_by("position", "id").values_list("public_id", "title"))
    index = next(number for number, (public_id, _title) in enumerate(siblings) if public_id == lesson.public_id)
    if questions and quiz_form is None:
        quiz_form = QuizForm(initial={"token": service.new_quiz_token()}, questions=questions)
    context = {
        "lesson": lesson,
        "course": course,
        "access": access,
        "paragraphs": service.paragraphs(lesson.body),
        "images": [item for item in attachments if item.kind == AttachmentKind.IMAGE],
        "downloads": [item for item in attachments if item.kind == AttachmentKind.DOWNLOAD],
        "questions": questions,
        "progress": progress,
        "quiz_form": quiz_form,
        "attempt": attempt,
        "answers": service.answers_shown(attempt, questions) if attempt else [],
        "certificate": service.certificate_earned_by(attempt, lesson) if attempt else None,
        "number": index + 1,
        "total": len(siblings),
        "previous": siblings[index - 1] if index > 0 else None,
        "next": siblings[index + 1] if index + 1 < len(siblings) else None,
    }
    return render(request, "learning/courses/lesson.html", context, status=status)


@require_safe
@login_required
def lesson_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    lesson, access = policies.get_lesson_for_user(request.user, public_id)
    attempt = None
    shown = _uuids(request.GET.get("attempt", ""))
    if shown:
        # Only the learner's own attempt of this lesson; any other id shows the lesson alone.
        attempt = QuizAttempt.objects.filter(public_id=shown[0], user=request.user, lesson=lesson).first()
    return _lesson_page(request, lesson, access, attempt=attempt)


@require_POST
@login_required
def lesson_read(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    lesson, access = policies.get_lesson_for_user(request.user, public_id)
    try:
        service.mark_read(request.user, lesson)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return _lesson_page(request, lesson, access, status=400)
    messages.success(request, _("The lesson is marked as read."))
    return landing("learning:course", f"lesson-{lesson.public_id}", public_id=lesson.course.public_id)


@require_POST
@login_required
def lesson_quiz(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    lesson, access = policies.get_lesson_for_user(request.user, public_id)
    questions = list(lesson.questions.prefetch_related("choices").order_by("position", "id"))
    form = QuizForm(request.POST, questions=questions)
    if form.is_valid():
        try:
            result = service.submit_quiz(request.user, lesson, form.cleaned_data["token"], form.answers())
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            if not result.recorded:
                messages.warning(
                    request, _("This quiz was already submitted from the same form: here is its first result.")
                )
            url = reverse("learning:lesson", args=[lesson.public_id])
            return HttpResponseRedirect(f"{url}?attempt={result.attempt.public_id}#result")
    return _lesson_page(request, lesson, access, quiz_form=form, status=400)


@require_safe
@login_required
def attachment_file(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponseBase:
    attachment, _access = policies.get_attachment_for_user(request.user, public_id)
    return serve_private_file(attachment.file, filename=attachment.filename, content_type=attachment.content_type)


urls: list[URLPattern] = [
    path("courses/", course_list, name="courses"),
    path("courses/mine/", my_courses, name="my_courses"),
    path("courses/new/", course_create, name="course_create"),
    path("courses/<uuid:public_id>/", course_detail, name="course"),
    path("courses/<uuid:public_id>/edit/", course_edit, name="course_edit"),
    path("courses/<uuid:public_id>/publication/", course_publish, name="course_publish"),
    path("courses/<uuid:public_id>/lessons/new/", lesson_create, name="lesson_create"),
    path("courses/lessons/<uuid:public_id>/", lesson_detail, name="lesson"),
    path("courses/lessons/<uuid:public_id>/edit/", lesson_edit, name="lesson_edit"),
    path("courses/lessons/<uuid:public_id>/read/", lesson_read, name="lesson_read"),
    path("courses/lessons/<uuid:public_id>/quiz/", lesson_quiz, name="lesson_quiz"),
    path("courses/lessons/<uuid:public_id>/files/", attachment_add, name="lesson_attachment_add"),
    path("courses/lessons/<uuid:public_id>/files/remove/", attachment_remove, name="lesson_attachment_remove"),
    path("courses/lessons/<uuid:public_id>/questions/", question_add, name="lesson_question_add"),
    path("courses/lessons/<uuid:public_id>/questions/remove/", question_remove, name="lesson_question_remove"),
    path("courses/files/<uuid:public_id>/", attachment_file, name="course_file"),
]
