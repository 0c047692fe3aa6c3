"""Taxonomy administration for platform administrators: the taxonomies, their terms as a tree
(retired terms marked), adding a term and editing one, retiring it or bringing it back (rules
in kooperacja.directory.services, "Taxonomy administration").

Taxonomies are public data, not scoped to anyone: an unknown one is simply 404."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from kooperacja.core.http import AuthenticatedHttpRequest
from kooperacja.core.policies import role_required
from kooperacja.core.roles import Role
from kooperacja.directory.models import ServiceAttribute, Taxonomy, TaxonomyTerm
from kooperacja.directory.policies import can_edit_taxonomy, is_editable_taxonomy
from kooperacja.directory.services import StaleTerm, add_term, tree, update_term
from kooperacja.directory.taxonomy_forms import TermCreateForm, TermEditForm


@dataclass
class Node:
    """A term in the tree the page shows, with how many services carry it."""

    term: TaxonomyTerm
    services: int
    children: list[Node] = field(default_factory=list)


def _nodes(terms: list[TaxonomyTerm], usage: dict[int, int]) -> list[Node]:
    roots: list[Node] = []
    stack: list[tuple[int, Node]] = []
    for term, depth in tree(terms):
        node = Node(term, usage.get(term.pk, 0))
        while stack and stack[-1][0] >= depth:
            stack.pop()
        (stack[-1][1].children if stack else roots).append(node)
        stack.append((depth, node))
    return roots


@require_safe
@role_required(Role.ADMIN)
def taxonomy_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    taxonomies = Taxonomy.objects.annotate(term_count=Count("terms")).order_by("name", "code")
    rows = [(taxonomy, is_editable_taxonomy(taxonomy)) for taxonomy in taxonomies]
    return render(request, "directory/taxonomy/list.html", {"rows": rows})


@require_safe
@role_required(Role.ADMIN)
def taxonomy_terms(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    taxonomy = get_object_or_404(Taxonomy, public_id=public_id)
    terms = list(
        TaxonomyTerm.objects.filter(taxonomy=taxonomy).only(
            "id", "public_id", "taxonomy_id", "code", "name", "description", "parent_id", "position", "is_active"
        )
    )
    usage = dict(
        ServiceAttribute.objects.filter(taxonomy_term__taxonomy=taxonomy)
        .values("taxonomy_term_id")
        .annotate(services=Count("service_id", distinct=True))
        .values_list("taxonomy_term_id", "services")
        .order_by()
    )
    return render(
        request,
        "directory/taxonomy/terms.html",
        {
            "taxonomy": taxonomy,
            "nodes": _nodes(terms, usage),
            "term_count": len(terms),
            "retired_count": sum(1 for term in terms if not term.is_active),
            "editable": is_editable_taxonomy(taxonomy),
        },
    )


def _form_page(request: AuthenticatedHttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, "directory/taxonomy/term_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.ADMIN)
def term_add(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    taxonomy = get_object_or_404(Taxonomy, public_id=public_id)
    if not can_edit_taxonomy(request.user, taxonomy):
        raise PermissionDenied
    if request.method != "POST":
        # "Add below" links name the parent: ?parent=<public id>.
        initial = {"parent": request.GET.get("parent")} if request.GET.get("parent") else {}
        form = TermCreateForm(taxonomy=taxonomy, initial=initial)
        return _form_page(request, {"form": form, "taxonomy": taxonomy})
    form = TermCreateForm(request.POST, taxonomy=taxonomy)
    if form.is_valid():
        try:
            term = add_term(request.user, taxonomy, **form.cleaned_data, request=request)
        except ValidationError as refusal:
            form.add_error(None, refusal)
        else:
            messages.success(request, _("The term “%(name)s” was added.") % {"name": term.name})
            return redirect(f"{_terms_url(taxonomy)}#term-{term.code}")
    return _form_page(request, {"form": form, "taxonomy": taxonomy}, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(Role.ADMIN)
def term_edit(request: AuthenticatedHttpRequest, public_id: UUID) -> HttpResponse:
    term = get_object_or_404(TaxonomyTerm.objects.select_related("taxonomy", "parent"), public_id=public_id)
    taxonomy = term.taxonomy
    if not can_edit_taxonomy(request.user, taxonomy):
        raise PermissionDenied
    context: dict[str, Any] = {"taxonomy": taxonomy, "term": term}
    if request.method != "POST":
        return _form_page(request, {**context, "form": TermEditForm(taxonomy=taxonomy, term=term)})
    form = TermEditForm(request.POST, taxonomy=taxonomy, term=term)
    if not form.is_valid():
        return _form_page(request, {**context, "form": form}, status=400)
    try:
        update_term(request.user, term, **form.cleaned_data, request=request)
    except StaleTerm as refusal:
        # The form shows the term as saved now; what the editor typed is listed beside it.
        term.refresh_from_db()
        fresh = TermEditForm(taxonomy=taxonomy, term=term)
        return _form_page(
            request,
            {**context, "form": fresh, "stale": refusal.messages, "submitted": form.cleaned_data},
            status=409,
        )
    except ValidationError as refusal:
        form.add_error(None, refusal)
        return _form_page(request, {**context, "form": form}, status=400)
    messages.success(request, _("The changes were saved."))
    return redirect(f"{_terms_url(taxonomy)}#term-{term.code}")


def _terms_url(taxonomy: Taxonomy) -> str:
    return reverse("directory:taxonomy_terms", kwargs={"public_id": taxonomy.public_id})
