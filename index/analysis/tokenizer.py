"""Split Indonesian news text into the tokens both index views share.

One compiled regex, tried left to right, so the order of its alternatives is
the precedence:

1. URLs and e-mail addresses, whole (trailing sentence punctuation dropped);
2. dotted acronyms (``A.S.`` -> ``as``);
3. numbers with Indonesian separators, whole, with a glued currency or unit
   (``Rp14,7``, ``2.500``, ``1,5``): splitting them at ``.``/``,`` would index
   ``14`` and ``7`` and make ``Rp14,7`` unfindable;
4. words: letters and digits joined by inner hyphens and apostrophes
   (``anak-anak``, ``PDI-P``, ``covid-19``, ``Jum'at``, ``L’Oréal``).

A clitic written with a hyphen is dropped from both views (``KPK-nya`` ->
``kpk``, ``dia-lah`` -> ``dia``): the writer already marked it as separate.
Token text is lower-cased, curly apostrophes are straightened and then
dropped inside words (``Jum’at`` and ``Jumat`` are the same term), and accents
are folded (``Oréal`` -> ``oreal``). A token is *protected* (never stemmed,
never a stopword) when it is a URL, e-mail, number or an acronym written in
capitals (``KPK``, ``DPR``, ``AS``, ``PDI-P``): ``AS`` (Amerika Serikat) must
not vanish as the word ``as`` might, and ``PAN`` is a party, not a root.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

_PATTERN = re.compile(
    r"""
    (?P<url>(?:https?://|www\.)[^\s<>"“”‘’]+)
  | (?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)
  | (?P<dotted>(?:[^\W\d_]\.){2,})
  | (?P<number>[^\W\d_]{0,3}\d+(?:[.,]\d+)+(?:[^\W\d_]+\b)?)
  | (?P<word>[^\W_]+(?:['’\-][^\W_]+)*)
    """,
    re.VERBOSE,
)

#: Sentence punctuation that ends a URL rather than belonging to it.
_URL_TAIL = ".,;:!?)]}'\""
#: Capitalised tokens up to this length count as acronyms; longer all-caps
#: words are shouting (``MENGEJUTKAN``), not acronyms, and are stemmed.
MAX_ACRONYM_LENGTH = 6
_HYPHEN_CLITIC = re.compile(r"-(?:nya|lah|kah|pun|ku|mu)\Z", re.IGNORECASE)


class Token(NamedTuple):
    """One token: normalised text, character span in the input, and protection."""

    text: str
    start: int
    end: int
    protected: bool


def _fold(text: str) -> str:
    """Lower-case, drop inner apostrophes, fold accents (fast path for ASCII)."""
    text = text.lower()
    if "'" in text or "’" in text:
        text = text.replace("'", "").replace("’", "")
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return text


def is_acronym(surface: str) -> bool:
    """``KPK``, ``DPR``, ``AS``, ``PDI-P``: short and written in capitals."""
    return surface.isupper() and 2 <= len(surface) <= MAX_ACRONYM_LENGTH


def normalize(kind: str, surface: str) -> tuple[str, bool]:
    """One regex match (its group name and text) -> (token text, protected)."""
    if kind == "word":
        core = _HYPHEN_CLITIC.sub("", surface) if "-" in surface else surface
        return _fold(core), is_acronym(core)
    if kind == "url":
        return surface.rstrip(_URL_TAIL).lower(), True
    if kind == "dotted":
        return surface.replace(".", "").lower(), True
    return surface.lower(), True


def matches(text: str) -> Iterator[re.Match[str]]:
    """The raw token matches of ``text``, for callers that cache by surface."""
    return _PATTERN.finditer(text)


def scan(text: str) -> Iterator[Token]:
    """Every token of ``text`` in order, with its span."""
    for match in _PATTERN.finditer(text):
        kind = match.lastgroup or "word"
        start, end = match.span()
        token, protected = normalize(kind, match.group())
        if kind == "url":
            end = start + len(match.group().rstrip(_URL_TAIL))
        yield Token(token, start, end, protected)


def tokenize(text: str) -> list[str]:
    """The exact-view terms of ``text`` (lower-cased surface forms), for tests and inspection."""
    return [token.text for token in scan(text)]
