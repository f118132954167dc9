"""``stem(word)``: the cached entry point, with reduplication and hyphenated clitics.

News text repeats a small vocabulary (the 20,000 commonest words are most
tokens), so a bounded dict in front of :func:`.stemmer.best_root` turns
stemming into one dictionary lookup per token once warm. When the cache is
full it is cleared rather than evicted entry by entry: cheaper per lookup than
an LRU, and the common words are back after a few documents.

Reduplication (``kata ulang``), decided for search:

- full (``anak-anak``, ``kupu-kupu``) and affixed (``berhati-hati``,
  ``kerajaan-kerajaan``, ``besar-besaran``): the root of the halves, when both
  reduce to the same one. A reader searching ``anak`` wants ``anak-anak``, and
  ``kupu-kupu`` (a root in the dictionary) still becomes ``kupu``: the query
  ``kupu-kupu`` is stemmed the same way, and one rule is easier to predict.
- ``meniru-nirukan``: the second half read with ``me-`` restores the root.
- rhyming (``sayur-mayur``, ``lauk-pauk``): the first half when it is a root;
  ``sayur-mayur`` is about ``sayur``.
- anything else with a hyphen (``pdi-p``, ``covid-19``, ``anti-gerilya``) is
  kept whole: it is a name or a compound, and cutting it loses the meaning.
"""

from __future__ import annotations

import re

from index.analysis.lexicon import roots
from index.analysis.stemmer import best_root

#: Entries kept before the cache is cleared (about 20 MB at most).
CACHE_SIZE = 200_000

_HYPHEN_CLITIC = re.compile(r"-(?:nya|lah|kah|pun|ku|mu)\Z")

_cache: dict[str, str] = {}


def stem(word: str) -> str:
    """One lower-cased word -> its root (unknown words and names come back unchanged)."""
    root = _cache.get(word)
    if root is None:
        root = _stem_uncached(word)
        if len(_cache) >= CACHE_SIZE:
            _cache.clear()
        _cache[word] = root
    return root


def clear_cache() -> None:
    """Forget cached stems (benchmarks measure the cold cache with it)."""
    _cache.clear()


def _stem_uncached(word: str) -> str:
    if "-" not in word:
        return best_root(word)
    word = _HYPHEN_CLITIC.sub("", word)
    if word.count("-") != 1:
        return word if "-" in word else best_root(word)
    first, second = word.split("-")
    return reduplication_root(first, second, whole=word)


def reduplication_root(left: str, right: str, whole: str) -> str:
    """The root a reduplicated word stands for, or ``whole`` when it is not one."""
    if not left.isalpha() or not right.isalpha():
        return whole
    if left == right:
        return best_root(left)
    if whole in roots():
        return whole
    left_root = best_root(left)
    if best_root(right) == left_root:
        return left_root
    if right not in roots() and best_root("me" + right) == left_root:
        return left_root
    rhymes = len(left) == len(right) and left[1:] == right[1:]
    if rhymes and left_root in roots():
        return left_root
    return whole
