"""Pages of the community diagnosis: the gminas with figures, a gmina's years, entering a year,
the CSV import, the comparison (with its CSV), the yearly PDF report, and the administrators'
pages of indicator definitions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kooperacja.community import indicators
from kooperacja.community.forms.indicators import CompareForm, DefinitionForm, IndicatorImportForm, YearForm
from kooperacja.community.indicator_policies import (
    enterable_gminas,
    enters_any,
    get_gmina_for_user,
    manages_definitions,
    may_enter,
    reads_indicators,
    sees_platform_figures,
)
from kooperacja.community.models import CommunityIndicator, IndicatorDefinition, IndicatorGroup
from kooperacja.core.audit import record
from kooperacja.core.exports import csv_response
from kooperacja.core.forms.conflicts import differences, put_refusal, rebound
from kooperacja.core.http import GET_POST, AuthenticatedHttpRequest
from kooperacja.core.models import AuditAction
from kooperacja.core.pdf import REPORT_CSS, render_pdf
from kooperacja.teams.dashboard import BAR_MAX, BAR_ROW, CHART_WIDTH
from kooperacja.territory.models import Municipality

# Where bars start, right of their labels ("Bodzechów 2024"), in the chart's viewBox units.
BAR_START = 190
PDF_CSS = "td.number, th.number { text-align: right; } .hidden-cell { font-style: italic; }"


def _require_reader(user: Any) -> None:
    if not reads_indicators(user):
        raise PermissionDenied


# --- The gminas ----------------------------------------------------------------------------


@require_safe
@login_required
def indicator_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_reader(request.user)
    code = request.GET.get("gmina", "").strip()
    if code:
        if Municipality.objects.filter(code=code).exists():
            return redirect("community:indicator_gmina", code=code)
        messages.error(request, _("No gmina has the TERYT code %(code)s. Give the 7-digit code.") % {"code": code})
    context = {
        "gminas": indicators.gminas_with_figures(),
        "own_gminas": list(enterable_gminas(request.user)[:50]) if not _enters_widely(request.user) else [],
        "enters_any": enters_any(request.user),
        "manages_definitions": manages_definitions(request.user),
        "searched": code,
    }
    return render(request, "community/indicators/list.html", context, status=400 if code else 200)


def _enters_widely(user: Any) -> bool:
    # Administrators and analysts enter figures of many gminas: they go by TERYT code instead.
    return enterable_gminas(user).count() > 50


@require_safe
@login_required
def indicator_gmina(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    gmina = get_gmina_for_user(request.user, code)
    years = indicators.years_with_figures(gmina)
    enter_year = request.GET.get("enter", "").strip()
    if enter_year:
        return _to_year_form(request, gmina, enter_year)
    shown_year = _chosen_year(request.GET.get("year", ""), years)
    context: dict[str, Any] = {
        "gmina": gmina,
        "years": years,
        "table": indicators.compare([gmina], sorted(years), indicators.active_definitions()),
        "may_enter": may_enter(request.user, gmina),
        "shown_year": shown_year,
        "latest_year": indicators.latest_year(),
    }
    if shown_year and sees_platform_figures(request.user, gmina):
        context["platform"] = indicators.platform_figures(gmina, shown_year)
    return render(request, "community/indicators/gmina.html", context)


def _chosen_year(text: str, years: list[int]) -> int | None:
    if text.isdigit() and int(text) in years:
        return int(text)
    return years[0] if years else None


def _to_year_form(request: AuthenticatedHttpRequest, gmina: Municipality, text: str) -> HttpResponse:
    year = int(text) if text.isdigit() else 0
    try:
        indicators.check_year(year)
    except ValidationError as refusal:
        messages.error(request, refusal.messages[0])
        return redirect("community:indicator_gmina", code=gmina.code)
    return redirect("community:indicator_year", code=gmina.code, year=year)


# --- Entering a year -----------------------------------------------------------------------


def _year_page(
    request: AuthenticatedHttpRequest,
    gmina: Municipality,
    year: int,
    form: YearForm,
    *,
    status: int = 200,
    conflict: Any = None,
) -> HttpResponse:
    context = {"gmina": gmina, "year": year, "form": form, "conflict": conflict}
    return render(request, "community/indicators/year_form.html", context, status=status)


@require_http_methods(GET_POST)
@login_required
def indicator_year(request: AuthenticatedHttpRequest, code: str, year: int) -> HttpResponse:
    gmina = get_gmina_for_user(request.user, code, enter=True)
    try:
        indicators.check_year(year)
    except ValidationError:
        raise Http404 from None
    definitions = indicators.active_definitions()
    figures = indicators.year_figures(gmina, year)
    if request.method != "POST":
        initial = YearForm.initial_for(figures, indicators.year_version(figures.values()))
        return _year_page(request, gmina, year, YearForm(initial=initial, definitions=definitions))
    form = YearForm(request.POST, definitions=definitions)
    if form.is_valid():
        try:
            change = indicators.save_year(
                request.user,
                gmina,
                year,
                form.values(),
                source=form.cleaned_data["source"],
                version=form.cleaned_data["version"],
                request=request,
            )
        except indicators.StaleYear:
            return _stale_year(request, gmina, year, definitions)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            done = _("The figures were saved.") if change.any else _("Nothing changed: the figures were already saved.")
            messages.success(request, done)
            return redirect(f"{_gmina_url(gmina)}?year={year}")
    return _year_page(request, gmina, year, form, status=400)


def _gmina_url(gmina: Municipality) -> str:
    return reverse("community:indicator_gmina", kwargs={"code": gmina.code})


def _stale_year(request: AuthenticatedHttpRequest, gmina: Municipality, year: int, definitions: Any) -> HttpResponse:
    """The 409 answer: nothing saved; the figures saved now beside the ones typed."""
    figures = indicators.year_figures(gmina, year)
    version = indicators.year_version(figures.values())
    typed = YearForm(request.POST, definitions=definitions)
    typed.is_valid()
    saved = YearForm.initial_for(figures, version)
    saved = {name: saved.get(name, "") for name in typed.fields}
    readers = {name: _read_figure for name in typed.fields if name.startswith("value_")}
    conflict = differences(typed, saved, readers=readers)
    form = rebound(YearForm, request.POST, version, definitions=definitions)
    return _year_page(request, gmina, year, form, status=409, conflict=conflict)


def _read_figure(value: Any) -> str:
    if isinstance(value, Decimal):
        return indicators.plain(value)
    return str(value or "")


# --- Import --------------------------------------------------------------------------------


@require_http_methods(GET_POST)
@login_required
def indicator_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not enters_any(request.user):
        raise PermissionDenied
    template = "community/indicators/import.html"
    if request.method != "POST":
        return render(request, template, {"form": IndicatorImportForm()})
    form = IndicatorImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, template, {"form": form}, status=400)
    try:
        text = indicators.decode_file(form.cleaned_data["file"].read())
        report = indicators.import_indicators(request.user, text, request=request)
    except indicators.IndicatorFileRejected as rejected:
        context = {"form": form, "problems": rejected.problems, "bad_lines": rejected.bad_lines}
        return render(request, template, context, status=400)
    return render(request, template, {"form": IndicatorImportForm(), "report": report})


# --- Comparison ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChartBar:
    label: str
    value: Decimal
    width: int
    y: int


@dataclass(frozen=True)
class Chart:
    bars: list[ChartBar]

    @property
    def height(self) -> int:
        return BAR_ROW * len(self.bars)

    @property
    def width(self) -> int:
        return CHART_WIDTH + BAR_START - 150


def chart(table: indicators.IndicatorTable) -> Chart:
    """The bars of one indicator: one per gmina and year that has a figure."""
    figures = [
        (f"{row.gmina.name} {figure.year}", figure.value)
        for row in table.rows
        for figure in row.figures
        if figure.value is not None
    ]
    largest = max((value for _label, value in figures), default=Decimal(0)) or Decimal(1)
    return Chart(
        [
            ChartBar(label, value, round(BAR_MAX * value / largest), index * BAR_ROW)
            for index, (label, value) in enumerate(figures)
        ]
    )


def _compare_form(request: AuthenticatedHttpRequest) -> CompareForm:
    gminas = indicators.gminas_with_figures()
    years = sorted(set(CommunityIndicator.objects.values_list("year", flat=True).distinct()))
    return CompareForm(request.GET or None, gminas=gminas, years=years)


@require_safe
@login_required
def indicator_compare(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_reader(request.user)
    form = _compare_form(request)
    context: dict[str, Any] = {"form": form}
    if not form.is_bound:
        return render(request, "community/indicators/compare.html", context)
    if not form.is_valid():
        return render(request, "community/indicators/compare.html", context, status=400)
    tables = indicators.compare(form.chosen_gminas(), form.cleaned_data["year"], form.chosen_indicators())
    context.update(
        tables=[(table, chart(table)) for table in tables],
        years=form.cleaned_data["year"],
        query=request.GET.urlencode(),
    )
    return render(request, "community/indicators/compare.html", context)


@require_safe
@login_required
def indicator_compare_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_reader(request.user)
    form = _compare_form(request)
    if not form.is_valid():
        return render(request, "community/indicators/compare.html", {"form": form}, status=400)
    tables = indicators.compare(form.chosen_gminas(), form.cleaned_data["year"], form.chosen_indicators())
    record(
        AuditAction.EXPORT,
        request=request,
        object_type="community.comparison",
        details={"gminas": form.cleaned_data["gmina"], "years": form.cleaned_data["year"]},
    )
    header = [
        _("indicator code"),
        _("indicator"),
        _("gmina code"),
        _("gmina"),
        _("year"),
        _("value"),
        _("per 1000 inhabitants"),
    ]
    return csv_response("porownanie-wskaznikow.csv", header, indicators.comparison_rows(tables))


# --- The yearly report ---------------------------------------------------------------------


@require_safe
@login_required
def indicator_report(request: AuthenticatedHttpRequest, code: str, year: int) -> HttpResponse:
    gmina = get_gmina_for_user(request.user, code)
    try:
        indicators.check_year(year)
    except ValidationError:
        raise Http404 from None
    context: dict[str, Any] = {
        "gmina": gmina,
        "year": year,
        "lines": indicators.year_report(gmina, year),
        "today": timezone.localdate(),
    }
    if sees_platform_figures(request.user, gmina):
        context["platform"] = indicators.platform_figures(gmina, year)
    with translation.override("pl"):  # the report is a Polish document, whatever the page language
        html = render_to_string("community/indicators/report_pdf.html", context, request)
    pdf = render_pdf(html, css=REPORT_CSS + PDF_CSS)
    record(
        AuditAction.PRINT,
        request=request,
        object_type="community.year",
        object_id=f"{gmina.code}/{year}",
        municipality_code=gmina.code,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="diagnoza-{gmina.code}-{year}.pdf"'
    return response


# --- Indicator definitions (administrators) -------------------------------------------------


def _require_keeper(user: Any) -> None:
    if not manages_definitions(user):
        raise PermissionDenied


def _definition(code: str) -> IndicatorDefinition:
    definition = IndicatorDefinition.objects.filter(code=code).first()
    if definition is None:
        raise Http404
    return definition


@require_safe
@login_required
def definition_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every definition by group: code, name, unit, in use, how many figures record it."""
    _require_keeper(request.user)
    definitions = indicators.definitions_in_use()
    labels = dict(IndicatorGroup.choices)
    groups: dict[str, list[IndicatorDefinition]] = {}
    for definition in definitions:
        groups.setdefault(definition.group, []).append(definition)
    context = {"groups": [(str(labels.get(group, group)), rows) for group, rows in groups.items()]}
    return render(request, "community/indicators/definitions/list.html", context)


def _definition_page(
    request: AuthenticatedHttpRequest,
    form: DefinitionForm,
    definition: IndicatorDefinition | None,
    *,
    status: int = 200,
    conflict: Any = None,
) -> HttpResponse:
    context = {"form": form, "definition": definition, "conflict": conflict}
    return render(request, "community/indicators/definitions/form.html", context, status=status)


@require_http_methods(GET_POST)
@login_required
def definition_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_keeper(request.user)
    if request.method != "POST":
        return _definition_page(request, DefinitionForm(), None)
    form = DefinitionForm(request.POST)
    if form.is_valid():
        try:
            added = indicators.save_definition(request.user, None, form.data_for_service(), request=request)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The indicator %(name)s was added.") % {"name": added.name})
            return redirect("community:indicator_definitions")
    return _definition_page(request, form, None, status=400)


@require_http_methods(GET_POST)
@login_required
def definition_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    _require_keeper(request.user)
    definition = _definition(code)
    locked = indicators.code_locked(definition)
    if request.method != "POST":
        initial = {"version": indicators.definition_version(definition)}
        return _definition_page(
            request, DefinitionForm(instance=definition, initial=initial, locked=locked), definition
        )
    form = DefinitionForm(request.POST, instance=_definition(code), locked=locked)
    if form.is_valid():
        try:
            saved = indicators.save_definition(
                request.user,
                definition,
                form.data_for_service(),
                version=form.cleaned_data["version"],
                request=request,
            )
        except indicators.StaleDefinition:
            return _stale_definition(request, code, locked)
        except ValidationError as refusal:
            put_refusal(form, refusal)
        else:
            messages.success(request, _("The indicator %(name)s was saved.") % {"name": saved.name})
            return redirect("community:indicator_definitions")
    return _definition_page(request, form, definition, status=400)


def _stale_definition(request: AuthenticatedHttpRequest, code: str, locked: str) -> HttpResponse:
    """The 409 answer: nothing saved; the definition as saved now beside what was typed."""
    definition = _definition(code)
    version = indicators.definition_version(definition)
    typed = DefinitionForm(request.POST, instance=_definition(code), locked=locked)
    typed.is_valid()
    saved = {name: getattr(definition, name) for name in indicators.DEFINITION_FIELDS}
    conflict = differences(typed, saved)
    form = rebound(DefinitionForm, request.POST, version, instance=definition, locked=locked)
    return _definition_page(request, form, definition, status=409, conflict=conflict)


@require_http_methods(GET_POST)
@login_required
def definition_delete(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """A confirmation page; a definition figures record (or the platform ships) cannot be deleted."""
    _require_keeper(request.user)
    definition = _definition(code)
    locked = indicators.code_locked(definition)
    context = {"definition": definition, "locked": locked}
    template = "community/indicators/definitions/delete.html"
    if request.method != "POST":
        return render(request, template, context)
    try:
        indicators.delete_definition(request.user, definition, request=request)
    except ValidationError:
        return render(request, template, context, status=400)
    messages.success(request, _("The indicator %(name)s was deleted.") % {"name": definition.name})
    return redirect("community:indicator_definitions")


urls: list[URLPattern] = [
    path("indicators/", indicator_list, name="indicators"),
    path("indicators/import/", indicator_import, name="indicator_import"),
    path("indicators/compare/", indicator_compare, name="indicator_compare"),
    path("indicators/compare.csv", indicator_compare_csv, name="indicator_compare_csv"),
    # Before the gmina's page, whose TERYT code would otherwise take "definitions".
    path("indicators/definitions/", definition_list, name="indicator_definitions"),
    path("indicators/definitions/add/", definition_add, name="indicator_definition_add"),
    path("indicators/definitions/<slug:code>/", definition_edit, name="indicator_definition_edit"),
    path("indicators/definitions/<slug:code>/delete/", definition_delete, name="indicator_definition_delete"),
    path("indicators/<str:code>/", indicator_gmina, name="indicator_gmina"),
    path("indicators/<str:code>/<int:year>/", indicator_year, name="indicator_year"),
    path("indicators/<str:code>/<int:year>/report.pdf", indicator_report, name="indicator_report"),
]
