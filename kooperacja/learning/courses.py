"""Self-paced e-learning courses: authors write courses of ordered lessons with images,
materials to download and short quizzes, and publish them; learners read the lessons, answer
the quizzes and, when every lesson is complete, get the completion certificate at once.

The caller has checked the actor's right (`course_policies`); a refusal is a `ValidationError`
with a Polish message and saves nothing; stale versions raise `StaleCourse` / `StaleLesson`.

A lesson is complete for a learner when it was read (a lesson without a quiz) or its quiz was
passed (at least the course's pass mark). Progress is always counted against the lessons the
course has now: a lesson added later makes the course incomplete again for those who have not
done it, while a certificate already issued stays.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.cases.consent import JPEG, PNG, check_upload
from kooperacja.core import audit, versioning
from kooperacja.core.models import AuditAction
from kooperacja.core.notifications import notify
from kooperacja.learning import certificates
from kooperacja.learning.models import (
    AttachmentKind,
    Certificate,
    Course,
    Lesson,
    LessonAttachment,
    LessonProgress,
    QuizAttempt,
    QuizChoice,
    QuizQuestion,
)

NOTIFICATION_KIND = "learning_course_completed"
MIN_CHOICES, MAX_CHOICES = 2, 6
MIN_HOURS = Decimal("0.5")


class StaleCourse(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else saved this course while you were editing it.")


class StaleLesson(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else saved this lesson while you were editing it.")


def _audit(action: str, actor: Any, course: Course, obj: Any, **details: Any) -> None:
    audit.record(
        action,
        actor=actor,
        obj=obj,
        details={"course": str(course.public_id), **{key: str(value) for key, value in details.items()}},
    )


# --- Courses -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseData:
    title: str
    summary: str
    topic: str
    minutes: int
    pass_mark: int


def _checked_course(data: CourseData) -> CourseData:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = [_("Give the course a title.")]
    if data.minutes < 1:
        errors["minutes"] = [_("The estimated time must be at least one minute.")]
    if not 1 <= data.pass_mark <= 100:
        errors["pass_mark"] = [_("The pass mark is a share between 1 and 100%.")]
    if errors:
        raise ValidationError(errors)
    return data


def create_course(actor: Any, data: CourseData) -> Course:
    """Start a course as a draft; learners see it once it is published."""
    data = _checked_course(data)
    with transaction.atomic():
        course = Course.objects.create(
            title=data.title.strip()[:300],
            summary=data.summary.strip(),
            topic=data.topic,
            minutes=data.minutes,
            pass_mark=data.pass_mark,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        _audit(AuditAction.CREATE, actor, course, course)
    return course


def update_course(actor: Any, course: Course, version: int | None, data: CourseData) -> Course:
    """Change the course's description, time or pass mark (attempts already made keep their result)."""
    data = _checked_course(data)
    with transaction.atomic():
        current = Course.objects.select_for_update().get(pk=course.pk)
        versioning.check_version(current, version, StaleCourse)
        current.title = data.title.strip()[:300]
        current.summary = data.summary.strip()
        current.topic = data.topic
        current.minutes = data.minutes
        current.pass_mark = data.pass_mark
        current.save(update_fields=["title", "summary", "topic", "minutes", "pass_mark", *versioning.bump(current)])
        _audit(AuditAction.UPDATE, actor, current, current)
    return current


def set_published(actor: Any, course: Course, published: bool) -> Course:
    """Publish a course (refused while it has no lessons, or a quiz question lacks a right
    answer or has fewer than two answers) or take it back to a draft."""
    with transaction.atomic():
        current = Course.objects.select_for_update().get(pk=course.pk)
        if published:
            if not current.lessons.exists():
                raise ValidationError(_("A course without lessons cannot be published: add a lesson first."))
            questions = QuizQuestion.objects.filter(lesson__course=current).annotate(
                right=Count("choices", filter=Q(choices__is_correct=True)), answers=Count("choices")
            )
            broken = questions.filter(Q(right=0) | Q(answers__lt=MIN_CHOICES)).select_related("lesson").first()
            if broken is not None:
                raise ValidationError(
                    _(
                        "The question „%(question)s” in the lesson „%(lesson)s” needs at least two answers, "
                        "one of them right."
                    )
                    % {"question": broken.text, "lesson": broken.lesson.title}
                )
        if current.is_published != published:
            current.is_published = published
            current.save(update_fields=["is_published", *versioning.bump(current)])
            _audit(AuditAction.UPDATE, actor, current, current, published=published)
    return current


# --- Lessons -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonData:
    title: str
    body: str
    position: int | None = None


def _checked_lesson(data: LessonData) -> LessonData:
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors["title"] = [_("Give the lesson a title.")]
    if not data.body.strip():
        errors["body"] = [_("Write the text of the lesson.")]
    if data.position is not None and data.position < 1:
        errors["position"] = [_("The order is a whole number from 1.")]
    if errors:
        raise ValidationError(errors)
    return data


def add_lesson(actor: Any, course: Course, data: LessonData) -> Lesson:
    """Add a lesson, by default after the last one. Learners who finished the course before
    now have one more lesson to do; their certificate stays."""
    data = _checked_lesson(data)
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        position = data.position or (locked.lessons.aggregate(last=Max("position"))["last"] or 0) + 1
        lesson = Lesson.objects.create(
            course=locked, position=position, title=data.title.strip()[:300], body=data.body.strip()
        )
        _audit(AuditAction.CREATE, actor, locked, lesson)
    return lesson


def update_lesson(actor: Any, lesson: Lesson, version: int | None, data: LessonData) -> Lesson:
    data = _checked_lesson(data)
    with transaction.atomic():
        current = Lesson.objects.select_for_update().select_related("course").get(pk=lesson.pk)
        versioning.check_version(current, version, StaleLesson)
        current.title = data.title.strip()[:300]
        current.body = data.body.strip()
        current.position = data.position or current.position
        current.save(update_fields=["title", "body", "position", *versioning.bump(current)])
        _audit(AuditAction.UPDATE, actor, current.course, current)
    return current


def paragraphs(body: str) -> list[str]:
    """The lesson's text as paragraphs: a blank line starts a new one (the template escapes them)."""
    return [part.strip() for part in re.split(r"\n[ \t]*\r?\n", body.replace("\r\n", "\n")) if part.strip()]


# --- Attachments ---------------------------------------------------------------------------------


def add_attachment(
    actor: Any, lesson: Lesson, *, kind: str, title: str, alt_text: str, upload: UploadedFile | None
) -> LessonAttachment:
    """Attach an image shown in the lesson (PNG or JPEG by its content, with a text alternative)
    or a material to download (any type the platform accepts for documents, within its size limit)."""
    errors: dict[str, list[str]] = {}
    if kind not in AttachmentKind.values:
        errors["kind"] = [_("Choose whether the file is an image or a material to download.")]
    if not title.strip():
        errors["title"] = [_("Give the file a title.")]
    if kind == AttachmentKind.IMAGE and not alt_text.strip():
        errors["alt_text"] = [_("Describe the image for those who cannot see it.")]
    if upload is None:
        errors["file"] = [_("Choose a file.")]
    if errors or upload is None:
        raise ValidationError(errors)
    checked = check_upload(upload)
    if kind == AttachmentKind.IMAGE and checked.content_type not in (PNG, JPEG):
        raise ValidationError({"file": [_("An image in a lesson must be a PNG or JPEG file.")]})
    with transaction.atomic():
        attachment = LessonAttachment(
            lesson=lesson,
            kind=kind,
            title=title.strip()[:300],
            alt_text=alt_text.strip()[:500] if kind == AttachmentKind.IMAGE else "",
            filename=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
        )
        attachment.file.save(checked.original_name, checked.file, save=False)
        try:
            attachment.save()
            _audit(AuditAction.CREATE, actor, lesson.course, attachment, kind=kind)
        except BaseException:
            attachment.file.storage.delete(str(attachment.file.name))
            raise
    return attachment


def remove_attachment(actor: Any, attachment: LessonAttachment) -> None:
    name = str(attachment.file.name)
    storage = attachment.file.storage
    course = attachment.lesson.course
    with transaction.atomic():
        _audit(AuditAction.DELETE, actor, course, attachment)
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(name))


# --- Quiz questions ------------------------------------------------------------------------------


def add_question(actor: Any, lesson: Lesson, *, text: str, choices: Sequence[tuple[str, bool]]) -> QuizQuestion:
    """Add a question with 2–6 answers (empty rows are left out), at least one of them right;
    the learner chooses one."""
    answers = [(answer.strip()[:300], right) for answer, right in choices if answer.strip()]
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = [_("Write the question.")]
    if not MIN_CHOICES <= len(answers) <= MAX_CHOICES:
        errors["__all__"] = [_("A question has from 2 to 6 answers.")]
    elif not any(right for _answer, right in answers):
        errors["__all__"] = [_("Mark at least one answer as right.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        last = lesson.questions.aggregate(last=Max("position"))["last"] or 0
        question = QuizQuestion.objects.create(lesson=lesson, position=last + 1, text=text.strip()[:500])
        QuizChoice.objects.bulk_create(
            QuizChoice(question=question, text=answer, is_correct=right) for answer, right in answers
        )
        _audit(AuditAction.CREATE, actor, lesson.course, question, lesson=lesson.public_id)
    return question


def remove_question(actor: Any, question: QuizQuestion) -> None:
    """Remove a question; attempts already made keep their result."""
    lesson = question.lesson
    with transaction.atomic():
        _audit(AuditAction.DELETE, actor, lesson.course, question, lesson=lesson.public_id)
        question.delete()


# --- Learning ------------------------------------------------------------------------------------


def new_quiz_token() -> uuid.UUID:
    """The one-time token a quiz form carries, so that the same submission counts once."""
    return uuid.uuid4()


def _progress(user: Any, lesson: Lesson) -> LessonProgress:
    progress, _created = LessonProgress.objects.select_for_update().get_or_create(user=user, lesson=lesson)
    return progress


def mark_read(user: Any, lesson: Lesson) -> LessonProgress:
    """A lesson without a quiz is complete once the learner marks it read."""
    if lesson.questions.exists():
        raise ValidationError(_("This lesson ends with a quiz: answer it to complete the lesson."))
    now = timezone.now()
    with transaction.atomic():
        progress = _progress(user, lesson)
        if progress.completed_at is None:
            progress.read_at = progress.read_at or now
            progress.completed_at = now
            progress.save(update_fields=["read_at", "completed_at"])
    complete_course_if_done(user, lesson.course)
    return progress


@dataclass(frozen=True)
class QuizResult:
    attempt: QuizAttempt
    recorded: bool  # False when the same form had been submitted before


def _score(right: int, total: int) -> int:
    return int((Decimal(100 * right) / Decimal(total)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def submit_quiz(user: Any, lesson: Lesson, token: uuid.UUID, answers: Mapping[int, int]) -> QuizResult:
    """Record one submitted quiz (`answers`: question id -> chosen answer id) and keep the
    learner's best result. Every question must have one of its own answers; otherwise nothing
    is saved. The same form (`token`) submitted again records nothing new and returns the
    first attempt, also when both arrive at the same moment (the unique token decides)."""
    earlier = QuizAttempt.objects.filter(user=user, token=token).first()
    if earlier is not None and earlier.lesson_id != lesson.pk:
        # A form of one lesson sent to another: not the same quiz submitted twice.
        raise ValidationError(_("This quiz form belongs to another lesson. Open the lesson again and answer."))
    if earlier is not None:
        return QuizResult(earlier, recorded=False)
    questions = list(lesson.questions.prefetch_related("choices"))
    if not questions:
        raise ValidationError(_("This lesson has no quiz."))
    errors: dict[str, list[str]] = {}
    right = 0
    chosen: dict[str, int] = {}
    for question in questions:
        choice_id = answers.get(question.pk)
        choice = next((choice for choice in question.choices.all() if choice.pk == choice_id), None)
        if choice is None:
            errors[f"q{question.pk}"] = [_("Choose one answer.")]
            continue
        chosen[str(question.pk)] = choice.pk
        right += choice.is_correct
    if errors:
        raise ValidationError(errors)
    score = _score(right, len(questions))
    passed = score >= lesson.course.pass_mark
    now = timezone.now()
    try:
        with transaction.atomic():
            attempt = QuizAttempt.objects.create(
                user=user, lesson=lesson, token=token, answers=chosen, score=score, passed=passed, submitted_at=now
            )
            progress = _progress(user, lesson)
            progress.read_at = progress.read_at or now
            progress.best_score = max(progress.best_score or 0, score)
            if passed and progress.completed_at is None:
                progress.completed_at = now
            progress.save(update_fields=["read_at", "best_score", "completed_at"])
    except IntegrityError:
        # The same form arrived twice at once: the other request recorded it.
        return QuizResult(QuizAttempt.objects.get(user=user, token=token), recorded=False)
    if passed:
        complete_course_if_done(user, lesson.course)
    return QuizResult(attempt, recorded=True)


def course_hours(course: Course) -> Decimal:
    """The certificate's hours: the course's estimated time, at least half an hour."""
    hours = (Decimal(course.minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return max(hours, MIN_HOURS)


def issuer_name() -> str:
    # Printed on the certificate in the platform's own language, whoever's language issued it.
    with translation.override(settings.LANGUAGE_CODE):
        return _("Kooperacja platform")


def _certificates_url(course: Course) -> str:
    try:
        return reverse("learning:my_certificates")
    except NoReverseMatch:
        return reverse("learning:course", args=[course.public_id])


def complete_course_if_done(user: Any, course: Course, *, email: bool = True) -> Certificate | None:
    """When every lesson the course has now is complete for the learner, issue the completion
    certificate (once) and tell the learner (`email=False`: in the app only, as the demo does).
    Returns the certificate, or None while lessons are left."""
    lessons = course.lessons.count()
    done = LessonProgress.objects.filter(user=user, lesson__course=course, completed_at__isnull=False).count()
    if lessons == 0 or done < lessons:
        return None
    known = Certificate.objects.filter(user=user, course=course).first()
    if known is not None:
        return known
    certificate = certificates.issue(user, course=course, hours=course_hours(course), issued_by=issuer_name())
    title = _("You completed the course „%(title)s”: your certificate is ready.") % {"title": course.title}
    if len(title) > 200:
        title = _("You completed a course: your certificate is ready.")
    notify(user, kind=NOTIFICATION_KIND, title=title, url=_certificates_url(course), email=email)
    return certificate


def certificate_earned_by(attempt: QuizAttempt, lesson: Lesson) -> Certificate | None:
    """The course certificate when this attempt (of `lesson`) finished the course: it passed and
    completed the lesson, no lesson was completed after it, and the certificate is there. None
    for any other attempt. One query."""
    if not attempt.passed:
        return None
    progress = LessonProgress.objects.filter(user=attempt.user_id)
    completed_by_it = progress.filter(lesson=lesson, completed_at=attempt.submitted_at)
    completed_later = progress.filter(lesson__course=lesson.course_id, completed_at__gt=attempt.submitted_at)
    return (
        Certificate.objects.filter(user=attempt.user_id, course=lesson.course_id)
        .filter(Exists(completed_by_it))
        .exclude(Exists(completed_later))
        .first()
    )


# --- What the pages show -------------------------------------------------------------------------


def for_list(user: Any, *, drafts: bool = False) -> QuerySet[Course]:
    """Courses with their lesson count, the learner's completed lessons and certificate, in one
    query. Drafts only for authors."""
    lessons = Lesson.objects.filter(course=OuterRef("pk")).order_by().values("course").annotate(n=Count("pk"))
    done = (
        LessonProgress.objects.filter(lesson__course=OuterRef("pk"), user=user, completed_at__isnull=False)
        .order_by()
        .values("lesson__course")
        .annotate(n=Count("pk"))
    )
    started = LessonProgress.objects.filter(lesson__course=OuterRef("pk"), user=user)
    certified = Certificate.objects.filter(course=OuterRef("pk"), user=user)
    number = IntegerField()
    courses = Course.objects.annotate(
        lesson_count=Coalesce(Subquery(lessons.values("n"), output_field=number), Value(0)),
        done_count=Coalesce(Subquery(done.values("n"), output_field=number), Value(0)),
        started=Exists(started),
        certified=Exists(certified),
    )
    if not drafts:
        courses = courses.filter(is_published=True)
    return courses.order_by("title", "id")


def mine(user: Any) -> QuerySet[Course]:
    """The published courses the learner has started or finished."""
    return for_list(user).filter(Q(started=True) | Q(certified=True))


@dataclass(frozen=True)
class LessonRow:
    lesson: Lesson
    questions: int
    progress: LessonProgress | None

    @property
    def state(self) -> str:
        """done (read), passed (quiz passed), tried (quiz not yet passed) or new."""
        if self.progress is None:
            return "new"
        if self.progress.completed_at is not None:
            return "passed" if self.questions else "done"
        return "tried" if self.progress.best_score is not None else "new"

    @property
    def complete(self) -> bool:
        return self.progress is not None and self.progress.completed_at is not None


@dataclass(frozen=True)
class CourseOverview:
    course: Course
    rows: list[LessonRow]
    certificate: Certificate | None

    @property
    def done(self) -> int:
        return sum(row.complete for row in self.rows)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def next_lesson(self) -> Lesson | None:
        """The first lesson not yet complete (where "Continue" leads)."""
        return next((row.lesson for row in self.rows if not row.complete), None)


def overview(user: Any, course: Course) -> CourseOverview:
    """The course page: its lessons in order with the learner's state of each, in three queries."""
    lessons = (
        course.lessons.annotate(question_count=Count("questions"))
        .prefetch_related(Prefetch("progress", queryset=LessonProgress.objects.filter(user=user), to_attr="mine"))
        .order_by("position", "id")
    )
    rows = [LessonRow(lesson, lesson.question_count, lesson.mine[0] if lesson.mine else None) for lesson in lessons]
    certificate = Certificate.objects.filter(user=user, course=course).first()
    return CourseOverview(course, rows, certificate)


@dataclass(frozen=True)
class AnswerShown:
    question: QuizQuestion
    chosen: QuizChoice | None
    right: bool


def answers_shown(attempt: QuizAttempt, questions: Sequence[QuizQuestion]) -> list[AnswerShown]:
    """Each question of the lesson with the answer chosen in the attempt and whether it was right
    (`questions` with their choices prefetched). A question added after the attempt shows no answer."""
    shown = []
    for question in questions:
        chosen_id = attempt.answers.get(str(question.pk))
        chosen = next((choice for choice in question.choices.all() if choice.pk == chosen_id), None)
        shown.append(AnswerShown(question, chosen, bool(chosen and chosen.is_correct)))
    return shown
