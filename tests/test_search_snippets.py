"""Snippets never show the same text twice, and "…" stands only where text was left out."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from search.snippets import ELLIPSIS, Snippet, Span, best_windows, clean_text, fragment_ranges, matched_spans

#: Words the random texts are made of: a few that queries pick, and random ones.
QUERY_WORDS = ["apbd", "pengesahan", "tahun", "dprd", "sanksi", "menjatuhkan"]
words = st.one_of(st.sampled_from(QUERY_WORDS + ["APBD", "Tahun"]),
                  st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12))
gaps = st.sampled_from([" ", " ", " ", ", ", ". ", "\n\n", "  ", " - "])
texts = st.lists(st.tuples(words, gaps), min_size=1, max_size=200).map(lambda ws: "".join(w + g for w, g in ws))
queries = st.sets(st.sampled_from(QUERY_WORDS), min_size=1)


def fragments(snippet: Snippet) -> list[str]:
    """The snippet's runs of source text: its plain text split at "…" and the space beside each."""
    parts = snippet.plain().split("…")
    last = len(parts) - 1
    trimmed = [part[(i > 0):len(part) - (i < last)] for i, part in enumerate(parts)]
    return [part for part in trimmed if part]


def offsets_in(source: str, parts: list[str]) -> list[Span] | None:
    """Where ``parts`` lie in ``source`` in order without overlapping (leftmost first), or None if they cannot."""
    found, at = [], 0
    for part in parts:
        start = source.find(part, at)
        if start < 0:
            return None
        found.append((start, at := start + len(part)))
    return found


def test_overlapping_windows_do_not_repeat_text() -> None:
    body = ("Rapat paripurna DPRD kemarin membahas banyak hal, di antaranya "
            + ", ".join(f"pengesahan APBD tahun {year}" for year in range(2001, 2016))
            + ". Rapat ditutup sore hari tanpa keputusan apa pun.")
    snippet = Snippet.highlight(body, {"apbd"})
    text = snippet.plain()
    assert all(text.count(f"tahun {year}") <= 1 for year in range(2001, 2016)), text
    assert offsets_in(clean_text(body), fragments(snippet)) is not None
    assert ELLIPSIS not in text  # the two windows' text is contiguous: one fragment, no "…" inside
    assert text.startswith("… ") and text.endswith(" …")


def test_distant_windows_keep_their_ellipsis() -> None:
    filler = " ".join(f"kata{i}" for i in range(120))
    body = f"Awal berita. DPRD rapat. {filler} Lalu DPRD bubar. {filler}"
    snippet = Snippet.highlight(body, {"dprd"})
    assert len(fragments(snippet)) == 2 and ELLIPSIS in snippet.plain()
    assert offsets_in(clean_text(body), fragments(snippet)) is not None


@given(texts, queries)
@settings(max_examples=300, deadline=None, database=None)
def test_no_text_of_the_source_is_shown_twice(body: str, terms: set[str]) -> None:
    snippet = Snippet.highlight(body, terms)
    parts = fragments(snippet)
    assert offsets_in(clean_text(body), parts) is not None, parts


@given(texts, queries)
@settings(max_examples=300, deadline=None, database=None)
def test_fragment_ranges_are_ordered_apart_and_cover_their_matches(body: str, terms: set[str]) -> None:
    text = clean_text(body)
    windows = best_windows(matched_spans(text, terms))
    ranges = fragment_ranges(text, windows)
    assert all(start < end for start, end in ranges)
    for (_, end), (start, _) in pairwise(ranges):
        assert text[end:start].strip(), "touching or overlapping fragments are merged"
    for group in windows:
        assert any(start <= group[0][0] and group[-1][1] <= end for start, end in ranges)
