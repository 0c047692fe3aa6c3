"""Forms of the case pages: the list's filters, opening and editing a case, its team, handover
and notes. Choices come from the policies, so a form never offers what the user may not pick."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kooperacja.cases import services
from kooperacja.cases.models import (
    Case,
    CaseKind,
    CaseStatus,
    ClosingReason,
    Household,
    Person,
    SupportReason,
)
from kooperacja.cases.policies import visible_households, visible_persons
from kooperacja.institutions.models import Institution, Membership

BLANK = [("", _("any"))]


class CaseFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name or PESEL"),
        required=False,
        max_length=100,
        help_text=_("The beginning of a first or last name, a household's or group's name, or a full PESEL."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=BLANK + list(CaseStatus.choices), required=False)
    reason = forms.ChoiceField(
        label=_("Reason for support"), choices=BLANK + list(SupportReason.choices), required=False
    )
    mine = forms.BooleanField(label=_("Only cases I work on"), required=False)


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        born = obj.birth_date.strftime("%d.%m.%Y") if obj.birth_date else ""
        return f"{obj.last_name} {obj.first_name}" + (f" ({born})" if born else "")


class OpenCaseForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.none(), to_field_name="public_id"
    )
    kind = forms.ChoiceField(label=_("The case is about"), choices=CaseKind.choices, widget=forms.RadioSelect)
    person = _PersonChoice(label=_("Person"), queryset=Person.objects.none(), to_field_name="public_id", required=False)
    household = forms.ModelChoiceField(
        label=_("Family or household"), queryset=Household.objects.none(), to_field_name="public_id", required=False
    )
    group_name = forms.CharField(label=_("Community group"), max_length=200, required=False)
    reasons = forms.MultipleChoiceField(
        label=_("Reasons for support"), choices=SupportReason.choices, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(label=_("Situation in brief"), widget=forms.Textarea(attrs={"rows": 5}), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        institutions = services.opening_institutions(user)
        field: Any = self.fields["institution"]
        field.queryset = Institution.objects.filter(pk__in=[i.pk for i in institutions]).order_by("name")
        self.only_institution = institutions[0] if len(institutions) == 1 else None
        if self.only_institution is not None:
            field.initial = self.only_institution.public_id
            field.widget = forms.HiddenInput()
            field.required = False
        person: Any = self.fields["person"]
        person.queryset = visible_persons(user).order_by("last_name", "first_name", "id")
        household: Any = self.fields["household"]
        household.queryset = visible_households(user).order_by("name", "id")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("institution") and self.only_institution is not None and "institution" not in self.errors:
            data["institution"] = self.only_institution
        kind = data.get("kind")
        needed = {CaseKind.PERSON: "person", CaseKind.HOUSEHOLD: "household", CaseKind.GROUP: "group_name"}
        if kind in needed and not data.get(needed[kind]):
            self.add_error(needed[kind], _("Say whom the case is about."))
        return data


class CaseEditForm(forms.Form):
    summary = forms.CharField(label=_("Situation in brief"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    reasons = forms.MultipleChoiceField(
        label=_("Reasons for support"), choices=SupportReason.choices, widget=forms.CheckboxSelectMultiple
    )
    status = forms.ChoiceField(label=_("Status"), choices=CaseStatus.choices)
    closing_reason = forms.ChoiceField(
        label=_("Reason for closing"),
        choices=[("", "—"), *ClosingReason.choices],
        required=False,
        help_text=_("Required when the case is closed."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, case: Case) -> dict[str, Any]:
        return {
            "summary": case.summary,
            "reasons": list(case.reasons.values_list("reason", flat=True)),
            "status": case.status,
            "closing_reason": case.closing_reason,
            "version": case.version,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == CaseStatus.CLOSED and not data.get("closing_reason"):
            self.add_error("closing_reason", _("Choose the reason for closing the case."))
        return data


class _MembershipChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        institution = obj.institution.short_name or obj.institution.name
        return f"{obj.user} — {institution} ({obj.get_role_display()})"


def team_candidates(case: Case) -> Any:
    """Workers of the owning institution and of the institutions serving the case's gmina who
    are not in the team now."""
    in_team = case.team.current().values("user_id")
    return (
        Membership.objects.filter(
            revoked_at__isnull=True, role__in=services.TEAM_ROLES, institution__is_active=True, user__is_active=True
        )
        .filter(
            Q(institution_id=case.institution_id)
            | Q(institution__municipality_id=case.municipality_id)
            | Q(institution__serves=case.municipality_id)
        )
        .exclude(user_id__in=in_team)
        .select_related("user", "institution")
        .distinct()
        .order_by("institution__name", "user__last_name", "user__first_name")
    )


class TeamAddForm(forms.Form):
    member = _MembershipChoice(
        label=_("Worker"),
        queryset=Membership.objects.none(),
        to_field_name="public_id",
        help_text=_("A worker of a partner institution joins only with consent for identity and contact."),
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["member"]
        field.queryset = team_candidates(case)


class TeamRemoveForm(forms.Form):
    member = forms.UUIDField(widget=forms.HiddenInput)


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class ReassignForm(forms.Form):
    lead_worker = _UserChoice(
        label=_("New lead worker"), queryset=Institution.objects.none(), to_field_name="public_id"
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["lead_worker"]
        field.queryset = services.reassign_candidates(case).exclude(pk=case.lead_worker_id)


class TransferForm(forms.Form):
    to_institution = forms.ModelChoiceField(
        label=_("Receiving institution"), queryset=Institution.objects.none(), to_field_name="public_id"
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["to_institution"]
        field.queryset = services.transfer_targets(case)


class TransferAnswerForm(forms.Form):
    note = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10000)
    shareable = forms.BooleanField(
        label=_("Shareable"),
        required=False,
        help_text=_("Partners of the case with consent for notes will read it; otherwise only your institution."),
    )
