"""What a journalist types is read as meant, and ranked so the right article comes first.

Questions typed as is, keyword lists and sentences all give ranked results;
question words and question marks never decide a match; a free word is scored
once over every form of its root, so a rare name outweighs a common word that
happens to occur in two forms; articles with all of a short query's words come
first; explicit syntax stays strict.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from corpus import corpus_records

from index.archive import Archive
from index.schema import TITLE_BOOST
from index.store import SearchIndex
from kliping.article import Article
from kliping.errors import QueryError
from search.docarrays import DocArrays
from search.engine import Engine, SearchRequest
from search.postings import PostingCache
from search.query import AnyWords, RootWord, parse_query
from search.ranking import DEFAULT
from search.vector import Evaluator, compile_query

EXTRA = [
    ("https://contoh.id/gita", "Kitab suci",
     "Bhagawadgita adalah bagian dari Mahabharata. Nama Bhagawadgita berasal dari bahasa Sanskerta."),
    ("https://contoh.id/riau", "Asap di Sumatra",
     "Kebakaran hutan di Riau disebabkan pembukaan lahan dengan cara membakar."),
    ("https://contoh.id/nahrawi", "Mantan menteri diperiksa",
     "Imam Nahrawi menjabat Menteri Pemuda dan Olahraga sebelum diperiksa KPK."),
    ("https://contoh.id/ukraina", "Perang berlanjut", "Konflik Rusia-Ukraina memasuki bulan ketiga."),
    ("https://contoh.id/both", "Dua kata", "Banjir rob melanda Semarang utara pagi ini."),
    ("https://contoh.id/one", "Satu kata", "Banjir banjir banjir: banjir lagi, banjir terus, kata warga banjir."),
]
#: ``kata`` in two forms (the bare root and derived ``berkata``/``mengatakan``) in many articles.
KATA = [(f"https://contoh.id/kata{i}", f"Berita {i}",
         f"Dia berkata bahwa kata itu penting. Mereka mengatakan kata {i}.") for i in range(30)]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root: Path = tmp_path_factory.mktemp("ranking")
    archive = Archive(root / "archive.sqlite3")
    for record in corpus_records(300, every=60):
        archive.upsert(Article.from_dict(record))
    for url, title, body in EXTRA + KATA:
        archive.upsert(Article(url=url, title=title, body=body, source="contoh.id",
                               published="2019-09-03T10:00:00+07:00"))
    index = SearchIndex(root / "index")
    index.catch_up(archive)
    return Engine(index, archive, refresh_every=0)  # sees what a test adds at once


def urls(engine: Engine, query: str, **kw) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.url for hit in engine.search(SearchRequest(query=query, **kw)).hits]


@pytest.mark.parametrize(("question", "expected"), [
    ("Apa penyebab kebakaran hutan di Riau?", "https://contoh.id/riau"),
    ("siapa Imam Nahrawi ?", "https://contoh.id/nahrawi"),
    ("Siapakah Imam Nahrawi?", "https://contoh.id/nahrawi"),
    ("Dari mana asal kata Bhagawadgita?", "https://contoh.id/gita"),
    ("kebakaran hutan riau", "https://contoh.id/riau"),
])
def test_a_question_typed_as_is_ranks_its_answer_first(engine: Engine, question: str, expected: str) -> None:
    assert urls(engine, question, sources=["contoh.id"])[:1] == [expected]
    assert expected in urls(engine, question)  # among the corpus's own stories on Riau and Nahrawi


def test_question_words_and_marks_never_decide_a_match(engine: Engine) -> None:
    parsed = parse_query("Apakah Imam Nahrawi diperiksa ?", engine.searcher().schema)
    assert {leaf.text for leaf in parsed.leaves()} == {"imam", "nahrawi", "periksa"}
    with pytest.raises(QueryError, match="question words"):
        parse_query("Siapa? Apa?", engine.searcher().schema)


def test_a_question_mark_inside_a_word_is_still_a_wildcard(engine: Engine) -> None:
    parsed = parse_query("ba?jir", engine.searcher().schema)
    assert type(parsed).__name__ == "Wildcard"


def test_a_rare_name_outweighs_a_common_word_in_two_forms(engine: Engine) -> None:
    """``kata`` occurs bare and derived in 31 articles; ``bhagawadgita`` in one: the name weighs more."""
    schema = engine.searcher().schema
    gita = dict(_scores(engine, parse_query("bhagawadgita", schema)))
    kata = dict(_scores(engine, parse_query("kata", schema)))
    assert max(gita.values()) > 2 * max(kata.values())


def test_a_free_word_scores_once_over_every_form_of_its_root(engine: Engine) -> None:
    """BM25 of the summed occurrences of all forms, IDF of the root family, plus the bounded
    exact-form bonus, plus the headline score (the same BM25 over the title field, its occurrences
    counted once and its own length normalisation): recomputed here from Whoosh's raw postings."""
    searcher = engine.searcher()
    reader = searcher.reader()
    word = parse_query("mengatakan", searcher.schema)
    assert isinstance(word, RootWord) and word.forms == ("kata", "~kata") and word.exact == "mengatakan"
    tf: dict[int, float] = {}
    for form in word.forms:
        for docnum, weight in _weights(reader, form).items():
            tf[docnum] = tf.get(docnum, 0.0) + weight
    exact = _weights(reader, "mengatakan")
    n, df = reader.doc_count_all(), len(tf)
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    avgfl = searcher.avg_field_length("body")
    k1, b = DEFAULT.k1, DEFAULT.b

    def saturate(freq: float, docnum: int) -> float:
        norm = k1 * ((1 - b) + b * reader.doc_field_length(docnum, "body", 1) / avgfl)
        return freq * (k1 + 1) / (freq + norm)

    title_tf: dict[int, float] = {}
    for form in word.forms:
        for docnum, weight in _weights(reader, form, "title").items():
            title_tf[docnum] = title_tf.get(docnum, 0.0) + weight / TITLE_BOOST
    title_avgfl = searcher.avg_field_length("title")

    def headline(docnum: int) -> float:
        if docnum not in title_tf:
            return 0.0
        freq = title_tf[docnum]
        norm = k1 * ((1 - b) + b * reader.doc_field_length(docnum, "title", 1) / title_avgfl)
        return DEFAULT.title_weight * idf * freq * (k1 + 1) / (freq + norm)

    assert DEFAULT.title_weight > 0 and any(title_tf)
    expected = {d: idf * saturate(f, d) + DEFAULT.exact_bonus * idf * (saturate(exact[d], d) if d in exact else 0)
                + headline(d) for d, f in tf.items() if not reader.is_deleted(d)}
    got = dict(_scores(engine, word))
    assert got.keys() == expected.keys() and len(got) > 30
    for docnum, score in expected.items():
        assert got[docnum] == pytest.approx(score, rel=1e-9)


def test_a_short_query_ranks_articles_with_every_word_first(engine: Engine) -> None:
    """``banjir rob``: the article with both words comes before one that only repeats ``banjir``."""
    found = urls(engine, "banjir rob", sources=["contoh.id"])
    assert found[:2] == ["https://contoh.id/both", "https://contoh.id/one"]


def test_articles_lacking_a_word_still_come_after(engine: Engine) -> None:
    found = urls(engine, "banjir semarang tsunamiyangtidakada", limit=50)
    assert found[0] == "https://contoh.id/both" and len(found) > 2


def test_explicit_syntax_stays_strict(engine: Engine) -> None:
    assert urls(engine, "banjir DAN tsunamiyangtidakada") == []
    assert urls(engine, "banjir AND tsunamiyangtidakada") == []
    assert urls(engine, '"banjir lagi" DAN rob') == []
    assert urls(engine, '"banjir lagi" rob') == ["https://contoh.id/one"]  # the phrase is required, rob only ranks
    schema = engine.searcher().schema
    relaxed = parse_query('judul:perang ukraina rusia', schema)
    assert isinstance(relaxed, AnyWords) and [q.fieldname for q in relaxed.required] == ["title"]


def test_a_part_of_a_compound_finds_it(engine: Engine) -> None:
    assert urls(engine, "ukraina", sources=["contoh.id"]) == ["https://contoh.id/ukraina"]
    assert urls(engine, '"rusia-ukraina"') == ["https://contoh.id/ukraina"]
    assert "https://contoh.id/ukraina" in urls(engine, "rusia")


def _scores(engine: Engine, q) -> list[tuple[int, float]]:  # type: ignore[no-untyped-def]
    searcher = engine.searcher()
    ids, scores = Evaluator(searcher, DocArrays(searcher.reader()), PostingCache()).matches(
        compile_query(q, searcher.reader()))
    assert np.all(np.diff(ids) > 0)
    return list(zip(ids.tolist(), scores.tolist(), strict=True))




def _weights(reader, term: str, field: str = "body") -> dict[int, float]:  # type: ignore[no-untyped-def]
    """A term's weight per document as Whoosh's matcher reads it (headline words weigh more)."""
    found = {}
    if (field, term) not in reader:
        return found
    matcher = reader.postings(field, term)
    while matcher.is_active():
        found[matcher.id()] = matcher.weight()
        matcher.next()
    return found


def test_proximity_favours_words_standing_together(engine: Engine) -> None:
    """With the proximity bonus on, of two articles holding both words the one where they stand
    together ranks first; without it, the shorter one, where they stand apart, does."""
    from dataclasses import replace

    filler = "warga kota menunggu hujan turun sejak pagi hari di pasar lama"
    near, far = "https://contoh.id/near", "https://contoh.id/far"
    # both words past the lead (which weighs more) in both articles
    engine.archive.upsert(Article(url=near, title="Dekat", source="contoh.id",
                                  body=f"{filler}. Kabar zorblat quimpex. {filler}. {filler}."))
    engine.archive.upsert(Article(url=far, title="Jauh", source="contoh.id",
                                  body=f"{filler}. Zorblat. {filler}. Quimpex."))
    engine.index.catch_up(engine.archive)
    try:
        engine.ranking = replace(DEFAULT, proximity=0.0)
        assert urls(engine, "zorblat quimpex") == [far, near]
        engine.ranking = replace(DEFAULT, proximity=5.0)
        assert urls(engine, "zorblat quimpex") == [near, far]
    finally:
        engine.ranking = DEFAULT
