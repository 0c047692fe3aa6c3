"""Forms of e-learning: a course, a lesson, a file of a lesson, a quiz question with its answers,
publishing, removing, and the learner's quiz. The service checks everything again and says
what is wrong."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kooperacja.learning.courses import MAX_CHOICES
from kooperacja.learning.models import AttachmentKind, Course, Lesson, QuizQuestion, Topic


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary of the course"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the learner will know after the course, in two or three sentences."),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    minutes = forms.IntegerField(label=_("Estimated time (minutes)"), min_value=1, max_value=10000, initial=30)
    pass_mark = forms.IntegerField(
        label=_("Quiz pass mark (%)"),
        min_value=1,
        max_value=100,
        initial=60,
        help_text=_("The share of a quiz's questions answered right that passes the lesson."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, course: Course) -> dict[str, Any]:
        return {
            "title": course.title,
            "summary": course.summary,
            "topic": course.topic,
            "minutes": course.minutes,
            "pass_mark": course.pass_mark,
            "version": course.version,
        }


class LessonForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    position = forms.IntegerField(
        label=_("Order"),
        min_value=1,
        max_value=999,
        required=False,
        help_text=_("The lesson's place in the course; empty puts a new lesson last."),
    )
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Plain text: a blank line starts a new paragraph."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, lesson: Lesson) -> dict[str, Any]:
        return {"title": lesson.title, "position": lesson.position, "body": lesson.body, "version": lesson.version}


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=AttachmentKind.choices, widget=forms.RadioSelect, initial=AttachmentKind.DOWNLOAD
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    alt_text = forms.CharField(
        label=_("Text alternative"),
        max_length=500,
        required=False,
        help_text=_("Required for an image: what it shows, for those who cannot see it."),
    )
    file = forms.FileField(
        label=_("File"), help_text=_("An image: PNG or JPEG. A material: PDF, DOCX, ODT, PNG or JPEG.")
    )


class QuestionForm(forms.Form):
    """A question with up to six answer rows: the answer's text and whether it is right."""

    text = forms.CharField(label=_("Question"), max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_CHOICES + 1):
            self.fields[f"answer_{number}"] = forms.CharField(
                label=_("Answer %(number)s") % {"number": number}, max_length=300, required=False
            )
            self.fields[f"right_{number}"] = forms.BooleanField(
                label=_("Answer %(number)s is right") % {"number": number}, required=False
            )

    def choices(self) -> list[tuple[str, bool]]:
        data = self.cleaned_data
        return [(data[f"answer_{n}"], bool(data[f"right_{n}"])) for n in range(1, MAX_CHOICES + 1)]


class PublishForm(forms.Form):
    published = forms.TypedChoiceField(
        label=_("Published"),
        choices=[("1", _("published")), ("0", _("draft"))],
        coerce=lambda value: value == "1",
    )


class RemoveForm(forms.Form):
    """Which question (its number) or file (its public id) of the lesson to remove."""

    item = forms.CharField(max_length=64)


class QuestionRemoveForm(RemoveForm):
    """Removing a quiz question takes the author's confirmation, ticked next to the button."""

    confirm = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("confirm"):
            raise forms.ValidationError(
                _("Tick „Yes, remove this question” next to the button to remove the question."), code="unconfirmed"
            )
        return cleaned


class QuizForm(forms.Form):
    """The lesson's quiz: one required choice per question (radio buttons), and the one-time
    token that makes a second submission of the same form count once."""

    token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("The form is incomplete: open the lesson again and answer the quiz."),
            "invalid": _("The form is incomplete: open the lesson again and answer the quiz."),
        },
    )

    def __init__(self, *args: Any, questions: Sequence[QuizQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The answers in an order shuffled per form: the same form (its token) shown again after
        # a refusal keeps its order, a new form has another one, so "always the first" never passes.
        token = self.data.get("token", "") if self.is_bound else self.initial.get("token", "")
        for number, question in enumerate(questions, start=1):
            choices = [(choice.pk, choice.text) for choice in question.choices.all()]
            random.Random(f"{token}:{question.pk}").shuffle(choices)  # noqa: S311 - an order, not a secret
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=f"{number}. {question.text}",
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose one answer."),
                    "invalid_choice": _("Choose one of the answers given."),
                },
            )

    def answers(self) -> dict[int, int]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items() if name.startswith("q") and value}
