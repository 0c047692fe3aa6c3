"""Forms of the service directory.

This module holds the public search and filter form (DESIGN.md §4). The forms staff use to
keep their institution's entries live in `manage_forms.py`.

Retired taxonomy terms (`TaxonomyTerm.is_active` false) are not offered in the filters. A link
or saved search that names one still works (codes are stable): the term is then offered as the
chosen option, marked as withdrawn, and the services that carry it are found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.http import urlencode
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from kooperacja.directory import search
from kooperacja.directory.models import (
    ACCESSIBILITY,
    CATEGORIES,
    TARGET_GROUPS,
    ServiceQuerySet,
    TaxonomyTerm,
)
from kooperacja.directory.services import descendant_ids
from kooperacja.territory.models import Municipality

# =============================================================================================
# Public search and filters: GET /directory/?q=&gmina=&category=&group=&access=&free=1&page=N
# =============================================================================================

# Results per page of the public directory, and how far a resident may page: the count stops
# at COUNT_CAP, so paging stops there too (narrowing the search is the way on).
PAGE_SIZE = 20
COUNT_CAP = 1000
MAX_PAGE = COUNT_CAP // PAGE_SIZE
# Up to this many gminas the gmina filter is a list grouped by powiat; a deployment holding
# more (the national register has about 2,500) gets a text field for a name or a TERYT code,
# so the page stays within its weight budget.
GMINA_SELECT_LIMIT = 150
GMINA_CODE = re.compile(r"\d{7}")
# Powiat codes from 61 up are cities with powiat rights (TERC).
CITY_COUNTY_FROM = 61

ChoiceGroup = tuple[str, list[tuple[str, str]]]


@dataclass
class FilterChoices:
    """What the filters offer, read once per request (three queries): the gminas, or None when
    there are too many to list, and the terms of the three public taxonomies."""

    gminas: list[Municipality] | None
    # Every term, retired ones too (a link may name one); `offered` leaves those out.
    terms: dict[str, list[TaxonomyTerm]] = field(default_factory=dict)

    @classmethod
    def load(cls, *, gmina_list: bool = True) -> FilterChoices:
        """Without `gmina_list` (the API, which takes TERYT codes only) the gminas are not read
        and a code is looked up when it is given."""
        gminas: list[Municipality] | None = None
        # Checked first: sorting the national register by powiat to find it too long costs 10 ms.
        if gmina_list and len(Municipality.objects.values_list("pk")[: GMINA_SELECT_LIMIT + 1]) <= GMINA_SELECT_LIMIT:
            gminas = list(Municipality.objects.with_parents().order_by("county__code", "name", "code"))
        terms: dict[str, list[TaxonomyTerm]] = {CATEGORIES: [], TARGET_GROUPS: [], ACCESSIBILITY: []}
        for term in TaxonomyTerm.objects.filter(taxonomy__code__in=list(terms)).select_related("taxonomy"):
            terms[term.taxonomy.code].append(term)
        return cls(gminas=gminas, terms=terms)

    def term(self, taxonomy: str, code: str) -> TaxonomyTerm | None:
        return next((term for term in self.terms[taxonomy] if term.code == code), None)

    def offered(self, taxonomy: str, chosen: object = None) -> list[TaxonomyTerm]:
        """The terms a filter lists: those in use, and a retired one only when it is the chosen code."""
        return [term for term in self.terms[taxonomy] if term.is_active or term.code == chosen]

    def subtree(self, term: TaxonomyTerm) -> list[TaxonomyTerm]:
        """The term and every term below it in its taxonomy (safe from an imported cycle)."""
        ids = descendant_ids(term, self.terms[term.taxonomy.code])
        return [other for other in self.terms[term.taxonomy.code] if other.pk in ids]


def county_label(gmina: Municipality, *, with_voivodeship: bool) -> str:
    county = gmina.county
    if int(county.code[2:]) >= CITY_COUNTY_FROM:
        label = str(_("%(name)s (city with powiat rights)") % {"name": county.name})
    else:
        label = str(_("powiat %(name)s") % {"name": county.name})
    if with_voivodeship:
        label = f"{label}, {county.voivodeship.name.lower()}"
    return capfirst(label)


def gmina_choices(gminas: Sequence[Municipality]) -> list[tuple[str, Any]]:
    """Gminas grouped under their powiat, in the order of powiat codes. A gmina's kind is named
    only where two gminas of one powiat share a name (an urban and a rural gmina)."""
    voivodeships = {gmina.county.voivodeship_id for gmina in gminas}
    groups: dict[int, ChoiceGroup] = {}
    for gmina in gminas:
        same_name = [other for other in gminas if other.county_id == gmina.county_id and other.name == gmina.name]
        label = gmina.name if len(same_name) == 1 else f"{gmina.name} ({gmina.get_kind_display()})"
        group = groups.setdefault(gmina.county_id, (county_label(gmina, with_voivodeship=len(voivodeships) > 1), []))
        group[1].append((gmina.code, label))
    return [("", _("all gminas")), *groups.values()]


def category_choices(terms: Sequence[TaxonomyTerm]) -> list[tuple[str, Any]]:
    """Categories grouped under their top-level category; the top-level one opens its group
    (choosing it finds every service below it) and deeper terms are indented."""
    children: dict[int | None, list[TaxonomyTerm]] = {}
    given = {term.pk for term in terms}
    for term in sorted(terms, key=lambda term: (term.position, term.code)):
        # A term whose parent is not listed (a retired term a link names) stands at the top.
        children.setdefault(term.parent_id if term.parent_id in given else None, []).append(term)
    choices: list[tuple[str, Any]] = [("", _("all categories"))]
    for root in children.get(None, []):
        options = [(root.code, str(_("%(name)s — all") % {"name": term_label(root)}))]
        stack = [(child, 0) for child in reversed(children.get(root.pk, []))]
        while stack:
            term, depth = stack.pop()
            options.append((term.code, "\u00a0\u00a0" * depth + term_label(term)))
            stack += [(child, depth + 1) for child in reversed(children.get(term.pk, []))]
        if len(options) == 1:
            options = [(root.code, term_label(root))]
        choices.append((root.name, options))
    return choices


def term_label(term: TaxonomyTerm) -> str:
    """A term as a filter lists it; a retired one (offered only when a link names it) is marked."""
    if term.is_active:
        return term.name
    return str(_("%(name)s (term withdrawn)") % {"name": term.name})


def flat_choices(terms: Iterable[TaxonomyTerm], empty_label: Any) -> list[tuple[str, Any]]:
    return [("", empty_label), *((term.code, term_label(term)) for term in terms)]


class GminaTextField(forms.CharField):
    """A gmina by its 7-digit TERYT code or its name, for deployments with too many gminas to list."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=100, **kwargs)

    def clean(self, value: Any) -> Municipality | None:
        text = super().clean(value).strip()
        if not text:
            return None
        if GMINA_CODE.fullmatch(text):
            gmina = Municipality.objects.with_parents().filter(code=text).first()
            if gmina is None:
                raise forms.ValidationError(
                    _("There is no gmina with the TERYT code %(code)s."),
                    code="unknown",
                    params={"code": text},
                )
            return gmina
        folded = search.fold(text)
        # Only when a name is typed: fold every gmina's name, as "lodz" must find "Łódź".
        found = [
            gmina
            for gmina in Municipality.objects.with_parents().order_by("name", "code")
            if search.fold(gmina.name) == folded
        ]
        if not found:
            raise forms.ValidationError(
                _("No gmina is called “%(name)s”. Check the spelling, or enter its 7-digit TERYT code."),
                code="unknown",
                params={"name": text},
            )
        if len(found) > 1:
            raise forms.ValidationError(
                _("Several gminas are called “%(name)s”: enter the TERYT code of yours (%(codes)s)."),
                code="ambiguous",
                params={
                    "name": text,
                    "codes": "; ".join(
                        f"{gmina.code} — {gmina.get_kind_display()}, {county_label(gmina, with_voivodeship=True)}"
                        for gmina in found
                    ),
                },
            )
        return found[0]


TICKED = frozenset({"1", "true", "on"})
UNTICKED = frozenset({"", "0", "false", "off"})


def _is_ticked(value: Any) -> bool:
    return value is True or str(value).strip().lower() in TICKED


class TickInput(forms.CheckboxInput):
    """A checkbox that hands the field what was sent, not Django's "anything non-empty is ticked"."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, check_test=_is_ticked)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)

    def format_value(self, value: Any) -> str | None:
        # The box always sends its own value ("1"), never what a link sent.
        return None


class TickField(forms.BooleanField):
    """A checkbox a link may set: ticked is "1" ("true" and "on" too), unticked is absent, empty,
    "0" or "false"; any other value is refused (the page says so) rather than read as ticked."""

    widget = TickInput

    def to_python(self, value: Any) -> bool:
        if value is None or value is False:
            return False
        if value is True:
            return True
        text = str(value).strip().lower()
        if text in TICKED:
            return True
        if text in UNTICKED:
            return False
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid", params={"value": value})


class DirectorySearchForm(forms.Form):
    """The public search: words (the Polish search rule of DESIGN.md §4) and filters by gmina,
    category, target group, accessibility and cost. Codes travel in the query string, so a
    search is a link a social worker can send; an unknown code gets a message, not an error page."""

    q = forms.CharField(
        label=_("What help are you looking for?"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}),
        help_text=_("For example: psycholog, klub seniora, pomoc prawna."),
    )
    gmina = forms.ChoiceField(
        label=_("Gmina where you live"),
        required=False,
        error_messages={"invalid_choice": _("There is no gmina with the code %(value)s: choose one from the list.")},
    )
    category = forms.ChoiceField(
        label=_("Kind of service"),
        required=False,
        error_messages={"invalid_choice": _("There is no kind of service “%(value)s”: choose one from the list.")},
    )
    group = forms.ChoiceField(
        label=_("For whom"),
        required=False,
        error_messages={"invalid_choice": _("There is no group “%(value)s”: choose one from the list.")},
    )
    access = forms.ChoiceField(
        label=_("Accessibility"),
        required=False,
        error_messages={
            "invalid_choice": _("There is no accessibility feature “%(value)s”: choose one from the list.")
        },
    )
    free = TickField(
        label=_("Free of charge only"),
        required=False,
        widget=TickInput(attrs={"value": "1"}),
        error_messages={"invalid": _("“%(value)s” is not a value of “free of charge only”: tick the box or leave it.")},
    )
    page = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": _("The page number must be a whole number from 1."),
            "min_value": _("The page number must be a whole number from 1."),
            "max_value": _(
                "Only the first %(limit_value)s pages of results are shown: add words or filters to narrow the search."
            ),
        },
    )

    def __init__(self, *args: Any, choices: FilterChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        if choices.gminas is None:
            self.fields["gmina"] = GminaTextField(
                label=self.fields["gmina"].label,
                required=False,
                help_text=_("The name of the gmina, or its 7-digit TERYT code."),
            )
        else:
            self.fields["gmina"].choices = gmina_choices(choices.gminas)  # type: ignore[attr-defined]
        chosen = {name: self.data.get(name) if self.is_bound else None for name in ("category", "group", "access")}
        self.fields["category"].choices = category_choices(  # type: ignore[attr-defined]
            choices.offered(CATEGORIES, chosen["category"])
        )
        self.fields["group"].choices = flat_choices(  # type: ignore[attr-defined]
            choices.offered(TARGET_GROUPS, chosen["group"]), _("everyone")
        )
        self.fields["access"].choices = flat_choices(  # type: ignore[attr-defined]
            choices.offered(ACCESSIBILITY, chosen["access"]), _("any")
        )

    def clean_gmina(self) -> Municipality | None:
        value = self.cleaned_data.get("gmina")
        if isinstance(value, Municipality) or not value:
            return value or None
        gminas = self.choices.gminas or []
        return next(gmina for gmina in gminas if gmina.code == value)

    def _clean_term(self, name: str, taxonomy: str) -> TaxonomyTerm | None:
        code = self.cleaned_data.get(name)
        return self.choices.term(taxonomy, code) if code else None

    def clean_category(self) -> TaxonomyTerm | None:
        return self._clean_term("category", CATEGORIES)

    def clean_group(self) -> TaxonomyTerm | None:
        return self._clean_term("group", TARGET_GROUPS)

    def clean_access(self) -> TaxonomyTerm | None:
        return self._clean_term("access", ACCESSIBILITY)

    @property
    def page_number(self) -> int:
        return (self.cleaned_data.get("page") if self.is_bound and self.is_valid() else None) or 1

    @property
    def more_filters_open(self) -> bool:
        """The folded filters are open before the first search, and while one of them is set
        or wrong, so a resident sees what narrows the results."""
        return not self.data or any(
            self.data.get(name) or name in self.errors for name in ("category", "group", "access", "free")
        )

    @property
    def has_filters(self) -> bool:
        data = self.cleaned_data
        return any(data.get(name) for name in ("q", "gmina", "category", "group", "access", "free"))

    def filter(self, services: ServiceQuerySet) -> ServiceQuerySet:
        """The services matching the valid form: every word, and every chosen filter.

        A top-level category finds the services of every category below it."""
        data = self.cleaned_data
        if data.get("q"):
            found = services.matching(data["q"], gmina=data.get("gmina"))
        else:
            found = services.serving(data["gmina"]) if data.get("gmina") else services
        if data.get("category"):
            found = found.with_any_term(self.choices.subtree(data["category"]))
        for name in ("group", "access"):
            if data.get(name):
                found = found.with_term(data[name])
        if data.get("free"):
            found = found.filter(free_of_charge=True)
        return found

    def query_without_page(self) -> str:
        """The valid search as a query string with codes (a gmina typed by name becomes its
        TERYT code), for the links to the results' other pages."""
        data = self.cleaned_data
        params: list[tuple[str, str]] = []
        if data.get("q"):
            params.append(("q", data["q"]))
        if data.get("gmina"):
            params.append(("gmina", data["gmina"].code))
        params += [(name, data[name].code) for name in ("category", "group", "access") if data.get(name)]
        if data.get("free"):
            params.append(("free", "1"))
        return urlencode(params)
