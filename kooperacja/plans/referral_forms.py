"""Forms of the referral pages: choosing whom to refer to, the referral itself (what to share,
why), the actions on a referral and a message of its thread.

The rules live in `plans.referrals` (every refusal is a `ValidationError` the views put on
these forms); the forms only offer what the user may pick and say early what would be refused:
a category the consent does not cover is shown, but disabled, with "no consent" beside it.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kooperacja.cases.consent import consent_categories
from kooperacja.cases.models import Case, Consent, ConsentCategory, Person
from kooperacja.cases.policies import consented_categories
from kooperacja.directory.models import Service
from kooperacja.institutions.models import Institution
from kooperacja.plans.models import BasketItem, Referral, ReferralOutcome

IDENTITY = str(ConsentCategory.IDENTITY)


# --- Whom to refer to --------------------------------------------------------------------------


def recipients(case: Case) -> Any:
    """Institutions a referral of the case may go to: the active ones of the case's gmina and
    powiat, and those serving the gmina, except the institution that owns the case."""
    municipality = case.municipality
    return (
        Institution.objects.filter(is_active=True)
        .filter(Q(municipality=municipality) | Q(county_id=municipality.county_id) | Q(serves=municipality))
        .exclude(pk=case.institution_id)
        .distinct()
        .order_by("name", "id")
    )


def directory_services(case: Case) -> Any:
    """Services of the directory a referral may name: the listed ones of those institutions."""
    return (
        Service.objects.listed()
        .filter(institution__in=recipients(case))
        .select_related("institution")
        .order_by("institution__name", "name", "id")
    )


class _ServiceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} — {obj.institution.short_name or obj.institution.name}"


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        born = f" ({obj.birth_date:%d.%m.%Y})" if obj.birth_date else ""
        return f"{obj.first_name} {obj.last_name}{born}"


class TargetForm(forms.Form):
    """The first step: the institution (or a service of the directory, which fixes its
    institution) and the person of the case. Sent by GET; the second step needs both to know
    what the consent lets the worker share."""

    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Institution.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_("Institutions of the case's gmina and powiat."),
        error_messages={
            "invalid_choice": _("Choose an active institution of the case's gmina or powiat, other than your own.")
        },
    )
    service = _ServiceChoice(
        label=_("Or a service of the directory"),
        queryset=Service.objects.none(),
        to_field_name="public_id",
        required=False,
        help_text=_("A service fixes its institution."),
        error_messages={"invalid_choice": _("This service is not offered now: choose another one.")},
    )
    person = _PersonChoice(label=_("Person"), queryset=Person.objects.none(), to_field_name="public_id", required=False)
    item = forms.ModelChoiceField(
        queryset=BasketItem.objects.none(), to_field_name="public_id", required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, case: Case, persons: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = recipients(case)
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = directory_services(case)
        cast(forms.ModelChoiceField, self.fields["person"]).queryset = Person.objects.filter(
            pk__in=[person.pk for person in persons]
        ).order_by("last_name", "first_name", "id")
        cast(forms.ModelChoiceField, self.fields["item"]).queryset = BasketItem.objects.filter(case=case)
        self.needs_person = bool(persons)
        # A case of one person: nobody else to choose.
        self.only_person = persons[0] if len(persons) == 1 else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        item: BasketItem | None = data.get("item")
        if item is not None:
            data["service"] = data.get("service") or item.service
            data["institution"] = data.get("institution") or item.institution
        service: Service | None = data.get("service")
        if service is not None:
            data["institution"] = service.institution
        if not data.get("institution") and "institution" not in self.errors:
            self.add_error("institution", _("Choose the institution or a service of the directory."))
        if not data.get("person") and self.only_person is not None and "person" not in self.errors:
            data["person"] = self.only_person
        if self.needs_person and not data.get("person") and "person" not in self.errors:
            self.add_error("person", _("Choose the person the referral is for."))
        return data


# --- The referral ------------------------------------------------------------------------------


class CategoryCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes whose options outside `enabled` are disabled: the worker sees every category
    and, beside those the consent does not cover, why they cannot be ticked."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enabled: set[str] = set()

    def create_option(
        self,
        name: str,
        value: Any,
        label: int | str,
        selected: bool,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) not in self.enabled:
            option["attrs"]["disabled"] = True
            option["label"] = _("%(category)s — no consent") % {"category": label}
        return option


def covered_categories(case: Case, institution: Institution, person: Person | None) -> set[str]:
    """What consent in force lets the institution see: of the person, or, for a referral of the
    whole case, what every person of the case consented to."""
    persons = [person] if person is not None else case.persons()
    if not persons:
        return set()
    found = consented_categories(persons, institution)
    return set.intersection(*(set(categories) for categories in found.values()))


def persons_without_identity(case: Case, institution: Institution, person: Person | None) -> list[Person]:
    """The persons of the referral whose consent in force does not let the institution see their
    identity: a referral cannot go there before the consent is recorded."""
    persons = [person] if person is not None else case.persons()
    found = consented_categories(persons, institution)
    return [p for p in persons if IDENTITY not in found[p.pk]]


def forward_targets(referral: Referral) -> Any:
    """Where a referral may be forwarded: the case's recipients other than the institution it
    went to and the sending institution."""
    return recipients(referral.case).exclude(pk__in=[referral.to_institution_id, referral.from_institution_id])


def consenting_institutions(referral: Referral, institutions: list[Institution]) -> set[int]:
    """Of the institutions, those which the consent in force of every person of the referral
    lets see every category the referral shares (what a forward would share). One query."""
    persons = [referral.person] if referral.person is not None else referral.case.persons()
    wanted = set(referral.shared_categories or [IDENTITY])
    if not persons or not institutions:
        return set()
    consents = list(
        Consent.objects.in_force()
        .filter(person__in=persons)
        .filter(
            Q(institution__in=institutions)
            | Q(institution__isnull=True, sector__in={institution.sector for institution in institutions})
        )
        .only("person_id", "institution_id", "sector", "categories")
    )
    covered = set()
    for institution in institutions:
        seen: dict[int, set[str]] = {p.pk: set() for p in persons}
        for consent in consents:
            if consent.institution_id == institution.pk or (
                consent.institution_id is None and consent.sector == institution.sector
            ):
                seen[consent.person_id].update(consent.categories)
        if all(wanted <= categories for categories in seen.values()):
            covered.add(institution.pk)
    return covered


class _ForwardChoice(forms.ModelChoiceField):
    """An institution to forward to, saying whether the consent lets it see the shared data."""

    covered: set[int] = set()

    def label_from_instance(self, obj: Any) -> str:
        if obj.pk in self.covered:
            return str(_("%(institution)s — consent covers the shared data") % {"institution": obj.name})
        return str(_("%(institution)s — no consent for the shared data") % {"institution": obj.name})


class ReferralForm(forms.Form):
    """The referral: whom (fixed by the first step, carried hidden), why, what to share."""

    institution = forms.ModelChoiceField(
        queryset=Institution.objects.none(), to_field_name="public_id", widget=forms.HiddenInput
    )
    service = forms.ModelChoiceField(
        queryset=Service.objects.none(), to_field_name="public_id", required=False, widget=forms.HiddenInput
    )
    person = forms.ModelChoiceField(
        queryset=Person.objects.none(), to_field_name="public_id", required=False, widget=forms.HiddenInput
    )
    item = forms.ModelChoiceField(
        queryset=BasketItem.objects.none(), to_field_name="public_id", required=False, widget=forms.HiddenInput
    )
    submit_key = forms.UUIDField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why the person is referred"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_("What the person needs from the institution; the receiving institution reads it."),
    )
    shared_categories = forms.MultipleChoiceField(
        label=_("Data to share"),
        widget=CategoryCheckboxes,
        help_text=_(
            "Identity and contact go with every referral, so the person's consent for this institution must cover "
            "them. Categories the consent does not cover cannot be chosen."
        ),
    )
    eligibility_override = forms.CharField(
        label=_("Why refer although the criteria do not match"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(
        self,
        *args: Any,
        case: Case,
        persons: list[Person],
        covered: set[str],
        problems: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.problems = problems
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = recipients(case)
        cast(forms.ModelChoiceField, self.fields["service"]).queryset = Service.objects.filter(
            institution__in=recipients(case)
        ).select_related("institution")
        cast(forms.ModelChoiceField, self.fields["person"]).queryset = Person.objects.filter(
            pk__in=[person.pk for person in persons]
        )
        cast(forms.ModelChoiceField, self.fields["item"]).queryset = BasketItem.objects.filter(case=case)
        categories = cast(forms.MultipleChoiceField, self.fields["shared_categories"])
        categories.choices = consent_categories()
        cast(CategoryCheckboxes, categories.widget).enabled = covered
        self.covered = covered
        if not problems:
            self.fields["eligibility_override"].widget = forms.HiddenInput()
        else:
            self.fields["eligibility_override"].help_text = _(
                "The person may not meet the service's criteria (see above): say why you refer them anyway."
            )

    def clean_shared_categories(self) -> list[str]:
        chosen = list(self.cleaned_data.get("shared_categories") or [])
        if IDENTITY not in chosen:
            raise forms.ValidationError(_("Identity and contact are shared with every referral: tick them."))
        refused = [category for category in chosen if category not in self.covered]
        if refused:
            labels = dict(consent_categories())
            raise forms.ValidationError(
                _("The consent for this institution does not cover: %(categories)s.")
                % {"categories": ", ".join(labels.get(category, category) for category in refused)}
            )
        return chosen

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.problems and not (data.get("eligibility_override") or "").strip():
            self.add_error(
                "eligibility_override",
                _("The person does not meet the service's criteria: say why you refer anyway."),
            )
        return data


# --- Actions on a referral --------------------------------------------------------------------

# What each action asks for beyond the version (see `plans.referrals.TRANSITIONS`).
REASON_ACTIONS = frozenset({"decline", "cancel", "forward"})


class ActionForm(forms.Form):
    """One action on a referral. It carries the version the user saw, so an action on a referral
    that changed meanwhile is refused (`StaleReferral`) instead of applied to something else."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=ReferralOutcome.choices, widget=forms.RadioSelect, required=False
    )
    note = forms.CharField(
        label=_("About the outcome"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    to_institution = _ForwardChoice(
        label=_("Forward to"),
        queryset=Institution.objects.none(),
        to_field_name="public_id",
        help_text=_(
            "The new referral shares the same data, so the consent of the person must cover the chosen institution."
        ),
        error_messages={
            "invalid_choice": _(
                "Choose an institution of the case's gmina or powiat other than the one the referral went to "
                "and the sending one."
            )
        },
    )

    def __init__(self, *args: Any, action: str, referral: Referral | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", action)
        super().__init__(*args, **kwargs)
        self.action = action
        if action not in REASON_ACTIONS:
            del self.fields["reason"]
        elif action == "decline":
            self.fields["reason"].label = _("Why you decline")
        elif action == "cancel":
            self.fields["reason"].label = _("Why you cancel")
        else:
            self.fields["reason"].label = _("Why you forward")
        if action == "complete":
            self.fields["outcome"].required = True
            self.fields["outcome"].error_messages["required"] = _(
                "Choose the outcome: a referral closes only with one."
            )
        else:
            del self.fields["outcome"]
            del self.fields["note"]
        if action == "forward" and referral is not None:
            field = cast(_ForwardChoice, self.fields["to_institution"])
            targets = list(forward_targets(referral))
            field.queryset = forward_targets(referral)
            field.covered = consenting_institutions(referral, targets)
        elif action != "forward":
            del self.fields["to_institution"]
        if "reason" in self.fields:
            self.fields["reason"].error_messages["required"] = _("Give the reason.")
            # A sender forwarding a declined referral need not say more; the receiver declining
            # and forwarding at once does (the service refuses it without a reason).
            self.fields["reason"].required = action != "forward"


class MessageForm(forms.Form):
    text = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("PDF, JPEG, PNG, DOCX or ODT; the type is checked from the file's content."),
    )
    # A one-time key: pressing "send" twice writes the message once.
    submit_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
