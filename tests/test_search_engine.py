"""Search over real corpus articles: query syntax, filters, sorting, snippets, facets."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus import corpus_records

from index.archive import Archive
from index.store import SearchIndex
from kliping.article import Article
from kliping.errors import QueryError
from search.engine import Engine, SearchRequest
from search.limits import API_MAX_SIZE, API_MAX_WINDOW, MAX_LIMIT, MAX_PAGE

N_DOCS = 400


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root: Path = tmp_path_factory.mktemp("search")
    archive = Archive(root / "archive.sqlite3")
    for record in corpus_records(N_DOCS, every=50):
        archive.upsert(Article.from_dict(record))
    archive.upsert(Article(url="https://contoh.id/xss", title="Uji skrip", source="contoh.id",
                           body="Teks berbahaya <script>alert(1)</script> di dalam berita sanksi.",
                           published="2019-09-02T10:00:00+07:00", authors=["Dewi Lestari"]))
    archive.upsert(Article(url="https://contoh.id/sanksi", title="Uni Eropa siapkan hukuman", source="contoh.id",
                           body="Uni Eropa menjatuhkan sanksi-sanksi baru kepada perekonomian Rusia.\n\n"
                                "Menteri Dalam Negeri menyatakan dukungan.",
                           published="2019-09-03T10:00:00+07:00"))
    index = SearchIndex(root / "index")
    index.catch_up(archive)
    return Engine(index, archive)


def search(engine: Engine, query: str, **kw) -> list:  # type: ignore[no-untyped-def,type-arg]
    return engine.search(SearchRequest(query=query, **kw)).hits


def test_every_archived_article_is_indexed(engine: Engine) -> None:
    assert engine.index.doc_count() == engine.archive.count()


@pytest.mark.parametrize("query", ["jatuh", "dijatuhkan", "sanksi", "ekonomi", "sanksi ekonomi Rusia"])
def test_a_free_word_finds_every_form_of_its_root(engine: Engine, query: str) -> None:
    assert "Uni Eropa siapkan hukuman" in [h.title for h in search(engine, query, sources=["contoh.id"])]


@pytest.mark.parametrize("query", ['"jatuh"', '"ekonomi Rusia"'])
def test_a_quoted_word_matches_only_itself(engine: Engine, query: str) -> None:
    assert search(engine, query, sources=["contoh.id"]) == []


def test_a_phrase_across_a_function_word_still_matches(engine: Engine) -> None:
    assert [h.title for h in search(engine, '"Menteri Dalam Negeri"', sources=["contoh.id"])] == [
        "Uni Eropa siapkan hukuman"]


def test_each_matched_word_is_highlighted_once(engine: Engine) -> None:
    snippet = search(engine, 'jatuh "menjatuhkan"', sources=["contoh.id"])[0].snippet
    assert snippet.plain().count("menjatuhkan") == 1
    assert "<mark>menjatuhkan</mark>" in snippet.html()


def test_did_you_mean_respells_from_the_index(engine: Engine) -> None:
    results = engine.search(SearchRequest(query="perekonomain"))
    assert results.suggestion == "perekonomian"


def test_phrases_match_exact_words(engine: Engine) -> None:
    hits = search(engine, '"Presiden Joko Widodo"', limit=20)
    assert hits
    for hit in hits:
        article = engine.archive.get(hit.id)
        assert "presiden joko widodo" in (article.title + " " + article.body).lower()


@pytest.mark.parametrize("operator", ["BUKAN", "NOT"])
def test_indonesian_and_english_not(engine: Engine, operator: str) -> None:
    everything = {h.id for h in search(engine, "jakarta", limit=1000)}
    without = {h.id for h in search(engine, f"jakarta {operator} banjir", limit=1000)}
    assert without <= everything and everything - without, "some jakarta articles mention banjir"
    assert without.isdisjoint({h.id for h in search(engine, "banjir", limit=1000)})
    for article_id in everything - without:
        assert "banjir" in (engine.archive.get(article_id).body + engine.archive.get(article_id).title).lower()


def test_date_range_keeps_only_those_days(engine: Engine) -> None:
    hits = search(engine, "jakarta", date_from="2019-09-10", date_to="2019-09-12", limit=100)
    assert hits
    assert all("2019-09-10" <= (h.published or "")[:10] <= "2019-09-12" for h in hits)


def test_sort_newest_first(engine: Engine) -> None:
    dates = [h.published[:10] for h in search(engine, "jakarta", sort="newest", limit=30)]
    assert dates == sorted(dates, reverse=True)


def test_source_filter(engine: Engine) -> None:
    hits = search(engine, "jakarta", sources=["kompas.com"], limit=50)
    assert hits and {h.source for h in hits} == {"kompas.com"}


def test_snippets_highlight_and_escape(engine: Engine) -> None:
    hit = search(engine, "berbahaya", sources=["contoh.id"])[0]
    assert "<mark>berbahaya</mark>" in hit.snippet.html().lower()
    assert "<script>" not in hit.snippet.html()
    assert "&lt;script&gt;" in hit.snippet.html()


def test_author_filter(engine: Engine) -> None:
    hits = search(engine, "sanksi", author="Dewi Lestari")
    assert [h.title for h in hits] == ["Uji skrip"]


@pytest.mark.parametrize("name", ["DEWI lestari", "Lestari, Dewi", "Dewi Lestari."])
def test_author_filter_reads_the_name_as_the_index_does(engine: Engine, name: str) -> None:
    assert [h.title for h in search(engine, "sanksi", author=name)] == ["Uji skrip"]


def test_facets_count_by_source_and_month(engine: Engine) -> None:
    results = engine.search(SearchRequest(query="jakarta", facets=True))
    assert results.facets is not None
    assert sum(results.facets["source"].values()) == results.total
    assert all(len(month) == 7 for month in results.facets["month"])


def test_more_like_this(engine: Engine) -> None:
    first = search(engine, "sepak bola")[0]
    similar = engine.search(SearchRequest(query="", like=first.id)).hits
    assert similar and first.id not in {h.id for h in similar}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"sanksi rusia', "unclosed double quote"),
        ("(sanksi OR rusia", "parentheses"),
        ("", "empty"),
        ("a*", "too broad"),
        ("x" * 5000, "characters long"),
    ],
)
def test_malformed_queries_are_clear_errors(engine: Engine, query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        engine.search(SearchRequest(query=query))


@pytest.mark.parametrize(("field", "value"), [("date_from", "2021-13-45"), ("limit", 0), ("page", 0), ("sort", "x"),
                                            ("limit", MAX_LIMIT + 1), ("page", MAX_PAGE + 1)])
def test_bad_filters_are_clear_errors(engine: Engine, field: str, value: object) -> None:
    with pytest.raises(QueryError):
        engine.search(SearchRequest(query="jakarta", **{field: value}))


def test_the_limits_hold_at_their_bounds_and_the_api_stays_within_the_engines(engine: Engine) -> None:
    assert engine.search(SearchRequest(query="jakarta", limit=MAX_LIMIT, page=MAX_PAGE)).hits == []
    assert API_MAX_SIZE <= MAX_LIMIT and API_MAX_WINDOW <= MAX_LIMIT * MAX_PAGE


def test_a_lone_star_lists_everything_for_browsing_by_date(engine: Engine) -> None:
    results = engine.search(SearchRequest(query="*", date_from="2019-09", date_to="2019-09", sort="newest"))
    assert results.total > 0
    assert all(h.published.startswith("2019-09") for h in results.hits)


def test_atau_is_or(engine: Engine) -> None:
    either = {h.id for h in search(engine, "banjir ATAU gempa", limit=1000)}
    assert either == {h.id for h in search(engine, "banjir", limit=1000)} | {
        h.id for h in search(engine, "gempa", limit=1000)}


def test_dan_is_and(engine: Engine) -> None:
    both = {h.id for h in search(engine, "jakarta DAN banjir", limit=1000)}
    assert both == {h.id for h in search(engine, "jakarta", limit=1000)} & {
        h.id for h in search(engine, "banjir", limit=1000)}


def test_proximity_allows_words_between(engine: Engine) -> None:
    assert search(engine, '"Uni menjatuhkan"', sources=["contoh.id"]) == []
    assert [h.title for h in search(engine, '"Uni menjatuhkan"~3', sources=["contoh.id"])] == [
        "Uni Eropa siapkan hukuman"]


@pytest.mark.parametrize("field", ["judul", "title"])
def test_title_field(engine: Engine, field: str) -> None:
    hits = search(engine, f"{field}:hukuman", limit=100)
    assert "Uni Eropa siapkan hukuman" in [h.title for h in hits]
    assert all("hukum" in h.title.lower() for h in hits)


@pytest.mark.parametrize("field", ["sumber", "source"])
def test_source_field_in_the_query(engine: Engine, field: str) -> None:
    hits = search(engine, f"sanksi {field}:contoh.id", limit=50)
    assert hits and {h.source for h in hits} == {"contoh.id"}


@pytest.mark.parametrize("field", ["penulis", "author"])
def test_author_field_in_the_query(engine: Engine, field: str) -> None:
    assert [h.title for h in search(engine, f"{field}:lestari")] == ["Uji skrip"]


@pytest.mark.parametrize("sort", ["newest", "oldest", "relevance"])
def test_browsing_by_date_agrees_with_the_stored_dates(engine: Engine, sort: str) -> None:
    """``*`` within dates against the raw publish-time column: same articles, in date order (newest first
    unless oldest is asked for)."""
    from datetime import datetime

    from whoosh.util.times import datetime_to_long

    browsed = engine.search(SearchRequest(query="*", date_from="2019-09-05", date_to="2019-09-20", sort=sort,
                                          limit=1000))
    low, high = datetime_to_long(datetime(2019, 9, 5)), datetime_to_long(datetime(2019, 9, 20, 23, 59, 59, 999999))
    searcher = engine.searcher()
    column = searcher.reader().column_reader("published", translate=False)
    expected = sorted(((value, searcher.stored_fields(d)["id"]) for d, value in enumerate(column)
                       if low <= value <= high and not searcher.reader().is_deleted(d)), reverse=sort != "oldest")
    assert browsed.total == len(expected) > 1
    assert {h.id for h in browsed.hits} == {article_id for _, article_id in expected}
    got = [h.published for h in browsed.hits]
    assert got == sorted(got, reverse=sort != "oldest") and got[0] != got[-1]


def test_a_word_only_in_the_headline_is_found(engine: Engine) -> None:
    assert "Uni Eropa siapkan hukuman" in [h.title for h in search(engine, "siapkan", sources=["contoh.id"])]


def test_no_phrase_spans_the_headline_and_the_body(engine: Engine) -> None:
    # the headline ends "hukuman", the body begins "Uni Eropa"
    assert search(engine, '"hukuman Uni"', sources=["contoh.id"]) == []


def test_headline_words_weigh_more(engine: Engine) -> None:
    hits = search(engine, "skrip ATAU dukungan", sources=["contoh.id"])
    assert [h.title for h in hits][0] == "Uji skrip"  # headline word beats a body word


@pytest.mark.parametrize(("phrase", "slop"), [("Presiden Joko Widodo", 1), ("Menteri Dalam Negeri", 2),
                                              ("sanksi Rusia", 3), ("Jakarta banjir", 4)])
def test_fast_phrases_match_exactly_what_whoosh_phrases_match(engine: Engine, phrase: str, slop: int) -> None:
    from whoosh import query as wq

    from index.analysis import merged_analyzer
    from search.phrase import FastPhrase

    words = [t.text for t in merged_analyzer()(phrase, mode="query")]
    searcher = engine.searcher()
    slow = set(searcher.docs_for_query(wq.Phrase("body", words, slop=slop)))
    fast = set(searcher.docs_for_query(FastPhrase("body", words, slop=slop)))
    assert fast == slow



# -- a long-lived engine (the API's) over an index updated in place ----------------------------


def _flood(version: int) -> list[Article]:
    return [Article(url=f"https://dup.example/{n}", source="dup.example", title=f"Banjir bandang {n}",
                    body=f"Banjir bandang melanda desa {n}. Laporan versi{version} dari lapangan.",
                    published=f"2019-0{n + 1}-02T10:00:00+07:00") for n in range(3)]


@pytest.fixture
def live(tmp_path: Path) -> tuple[Engine, Archive, SearchIndex]:
    archive = Archive(tmp_path / "archive.sqlite3")
    index = SearchIndex(tmp_path / "index")
    for article in _flood(1):
        archive.upsert(article)
    index.catch_up(archive)
    engine = Engine(index, archive, refresh_every=0)
    assert engine.search(SearchRequest(query="banjir")).total == 3  # its searcher, postings and arrays are warm
    return engine, archive, index


def _update(archive: Archive, index: SearchIndex, version: int) -> None:
    for article in _flood(version):  # the same URLs: updated in place, as re-imports, edit checks and reextract do
        archive.upsert(article)
    assert index.catch_up(archive) == 3


def _ids(engine: Engine, query: str) -> list[str]:
    return sorted(h.id for h in engine.search(SearchRequest(query=query, limit=100)).hits)


@pytest.mark.parametrize("updates", [1, 2, 3])
def test_an_open_engine_counts_an_article_updated_in_place_once(live, updates: int) -> None:  # type: ignore[no-untyped-def]
    engine, archive, index = live
    wanted = sorted(article.id for article in _flood(1))
    for version in range(2, updates + 2):
        _update(archive, index, version)
    for query in ("banjir", "*", "banjir bandang", '"banjir bandang"', "banj*", "desa sumber:dup.example",
                  "banjir NOT versi1"):
        results = engine.search(SearchRequest(query=query, limit=100, facets=True))
        assert results.total == 3, query
        assert sorted(h.id for h in results.hits) == wanted, query
        assert results.facets is not None and results.facets["source"] == {"dup.example": 3}, query
    assert _ids(engine, f"versi{updates + 1}") == wanted  # the new bodies are searched...
    assert _ids(engine, "versi1") == []  # ...and the old ones no longer
    assert engine.search(SearchRequest(query="banjir", sources=["dup.example"], date_from="2019-01-01")).total == 3
    # what a fresh engine (`kliping search`) says
    fresh = Engine(index, archive)
    for query in ("banjir", "*"):
        assert _ids(engine, query) == _ids(fresh, query)


def test_an_open_engine_follows_segments_merged_away(live) -> None:  # type: ignore[no-untyped-def]
    engine, archive, index = live
    _update(archive, index, 2)
    assert engine.search(SearchRequest(query="*")).total == 3
    index.writer().commit(optimize=True)  # one segment now; the two the engine has open are gone
    _update(archive, index, 3)
    for query in ("banjir", "*", "versi3"):
        assert _ids(engine, query) == sorted(article.id for article in _flood(1)), query
