"""Indonesian affixes as data: what each prefix rule may strip, and the suffix layers.

The prefix table follows the confix-stripping rules of Nazief & Adriani as
extended by Asian (2007, "CS"/"ECS") and Sastrawi, written as one row per
allomorph: a regex for the prefixed form and the roots it may stand for
(``men+V`` hides a lost ``t`` or ``n``: ``menulis -> tulis``, ``menanti -> nanti``).
Rows yield every recoding, numbered (the first is the commoner reading:
``berada`` is ``ber+ada`` before ``be+rada``); the stemmer, not this table,
chooses between them using the dictionary and the costs in
:mod:`index.analysis.stemmer`. ``menge-``/``penge-`` are marked rare: they
only stand before one-syllable roots (``mengebom``), and read freely they
turn ``pengeringan`` into ``ringan``.

``se-`` is deliberately absent. It forms adverbs, conjunctions and numerals
(``secara``, ``selama``, ``setelah``, ``sebagai``, ``sebulan``) whose bare root
is a different content word (``cara``, ``lama``, ``telah``); stripping it would
make a search for ``cara`` match every ``secara``.

Suffixes come in three layers, outermost first (Indonesian order):
particles ``-lah -kah -tah -pun``, possessives ``-ku -mu -nya``, then the
derivational ``-kan -an -i``. Sastrawi's ``-is/-isme/-isasi`` are left out:
they cut native words (``menangis -> menang``) far more often than they find
a loan root.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

V = "aiueo"
C = "bcdfghjklmnpqrstvwxyz"

#: (prefix, pattern on the word, recodings of the captured rest).
#: ``{}`` in a recoding is the captured rest of the word.
PREFIX_ROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("di", r"di(.+)", ("{}",)),
    ("ke", r"ke(.+)", ("{}",)),
    ("ku", r"ku(.+)", ("{}",)),
    ("kau", r"kau(.+)", ("{}",)),
    ("ber", rf"ber([{V}].*)", ("{}", "r{}")),
    ("ber", rf"ber([{C}].+)", ("{}",)),
    ("ber", rf"be([{C}]er.+)", ("{}",)),  # bekerja, beserta
    ("ber", r"bel(ajar.*)", ("{}",)),  # belajar
    ("ter", rf"ter([{V}].*)", ("{}", "r{}")),
    ("ter", rf"ter([{C}].+)", ("{}",)),
    ("ter", rf"te([{C}]er[{C}].+)", ("{}",)),
    ("me", rf"me([lrwy][{V}].*)", ("{}",)),
    ("me", r"mem([bfv].*)", ("{}",)),
    ("me", r"mem(pe.*)", ("{}",)),  # memper-, mempe-
    ("me", rf"mem(p[{C}].*)", ("{}",)),  # memproduksi (loan roots keep p)
    ("me", rf"mem(p[{V}].*)", ("{}",)),  # mempunyai
    ("me", rf"mem([{V}].*)", ("m{}", "p{}")),
    ("me", r"men([cdjstz].*)", ("{}",)),
    ("me", rf"men([{V}].*)", ("n{}", "t{}")),
    ("me", r"meng([ghqk].*)", ("{}",)),
    ("me", rf"meng([{V}].*)", ("{}", "k{}", "ng{}")),
    ("me", r"menge(.+)", ("{}",)),  # monosyllabic roots only: mengecat, mengebom
    ("me", rf"meny([{V}].*)", ("s{}", "ny{}")),
    ("me", r"mentr(.+)", ("tr{}",)),  # mentransfer
    ("pe", rf"pe([wy][{V}].*)", ("{}",)),
    ("per", rf"per([{V}].*)", ("{}", "r{}")),
    ("per", rf"per([{C}].+)", ("{}",)),
    ("pe", r"pem([bfv].*)", ("{}",)),
    ("pe", rf"pem(p[{C}].*)", ("{}",)),
    ("pe", rf"pem([{V}].*)", ("m{}", "p{}")),
    ("pe", r"pen([cdjstz].*)", ("{}",)),
    ("pe", rf"pen([{V}].*)", ("n{}", "t{}")),
    ("pe", rf"peng([{C}].*)", ("{}",)),
    ("pe", rf"peng([{V}].*)", ("{}", "k{}")),
    ("pe", r"penge(.+)", ("{}",)),
    ("pe", rf"peny([{V}].*)", ("s{}", "ny{}")),
    ("pe", r"pel(ajar.*)", ("{}",)),  # pelajar
    ("pe", rf"pe([lmnr][{V}].*)", ("{}",)),  # pelaku, pemain is pem+ain above
    ("pe", rf"pe([{C}].+)", ("{}",)),  # petani, pedagang, pekerja
)

#: Rows grouped by the two letters every pattern starts with, so a word only meets
#: the rules that can match it.
#: Rows that only fit one-syllable roots; their readings rank this far behind.
RARE_PATTERNS = frozenset({r"menge(.+)", r"penge(.+)"})
RARE_RANK = 6

_RULES_BY_HEAD: dict[str, list[tuple[str, re.Pattern[str], tuple[str, ...], int]]] = {}
for _prefix, _pattern, _recodings in PREFIX_ROWS:
    _row = (_prefix, re.compile(_pattern + r"\Z"), _recodings, RARE_RANK * (_pattern in RARE_PATTERNS))
    _RULES_BY_HEAD.setdefault(_pattern[:2], []).append(_row)

PARTICLES = ("lah", "kah", "tah", "pun")
POSSESSIVES = ("nya", "ku", "mu")
DERIVATIONAL = ("kan", "an", "i")

#: Prefixes that the rules above cannot tell apart from the start of a root
#: unless the rest is long enough to be a root itself.
_MIN_REST = 2


def prefix_strips(word: str) -> Iterator[tuple[str, str, int]]:
    """Every (prefix, rest, rank) one prefix rule allows for ``word``; rank 0 is the usual reading."""
    for prefix, rule, recodings, rare in _RULES_BY_HEAD.get(word[:2], ()):
        match = rule.match(word)
        if match is None:
            continue
        rest = match.group(1)
        if len(rest) < _MIN_REST:
            continue
        for rank, recoding in enumerate(recodings, start=rare):
            yield prefix, recoding.format(rest), rank


def suffix_strips(word: str) -> Iterator[tuple[str, str, str]]:
    """Every (base, derivational suffix, outermost inflection removed) for ``word``.

    The unstripped word comes first. Inflectional layers are optional, so
    ``bagaimanakah`` yields both ``bagaimana`` and ``bagaimanakah``.
    """
    inflected = [(word, "")]
    for particle in PARTICLES:
        if word.endswith(particle) and len(word) > len(particle) + 2:
            inflected.append((word[: -len(particle)], particle))
            break
    for base, outer in list(inflected):
        for possessive in POSSESSIVES:
            if base.endswith(possessive) and len(base) > len(possessive) + 2:
                inflected.append((base[: -len(possessive)], outer or possessive))
                break
    for base, flexed in inflected:
        yield base, "", flexed
        for suffix in DERIVATIONAL:
            if base.endswith(suffix) and len(base) > len(suffix) + 2:
                yield base[: -len(suffix)], suffix, flexed
