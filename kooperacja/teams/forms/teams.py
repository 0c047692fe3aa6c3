"""Forms of teams, their members and documents. Choices come from the team (institutions that
may join it, their staff), so a form rarely offers what the service would refuse; the service
still checks everything."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kooperacja.institutions.models import Institution
from kooperacja.teams import services
from kooperacja.teams.models import Team, TeamRole
from kooperacja.territory.models import Municipality

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def date_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET, help_text=help_text)


class _GminaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code}, {_('powiat')} {obj.county.name})"


class TeamCreateForm(forms.Form):
    municipality = _GminaChoice(label=_("Gmina"), queryset=Municipality.objects.none(), to_field_name="code")
    name = forms.CharField(label=_("Name of the team"), max_length=200, initial="G-PZK ")
    purpose = forms.CharField(
        label=_("Purpose"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the team wants to achieve together, in a sentence or two."),
    )
    founded_on = date_field(_("Founded on"), required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        gminas = services.creatable_gminas(actor)
        self.fields["municipality"].queryset = gminas  # type: ignore[attr-defined]
        if len(gminas) == 1:
            self.fields["municipality"].initial = gminas[0].code


class TeamEditForm(forms.Form):
    name = forms.CharField(label=_("Name of the team"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    founded_on = date_field(_("Founded on"), required=False)
    is_active = forms.BooleanField(
        label=_("The team is working"), required=False, help_text=_("Clear this when the team has ended its work.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, team: Team) -> dict[str, Any]:
        return {
            "name": team.name,
            "purpose": team.purpose,
            "founded_on": team.founded_on,
            "is_active": team.is_active,
            "version": team.version,
        }


class _InstitutionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


class MemberAddForm(forms.Form):
    institution = _InstitutionChoice(
        label=_("Institution"), queryset=Institution.objects.none(), to_field_name="public_id"
    )
    user = _PersonChoice(
        label=_("Representative"),
        queryset=get_user_model().objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_("A worker of the institution. Leave empty when the institution has not named anyone yet."),
    )
    role = forms.ChoiceField(label=_("Team role"), choices=TeamRole.choices, initial=TeamRole.MEMBER)
    joined_on = date_field(_("Joined on"), required=False, help_text=_("Today when left empty."))

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        institutions = services.candidate_institutions(team).order_by("name")
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        self.fields["user"].queryset = (  # type: ignore[attr-defined]
            get_user_model()
            .objects.filter(
                memberships__institution__in=institutions, memberships__revoked_at__isnull=True, is_active=True
            )
            .distinct()
            .order_by("last_name", "first_name")
        )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Team role"), choices=TeamRole.choices)


class MemberLeaveForm(forms.Form):
    left_on = date_field(_("Left on"), required=False, help_text=_("Today when left empty."))


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG, PNG, DOCX or ODT."))
