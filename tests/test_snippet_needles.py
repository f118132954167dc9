"""Snippets skip stemming the words that cannot match, and highlight exactly the same words.

:func:`index.analysis.views.term_needle` claims that every word having an index
term holds that term's needle (its root less the first letter). Checked here on
every distinct word of real news text, and then end to end: the spans snippets
mark with the shortcut are those the full analysis of every word marks.
"""

from __future__ import annotations

import pytest
from corpus import corpus_records

from index.analysis.tokenizer import matches, normalize
from index.analysis.views import ROOT_MARK, surface_terms, term_needle
from search.snippets import Span, matched_spans

TEXTS = [f"{r['title']} {r['body']}" for r in corpus_records(600, every=30)]


def test_every_word_holds_the_needle_of_each_of_its_terms() -> None:
    surfaces = {(m.lastgroup, m.group()) for text in TEXTS for m in matches(text)}
    assert len(surfaces) > 20_000
    broken = [(surface, term) for kind, surface in surfaces for term in surface_terms(kind, surface)
              if term_needle(term) not in normalize(kind or "word", surface)[0]]
    assert broken == []


def test_the_needle_is_the_root_less_its_first_letter() -> None:
    assert term_needle(ROOT_MARK + "pukul") == "ukul"  # memukul: the nasal swallowed the p
    assert term_needle("banjir") == "anjir"
    assert term_needle("a") == "a"


def _every_word_stemmed(text: str, terms: frozenset[str]) -> list[Span]:
    """The spans without the shortcut: each word's terms, compared."""
    return [m.span() for m in matches(text) if any(t in terms for t in surface_terms(m.lastgroup, m.group()))]


@pytest.mark.parametrize("terms", [
    frozenset({"banjir", ROOT_MARK + "banjir"}),
    frozenset({"kata", ROOT_MARK + "kata", "mengatakan"}),
    frozenset({"pukul", ROOT_MARK + "pukul", "jokowi", "2019", "kpk"}),
    frozenset({"tahu", ROOT_MARK + "tahu", "ukraina", ROOT_MARK + "jadi", "jadi"}),
])
def test_snippets_mark_what_the_full_analysis_marks(terms: frozenset[str]) -> None:
    marked = 0
    seen: dict[tuple[str | None, str], bool] = {}
    for text in TEXTS:
        spans = matched_spans(text, terms, seen)
        assert spans == _every_word_stemmed(text, terms)
        marked += len(spans)
    assert marked >= 5
