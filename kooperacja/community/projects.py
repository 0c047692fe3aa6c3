"""Every change to a social project (projekt socjalny): the project itself, its budget lines,
expenses with their documents, activities and indicators; and the budget execution the
project's pages and reports show.

Each function takes the acting user first; who may call it is decided by
`project_policies` before the call. A refused change raises `ValidationError` with a Polish
message and saves nothing; an edit of the project on a stale version raises `StaleProject`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kooperacja.cases.consent import check_upload
from kooperacja.cases.models import Case
from kooperacja.cases.policies import case_access
from kooperacja.community.models import (
    Activity,
    BudgetLine,
    Expense,
    ProjectIndicator,
    ProjectStatus,
    SocialProject,
)
from kooperacja.core import audit, versioning
from kooperacja.core.models import AuditAction
from kooperacja.core.templatetags.formatting import format_money

ZERO = Decimal("0.00")
# The fields of the project its edit form changes (and the version check protects).
PROJECT_FIELDS = (
    "title",
    "goal",
    "target_group",
    "team",
    "programme",
    "starts_on",
    "ends_on",
    "status",
    "allow_overspending",
)


class StaleProject(versioning.StaleVersion):
    default_message = gettext_lazy("Someone else saved this project while you were editing it.")


def _audit(action: str, actor: Any, project: SocialProject, obj: Any, **details: Any) -> None:
    audit.record(
        action,
        actor=actor,
        obj=obj,
        institution_id=project.institution_id,
        municipality_code=project.municipality.code,
        details={"project": str(project.public_id), **details},
    )


def _date(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


# --- The project ---------------------------------------------------------------------------


def _check_project(fields: dict[str, Any], municipality_id: int, project: SocialProject | None = None) -> None:
    errors: dict[str, list[str]] = {}
    if not str(fields.get("title", "")).strip():
        errors["title"] = [_("Give the project a title.")]
    if not str(fields.get("goal", "")).strip():
        errors["goal"] = [_("Say what the project wants to achieve.")]
    starts_on, ends_on = fields["starts_on"], fields["ends_on"]
    if ends_on < starts_on:
        errors["ends_on"] = [_("The project cannot end before it starts.")]
    team = fields.get("team")
    if team is not None and team.municipality_id != municipality_id:
        errors["team"] = [_("The team works in another gmina than the project.")]
    if project is not None and not errors:
        outside = _records_outside(project, starts_on, ends_on)
        if outside:
            errors["starts_on"] = [outside]
    if errors:
        raise ValidationError(errors)


def _records_outside(project: SocialProject, starts_on: dt.date, ends_on: dt.date) -> str:
    """Why the new dates would leave expenses or activities outside the project ("" if not)."""
    expenses = project.expenses.exclude(spent_on__range=(starts_on, ends_on)).count()
    activities = project.activities.exclude(starts_on__range=(starts_on, ends_on)).count()
    if expenses or activities:
        return _(
            "The new dates would leave %(expenses)s expenses and %(activities)s activities outside the project. "
            "Correct their dates first, or choose dates that include them."
        ) % {"expenses": expenses, "activities": activities}
    return ""


def works_in(institution: Any, municipality: Any) -> bool:
    """Whether the institution is located in the gmina or serves it."""
    if institution.municipality_id == municipality.pk:
        return True
    return bool(institution.serves.filter(pk=municipality.pk).exists())


def create_project(
    actor: Any, *, institution: Any, municipality: Any, needs: Iterable[Any] = (), **fields: Any
) -> SocialProject:
    """Start a project of the gmina carried out by the institution (the caller checked that the
    actor may act for it), in a gmina where the institution works."""
    _check_project(fields, municipality.pk)
    if not works_in(institution, municipality):
        raise ValidationError({"municipality": [_("The institution does not work in this gmina: choose its gmina.")]})
    with transaction.atomic():
        project = SocialProject.objects.create(
            institution=institution,
            municipality=municipality,
            created_by=actor if getattr(actor, "pk", None) else None,
            **{name: fields[name] for name in PROJECT_FIELDS if name in fields},
        )
        project.needs.set(list(needs))
        _audit(AuditAction.CREATE, actor, project, project)
    return project


def update_project(
    actor: Any, project: SocialProject, *, version: int | None, needs: Iterable[Any] = (), **fields: Any
) -> SocialProject:
    """Save the project's description, dates and status, unless someone saved it meanwhile."""
    with transaction.atomic():
        saved = SocialProject.objects.select_for_update().select_related("municipality").get(pk=project.pk)
        versioning.check_version(saved, version, StaleProject)
        _check_project(fields, saved.municipality_id, saved)
        for name in PROJECT_FIELDS:
            if name in fields:
                setattr(saved, name, fields[name])
        saved.save(update_fields=[*PROJECT_FIELDS, *versioning.bump(saved)])
        saved.needs.set(list(needs))
        _audit(AuditAction.UPDATE, actor, saved, saved, status=saved.status)
    return saved


# --- Budget --------------------------------------------------------------------------------


def add_budget_line(actor: Any, project: SocialProject, *, category: str, name: str, planned: Decimal) -> BudgetLine:
    """A line of the budget: a category of the social package with the amount planned for it."""
    if planned is None or planned < 0:
        raise ValidationError({"planned": [_("The planned amount cannot be negative.")]})
    with transaction.atomic():
        line = BudgetLine.objects.create(project=project, category=category, name=name.strip()[:200], planned=planned)
        _audit(AuditAction.CREATE, actor, project, project, line=line.pk, planned=str(planned))
    return line


@dataclass(frozen=True)
class LineExecution:
    line: BudgetLine
    planned: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.planned - self.spent

    @property
    def share(self) -> int | None:
        """Per cent of the plan spent, rounded; None for a line planned at 0."""
        return round(100 * self.spent / self.planned) if self.planned else None

    @property
    def over(self) -> bool:
        return self.spent > self.planned


@dataclass(frozen=True)
class Execution:
    lines: list[LineExecution]

    @property
    def planned(self) -> Decimal:
        return sum((row.planned for row in self.lines), ZERO)

    @property
    def spent(self) -> Decimal:
        return sum((row.spent for row in self.lines), ZERO)

    @property
    def remaining(self) -> Decimal:
        return self.planned - self.spent

    @property
    def share(self) -> int | None:
        return round(100 * self.spent / self.planned) if self.planned else None


def budget_execution(project: SocialProject) -> Execution:
    """Planned, spent and remaining per budget line (one query)."""
    lines = project.budget_lines.annotate(spent_total=Sum("expenses__amount")).order_by("category", "id")
    return Execution([LineExecution(line, line.planned, line.spent_total or ZERO) for line in lines])


# --- Expenses ------------------------------------------------------------------------------


def _spent_on_line(line: BudgetLine) -> Decimal:
    return line.expenses.aggregate(total=Sum("amount"))["total"] or ZERO


def _check_expense(
    project: SocialProject, line: BudgetLine, *, spent_on: dt.date, amount: Decimal, reason: str
) -> None:
    if line.project_id != project.pk:
        raise ValidationError({"line": [_("Choose a line of this project's budget.")]})
    if amount is None or amount <= 0:
        raise ValidationError({"amount": [_("The amount must be more than 0 zł.")]})
    if not project.starts_on <= spent_on <= project.ends_on:
        raise ValidationError(
            {
                "spent_on": [
                    _("The date must fall within the project, from %(start)s to %(end)s.")
                    % {"start": _date(project.starts_on), "end": _date(project.ends_on)}
                ]
            }
        )
    over = _spent_on_line(line) + amount - line.planned
    if over <= 0:
        return
    params = {"line": str(line), "over": format_money(over)}
    if not project.allow_overspending:
        raise ValidationError(
            {
                "amount": [
                    _(
                        "This expense exceeds the budget line „%(line)s” by %(over)s. Nothing was saved: lower "
                        "the amount or book it on another line."
                    )
                    % params
                ]
            }
        )
    if not reason:
        raise ValidationError(
            {
                "over_budget_reason": [
                    _("This expense exceeds the budget line „%(line)s” by %(over)s: say why it is needed.") % params
                ]
            }
        )


def add_expense(
    actor: Any,
    project: SocialProject,
    *,
    line: BudgetLine,
    spent_on: dt.date,
    amount: Decimal,
    description: str,
    over_budget_reason: str = "",
    document: UploadedFile | None = None,
) -> Expense:
    """Book an expense on a budget line. Refused when the amount is not positive, the date is
    outside the project, or the line's plan would be exceeded — unless the project allows
    over-spending and a reason is given, which the expense then keeps."""
    reason = over_budget_reason.strip()
    if project.status in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED):
        raise ValidationError(
            _("The project is %(status)s: no more expenses are booked on it.")
            % {"status": project.get_status_display()}
        )
    if not description.strip():
        raise ValidationError({"description": [_("Say what the money was spent on.")]})
    checked = check_upload(document) if document is not None else None
    with transaction.atomic():
        locked = BudgetLine.objects.select_for_update().get(pk=line.pk)
        _check_expense(project, locked, spent_on=spent_on, amount=amount, reason=reason)
        within = _spent_on_line(locked) + amount <= locked.planned
        expense = Expense(
            project=project,
            line=locked,
            spent_on=spent_on,
            amount=amount,
            description=description.strip()[:300],
            over_budget_reason="" if within else reason,
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        if checked is not None:
            expense.document_name = checked.original_name
            expense.document_type = checked.content_type
            expense.document.save(checked.original_name, checked.file, save=False)
        try:
            expense.save()
            _audit(AuditAction.CREATE, actor, project, expense, amount=str(amount), over_budget=not within)
        except BaseException:
            if expense.document:
                expense.document.storage.delete(str(expense.document.name))
            raise
    return expense


def withdraw_expense(actor: Any, expense: Expense, *, reason: str) -> None:
    """Withdraw an expense booked in error (with its document), saying why; the audit log keeps
    what it was. Refused once the project is completed or cancelled: its accounts are closed."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the expense is withdrawn.")]})
    with transaction.atomic():
        # The project's status as saved now: closing it at this moment keeps its expenses.
        project = SocialProject.objects.select_for_update().select_related("municipality").get(pk=expense.project_id)
        if project.status in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED):
            raise ValidationError(
                _("The project is %(status)s: its expenses can no longer be changed.")
                % {"status": project.get_status_display()}
            )
        BudgetLine.objects.select_for_update().filter(pk=expense.line_id).values_list("pk").get()
        deleted, _rows = Expense.objects.filter(pk=expense.pk).delete()
        if not deleted:
            raise ValidationError(_("This expense was withdrawn meanwhile."))
        _audit(
            AuditAction.DELETE,
            actor,
            project,
            expense,
            amount=str(expense.amount),
            spent_on=expense.spent_on.isoformat(),
            description=expense.description,
            reason=reason[:300],
        )
        if expense.document:
            name, storage = str(expense.document.name), expense.document.storage
            transaction.on_commit(lambda: storage.delete(name))


# --- Activities ----------------------------------------------------------------------------

COUNT_FIELDS = ("adults", "children", "seniors", "disabled")


def _check_activity(
    project: SocialProject, starts_on: dt.date, ends_on: dt.date | None, counts: dict[str, int]
) -> None:
    errors: dict[str, list[str]] = {}
    outside = _("The dates must fall within the project, from %(start)s to %(end)s.") % {
        "start": _date(project.starts_on),
        "end": _date(project.ends_on),
    }
    if not project.starts_on <= starts_on <= project.ends_on:
        errors["starts_on"] = [outside]
    if ends_on is not None:
        if ends_on < starts_on:
            errors["ends_on"] = [_("The activity cannot end before it starts.")]
        elif ends_on > project.ends_on:
            errors["ends_on"] = [outside]
    for name, value in counts.items():
        if value is None or value < 0:
            errors[name] = [_("A number of participants cannot be negative.")]
    if errors:
        raise ValidationError(errors)


def _check_cases(actor: Any, cases: Iterable[Case]) -> list[Case]:
    chosen = list(cases)
    for case in chosen:
        access = case_access(actor, case)
        if access is None or not access.can_edit:
            raise ValidationError({"cases": [_("Only cases you work on can be linked to an activity.")]})
    return chosen


def add_activity(
    actor: Any,
    project: SocialProject,
    *,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    note: str = "",
    cases: Iterable[Case] = (),
    **counts: int,
) -> Activity:
    """Record what the project did and how many took part by group (counts, never names);
    cases are linked only by someone who edits each of them."""
    if not title.strip():
        raise ValidationError({"title": [_("Name the activity.")]})
    counts = {name: counts.get(name, 0) for name in COUNT_FIELDS}
    _check_activity(project, starts_on, ends_on, counts)
    linked = _check_cases(actor, cases)
    with transaction.atomic():
        activity = Activity.objects.create(
            project=project, title=title.strip()[:300], starts_on=starts_on, ends_on=ends_on, note=note, **counts
        )
        activity.cases.set(linked)
        _audit(AuditAction.CREATE, actor, project, activity, cases=len(linked))
    return activity


# --- Indicators ----------------------------------------------------------------------------


def add_indicator(
    actor: Any,
    project: SocialProject,
    *,
    kind: str,
    name: str,
    unit: str,
    target: Decimal,
    achieved: Decimal = ZERO,
) -> ProjectIndicator:
    """An output or result indicator with its target (and what is achieved so far)."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Name the indicator.")]
    if target is None or target < 0:
        errors["target"] = [_("The target cannot be negative.")]
    if achieved is None or achieved < 0:
        errors["achieved"] = [_("The achieved value cannot be negative.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        indicator = ProjectIndicator.objects.create(
            project=project,
            kind=kind,
            name=name.strip()[:300],
            unit=unit.strip()[:40],
            target=target,
            achieved=achieved,
        )
        _audit(AuditAction.CREATE, actor, project, project, indicator=indicator.pk)
    return indicator


def record_achieved(actor: Any, project: SocialProject, indicator: ProjectIndicator, achieved: Decimal) -> None:
    """Update what an indicator of the project has reached so far."""
    if indicator.project_id != project.pk:
        raise ValidationError({"indicator": [_("Choose an indicator of this project.")]})
    if achieved is None or achieved < 0:
        raise ValidationError({"achieved": [_("The achieved value cannot be negative.")]})
    with transaction.atomic():
        ProjectIndicator.objects.filter(pk=indicator.pk).update(achieved=achieved)
        _audit(AuditAction.UPDATE, actor, project, project, indicator=indicator.pk, achieved=str(achieved))
