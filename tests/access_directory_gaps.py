"""Access-matrix rows of the service directory: the gap analysis and the taxonomy
administration (see tests/access_rows.py). Every signed-in persona may study the resource
map; only the platform administrator edits taxonomies."""

from __future__ import annotations

from typing import Any

from tests.access_rows import ADMIN_ONLY, SIGNED_IN, ApiRow, Getter, UrlRow


def _categories(persona: Getter) -> dict[str, Any]:
    from kooperacja.directory.models import CATEGORIES, Taxonomy

    return {"public_id": Taxonomy.objects.get(code=CATEGORIES).public_id}


def _category_term(persona: Getter) -> dict[str, Any]:
    from kooperacja.directory.models import TaxonomyTerm

    return {"public_id": TaxonomyTerm.objects.categories().get(code="counselling").public_id}


URL_ROWS: list[UrlRow] = [
    UrlRow("directory:gaps", SIGNED_IN),
    UrlRow("directory:taxonomy", ADMIN_ONLY),
    UrlRow("directory:taxonomy_terms", ADMIN_ONLY, kwargs=_categories),
    UrlRow("directory:term_add", ADMIN_ONLY, kwargs=_categories, wrong_method="DELETE"),
    UrlRow("directory:term_edit", ADMIN_ONLY, kwargs=_category_term, wrong_method="DELETE"),
]
API_ROWS: list[ApiRow] = []
