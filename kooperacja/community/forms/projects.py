"""Forms of social projects. Choices come from what the user may act for (carrying
institutions, the gmina's teams, cases they work on); the services still check everything."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kooperacja.cases.models import Case, CaseTeamMember
from kooperacja.community.forms.programme import MoneyField
from kooperacja.community.models import (
    BudgetCategory,
    BudgetLine,
    IndicatorKind,
    Programme,
    ProjectIndicator,
    ProjectStatus,
    SocialProject,
)
from kooperacja.core.policies import institution_ids_with_role
from kooperacja.core.roles import Role
from kooperacja.institutions.models import Institution
from kooperacja.plans.models import Need
from kooperacja.teams.models import Team
from kooperacja.territory.models import Municipality

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Roles that edit the cases they work on (cases.policies.case_access): only they link cases.
CASE_EDITOR_ROLES = (Role.SOCIAL_WORKER, Role.FAMILY_ASSISTANT)


def date_field(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Enter the date as DD.MM.RRRR.")},
    )


def money_field(label: Any, **kwargs: Any) -> forms.DecimalField:
    # Typed as people do: „1 250,50”, „1250.50” or „1 250 zł” (the programme's MoneyField).
    return MoneyField(
        label=label,
        max_digits=12,
        error_messages={"invalid": _("Enter an amount in złoty, e.g. 1250,50.")},
        **kwargs,
    )


def count_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        initial=0,
        min_value=0,
        error_messages={
            "min_value": _("A number of participants cannot be negative."),
            "invalid": _("Enter a whole number."),
        },
    )


class _NamedChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class _GminaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    goal = forms.CharField(label=_("Goal"), widget=forms.Textarea(attrs={"rows": 3}))
    target_group = forms.CharField(label=_("Target group"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    team = _NamedChoice(label=_("Cooperation team"), queryset=Team.objects.none(), required=False)
    programme = _NamedChoice(label=_("Programme"), queryset=Programme.objects.all(), required=False)
    needs = forms.ModelMultipleChoiceField(
        label=_("Needs answered"),
        queryset=Need.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = date_field(_("Starts on"))
    ends_on = date_field(_("Ends on"))
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices, initial=ProjectStatus.PLANNED)
    allow_overspending = forms.BooleanField(
        label=_("An expense may exceed its budget line, with a reason"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, municipality: Municipality | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams: QuerySet[Team] = Team.objects.none()
        if municipality is not None:
            teams = Team.objects.filter(municipality=municipality).order_by("name")
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, project: SocialProject) -> dict[str, Any]:
        return {
            "title": project.title,
            "goal": project.goal,
            "target_group": project.target_group,
            "team": project.team_id,
            "programme": project.programme_id,
            "needs": list(project.needs.values_list("pk", flat=True)),
            "starts_on": project.starts_on,
            "ends_on": project.ends_on,
            "status": project.status,
            "allow_overspending": project.allow_overspending,
            "version": project.version,
        }


class ProjectCreateForm(ProjectForm):
    """A new project: which institution carries it and in which gmina, then the rest."""

    institution = _NamedChoice(label=_("Carried out by"), queryset=Institution.objects.none())
    municipality = _GminaChoice(label=_("Gmina"), queryset=Municipality.objects.none(), to_field_name="code")

    field_order = ["institution", "municipality"]

    def __init__(self, *args: Any, institutions: list[Institution], gminas: QuerySet[Municipality], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = Institution.objects.filter(  # type: ignore[attr-defined]
            pk__in=[i.pk for i in institutions]
        ).order_by("name")
        self.fields["municipality"].queryset = gminas  # type: ignore[attr-defined]
        self.fields["team"].queryset = Team.objects.filter(municipality__in=gminas).order_by("name")  # type: ignore[attr-defined]
        del self.fields["version"]


class BudgetLineForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=BudgetCategory.choices)
    name = forms.CharField(label=_("Name (optional)"), max_length=200, required=False)
    planned = money_field(_("Planned (zł)"))


class _LineChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class ExpenseForm(forms.Form):
    line = _LineChoice(
        label=_("Budget line"),
        queryset=BudgetLine.objects.none(),
        empty_label=_("— choose a line —"),
        error_messages={"required": _("Choose the budget line the expense belongs to.")},
    )
    spent_on = date_field(_("Date"))
    amount = money_field(_("Amount (zł)"))
    description = forms.CharField(label=_("What for"), max_length=300)
    over_budget_reason = forms.CharField(
        label=_("Why over the budget line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the expense exceeds its line and the project allows it."),
    )
    document = forms.FileField(
        label=_("Document (invoice, bill)"),
        required=False,
        help_text=_("PDF, JPEG, PNG, DOCX or ODT."),
    )

    def __init__(self, *args: Any, project: SocialProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = project.budget_lines.order_by("category", "id")  # type: ignore[attr-defined]
        if not project.allow_overspending:
            del self.fields["over_budget_reason"]


def cases_to_link(user: Any, project: SocialProject) -> QuerySet[Case]:
    """Open cases of the project's gmina the user works on (lead worker or in the case team)
    in an institution where they edit cases."""
    institutions = institution_ids_with_role(user, *CASE_EDITOR_ROLES)
    in_team = CaseTeamMember.objects.current().filter(user=user).values("case_id")
    return (
        Case.objects.open()
        .filter(municipality_id=project.municipality_id, institution_id__in=institutions)
        .filter(Q(lead_worker=user) | Q(pk__in=in_team))
        .order_by("opened_on", "id")
    )


class _CaseChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.opened_on:%d.%m.%Y})"


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Activity"), max_length=300)
    starts_on = date_field(_("From"))
    ends_on = date_field(_("Until"), required=False)
    adults = count_field(_("Adults"))
    children = count_field(_("Children"))
    seniors = count_field(_("People 65+"))
    disabled = count_field(_("People with disabilities"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    cases = _CaseChoice(
        label=_("Cases taking part (optional)"),
        queryset=Case.objects.none(),
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose among the cases you work on in this gmina.")},
    )

    def __init__(self, *args: Any, user: Any, project: SocialProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cases = cases_to_link(user, project)
        self.fields["cases"].queryset = cases  # type: ignore[attr-defined]
        if not institution_ids_with_role(user, *CASE_EDITOR_ROLES):
            del self.fields["cases"]


class IndicatorForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IndicatorKind.choices)
    name = forms.CharField(label=_("Indicator"), max_length=300)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    target = money_field(_("Target"), min_value=Decimal(0))
    achieved = money_field(_("Achieved"), min_value=Decimal(0), initial=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("target", "achieved"):
            self.fields[name].error_messages["min_value"] = _("The value cannot be negative.")


class AchievedForm(forms.Form):
    indicator = forms.ModelChoiceField(queryset=ProjectIndicator.objects.none())
    achieved = money_field(_("Achieved"), min_value=Decimal(0))

    def __init__(self, *args: Any, project: SocialProject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = project.indicators.all()  # type: ignore[attr-defined]
        self.fields["achieved"].error_messages["min_value"] = _("The value cannot be negative.")
