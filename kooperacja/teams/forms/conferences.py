"""Forms of case conferences: bringing a case to a conference and its part of the minutes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kooperacja.cases.models import Case, CaseTeamMember
from kooperacja.core.policies import institution_ids_with_role
from kooperacja.core.roles import Role
from kooperacja.teams.models import Meeting

# Roles that edit the cases they work on (cases.policies.case_access): only they bring a case.
CASE_EDITOR_ROLES = (Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT)


def may_bring_cases(user: Any) -> bool:
    """Whether the user could edit any case at all (and so be offered the form)."""
    return bool(institution_ids_with_role(user, *CASE_EDITOR_ROLES))


def cases_to_bring(user: Any, meeting: Meeting) -> Any:
    """Open cases of the team's gmina the user works on (lead worker or in the case team) in
    an institution where they edit cases, not yet on the conference's agenda."""
    institutions = institution_ids_with_role(user, *CASE_EDITOR_ROLES)
    in_team = CaseTeamMember.objects.current().filter(user=user).values("case_id")
    return (
        Case.objects.open()
        .filter(municipality_id=meeting.team.municipality_id, institution_id__in=institutions)
        .filter(Q(lead_worker=user) | Q(pk__in=in_team))
        .exclude(pk__in=meeting.case_links.values("case_id"))
        .select_related("person", "household")
        .order_by("opened_on", "id")
    )


class CaseChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.opened_on:%d.%m.%Y})"


class AddCaseForm(forms.Form):
    case = CaseChoice(
        label=_("Case to discuss"),
        queryset=Case.objects.none(),
        to_field_name="public_id",
        empty_label=_("— choose a case —"),
        error_messages={
            "required": _("Choose the case to discuss."),
            "invalid_choice": _("Choose one of the cases you work on in this gmina."),
        },
    )

    def __init__(self, *args: Any, user: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["case"].queryset = cases_to_bring(user, meeting)  # type: ignore[attr-defined]


class CaseMinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes about this case"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "What was agreed about the case. It appears on the case's timeline for those who may "
            "see the plan; leave it empty to remove it."
        ),
    )
    # The digest of the minutes the editor opened (`conferences.minutes_digest`): without it a
    # save could overwrite what someone else saved meanwhile.
    seen = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": _("The form is incomplete: open this page again and repeat the change.")},
    )
