"""The resource map and gap analysis (issue #5, point 5) for staff: a gmina × category matrix
of the services residents can reach, gaps highlighted, as a page and as CSV or XLSX."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.validators import RegexValidator
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from kooperacja.core.exports import csv_response, xlsx_response
from kooperacja.core.http import AuthenticatedHttpRequest
from kooperacja.directory.gaps import (
    EXPAND_ALL,
    CategoryColumns,
    Column,
    GapMatrix,
    build_matrix,
    default_territory,
    export_table,
    extra_providers,
    first_county,
    gminas_of,
)
from kooperacja.territory.models import County, Voivodeship

# The county choice for every gmina of the voivodeship (no TERYT code, so no powiat has it).
WHOLE_VOIVODESHIP = "all"
# A page with more cells than this shows top-level categories only (a voivodeship of 300
# gminas with every subcategory would be megabytes of HTML); the files keep every column.
MAX_PAGE_CELLS = 6000
FORMATS = ("", "html", "csv", "xlsx")


class VoivodeshipField(forms.ModelChoiceField):
    """A voivodeship by its TERYT code, named in lowercase as Polish writes it ("świętokrzyskie")."""

    def label_from_instance(self, obj: Any) -> str:
        return obj.name.lower()


class GapFilterForm(forms.Form):
    """Which territory and which columns: TERYT codes and category codes in the query string,
    so a matrix can be bookmarked and works without JavaScript. A powiat that is not in the
    chosen voivodeship (left over after choosing another voivodeship without JavaScript) gives
    way to that voivodeship's first powiat; a code that exists nowhere is an error."""

    voivodeship = VoivodeshipField(
        queryset=Voivodeship.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=None,
        label=capfirst(_("voivodeship")),
        error_messages={"invalid_choice": _("Choose a voivodeship from the list.")},
    )
    county = forms.CharField(
        required=False,
        label=capfirst(_("county (powiat)")),
        widget=forms.Select,
        validators=[RegexValidator(rf"^({WHOLE_VOIVODESHIP}|\d{{4}})$", message=_("Choose a county from the list."))],
    )
    level = forms.ChoiceField(
        required=False,
        label=_("Columns"),
        choices=[("", _("main categories")), ("sub", _("main categories and all subcategories"))],
        error_messages={"invalid_choice": _("Choose what the columns show from the list.")},
    )
    expand = forms.MultipleChoiceField(required=False, widget=forms.MultipleHiddenInput)
    format = forms.ChoiceField(required=False, choices=[(value, value) for value in FORMATS], widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        default: tuple[Voivodeship | None, County | None],
        top_level: list[str],
        voivodeships: list[Voivodeship],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.default = default
        voivodeship = cast(VoivodeshipField, self.fields["voivodeship"])
        # Read once per request: a model field's choices are queried each time they are listed.
        voivodeship.choices = [(v.code, voivodeship.label_from_instance(v)) for v in voivodeships]
        cast(forms.MultipleChoiceField, self.fields["expand"]).choices = [(code, code) for code in top_level]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        default_voivodeship, default_county = self.default
        voivodeship = cleaned.get("voivodeship") or default_voivodeship
        code = cleaned.get("county") or ""
        county: County | None = None
        whole = False
        if code == WHOLE_VOIVODESHIP:
            whole = True
        elif code:
            county = County.objects.select_related("voivodeship").filter(code=code).first()
            if county is None:
                self.add_error("county", _("Choose a county from the list."))
            elif voivodeship is not None and county.voivodeship_id != voivodeship.pk:
                county = None
        if voivodeship is None and county is not None:
            voivodeship = county.voivodeship
        if county is None and not whole and voivodeship is not None:
            if default_county is not None and default_county.voivodeship_id == voivodeship.pk:
                county = default_county
            else:
                county = first_county(voivodeship)
        cleaned["voivodeship"] = voivodeship
        cleaned["county_obj"] = county
        return cleaned

    def choice(self) -> GapChoice:
        """What a valid form asks for."""
        data = self.cleaned_data
        return GapChoice(
            voivodeship=data["voivodeship"],
            county=data["county_obj"],
            every=data.get("level") == "sub",
            expanded=set(data.get("expand") or ()),
            output=data.get("format") or "html",
        )


@dataclass(frozen=True)
class GapChoice:
    """The territory (a powiat, or the whole voivodeship when `county` is None), the columns
    (every subcategory, or the expanded main categories) and the output format."""

    voivodeship: Voivodeship | None
    county: County | None
    every: bool
    expanded: set[str]
    output: str

    def base_params(self) -> dict[str, Any]:
        """The query of the territory alone."""
        return {
            "voivodeship": self.voivodeship.code if self.voivodeship else "",
            "county": self.county.code if self.county else WHOLE_VOIVODESHIP,
        }

    def column_params(self) -> dict[str, Any]:
        """The query of the columns alone."""
        return {"level": "sub" if self.every else "", "expand": sorted(self.expanded)}


@dataclass
class HeaderGroup:
    """The header above one top-level category: its own column and, expanded, its subcategories."""

    label: str
    columns: list[Column]
    toggle_url: str

    @property
    def expanded(self) -> bool:
        return self.columns[0].expanded

    @property
    def expandable(self) -> bool:
        return self.columns[0].expandable


def _url(params: dict[str, Any]) -> str:
    query = QueryDict(mutable=True)
    for key, value in params.items():
        if isinstance(value, list):
            query.setlist(key, value)
        elif value:
            query[key] = value
    encoded = query.urlencode()
    return reverse("directory:gaps") + (f"?{encoded}" if encoded else "")


def _header_groups(columns: list[Column], base: dict[str, Any], expanded: set[str], every: bool) -> list[HeaderGroup]:
    """Consecutive columns of one top-level category under one header, each with the address
    that shows or hides its subcategories (keeping the other categories as they are)."""
    expandable = {column.category for column in columns if column.expandable}
    opened = expandable if every else expanded & expandable
    groups: list[HeaderGroup] = []
    for column in columns:
        if groups and groups[-1].columns[0].group_key == column.group_key:
            groups[-1].columns.append(column)
            continue
        toggle = ""
        if column.expandable:
            code = column.category
            changed = opened - {code} if code in opened else opened | {code}
            toggle = _url({**base, "expand": sorted(changed)})
        groups.append(HeaderGroup(label=column.group, columns=[column], toggle_url=toggle))
    return groups


def _cell_links(matrix: GapMatrix) -> dict[tuple[int, str], str]:
    search = reverse("directory:search")
    return {
        (
            row.gmina.pk,
            cell.column.key,
        ): f"{search}?{urlencode({'gmina': row.gmina.code, 'category': cell.column.category})}"
        for row in matrix.rows
        for cell in row.cells
        if cell.value and cell.column.category
    }


@require_safe
@login_required
def gap_matrix(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Staff choose a voivodeship and a powiat (or the whole voivodeship); the matrix shows the
    number of listed services open to residents of each gmina in each category."""
    provider = CategoryColumns()
    top_level = [term.code for term in provider.top_level()]
    default = default_territory(request.user)
    voivodeships = list(Voivodeship.objects.order_by("name"))
    form = GapFilterForm(request.GET, default=default, top_level=top_level, voivodeships=voivodeships)
    if not form.is_valid():
        # The filters say what is wrong; no matrix (or file) is made from them.
        chosen = form.cleaned_data.get("voivodeship") or default[0]
        form.fields["county"].widget.choices = _county_choices(chosen)
        return render(request, "directory/gaps/matrix.html", {"form": form, "matrix": None}, status=400)
    choice = form.choice()
    provider.expand = {EXPAND_ALL} if choice.every else choice.expanded
    gminas = gminas_of(choice.voivodeship, choice.county)
    # Columns of apps above the directory (people in need), for those allowed to see them.
    providers = [provider, *extra_providers(request.user, provider, gminas)]
    if choice.output in ("csv", "xlsx"):
        return _download(build_matrix(gminas, providers), choice)
    collapsed = len(gminas) * len(provider.columns()) > MAX_PAGE_CELLS
    if collapsed:
        provider.collapse()
    matrix = build_matrix(gminas, providers)
    display = GapFilterForm(
        initial={**choice.base_params(), **choice.column_params()},
        default=default,
        top_level=top_level,
        voivodeships=voivodeships,
    )
    display.fields["county"].widget.choices = _county_choices(choice.voivodeship)
    return render(request, "directory/gaps/matrix.html", _page_context(display, matrix, choice, collapsed))


def _download(matrix: GapMatrix, choice: GapChoice) -> HttpResponse:
    """The matrix as a CSV or XLSX file named after its territory's TERYT code."""
    header, rows = export_table(matrix)
    territory = choice.county or choice.voivodeship
    filename = f"gaps-{territory.code if territory else ''}.{choice.output}"
    if choice.output == "csv":
        return csv_response(filename, header, rows)
    return xlsx_response(filename, gettext("Service gaps"), header, rows)


def _page_context(form: GapFilterForm, matrix: GapMatrix, choice: GapChoice, collapsed: bool) -> dict[str, Any]:
    base = choice.base_params()
    links = _cell_links(matrix)
    groups = _header_groups(matrix.columns, base, choice.expanded, choice.every)
    return {
        "form": form,
        "matrix": matrix,
        "rows": [
            (row, [(cell, links.get((row.gmina.pk, cell.column.key), "")) for cell in row.cells]) for row in matrix.rows
        ],
        "groups": groups,
        "has_subheader": any(len(group.columns) > 1 for group in groups),
        "has_needs": any(column.beside for column in matrix.columns),
        "territory": _territory_label(choice.voivodeship, choice.county),
        "whole_voivodeship": choice.county is None,
        "collapsed": collapsed,
        "csv_url": _url({**base, **choice.column_params(), "format": "csv"}),
        "xlsx_url": _url({**base, **choice.column_params(), "format": "xlsx"}),
        "voivodeship": choice.voivodeship,
    }


def _county_choices(voivodeship: Voivodeship | None) -> list[tuple[str, str]]:
    choices = [(WHOLE_VOIVODESHIP, gettext("the whole voivodeship"))]
    if voivodeship is not None:
        counties = County.objects.filter(voivodeship=voivodeship).order_by("code")
        choices += [(county.code, f"{county.name} ({county.code})") for county in counties]
    return choices


def _territory_label(voivodeship: Voivodeship | None, county: County | None) -> str:
    if county is not None:
        return gettext("county %(name)s (%(code)s)") % {"name": county.name, "code": county.code}
    if voivodeship is not None:
        return gettext("%(name)s voivodeship") % {"name": voivodeship.name.lower()}
    return ""
