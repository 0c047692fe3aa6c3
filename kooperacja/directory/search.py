"""Polish search text: lowercase, unaccented lemmas (DESIGN.md §4).

"poradni", "poradnia" and "poradnię" meet at the lemma "poradnia"; "lodz" finds "Łódź"
because both fold to "lodz". Each word is indexed twice — its folded form and its folded
lemma — so a word the lemmatiser gets wrong is still found as typed. A query word matches an
indexed term that starts with it, so "porad" finds "poradnictwo" while a resident is typing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import simplemma

# Letters that Unicode decomposition leaves whole; the rest lose their marks through NFKD.
_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss", "ø": "o", "đ": "d", "æ": "ae", "œ": "oe"})
_WORD = re.compile(r"\w+", re.UNICODE)
# Longer words are cut: no Polish lemma comes near, and the term column stays narrow.
MAX_TERM_LENGTH = 40
# Enough for any real query; a pasted page of text is not searched word by word.
MAX_QUERY_WORDS = 8


def fold(text: str) -> str:
    """Lowercase without diacritics: "Łódź" -> "lodz"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED).lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@cache
def _lemma(word: str) -> str:
    # simplemma loads its Polish dictionary (about 4 s) on first use, once per process.
    return str(simplemma.lemmatize(word, lang="pl"))


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("_", " "))


def terms_of_word(word: str) -> set[str]:
    """The folded form and the folded lemma of one lowercase word."""
    found = {fold(word)[:MAX_TERM_LENGTH]}
    if not word.isdigit():
        found.add(fold(_lemma(word))[:MAX_TERM_LENGTH])
    return {term for term in found if term}


def index_terms(*texts: str) -> set[str]:
    """Every term a record is found by."""
    found: set[str] = set()
    for text in texts:
        for word in words(text or ""):
            found |= terms_of_word(word)
    return found


def query_terms(query: str) -> list[set[str]]:
    """One set of alternatives per query word; a record must match some alternative of every word.

    Repeated words count once; only the first MAX_QUERY_WORDS distinct words are used.
    """
    alternatives: list[set[str]] = []
    seen: set[str] = set()
    for word in words(query):
        key = fold(word)
        if key in seen:
            continue
        seen.add(key)
        alternatives.append(terms_of_word(word))
        if len(alternatives) == MAX_QUERY_WORDS:
            break
    return alternatives


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix`, for an index range scan."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
