"""Social project pages: the list (by gmina and status), starting a project, its page and
edit form, the budget with its execution, expenses with documents, activities, indicators,
and the PDF report and XLSX export.

Projects are fetched through `community.project_policies` (404 outside the user's scope, 403
for a change by a reader). Cases linked to an activity are named only through the cases
app's own rules (`case_access`); to everyone else they are "a case".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet, Sum
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kooperacja.cases.models import Case
from kooperacja.cases.policies import case_access, case_person_ids, knows_identity
from kooperacja.community import project_policies as policies
from kooperacja.community import projects as services
from kooperacja.community.forms.projects import (
    AchievedForm,
    ActivityForm,
    BudgetLineForm,
    ExpenseForm,
    IndicatorForm,
    ProjectCreateForm,
    ProjectForm,
)
from kooperacja.community.models import (
    ProjectStatus,
    SocialProject,
    SocialProjectQuerySet,
)
from kooperacja.community.project_policies import ProjectAccess
from kooperacja.core import audit
from kooperacja.core.exports import xlsx_response
from kooperacja.core.forms.conflicts import differences, put_refusal, rebound
from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest, landing, serve_private_file
from kooperacja.core.models import AuditAction
from kooperacja.core.pdf import REPORT_CSS, render_pdf
from kooperacja.core.policies import is_platform_admin
from kooperacja.institutions.models import Institution
from kooperacja.teams.dashboard import BAR_MAX
from kooperacja.territory.models import Municipality

TABS = [
    ("overview", "community:project", gettext_lazy("Project")),
    ("budget", "community:project_budget", gettext_lazy("Budget")),
    ("expenses", "community:project_expenses", gettext_lazy("Expenses")),
    ("activities", "community:project_activities", gettext_lazy("Activities")),
    ("indicators", "community:project_indicators", gettext_lazy("Indicators")),
]


def project_page(project: SocialProject, access: ProjectAccess, **context: Any) -> dict[str, Any]:
    """What every page of a project starts from: the project, the access and its tabs."""
    tabs = [{"key": key, "label": label, "url": reverse(name, args=[project.public_id])} for key, name, label in TABS]
    return {"project": project, "access": access, "tabs": tabs, **context}


# --- The list ------------------------------------------------------------------------------


class ProjectFilter(forms.Form):
    gmina = forms.ModelChoiceField(
        label=gettext_lazy("Gmina"),
        queryset=Municipality.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=gettext_lazy("all gminas"),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("any status")), *ProjectStatus.choices],
        required=False,
    )

    def __init__(self, *args: Any, projects: QuerySet[SocialProject], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        gminas = Municipality.objects.filter(pk__in=projects.values("municipality_id")).order_by("name")
        self.fields["gmina"].queryset = gminas  # type: ignore[attr-defined]


@require_safe
@login_required
def project_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policies.uses_projects(request.user):
        raise PermissionDenied
    visible = policies.visible_projects(request.user)
    chosen = ProjectFilter(request.GET or None, projects=visible)
    projects = visible
    if chosen.is_valid():
        if chosen.cleaned_data["gmina"]:
            projects = projects.filter(municipality=chosen.cleaned_data["gmina"])
        if chosen.cleaned_data["status"]:
            projects = projects.filter(status=chosen.cleaned_data["status"])
    elif chosen.is_bound:
        projects = projects.none()  # the form says what to correct
    # `visible_projects` is typed as a plain QuerySet; what it returns is SocialProject's own.
    rows = (
        cast(SocialProjectQuerySet, projects)
        .with_totals()
        .select_related("municipality", "institution")
        .order_by("-starts_on", "title", "id")
    )
    context = {
        "projects": list(rows),
        "filter": chosen,
        "may_start": policies.may_start_projects(request.user),
    }
    return render(request, "community/projects/list.html", context)


# --- Starting and editing a project ----------------------------------------------------------


def _start_choices(user: Any) -> tuple[list[Institution], QuerySet[Municipality]]:
    """The institutions the user may start a project for, and the gminas they work in."""
    if is_platform_admin(user):
        institutions = list(Institution.objects.filter(is_active=True, municipality__isnull=False))
        return institutions, Municipality.objects.filter(institutions__in=institutions).distinct().order_by("name")
    institutions = policies.carrying_institutions(user)
    ids = [i.pk for i in institutions]
    gminas = Municipality.objects.filter(pk__in=[i.municipality_id for i in institutions if i.municipality_id])
    served = Municipality.objects.filter(served_by__in=ids)
    return institutions, (gminas | served).distinct().order_by("name")


def _project_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in services.PROJECT_FIELDS}


@require_http_methods(GET_POST)
@login_required
def project_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policies.may_start_projects(request.user):
        raise PermissionDenied
    institutions, gminas = _start_choices(request.user)
    form = ProjectCreateForm(request.POST or None, institutions=institutions, gminas=gminas)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                project = services.create_project(
                    request.user,
                    institution=data["institution"],
                    municipality=data["municipality"],
                    needs=data["needs"],
                    **_project_fields(data),
                )
            except ValidationError as refusal:
                put_refusal(form, refusal)
            else:
                messages.success(request, _("The project was created. Add its budget lines."))
                return landing("community:project_budget", "main", public_id=project.public_id)
        status = 400
    context = {"form": form, "heading": _("Start a social project"), "conflict": None}
    return render(request, "community/projects/form.html", context, status=status)


@require_safe
@login_required
def project_detail(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    project, access = policies.get_project_for_user(request.user, public_id)
    context = project_page(
        project,
        access,
        execution=services.budget_execution(project),
        needs=list(project.needs.all()),
        counts=_participants(project),
    )
    return render(request, "community/projects/detail.html", context)


@require_http_methods(GET_POST)
@login_required
def project_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    project, access = policies.get_project_for_user(request.user, public_id, edit=True)
    heading = _("Edit the project")
    kwargs = {"municipality": project.municipality}
    if request.method != "POST":
        form = ProjectForm(initial=ProjectForm.initial_for(project), **kwargs)
        return _edit_page(request, project, access, form, heading)
    form = ProjectForm(request.POST, **kwargs)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_project(
                request.user, project, version=data["version"], needs=data["needs"], **_project_fields(data)
            )
        except services.StaleProject:
            project.refresh_from_db()
            conflict = differences(form, ProjectForm.initial_for(project))
            again = rebound(ProjectForm, request.POST, project.version, **kwargs)
            return _edit_page(request, project, access, again, heading, status=409, conflict=conflict)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The changes were saved."))
            return landing("community:project", "main", public_id=project.public_id)
    return _edit_page(request, project, access, form, heading, status=400)


def _edit_page(
    request: AuthenticatedHttpRequest,
    project: SocialProject,
    access: ProjectAccess,
    form: forms.Form,
    heading: str,
    *,
    status: int = 200,
    conflict: Any = None,
) -> HttpResponse:
    context = project_page(project, access, form=form, heading=heading, conflict=conflict)
    return render(request, "community/projects/form.html", context, status=status)


# --- Budget --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExecutionBar:
    """One line of the execution chart: the planned amount as an outline, the spent one
    filled, both against the largest amount of the chart."""

    label: str
    planned_width: int
    spent_width: int
    share: int | None
    y: int


# Each budget line's name stands above its bar, so the chart stays narrow and its text readable
# on a 360 px screen (a label beside the bar shrank the text to unreadable there).
BUDGET_ROW = 38
BUDGET_CHART_WIDTH = BAR_MAX + 50


def execution_bars(execution: services.Execution) -> list[ExecutionBar]:
    largest = max([row.planned for row in execution.lines] + [row.spent for row in execution.lines], default=0) or 1
    return [
        ExecutionBar(
            str(row.line),
            round(BAR_MAX * row.planned / largest),
            round(BAR_MAX * row.spent / largest),
            row.share,
            index * BUDGET_ROW,
        )
        for index, row in enumerate(execution.lines)
    ]


@require_http_methods(GET_POST)
@login_required
def project_budget(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    project, access = policies.get_project_for_user(request.user, public_id)
    if request.method == "POST":
        policies.require_edit(access)
    form = BudgetLineForm(request.POST or None) if access.can_edit else None
    status = 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            try:
                services.add_budget_line(request.user, project, **form.cleaned_data)
            except ValidationError as refusal:
                put_refusal(form, refusal)
            else:
                messages.success(request, _("The budget line was added."))
                return landing("community:project_budget", "budget", public_id=project.public_id)
        status = 400
    execution = services.budget_execution(project)
    bars = execution_bars(execution)
    context = project_page(
        project,
        access,
        execution=execution,
        bars=bars,
        chart_width=BUDGET_CHART_WIDTH,
        chart_height=max(len(bars), 1) * BUDGET_ROW,
        form=form,
    )
    return render(request, "community/projects/budget.html", context, status=status)


# --- Expenses ------------------------------------------------------------------------------


@require_http_methods(GET_POST)
@login_required
def project_expenses(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    project, access = policies.get_project_for_user(request.user, public_id)
    if request.method == "POST":
        policies.require_edit(access)
    form = ExpenseForm(request.POST or None, request.FILES or None, project=project) if access.can_edit else None
    status = 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            data = form.cleaned_data
            try:
                expense = services.add_expense(
                    request.user,
                    project,
                    line=data["line"],
                    spent_on=data["spent_on"],
                    amount=data["amount"],
                    description=data["description"],
                    over_budget_reason=data.get("over_budget_reason", ""),
                    document=data["document"],
                )
            except ValidationError as refusal:
                put_refusal(form, refusal)
            else:
                messages.success(request, _("The expense was recorded."))
                return landing(
                    "community:project_expenses", f"expense-{expense.public_id}", public_id=project.public_id
                )
        status = 400
    expenses = project.expenses.select_related("line").order_by("spent_on", "id")
    context = project_page(project, access, expenses=list(expenses), form=form)
    return render(request, "community/projects/expenses.html", context, status=status)


@require_safe
@login_required
def expense_document(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponseBase:
    expense, _access = policies.get_expense_for_user(request.user, public_id)
    if not expense.document:
        raise Http404
    audit.record(
        AuditAction.VIEW,
        request=request,
        obj=expense,
        institution_id=expense.project.institution_id,
        municipality_code=expense.project.municipality.code,
    )
    return serve_private_file(
        expense.document, filename=expense.document_name or "dokument", content_type=expense.document_type
    )


class WithdrawExpenseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the expense withdrawn?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": gettext_lazy("Say why the expense is withdrawn.")},
    )


@require_http_methods(GET_POST)
@login_required
def expense_withdraw(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    """Confirm and withdraw an expense booked in error (editors of the project)."""
    expense, access = policies.get_expense_for_user(request.user, public_id)
    policies.require_edit(access)
    project = expense.project
    form = WithdrawExpenseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.withdraw_expense(request.user, expense, reason=form.cleaned_data["reason"])
            except ValidationError as refusal:
                put_refusal(form, refusal)
            else:
                messages.success(request, _("The expense was withdrawn."))
                return landing("community:project_expenses", "expenses", public_id=project.public_id)
        status = 400
    context = project_page(project, access, expense=expense, form=form)
    return render(request, "community/projects/expense_withdraw.html", context, status=status)


# --- Activities ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkedCase:
    """A case linked to an activity as this user may see it: named with a link, or not."""

    title: str
    public_id: UUID | None


def _linked_cases(request: AuthenticatedHttpRequest, cases: list[Case], named: set[int]) -> list[LinkedCase]:
    """The cases linked to one activity, each named only when the cases app lets the user know
    who it is about; the ids of the cases named are added to `named` (audited once per page)."""
    shown = []
    for case in cases:
        access = case_access(request.user, case)
        if access is not None and knows_identity(access):
            named.add(case.pk)
            shown.append(LinkedCase(case.title, case.public_id))
        else:
            shown.append(LinkedCase(_("a case"), None))
    return shown


def _audit_named_cases(request: AuthenticatedHttpRequest, project: SocialProject, named: set[int]) -> None:
    """One event for the page, naming every person of every case it named (DESIGN.md §3)."""
    if not named:
        return
    cases = (
        Case.objects.filter(pk__in=named).select_related("person", "household").prefetch_related("household__members")
    )
    audit.record(
        AuditAction.LIST,
        request=request,
        obj=project,
        persons=[person for case in cases for person in case_person_ids(case)],
        municipality_code=project.municipality.code,
        details={"cases": str(len(named))},
    )


def _participants(project: SocialProject) -> dict[str, int]:
    totals = project.activities.aggregate(
        adults=Sum("adults"), children=Sum("children"), seniors=Sum("seniors"), disabled=Sum("disabled")
    )
    return {name: value or 0 for name, value in totals.items()}


@require_http_methods(GET_POST)
@login_required
def project_activities(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    project, access = policies.get_project_for_user(request.user, public_id)
    if request.method == "POST":
        policies.require_edit(access)
    form = None
    if access.can_edit:
        form = ActivityForm(request.POST or None, user=request.user, project=project)
    status = 200
    if request.method == "POST" and form is not None:
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                activity = services.add_activity(request.user, project, **data)
            except ValidationError as refusal:
                put_refusal(form, refusal)
            else:
                messages.success(request, _("The activity was recorded."))
                return landing(
                    "community:project_activities", f"activity-{activity.public_id}", public_id=project.public_id
                )
        status = 400
    activities = list(project.activities.prefetch_related("cases").order_by("starts_on", "id"))
    named: set[int] = set()
    rows = [(activity, _linked_cases(request, list(activity.cases.all()), named)) for activity in activities]
    _audit_named_cases(request, project, named)
    context = project_page(project, access, rows=rows, counts=_participants(project), form=form)
    return render(request, "community/projects/activities.html", context, status=status)


# --- Indicators ----------------------------------------------------------------------------


def _indicators_page(
    request: AuthenticatedHttpRequest,
    project: SocialProject,
    access: ProjectAccess,
    *,
    form: forms.Form | None = None,
    achieved_form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    if access.can_edit:
        form = form or IndicatorForm()
    indicators = list(project.indicators.order_by("kind", "id"))
    context = project_page(project, access, indicators=indicators, form=form, achieved_form=achieved_form)
    return render(request, "community/projects/indicators.html", context, status=status)


@require_http_methods(GET_POST)
@login_required
def project_indicators(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    project, access = policies.get_project_for_user(request.user, public_id)
    if request.method != "POST":
        return _indicators_page(request, project, access)
    policies.require_edit(access)
    form = IndicatorForm(request.POST)
    if form.is_valid():
        try:
            services.add_indicator(request.user, project, **form.cleaned_data)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The indicator was added."))
            return landing("community:project_indicators", "indicators", public_id=project.public_id)
    return _indicators_page(request, project, access, form=form, status=400)


@require_POST
@login_required
def indicator_achieved(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    project, access = policies.get_project_for_user(request.user, public_id, edit=True)
    form = AchievedForm(request.POST, project=project)
    if form.is_valid():
        try:
            services.record_achieved(
                request.user, project, form.cleaned_data["indicator"], form.cleaned_data["achieved"]
            )
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The achieved value was saved."))
            return landing("community:project_indicators", "indicators", public_id=project.public_id)
    return _indicators_page(request, project, access, achieved_form=form, status=400)


# --- The report and the export -------------------------------------------------------------


def _report_context(project: SocialProject) -> dict[str, Any]:
    return {
        "project": project,
        "execution": services.budget_execution(project),
        "expenses": list(project.expenses.select_related("line").order_by("spent_on", "id")),
        "activities": list(project.activities.order_by("starts_on", "id")),
        "indicators": list(project.indicators.order_by("kind", "id")),
        "needs": list(project.needs.all()),
        "counts": _participants(project),
        "today": timezone.localdate(),
    }


PDF_CSS = """
.num { text-align: right; white-space: nowrap; }
.over { font-weight: bold; }
"""


@require_safe
@login_required
def project_pdf(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    project, _access = policies.get_project_for_user(request.user, public_id)
    html = render_to_string("community/projects/pdf.html", _report_context(project), request)
    pdf = render_pdf(html, css=REPORT_CSS + PDF_CSS)
    audit.record(AuditAction.PRINT, request=request, obj=project, municipality_code=project.municipality.code)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="projekt-socjalny.pdf"'
    return response


def report_rows(project: SocialProject) -> list[list[Any]]:
    """The sheet of the export: the budget, the expenses, the activities and the indicators,
    each under its own heading row."""
    report = _report_context(project)
    rows: list[list[Any]] = [[_("Budget")], [_("Category"), _("Planned (zł)"), _("Spent (zł)"), _("Remaining (zł)")]]
    rows += [[str(row.line), row.planned, row.spent, row.remaining] for row in report["execution"].lines]
    execution = report["execution"]
    rows += [[_("Total"), execution.planned, execution.spent, execution.remaining], []]
    rows += [
        [_("Expenses")],
        [_("Date"), _("Budget line"), _("What for"), _("Amount (zł)"), _("Why over the budget line")],
    ]
    rows += [
        [expense.spent_on, str(expense.line), expense.description, expense.amount, expense.over_budget_reason]
        for expense in report["expenses"]
    ]
    rows += [
        [],
        [_("Activities")],
        [
            _("From"),
            _("Until"),
            _("Activity"),
            _("Adults"),
            _("Children"),
            _("People 65+"),
            _("People with disabilities"),
        ],
    ]
    rows += [
        [a.starts_on, a.ends_on, a.title, a.adults, a.children, a.seniors, a.disabled] for a in report["activities"]
    ]
    rows += [[], [_("Indicators")], [_("Kind"), _("Indicator"), _("Unit"), _("Target"), _("Achieved")]]
    rows += [[i.get_kind_display(), i.name, i.unit, i.target, i.achieved] for i in report["indicators"]]
    return rows


@require_safe
@login_required
def project_xlsx(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    project, _access = policies.get_project_for_user(request.user, public_id)
    header = [project.title, project.municipality.name, f"{project.starts_on:%d.%m.%Y} – {project.ends_on:%d.%m.%Y}"]
    audit.record(AuditAction.EXPORT, request=request, obj=project, municipality_code=project.municipality.code)
    return xlsx_response("projekt-socjalny.xlsx", _("Social project"), header, report_rows(project))


urls: list[URLPattern] = [
    path("projects/", project_list, name="projects"),
    path("projects/new/", project_create, name="project_create"),
    path("projects/<uuid:public_id>/", project_detail, name="project"),
    path("projects/<uuid:public_id>/edit/", project_edit, name="project_edit"),
    path("projects/<uuid:public_id>/budget/", project_budget, name="project_budget"),
    path("projects/<uuid:public_id>/expenses/", project_expenses, name="project_expenses"),
    path("projects/<uuid:public_id>/activities/", project_activities, name="project_activities"),
    path("projects/<uuid:public_id>/indicators/", project_indicators, name="project_indicators"),
    path("projects/<uuid:public_id>/indicators/achieved/", indicator_achieved, name="project_indicator_achieved"),
    path("projects/<uuid:public_id>/report.pdf", project_pdf, name="project_pdf"),
    path("projects/<uuid:public_id>/report.xlsx", project_xlsx, name="project_xlsx"),
    path("projects/expenses/<uuid:public_id>/document/", expense_document, name="expense_document"),
    path("projects/expenses/<uuid:public_id>/withdraw/", expense_withdraw, name="expense_withdraw"),
]
