"""Polish search of learning records (DESIGN.md §4): a record keeps the folded lemmas of its
texts in `search_text`, and a query word matches a term by its beginning, so "poradni" finds
"Poradnia" and "lodz" finds "Łódź". Used by the good practices and the materials library.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from kooperacja.directory.search import index_terms, query_terms

M = TypeVar("M", bound=Model)


def search_text(*texts: str) -> str:
    """Every term the texts are found by, between spaces (" term term "), so that a search can
    ask for a term's beginning with `contains(" " + term)`."""
    return " " + " ".join(sorted(index_terms(*texts))) + " "


def _word_condition(alternatives: set[str]) -> Q:
    condition = Q()
    for term in alternatives:
        # A word of one or two letters must be a whole term, or "w" would find almost everything.
        needle = f" {term} " if len(term) <= 2 else f" {term}"
        condition |= Q(search_text__contains=needle)
    return condition


def matching(records: QuerySet[M], query: str) -> QuerySet[M]:
    """Records (with a `search_text` field) found by every word of the query, as typed or as
    its lemma, folded."""
    for alternatives in query_terms(query):
        records = records.filter(_word_condition(alternatives))
    return records
