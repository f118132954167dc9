"""The merged field: the indexing fast path gives exactly the analyzer's terms."""

from __future__ import annotations

import pytest
from corpus import corpus_records

from index.analysis import merged_analyzer
from index.analysis.views import ROOT_MARK, index_positions

TEXTS = [r["title"] + ". " + r["body"] for r in corpus_records(60, every=300)] + [
    "KPK-nya memeriksa anak-anak di A.S. pada Rp14,7 miliar; lihat https://kpk.go.id atau surat@kpk.go.id.",
    "Jum’at, sayur-mayur DAN berhati-hati: PDI-P, covid-19, L’Oréal",
    "",
]


def analyzer_positions(text: str) -> dict[str, list[int]]:
    positions: dict[str, list[int]] = {}
    for token in merged_analyzer()(text, mode="index", positions=True):
        positions.setdefault(token.text, []).append(token.pos)
    return positions


@pytest.mark.parametrize("text", TEXTS)
def test_fast_path_matches_the_analyzer(text: str) -> None:
    assert index_positions(text) == analyzer_positions(text)


def test_a_derived_word_is_indexed_as_itself_and_as_its_root() -> None:
    positions = index_positions("Amerika menjatuhkan sanksi")
    assert positions["menjatuhkan"] == [1]
    assert positions[ROOT_MARK + "jatuh"] == [1]
    assert ROOT_MARK + "sanksi" not in positions  # its own root: indexed once


def test_function_words_are_left_out_but_keep_their_place() -> None:
    positions = index_positions("menteri dalam negeri")
    assert "dalam" not in positions
    assert positions["negeri"] == [2]


def test_query_mode_yields_exact_words_only() -> None:
    assert [t.text for t in merged_analyzer()("menjatuhkan sanksi", mode="query")] == ["menjatuhkan", "sanksi"]
