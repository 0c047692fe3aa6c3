"""Polish search text: lowercase, unaccented lemmas (DESIGN.md §4).

"poradni", "poradnia" and "poradnię" meet at the lemma "poradnia"; "lodz" finds "Łódź"
because both fold to "lodz". Each word is indexed twice — its folded form and its folded
lemma — so a word the lemmatiser gets wrong is still found as typed.

A query word matches an indexed term that starts with its folded lemma or with its folded
stem (the word less its last letters, where Polish endings sit). The lemma joins forms that
share little ("dzieci" and "dziecko"); the stem serves words typed without Polish letters,
which the lemmatiser does not know ("spoleczna" finds "społecznej"), and words still being
typed ("porad" finds "poradnictwo"). Prepositions and conjunctions of a query are left out:
"opieka nad seniorem" looks for "opieka" and "senior".
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
# Query words that carry no meaning of their own (folded): prepositions, conjunctions, particles.
STOP_WORDS = frozenset(
    {"a", "aby", "albo", "ale", "bez", "by", "czy", "dla", "do", "i", "jak", "jest", "lub", "na", "nad", "o"}
    | {"od", "oraz", "po", "pod", "przez", "przy", "sie", "u", "w", "we", "z", "za", "ze", "zeby"}
)


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


def stem(folded_word: str) -> str:
    """The folded word less the letters where Polish inflection changes it: one letter of a
    word of five or six letters, two of a longer one ("opieke" -> "opiek", "spoleczna" ->
    "spolecz"); shorter words stay whole."""
    if len(folded_word) >= 7:
        return folded_word[:-2]
    if len(folded_word) >= 5:
        return folded_word[:-1]
    return folded_word


def query_terms(query: str) -> list[set[str]]:
    """One set of alternatives per query word; a record must match some alternative of every word.

    Repeated words and stop words count not at all (unless the query holds nothing else); only
    the first MAX_QUERY_WORDS distinct words are used.
    """
    typed = [word for word in words(query) if fold(word)]
    meaningful = [word for word in typed if fold(word) not in STOP_WORDS] or typed
    alternatives: list[set[str]] = []
    seen: set[str] = set()
    for word in meaningful:
        key = fold(word)[:MAX_TERM_LENGTH]
        if key in seen:
            continue
        seen.add(key)
        found = {stem(key)}
        if not word.isdigit():
            found.add(fold(_lemma(word))[:MAX_TERM_LENGTH])
        alternatives.append({term for term in found if term})
        if len(alternatives) == MAX_QUERY_WORDS:
            break
    return alternatives


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix`, for an index range scan."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)
