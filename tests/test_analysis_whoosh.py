"""The analyzers inside Whoosh: picklable, positional, the same at query time, multiprocess-safe."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from whoosh import fields, index
from whoosh.qparser import QueryParser

from index.analysis import exact_analyzer, stemmed_analyzer

# Real sentences from the 2019 corpus (kompas/tempo/fimela).
DOCS = [
    "Pemerintah menjatuhkan sanksi kepada perbankan yang melanggar aturan.",
    "Lewat seni, anak-anak dapat membangun rasa percaya diri.",
    "Presiden AS Donald Trump membatalkan pertemuan rahasia.",
    "Ketua KPK Agus Rahardjo menandatangani surat itu.",
]


@pytest.mark.parametrize("make", [stemmed_analyzer, exact_analyzer], ids=["stemmed", "exact"])
def test_analyzer_pickles_and_gives_same_tokens(make) -> None:  # type: ignore[no-untyped-def]
    analyzer = make()
    clone = pickle.loads(pickle.dumps(analyzer))
    assert [t.text for t in clone(DOCS[1])] == [t.text for t in analyzer(DOCS[1])]


def test_stemmed_positions_close_stopword_gaps() -> None:
    tokens = [(t.text, t.pos) for t in stemmed_analyzer()("sanksi kepada perbankan", positions=True)]
    assert tokens == [("sanksi", 0), ("bank", 1)]


def test_exact_positions_and_chars() -> None:
    text = "Presiden AS Donald Trump"
    tokens = [(t.text, t.pos, t.startchar, t.endchar) for t in exact_analyzer()(text, positions=True, chars=True)]
    assert tokens[1] == ("as", 1, 9, 11)


def test_acronym_is_neither_stemmed_nor_stopped() -> None:
    assert "as" in [t.text for t in stemmed_analyzer()(DOCS[2])]


def _index(tmp_path: Path, procs: int = 1) -> index.Index:
    schema = fields.Schema(
        body=fields.TEXT(analyzer=stemmed_analyzer()),
        exact=fields.TEXT(analyzer=exact_analyzer(), phrase=True),
        n=fields.ID(stored=True),
    )
    ix = index.create_in(str(tmp_path), schema)
    writer = ix.writer(procs=procs, multisegment=procs > 1)
    for n, doc in enumerate(DOCS):
        writer.add_document(body=doc, exact=doc, n=str(n))
    writer.commit()
    return ix


def _hits(ix: index.Index, field: str, query: str) -> list[str]:
    with ix.searcher() as searcher:
        parsed = QueryParser(field, ix.schema).parse(query)
        return sorted(hit["n"] for hit in searcher.search(parsed))


@pytest.mark.parametrize(
    ("field", "query", "expected"),
    [
        ("body", "bank", ["0"]),
        ("body", "anak", ["1"]),
        ("body", "penandatanganan", ["3"]),
        ("body", '"sanksi perbankan"', ["0"]),
        ("exact", '"presiden as"', ["2"]),
        ("exact", "bank", []),
    ],
    ids=[
        "root finds derived",
        "reduplication",
        "query stemmed too",
        "stemmed phrase over a stopword",
        "exact phrase",
        "exact does not stem",
    ],
)
def test_search_through_whoosh(tmp_path: Path, field: str, query: str, expected: list[str]) -> None:
    assert _hits(_index(tmp_path), field, query) == expected


def test_multiprocess_writer(tmp_path: Path) -> None:
    ix = _index(tmp_path, procs=2)
    assert _hits(ix, "body", "bank") == ["0"]
