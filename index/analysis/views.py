"""The merged view: exact words and their roots in one field, in one pass.

Each text is indexed once, into one field holding, at each word's position:

- the exact word, lower-cased (``menjatuhkan``): phrases, proximity and
  names match these, so ``"Joko Widodo"`` means those words;
- when its root differs, the root with a marker (``~jatuh``): a free word
  in a query is stemmed and matches ``jatuh`` or ``~jatuh``, so ``jatuh``
  finds ``menjatuhkan``, ``dijatuhkan`` and ``jatuh`` alike;
- for a hyphenated compound that is no reduplication (``rusia-ukraina``), each
  part's terms too, at the compound's position: ``Ukraina`` finds it.

Function words (the short stopword list) are left out of the index but keep
their positions, so a quoted phrase across one still lines up. One field
instead of a stemmed and an exact one halves what Whoosh must write for
words that are their own root (most of them), which is where indexing time
goes. The Whoosh analyzer (:func:`.components.merged_analyzer`) yields the
same terms; ``tests/test_analysis_views.py`` checks both agree on real text.
"""

from __future__ import annotations

from index.analysis.stemming import stem
from index.analysis.stopwords import stopwords
from index.analysis.tokenizer import matches, normalize

#: Marks a root in the merged field; the tokenizer never yields this character.
ROOT_MARK = "~"

#: Surface words remembered before the cache is cleared.
CACHE_SIZE = 300_000

#: What one token adds to the index: nothing (a function word), its exact
#: form only, or its exact form and its marked root.
Terms = tuple[str, ...]

_cache: dict[tuple[str, bool], Terms] = {}
_surface_cache: dict[tuple[str | None, str], Terms] = {}


def token_terms(text: str, protected: bool) -> Terms:
    """The index terms of one token (cached)."""
    key = (text, protected)
    terms = _cache.get(key)
    if terms is None:
        terms = _terms_uncached(text, protected)
        if len(_cache) >= CACHE_SIZE:
            _cache.clear()
        _cache[key] = terms
    return terms


def _terms_uncached(text: str, protected: bool) -> Terms:
    if protected:
        return (text,)
    if text in stopwords():
        return ()
    root = stem(text)
    if root != text:
        return (text, ROOT_MARK + root)
    if "-" in text:  # a compound, not a reduplication (those have a root): its parts too
        return compound_terms(text)
    return (text,)


def compound_terms(text: str) -> Terms:
    """``rusia-ukraina``, ``goguryeo-su``: the whole word, then each part's terms at the same
    position, so ``Ukraina`` finds "konflik Rusia-Ukraina" while the whole word stays exact."""
    terms = [text]
    for part in text.split("-"):
        if part and part != text:
            terms.extend(token_terms(part, False))
    return tuple(dict.fromkeys(terms))


def root_term(text: str, protected: bool) -> str | None:
    """The term a free query word looks up: its root, unmarked, or None for a function word."""
    if protected:
        return text
    if text in stopwords():
        return None
    return stem(text)


def term_needle(term: str) -> str:
    """Text that every word having index term ``term`` holds, once folded: the root
    without its mark and its first letter.

    No affix splits a root: prefixes and suffixes stand around it, an infix
    (``-el-``, ``-em-``, ``-er-``) comes after its first letter, and a nasal prefix
    swallows at most that letter (``memukul`` -> ``pukul``). A word lacking the
    needle cannot have the term, so a caller matching a few terms against many
    words (snippets) need not stem those words to know.
    """
    root = term.removeprefix(ROOT_MARK)
    return root[1:] or root


def surface_terms(kind: str | None, surface: str) -> Terms:
    """The index terms of one regex match, cached by its surface form."""
    key = (kind, surface)
    terms = _surface_cache.get(key)
    if terms is None:
        terms = token_terms(*normalize(kind or "word", surface))
        if len(_surface_cache) >= CACHE_SIZE:
            _surface_cache.clear()
        _surface_cache[key] = terms
    return terms


def index_positions(text: str) -> dict[str, list[int]]:
    """Every index term of ``text`` with its positions: what one field posts."""
    positions: dict[str, list[int]] = {}
    cache = _surface_cache
    for pos, match in enumerate(matches(text)):
        terms = cache.get((match.lastgroup, match.group()))
        if terms is None:
            terms = surface_terms(match.lastgroup, match.group())
        for term in terms:
            where = positions.get(term)
            if where is None:
                positions[term] = [pos]
            else:
                where.append(pos)
    return positions
