"""Array evaluation of word queries gives Whoosh's own matches, scores and orders.

The reference is Whoosh itself on the same index: every matching document
with its BM25F score (``limit=None``), its date sorting, its facet counts. The
index has several segments and deleted documents (edited articles), as a
daemon's index does.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from corpus import corpus_records
from whoosh import query as wq
from whoosh import sorting
from whoosh.util.times import datetime_to_long

from index.archive import Archive
from index.store import SearchIndex
from index.whoosh_private import expanded_words, term_matcher
from kliping.article import Article
from search.docarrays import DocArrays
from search.engine import Engine, SearchRequest
from search.postings import PostingCache, decode
from search.query import AnyWords, RootWord, parse_query
from search.vector import (
    AllNode,
    AndNode,
    AnyNode,
    Evaluator,
    MatcherNode,
    OrNode,
    PhraseNode,
    TermNode,
    WordNode,
    compile_query,
    top,
)

QUERIES = [
    "banjir", "Jakarta", "harga minyak", "ibu kota", "kebakaran hutan", "pemerintah daerah",
    "banjir OR gempa", "banjir ATAU longsor", "korupsi BUKAN KPK", "jakarta NOT banjir", "polisi ANDNOT narkoba",
    "(banjir OR gempa) AND warga", "presiden DAN (menteri ATAU gubernur)", "banjir^3 warga", "(harga minyak)^2 dunia",
    "judul:banjir", "title:gempa warga", "sumber:kompas.com banjir", "penulis:redaksi", "isi:sepak bola",
    "menjatuhkan", "perekonomian", "anak-anak", "KPK", "DPR RI", "Rp", "bukan", "tidakadakatasepertiini",
    "BUKAN banjir", "NOT (jakarta OR warga)",
    # phrases (their positions read into arrays), and an OR with a NOT (left to Whoosh's matcher)
    '"ibu kota"', '"Joko Widodo" presiden', '"harga minyak" OR gempa', '"banjir" BUKAN jakarta',
    '"ibu kota"~3', "judul:\"gempa bumi\"", '"presiden joko widodo"', '"kota jakarta"~10', '"dki jakarta"^2',
    '"menteri dalam negeri"', '"tidak ada kata"', '"jakarta jakarta"', "banjir OR NOT gempa",
    '"ibu kota" OR NOT banjir',
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root: Path = tmp_path_factory.mktemp("vector")
    archive = Archive(root / "archive.sqlite3")
    index = SearchIndex(root / "index")
    records = list(corpus_records(1500, every=7))
    for chunk in (records[:700], records[700:1200], records[1200:]):  # three commits: several segments
        for record in chunk:
            archive.upsert(Article.from_dict(record))
        index.catch_up(archive)
    for record in records[:40:3]:  # edited articles: their old documents are deleted in the index
        edited = dict(record, body=record["body"] + "\n\nPembaruan: banjir susulan melanda kota.")
        archive.upsert(Article.from_dict(edited))
    index.catch_up(archive)
    engine = Engine(index, archive)
    reader = engine.searcher().reader()
    assert reader.has_deletions() and len(reader.leaf_readers()) > 1, "want several segments, with deletions"
    return engine


def whoosh_reference(engine: Engine, q: wq.Query, **kwargs) -> list[tuple[int, float]]:  # type: ignore[no-untyped-def]
    searcher = engine.searcher()
    return [(hit.docnum, hit.score) for hit in searcher.search(q, limit=None, optimize=False, **kwargs)]


def vector_matches(engine: Engine, q: wq.Query) -> dict[int, float]:
    searcher = engine.searcher()
    compiled = compile_query(q, searcher.reader())
    ids, scores = Evaluator(searcher, DocArrays(searcher.reader()), PostingCache()).matches(compiled)
    assert np.all(np.diff(ids) > 0), "matches come sorted and unique"
    return dict(zip(ids.tolist(), scores.tolist(), strict=True))


def as_whoosh_terms(q: wq.Query) -> wq.Query:
    """The query with each free word as Whoosh's own OR of its forms (scored by Whoosh's BM25F),
    and relaxed free words as Whoosh's OR: what the array machinery must match and score as Whoosh does."""
    if isinstance(q, RootWord):
        terms = [wq.Term(q.fieldname, form, boost=q.boost) for form in q.forms]
        return terms[0] if len(terms) == 1 else wq.Or(terms)
    if isinstance(q, AnyWords):
        words = wq.Or([as_whoosh_terms(w) for w in q.subqueries])
        return wq.AndMaybe(wq.And([as_whoosh_terms(r) for r in q.required]), words) if q.required else words
    if q.is_leaf():
        return q
    return q.apply(as_whoosh_terms)


@pytest.mark.parametrize("text", QUERIES)
def test_matches_and_scores_are_whooshs(engine: Engine, text: str) -> None:
    """AND/OR/NOT, boosts, fields and phrases: Whoosh's matches and BM25F scores, term for term."""
    q = as_whoosh_terms(parse_query(text, engine.searcher().schema))
    expected = dict(whoosh_reference(engine, q))
    got = vector_matches(engine, q)
    assert got.keys() == expected.keys()
    for docnum, score in expected.items():
        assert got[docnum] == pytest.approx(score, rel=1e-9), docnum


@pytest.mark.parametrize("text", QUERIES)
def test_kliping_scoring_matches_what_whoosh_matches(engine: Engine, text: str) -> None:
    """With kliping's own word scoring the same documents match (only the scores differ)."""
    q = parse_query(text, engine.searcher().schema)
    assert vector_matches(engine, q).keys() == dict(whoosh_reference(engine, q)).keys()


@pytest.mark.parametrize(("text", "boost"), [("banj*", 1.0), ("korup*^2", 2.0), ("pe?erintah*", 1.0),
                                             ("banjr~2", 1.0), ("tidakad*", 1.0)])
def test_wildcards_and_fuzzy_terms_match_as_whoosh_and_score_their_boost(engine: Engine, text: str,
                                                                         boost: float) -> None:
    q = parse_query(text, engine.searcher().schema)
    got = vector_matches(engine, q)
    assert got.keys() == dict(whoosh_reference(engine, q)).keys()
    words = list(expanded_words(q, engine.searcher().reader()))
    if text == "tidakad*":
        assert not words and not got
    else:
        assert len(words) > 1 and set(got.values()) == {boost}


def test_a_wildcard_inside_a_query_adds_its_boost(engine: Engine) -> None:
    q = parse_query("warga AND banj* AND jakart*", engine.searcher().schema)
    got = vector_matches(engine, q)
    assert got.keys() == dict(whoosh_reference(engine, q)).keys() and got
    words = vector_matches(engine, parse_query("warga", engine.searcher().schema))
    assert all(score == pytest.approx(words[d] + 2.0) for d, score in got.items())


def test_some_queries_match_nothing_and_some_match_many(engine: Engine) -> None:
    """The query list is not vacuous: it spans empty to broad."""
    sizes = [len(vector_matches(engine, parse_query(t, engine.searcher().schema))) for t in QUERIES]
    assert min(sizes) == 0 and max(sizes) > 200


def _same_ranking(got: list[tuple[int, float]], expected: list[tuple[int, float]]) -> None:
    """Same keys position by position; documents whose keys tie may come in either order."""
    assert [round(k, 6) for _, k in got] == [round(k, 6) for _, k in expected]
    for key, group in itertools.groupby(range(len(got)), key=lambda i: round(got[i][1], 6)):
        positions = list(group)
        got_ids = {got[i][0] for i in positions}
        tied = {d for d, k in expected if round(k, 6) == key}
        assert got_ids <= tied


@pytest.mark.parametrize("text", ["banjir", "harga minyak", "korupsi BUKAN KPK", "banjir OR gempa"])
@pytest.mark.parametrize("page", [1, 3])
def test_pages_rank_as_a_full_sort_ranks(engine: Engine, text: str, page: int) -> None:
    """The top-k cut gives each page exactly what sorting every match by score gives."""
    searcher = engine.searcher()
    q = parse_query(text, searcher.schema)
    expected = list(vector_matches(engine, q).items())
    expected.sort(key=lambda pair: (-pair[1], pair[0]))
    hits = engine.search(SearchRequest(query=text, limit=7, page=page, aliases=False)).hits  # (KPK has aliases)
    got = [(searcher.document_number(id=h.id), h.score) for h in hits]
    want = [(d, round(s, 4)) for d, s in expected[(page - 1) * 7: page * 7]]
    _same_ranking([(d, round(s, 4)) for d, s in got], want)


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_date_sorting_orders_as_whoosh_sorts(engine: Engine, sort: str) -> None:
    searcher = engine.searcher()
    q = parse_query("banjir OR gempa", searcher.schema)
    column = searcher.reader().column_reader("published", translate=False)
    expected = [(d, float(column[d])) for d, _ in whoosh_reference(
        engine, q, sortedby="published", reverse=sort == "newest")][:25]
    hits = engine.search(SearchRequest(query="banjir OR gempa", sort=sort, limit=25)).hits  # type: ignore[arg-type]
    got = [(d, float(column[d])) for d in (searcher.document_number(id=h.id) for h in hits)]
    _same_ranking(got, expected)


def test_filters_and_facets_count_as_whoosh_counts(engine: Engine) -> None:
    searcher = engine.searcher()
    request = SearchRequest(query="warga", date_from="2019-09-01", date_to="2019-12-31", sources=["kompas.com"],
                            facets=True)
    results = engine.search(request)
    # the filter, read straight from Whoosh: the source's postings and the raw publish-time column (WIB)
    low, high = (datetime_to_long(datetime(2019, 9, 1)), datetime_to_long(datetime(2019, 12, 31, 23, 59, 59, 999999)))
    column = searcher.reader().column_reader("published", translate=False)
    in_dates = {d for d, value in enumerate(column) if low <= value <= high}
    allowed = in_dates & set(searcher.docs_for_query(wq.Term("source", "kompas.com")))
    facets = sorting.Facets().add_field("source").add_field("month")
    expected = searcher.search(parse_query("warga", searcher.schema), limit=None, filter=allowed, groupedby=facets)
    assert results.total == len(expected) > 0
    assert results.facets is not None
    assert results.facets["month"] == {k: len(v) for k, v in sorted(expected.groups("month").items()) if k}
    assert set(results.facets["source"]) == {"kompas.com"}


def test_more_like_this_uses_the_array_path_and_leaves_the_article_out(engine: Engine) -> None:
    first = engine.search(SearchRequest(query="banjir")).hits[0]
    similar = engine.search(SearchRequest(query="", like=first.id)).hits
    assert similar and first.id not in [h.id for h in similar]


@pytest.mark.parametrize(("text", "kind"), [("banjir", WordNode), ("ibu kota", AnyNode), ("ibu DAN kota", AndNode),
                                            ("judul:banjir", WordNode), ("banj*", OrNode),
                                            ("banjr~2", OrNode), ('"ibu kota"', PhraseNode), ("*", AllNode),
                                            ("banjir OR NOT gempa", MatcherNode)])
def test_what_each_query_part_compiles_to(engine: Engine, text: str, kind: type) -> None:
    reader = engine.searcher().reader()
    q = parse_query(text, reader.schema)
    compiled = compile_query(q, reader)
    node = compiled.should[0] if kind is TermNode and isinstance(compiled, OrNode) else compiled
    assert isinstance(node, kind)


def test_browsing_everything_pages_newest_first(engine: Engine) -> None:
    hits = engine.search(SearchRequest(query="*", limit=30, date_from="2019-01-01")).hits
    published = [h.published for h in hits]
    assert len(hits) == 30 and published == sorted(published, reverse=True)


def test_decoded_postings_are_whooshs_postings(engine: Engine) -> None:
    reader = engine.searcher().reader()
    for segment, _ in reader.leaf_readers():
        for term in (b"banjir", b"~banjir", b"jakarta", b"tidakada"):
            ids, weights = decode(segment, "body", term)
            expected: list[tuple[int, float]] = []
            if ("body", term) in segment:
                matcher = term_matcher(segment, "body", term)
                while matcher.is_active():
                    expected.append((matcher.id(), matcher.weight()))
                    matcher.next()
            assert list(zip(ids.tolist(), weights.tolist(), strict=True)) == expected


def test_the_posting_cache_stays_within_its_bound(engine: Engine) -> None:
    cache = PostingCache(capacity=500)
    reader = engine.searcher().reader()
    segment = reader.leaf_readers()[0][0]
    for term in (b"jakarta", b"warga", b"banjir", b"pemerintah", b"polisi", b"presiden"):
        cache.get(segment, "body", term)
        assert len(cache) <= 500
    cache.get(segment, "body", b"banjir")
    assert cache.hits >= 1


def test_top_breaks_ties_by_document_number() -> None:
    ids = np.array([5, 3, 9, 1, 7])
    keys = np.array([1.0, 2.0, 2.0, 2.0, 0.5])
    assert ids[top(ids, keys, 2, descending=True)].tolist() == [1, 3]
    assert ids[top(ids, keys, 5, descending=False)].tolist() == [7, 5, 1, 3, 9]
    assert top(ids, keys, 0, descending=True).tolist() == []


def test_an_index_with_no_segment_yet_answers_nothing(tmp_path: Path) -> None:
    """A freshly created (or emptily rebuilt) index has a reader with no segment behind it."""
    index = SearchIndex(tmp_path / "index")
    index.open()
    engine = Engine(index, Archive(tmp_path / "archive.sqlite3"))
    for query in ("banjir", "*", '"ibu kota"', "banj*"):
        results = engine.search(SearchRequest(query=query, facets=True, sort="newest"))
        assert (results.total, results.hits, results.facets) == (0, [], {"source": {}, "month": {}})


def test_a_refreshed_searcher_gets_arrays_of_its_own(engine: Engine, tmp_path: Path) -> None:
    """After a commit the engine reads the new reader's arrays (and lets the old ones go)."""
    before = engine.search(SearchRequest(query="*")).total
    engine.archive.upsert(Article(url="https://contoh.test/baru", title="Banjir baru", source="contoh.test",
                                  body="Banjir melanda kampung.\n\nWarga mengungsi ke masjid terdekat.",
                                  published="2019-12-30T08:00:00+07:00"))
    engine.index.catch_up(engine.archive)
    engine.refresh_every = 0
    assert engine.search(SearchRequest(query="*")).total == before + 1
    newest = engine.search(SearchRequest(query="banjir", sort="newest", date_from="2019-12-30"))
    assert [hit.url for hit in newest.hits] == ["https://contoh.test/baru"]  # its date is in the new arrays


@pytest.mark.parametrize("sort", ["oldest", "newest"])
def test_undated_articles_come_last_in_date_order(tmp_path: Path, sort: str) -> None:
    archive = Archive(tmp_path / "archive.sqlite3")
    for n, published in enumerate(["2019-09-02T08:00:00+07:00", None, "2019-09-01T08:00:00+07:00"]):
        archive.upsert(Article(url=f"https://contoh.test/{n}", title=f"Banjir {n}", source="contoh.test",
                               body="Banjir melanda kampung.\n\nWarga mengungsi.", published=published))
    index = SearchIndex(tmp_path / "index")
    index.catch_up(archive)
    hits = Engine(index, archive).search(SearchRequest(query="banjir", sort=sort)).hits  # type: ignore[arg-type]
    assert [h.title for h in hits][-1] == "Banjir 1" and len(hits) == 3


def test_arrays_kept_by_segment_id_stay_right_when_the_segment_gains_deletions(tmp_path: Path) -> None:
    """A commit that updates articles in place deletes their old documents in a segment that keeps its id.

    A long-lived engine, its posting lists and per-segment arrays read before that commit, must then
    match and score exactly as Whoosh does on the index opened afresh: no old document left live.
    """
    from whoosh import scoring

    archive = Archive(tmp_path / "archive.sqlite3")
    index = SearchIndex(tmp_path / "index")
    records = list(corpus_records(300, every=11))
    for record in records:
        archive.upsert(Article.from_dict(record))
    index.catch_up(archive)
    engine = Engine(index, archive, refresh_every=0)
    texts = ["banjir", "*", "jakarta NOT banjir", '"ibu kota"', "banjir susulan", "BUKAN banjir", "banjir OR NOT gempa"]
    for text in texts:  # warm: posting lists and per-segment arrays cached under the segment's id
        engine.search(SearchRequest(query=text, facets=True, sort="newest"))
    segment_id = engine.searcher().reader().segment().segment_id()
    for record in records[::4]:
        archive.upsert(Article.from_dict(dict(record, body=record["body"] + "\n\nPembaruan: banjir susulan.")))
    index.catch_up(archive)
    leaves = engine.searcher().reader().leaf_readers()
    assert segment_id in [seg.segment().segment_id() for seg, _ in leaves]  # the same segment, now with deletions
    with index.open().searcher(weighting=scoring.BM25F()) as fresh:
        assert engine.searcher().reader().doc_count() == fresh.doc_count() == len(records)
        for text in texts:
            q = as_whoosh_terms(parse_query(text, fresh.schema))
            expected = {hit.docnum: hit.score for hit in fresh.search(q, limit=None, optimize=False)}
            got = vector_matches(engine, q)
            assert got.keys() == expected.keys(), text
            assert list(got.values()) == pytest.approx([expected[d] for d in got], rel=1e-9), text
            assert engine.search(SearchRequest(query=text)).total == len(expected), text
