"""Who reads and who writes e-learning courses.

- Every signed-in user learns: reads the published courses, their lessons and materials, marks
  lessons read and answers quizzes (a course holds no personal data).
- Authors are platform administrators and regional analysts (the ROPS/MCPS that run the
  education of the model): they create and edit courses, lessons, files and quiz questions,
  see drafts and publish or unpublish.

A draft course (and its lessons and files) is "not found" (404) for anyone but authors; an
author's action asked by a learner on a published course is "forbidden" (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kooperacja.core.policies import has_role
from kooperacja.core.roles import Role
from kooperacja.learning.models import Course, Lesson, LessonAttachment


@dataclass(frozen=True)
class CourseAccess:
    """What the user may do with a course they read."""

    authors: bool


def may_author(user: Any) -> bool:
    """Administrators and regional analysts write courses."""
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, Role.ADMIN, Role.REGIONAL_ANALYST)


def _readable(user: Any, course: Course) -> CourseAccess:
    authors = may_author(user)
    if not course.is_published and not authors:
        raise Http404
    return CourseAccess(authors=authors)


def require_authors(access: CourseAccess) -> None:
    if not access.authors:
        raise PermissionDenied


def require_may_author(user: Any) -> None:
    if not may_author(user):
        raise PermissionDenied


def get_course_for_user(user: Any, public_id: UUID | str) -> tuple[Course, CourseAccess]:
    """(course, access); 404 for an unknown course, or a draft to a learner."""
    try:
        course = Course.objects.get(public_id=public_id)
    except (Course.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    return course, _readable(user, course)


def get_lesson_for_user(user: Any, public_id: UUID | str) -> tuple[Lesson, CourseAccess]:
    try:
        lesson = Lesson.objects.select_related("course").get(public_id=public_id)
    except (Lesson.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    return lesson, _readable(user, lesson.course)


def get_attachment_for_user(user: Any, public_id: UUID | str) -> tuple[LessonAttachment, CourseAccess]:
    try:
        attachment = LessonAttachment.objects.select_related("lesson__course").get(public_id=public_id)
    except (LessonAttachment.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None
    return attachment, _readable(user, attachment.lesson.course)
