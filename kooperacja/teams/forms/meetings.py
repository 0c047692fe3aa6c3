"""Forms of the meeting pages. Choices come from the team (its current members, the people
whose attendance may be recorded), so a form never offers what the service would refuse."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kooperacja.teams.meetings import AttendanceRow, Attendee
from kooperacja.teams.models import Attendance, InvitationResponse, Meeting, MeetingKind, TeamMember

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _when(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of meeting"), choices=MeetingKind.choices, initial=MeetingKind.TEAM_MEETING)
    title = forms.CharField(label=_("Title"), max_length=200)
    starts_at = _when(_("Starts"))
    ends_at = _when(_("Ends"))
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One item a line. The agenda of a case conference is not sent by e-mail."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, meeting: Meeting) -> dict[str, Any]:
        return {
            "kind": meeting.kind,
            "title": meeting.title,
            "starts_at": timezone.localtime(meeting.starts_at).replace(tzinfo=None),
            "ends_at": timezone.localtime(meeting.ends_at).replace(tzinfo=None),
            "place": meeting.place,
            "agenda": meeting.agenda,
            "version": meeting.version,
        }

    def meeting_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("kind", "title", "starts_at", "ends_at", "place", "agenda")}


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class _MemberChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user} ({obj.institution})" if obj.user_id else str(obj.institution)


class InviteForm(forms.Form):
    members = _MemberChoice(
        label=_("Members to invite"),
        queryset=TeamMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one member to invite.")},
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        invited = Attendance.objects.filter(meeting=meeting, invited_at__isnull=False)
        invited_people = set(invited.exclude(user=None).values_list("user_id", flat=True))
        invited_institutions = set(invited.filter(user=None).values_list("institution_id", flat=True))
        current = TeamMember.objects.current().filter(team_id=meeting.team_id).select_related("user", "institution")
        not_yet = [
            m.pk
            for m in current
            if (m.user_id not in invited_people if m.user_id else m.institution_id not in invited_institutions)
        ]
        field = cast(forms.ModelMultipleChoiceField, self.fields["members"])
        field.queryset = current.filter(pk__in=not_yet).order_by("institution__name", "id")


class RespondForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(InvitationResponse.ACCEPTED, _("I will come")), (InvitationResponse.DECLINED, _("I will not come"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you will come.")},
    )


_ATTENDED_VALUES: dict[bool | None, str] = {True: "yes", False: "no"}
ATTENDED_CHOICES = [("", _("not recorded")), ("yes", _("yes")), ("no", _("no"))]
HOURS_RANGE = _("Give the number of hours from 0 to 24, for example 1.5.")
HOURS_MESSAGES = {
    "invalid": HOURS_RANGE,
    "min_value": HOURS_RANGE,
    "max_value": HOURS_RANGE,
    "max_digits": HOURS_RANGE,
    "max_whole_digits": HOURS_RANGE,
    "max_decimal_places": _("Give the hours to one decimal place, for example 1.5."),
}
HOURS_WITHOUT_ATTENDANCE = _("Hours are given only for someone who attended: clear the hours or choose “yes”.")


class AttendanceForm(forms.Form):
    """One line per person (or institution) who may be recorded: attended yes/no and hours,
    with the version of the meeting the form was opened on."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, meeting: Meeting, people: list[Attendee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = people
        self.fields["version"].initial = meeting.version
        saved = {self._saved_key(row): row for row in meeting.attendances.all()}
        for person in people:
            row = saved.get(person.key)
            label = f"{person.user} ({person.institution})" if person.user else str(person.institution)
            self.fields[f"attended_{person.key}"] = forms.ChoiceField(
                label=_("Attended: %(who)s") % {"who": label},
                choices=ATTENDED_CHOICES,
                required=False,
                error_messages={"invalid_choice": _("Choose yes, no or not recorded.")},
                initial=_ATTENDED_VALUES.get(row.attended if row else None, ""),
            )
            self.fields[f"hours_{person.key}"] = forms.DecimalField(
                label=_("Hours given: %(who)s") % {"who": label},
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(24),
                max_digits=4,
                decimal_places=1,
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 4}),
                initial=self._saved_hours(meeting, row),
                error_messages=HOURS_MESSAGES,
            )

    def clean(self) -> dict[str, Any]:
        """Hours belong to someone who came: given with "no" or "not recorded" they would be
        dropped without a word, so the line is refused and nothing is saved."""
        data = super().clean() or {}
        for person in self.people:
            attended, hours = f"attended_{person.key}", data.get(f"hours_{person.key}")
            if hours is not None and attended in data and data[attended] != "yes":
                self.add_error(f"hours_{person.key}", HOURS_WITHOUT_ATTENDANCE)
        return data

    @staticmethod
    def _saved_hours(meeting: Meeting, row: Attendance | None) -> Decimal | None:
        """Hours as the form shows them: empty when they are the meeting's length, as when they
        were given by leaving the field empty."""
        if row is None or row.hours is None or row.hours == Decimal(str(meeting.hours)):
            return None
        return row.hours

    @staticmethod
    def _saved_key(row: Attendance) -> str:
        return f"u{row.user_id}" if row.user_id else f"i{row.institution_id}"

    def saved_values(self) -> dict[str, Any]:
        """The values the form starts from (what is saved now), for the conflict box."""
        return {name: field.initial for name, field in self.fields.items() if name != "version"}

    def lines(self) -> list[tuple[Attendee, forms.BoundField, forms.BoundField]]:
        return [(p, self[f"attended_{p.key}"], self[f"hours_{p.key}"]) for p in self.people]

    def attendance_rows(self) -> list[AttendanceRow]:
        data = self.cleaned_data
        rows = []
        for person in self.people:
            attended = {"yes": True, "no": False}.get(data.get(f"attended_{person.key}") or "")
            rows.append(AttendanceRow(person.institution, person.user, attended, data.get(f"hours_{person.key}")))
        return rows


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        widget=forms.Textarea(attrs={"rows": 16}),
        error_messages={"required": _("Write the minutes before saving.")},
        help_text=_("Saving the minutes marks the meeting as held. Decisions are added one by one below the minutes."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class DecisionForm(forms.Form):
    text = forms.CharField(
        label=_("Decision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the decision before saving.")},
    )


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title of the attachment"), max_length=200)
    file = forms.FileField(label=_("File"))
