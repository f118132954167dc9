"""Highlighted snippets, cut from the archive's text, rendered per surface.

Matching words are found with the index's own analysis (the same cached
surface-to-terms table indexing uses, see :mod:`index.analysis.views`): a word
is highlighted when one of its index terms, its exact form or its marked root,
is among the query's terms (a word lacking every term's needle, most of them,
is never stemmed: :func:`index.analysis.views.term_needle`). The best windows
of text (most matches) are kept.
This is several times faster than Whoosh's token-object highlighter, which
mattered: snippets were a third of a query's time.

A snippet is a list of segments ``(text, is_match)``; each surface renders it
its own way: HTML-escaped with ``<mark>`` for JSON and the API (article text can
never inject markup), ANSI colour on a terminal, plain text otherwise.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from index.analysis.tokenizer import matches, normalize
from index.analysis.views import surface_terms, term_needle

#: Characters in one fragment, and fragments per snippet.
FRAGMENT_CHARS = 160
FRAGMENTS = 2
#: Characters of context kept before the first match of a fragment.
LEAD_CHARS = 50
ELLIPSIS = " … "

Span = tuple[int, int]


def clean_text(text: str) -> str:
    """Article text for snippets: paragraphs joined by a pilcrow."""
    return text.replace("\n\n", " ¶ ")


def matched_spans(text: str, terms: frozenset[str] | set[str], seen: dict[tuple[str | None, str], bool] | None = None,
                  ) -> list[Span]:
    """Character spans of the words in ``text`` whose index terms meet ``terms``.

    ``seen`` remembers each surface form's verdict; pass one dict for all the
    snippets of a query (most words recur from article to article).
    """
    verdicts: dict[tuple[str | None, str], bool] = {} if seen is None else seen
    needles = {term_needle(term) for term in terms}
    spans = []
    for match in matches(text):
        key = (match.lastgroup, match.group())
        hit = verdicts.get(key)
        if hit is None:  # a word without any term's needle is not stemmed (most words of an article)
            folded = normalize(key[0] or "word", key[1])[0]
            hit = verdicts[key] = (any(needle in folded for needle in needles)
                                   and any(term in terms for term in surface_terms(*key)))
        if hit:
            spans.append(match.span())
    return spans


def best_windows(spans: list[Span], count: int = FRAGMENTS, width: int = FRAGMENT_CHARS) -> list[list[Span]]:
    """Up to ``count`` non-overlapping groups of spans, each within ``width`` chars, most matches first."""
    candidates = []
    for i, (start, _) in enumerate(spans):
        group = [s for s in spans[i:] if s[1] <= start + width]
        candidates.append((len({s for s in group}), -start, group))
    candidates.sort(reverse=True)
    chosen: list[list[Span]] = []
    for _, _, group in candidates:
        if len(chosen) == count:
            break
        lo, hi = group[0][0], group[-1][1]
        if all(hi < g[0][0] or lo > g[-1][1] for g in chosen):
            chosen.append(group)
    return sorted(chosen, key=lambda g: g[0][0])


def fragment_ranges(text: str, windows: list[list[Span]]) -> list[Span]:
    """The character ranges of ``text`` shown for ``windows``, in order and never overlapping.

    Each window's range (from ``LEAD_CHARS`` before its first match, ``FRAGMENT_CHARS`` long, at word
    edges) can reach into the next one's even when their matches do not overlap; such ranges, and
    ranges with only whitespace between them, are merged, so no text is shown twice and no "…"
    stands between words that are contiguous in the text.
    """
    ranges: list[Span] = []
    for start, end in sorted((_word_start(text, max(0, g[0][0] - LEAD_CHARS)),
                              _word_end(text, min(len(text), g[0][0] + FRAGMENT_CHARS))) for g in windows):
        if ranges and not text[ranges[-1][1]:start].strip():  # empty slice when they overlap
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], end))
        else:
            ranges.append((start, end))
    return ranges


@dataclass
class Snippet:
    segments: list[tuple[str, bool]] = field(default_factory=list)

    @classmethod
    def highlight(cls, body: str, terms: frozenset[str] | set[str],
                  seen: dict[tuple[str | None, str], bool] | None = None) -> Snippet:
        text = clean_text(body)
        spans = matched_spans(text, terms, seen)
        if not spans:
            return cls.lead(body)
        ranges = fragment_ranges(text, best_windows(spans))
        segments: list[tuple[str, bool]] = [("… " if text[:ranges[0][0]].strip() else "", False)]
        for i, (start, end) in enumerate(ranges):
            if i:
                segments.append((ELLIPSIS, False))
            at = start
            for s, e in (s for s in spans if start <= s[0] and s[1] <= end):
                segments += [(text[at:s], False), (text[s:e], True)]
                at = e
            segments.append((text[at:end], False))
        if text[ranges[-1][1]:].strip():
            segments.append((" …", False))
        return cls([(t, hit) for t, hit in segments if t])

    @classmethod
    def lead(cls, body: str, chars: int = 200) -> Snippet:
        """The article's opening words, when no query word is in the body."""
        text = clean_text(body)
        return cls([(text[:chars].rsplit(" ", 1)[0] + (" …" if len(text) > chars else ""), False)])

    def plain(self) -> str:
        return "".join(text for text, _ in self.segments)

    def html(self) -> str:
        return "".join(
            f"<mark>{html.escape(text)}</mark>" if hit else html.escape(text) for text, hit in self.segments
        )

    def ansi(self) -> str:
        return "".join(f"\x1b[1;33m{text}\x1b[0m" if hit else text for text, hit in self.segments)


#: How far a fragment edge may move to land between words.
EDGE_SLACK = 30


def _word_start(text: str, at: int) -> int:
    """``at`` moved back to the start of its word (never cutting a word in two)."""
    if at <= 0:
        return 0
    space = text.rfind(" ", max(0, at - EDGE_SLACK), at)
    return space + 1 if space >= 0 else at


def _word_end(text: str, at: int) -> int:
    """``at`` moved on to the end of its word."""
    if at >= len(text):
        return len(text)
    space = text.find(" ", at, at + EDGE_SLACK)
    return space if space >= 0 else at
