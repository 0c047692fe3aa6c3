"""Forms of tasks. The choices come from the team (its current member institutions, their
people, its decisions), so a form offers only what `teams.tasks` would accept."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kooperacja.institutions.models import Institution, Membership
from kooperacja.teams.models import Decision, Task, TaskStatus, Team, TeamMember
from kooperacja.teams.tasks import COMMENT_MAX_LENGTH

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class DecisionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        day = timezone.localtime(obj.meeting.starts_at)
        return f"{day:%d.%m.%Y} {obj.meeting.listed_title} — {obj.number}. {obj.text[:80]}"


def example_due_date(today: dt.date) -> dt.date:
    """A date for the hint of the due date field that is never in the past: the last day of
    next month."""
    first_of_next = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return (first_of_next + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def member_institutions(team: Team) -> Any:
    ids = TeamMember.objects.current().filter(team=team).values("institution_id")
    return Institution.objects.filter(pk__in=ids).order_by("name")


def institution_people(team: Team) -> Any:
    staff = Membership.objects.active().filter(institution__in=member_institutions(team)).values("user_id")
    return get_user_model().objects.filter(pk__in=staff, is_active=True).order_by("last_name", "first_name")


class TaskForm(forms.Form):
    title = forms.CharField(label=_("What is to be done"), max_length=300)
    description = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    owner_institution = forms.ModelChoiceField(
        label=_("Responsible institution"),
        queryset=Institution.objects.none(),
        empty_label=_("— choose the institution —"),
        error_messages={"required": _("Choose the institution responsible for the task.")},
    )
    owner_user = PersonChoice(
        label=_("Responsible person"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("— nobody named: the whole institution —"),
        help_text=_("A person of the responsible institution; leave empty when the institution decides who."),
    )
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DATE_WIDGET)
    decision = DecisionChoice(
        label=_("From the decision"),
        queryset=Decision.objects.none(),
        required=False,
        empty_label=_("— not from a decision —"),
        to_field_name="public_id",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, team: Team, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_institution"].queryset = member_institutions(team)  # type: ignore[attr-defined]
        self.fields["owner_user"].queryset = institution_people(team)  # type: ignore[attr-defined]
        example = example_due_date(timezone.localdate())
        self.fields["due_on"].help_text = gettext("Today or later, for example %(date)s.") % {
            "date": example.strftime("%d.%m.%Y")
        }
        if editing:
            del self.fields["decision"]
        else:
            self.fields["decision"].queryset = (  # type: ignore[attr-defined]
                Decision.objects.filter(meeting__team=team).select_related("meeting").order_by("-meeting__starts_at")
            )

    @classmethod
    def initial_for(cls, task: Task) -> dict[str, Any]:
        return {
            "title": task.title,
            "description": task.description,
            "owner_institution": task.owner_institution_id,
            "owner_user": task.owner_user_id,
            "due_on": task.due_on,
            "version": task.version,
        }

    def task_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in ("title", "description", "owner_institution", "owner_user", "due_on")}


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=pgettext_lazy("task", "Status"), choices=TaskStatus.choices)
    version = forms.IntegerField(widget=forms.HiddenInput)


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the comment first.")},
    )


class TaskFilterForm(forms.Form):
    """The filters of a team's tasks (GET): status, overdue only, responsible institution."""

    status = forms.ChoiceField(
        label=pgettext_lazy("task", "Status"),
        required=False,
        choices=[("", _("Not finished")), ("all", pgettext_lazy("tasks", "All")), *TaskStatus.choices],
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)
    owner = forms.ModelChoiceField(
        label=_("Responsible institution"),
        queryset=Institution.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label=_("Every institution"),
    )

    def __init__(self, *args: Any, team: Team | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if team is None:  # "my tasks": the user's own institutions only
            del self.fields["owner"]
            return
        owners = Task.objects.filter(team=team).values("owner_institution_id")
        members = TeamMember.objects.filter(team=team).values("institution_id")
        self.fields["owner"].queryset = Institution.objects.filter(  # type: ignore[attr-defined]
            Q(pk__in=owners) | Q(pk__in=members)
        ).order_by("name")
