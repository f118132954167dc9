"""The root-word dictionary the stemmer checks every candidate against.

The base is PySastrawi's MIT ``kata-dasar.txt`` (about 29,900 roots), read from
the installed package at runtime so that kliping does not carry a copy that
drifts from its source. Two small package data files adjust it:

- ``roots_extra.txt``: words that news writes as single roots but that the
  Sastrawi list lacks, mostly lexicalised acronyms (``pemilu``, ``pilkada``):
  without them the stemmer cuts them into unrelated roots (``pemilu -> milu``).
- ``roots_removed.txt``: entries that are not Indonesian roots in today's usage
  and only serve to produce wrong cuts (one- and two-letter fragments, rare
  archaic forms that shadow common derivations).

``root_freq.txt`` (built by :mod:`.corpusstats`) says how often each root
occurs on its own in 2019 news, so the stemmer can prefer ``makan`` over
``pakan`` for ``memakan``.

The two lists are curated from general knowledge of the language and of the rules, not
from any gold word->root pairs.
"""

from __future__ import annotations

import logging
import math
from functools import cache
from importlib import resources

logger = logging.getLogger(__name__)

#: Roots shorter than this are never accepted as the result of stripping an affix
#: (``diam`` must not become ``am``); a word that is itself that short is kept.
MIN_ROOT_LENGTH = 3


def _read_lines(text: str) -> set[str]:
    """Non-empty, non-comment lines of a word list, lower-cased.

    Whole-text operations rather than a loop of line operations: Sastrawi's 30,000
    roots are read by every ``kliping search`` process, and this is a third faster.
    """
    lines = text.lower().splitlines()
    if "#" in text:
        lines = [line.split("#", 1)[0] for line in lines]
    return {word for word in map(str.strip, lines) if word}


def package_words(name: str) -> set[str]:
    """A word list shipped in this package (one word a line, ``#`` comments), lower-cased."""
    return _read_lines(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))


def _sastrawi_words() -> set[str]:
    """PySastrawi's root list, from the installed package."""
    try:
        data = resources.files("Sastrawi.Stemmer").joinpath("data", "kata-dasar.txt")
        return _read_lines(data.read_text(encoding="utf-8"))
    except (ModuleNotFoundError, FileNotFoundError) as exc:  # pragma: no cover - packaging error
        logger.warning("PySastrawi root list not found (%s); stemming with kliping's extras only", exc)
        return set()


@cache
def roots() -> frozenset[str]:
    """The root dictionary: Sastrawi's list plus kliping's extras, minus its removals."""
    words = (_sastrawi_words() | package_words("roots_extra.txt")) - package_words("roots_removed.txt")
    logger.debug("root dictionary: %d words", len(words))
    return frozenset(words)


@cache
def root_weights() -> dict[str, float]:
    """log10(1 + corpus count) of each root the corpus attests (``root_freq.txt``).

    A root the corpus attests only through derived words weighs 0.0; a root
    absent from the mapping is not attested at all.
    """
    text = resources.files(__package__).joinpath("root_freq.txt").read_text(encoding="utf-8")
    weights = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            root, alone, _derived = line.split("\t")
            weights[root] = math.log10(1 + int(alone))
    return weights

