"""Forms of the plan and basket pages. Choices come from the case (its institutions, their
workers, the instrument's domains), so a form never offers what the service would refuse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kooperacja.cases.models import Case
from kooperacja.institutions.models import Institution, Membership
from kooperacja.plans import services
from kooperacja.plans.models import AgreementMethod, CooperationPlan, Goal, GoalStatus

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: Any, *, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET, help_text=help_text)


def _text(label: Any, *, required: bool = False, rows: int = 3) -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}))


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    starts_on = _date(_("Starts on"))
    ends_on = _date(_("Planned end"), required=False)
    review_every_weeks = forms.IntegerField(label=_("Review every (weeks)"), min_value=1, max_value=52, initial=12)
    summary = _text(_("Summary"), rows=4)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, plan: CooperationPlan) -> dict[str, Any]:
        return {
            "title": plan.title,
            "starts_on": plan.starts_on,
            "ends_on": plan.ends_on,
            "review_every_weeks": plan.review_every_weeks,
            "summary": plan.summary,
            "version": plan.version,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The planned end cannot be before the start of the plan."))
        return data


class AgreementForm(forms.Form):
    agreed_on = _date(_("Agreed with the person on"))
    agreement_method = forms.ChoiceField(
        label=_("How the person agreed"), choices=AgreementMethod.choices, widget=forms.RadioSelect
    )
    agreement_note = _text(_("Agreement note"))
    version = forms.IntegerField(widget=forms.HiddenInput)


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CompleteForm(forms.Form):
    ended_on = _date(_("Completed on"))
    summary = _text(_("Summary"), rows=4)
    version = forms.IntegerField(widget=forms.HiddenInput)


class EndForm(forms.Form):
    ended_on = _date(_("Ended on"))
    reason = _text(_("Why it ended without completion"), required=True)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReviewForm(forms.Form):
    held_on = _date(_("Held on"))
    summary = _text(_("Conclusions"), required=True, rows=4)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ScheduleReviewForm(forms.Form):
    due_on = _date(_("Next review"))


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=300)
    indicator = forms.CharField(
        label=_("Indicator"), max_length=300, help_text=_("How you will know the goal is reached.")
    )
    baseline = forms.CharField(label=_("Baseline"), max_length=200, required=False)
    target = forms.CharField(label=_("Target"), max_length=200)
    due_on = _date(_("Due on"))
    domain_code = forms.ChoiceField(label=_("Diagnosis domain"), required=False)
    responsible_institution = forms.ModelChoiceField(
        label=_("Responsible institution"), queryset=Institution.objects.none(), to_field_name="public_id"
    )
    responsible_user = _UserChoice(
        label=_("Responsible person"),
        queryset=Membership.objects.none(),
        required=False,
        help_text=_("A worker of the responsible institution."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices, required=False)
    # Editing: the goal's version. Adding: the plan's (a second press of the form adds nothing).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, case: Case, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        institutions = services.responsible_institutions(case)
        self.fields["responsible_institution"].queryset = Institution.objects.filter(  # type: ignore[attr-defined]
            pk__in=[i.pk for i in institutions]
        ).order_by("name")
        self.fields["responsible_user"].queryset = (  # type: ignore[attr-defined]
            Membership.objects.active()
            .filter(institution__in=institutions, user__is_active=True)
            .select_related("user", "institution")
            .order_by("institution__name", "user__last_name", "user__first_name", "id")
        )
        self.fields["responsible_user"].label_from_instance = _membership_label  # type: ignore[attr-defined]
        self.fields["domain_code"].choices = [("", "—"), *domain_choices()]  # type: ignore[attr-defined]
        if not editing:
            del self.fields["status"]
            self.fields["version"].required = True

    @classmethod
    def initial_for(cls, goal: Goal) -> dict[str, Any]:
        membership = None
        if goal.responsible_user_id is not None:
            membership = (
                Membership.objects.active()
                .filter(user_id=goal.responsible_user_id, institution_id=goal.responsible_institution_id)
                .first()
            )
        return {
            "title": goal.title,
            "indicator": goal.indicator,
            "baseline": goal.baseline,
            "target": goal.target,
            "due_on": goal.due_on,
            "domain_code": goal.domain_code,
            "responsible_institution": goal.responsible_institution.public_id,
            "responsible_user": membership.pk if membership else None,
            "status": goal.status,
            "version": goal.version,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        membership = data.get("responsible_user")
        institution = data.get("responsible_institution")
        if membership is not None and institution is not None and membership.institution_id != institution.pk:
            self.add_error("responsible_user", _("This person does not work at the responsible institution."))
        return data

    def goal_data(self) -> services.GoalData:
        data = self.cleaned_data
        membership = data.get("responsible_user")
        return services.GoalData(
            title=data["title"],
            indicator=data["indicator"],
            baseline=data["baseline"],
            target=data["target"],
            due_on=data["due_on"],
            responsible_institution=data["responsible_institution"],
            responsible_user=membership.user if membership else None,
            domain_code=data["domain_code"],
        )


def _membership_label(membership: Membership) -> str:
    institution = membership.institution.short_name or membership.institution.name
    return f"{membership.user} — {institution}"


def domain_choices() -> list[tuple[str, str]]:
    """The domain codes of the current instrument, with their names."""
    from kooperacja.assessment.models import Instrument

    instrument = Instrument.objects.current().order_by("-id").first()
    if instrument is None:
        return []
    return [(domain.code, domain.name) for domain in instrument.domains.order_by("position", "id")]


def domain_names() -> dict[str, str]:
    return dict(domain_choices())


class ProgressForm(forms.Form):
    value = forms.CharField(label=_("Indicator value"), max_length=200)
    recorded_on = _date(_("On"))
    note = _text(_("Comment"))
    status = forms.ChoiceField(
        label=_("Status of the goal"), choices=[("", _("unchanged")), *GoalStatus.choices], required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)  # the goal's: the same form sent twice records once

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"recorded_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class BasketItemForm(forms.Form):
    """A basket item: a directory service (chosen on the matching page or the directory), or
    an action of an institution of the case."""

    service = forms.UUIDField(widget=forms.HiddenInput, required=False)
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_("Who delivers the action (when it is not a service of the directory)."),
    )
    action = forms.CharField(
        label=_("Action"),
        max_length=300,
        required=False,
        help_text=_("What the institution does, when it is not a service."),
    )
    goal = forms.ModelChoiceField(
        label=_("Goal"), queryset=Goal.objects.none(), to_field_name="public_id", required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)  # the plan's: the same form sent twice adds once

    def __init__(self, *args: Any, plan: CooperationPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = plan.goals.order_by("position", "id")  # type: ignore[attr-defined]
        # Any active institution serving the case's gmina may take an action on.
        case = plan.case
        serving = Q(pk=case.institution_id) | Q(municipality_id=case.municipality_id) | Q(serves=case.municipality_id)
        self.fields["institution"].queryset = (  # type: ignore[attr-defined]
            Institution.objects.filter(serving, is_active=True).distinct().order_by("name")
        )


class BasketStepForm(forms.Form):
    action = forms.ChoiceField(choices=[(name, name) for name in services.BASKET_STEPS])
    on = _date(_("On"))
    reason = _text(_("Why it was not delivered"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class BasketGoalForm(forms.Form):
    goal = forms.ModelChoiceField(
        label=_("Goal"), queryset=Goal.objects.none(), to_field_name="public_id", required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, plan: CooperationPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = plan.goals.order_by("position", "id")  # type: ignore[attr-defined]
