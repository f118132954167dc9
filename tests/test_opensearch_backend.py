"""The OpenSearch index backend against a real 2-node cluster (tests/opensearch_cluster.py starts it):
alias-swapped rebuilds, the watermark catch-up after a crash, search parity with the Whoosh engine on real
articles, filters and facets, the CLI on ``index.backend: opensearch``, and a stopped node."""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cli_runner import kliping, kliping_json
from corpus import corpus_records
from daemon_process import DaemonProcess
from newssite import NewsSite, write_config
from opensearch_cluster import Cluster, opensearch_cluster  # noqa: F401
from test_api_support import uvicorn_server

from index.archive import Archive
from index.opensearch.document import K1, B
from index.opensearch.store import OpenSearchIndex
from index.store import SearchIndex
from kliping.article import Article
from kliping.config import IndexConfig
from search.engine import Engine, SearchRequest
from search.opensearch.engine import OpenSearchEngine
from search.ranking import DEFAULT

QUERIES = ["kebakaran hutan Riau", "banjir", "korupsi KPK", "Joko Widodo", "demo mahasiswa", "gempa",
           "harga emas", "timnas indonesia", "revisi UU KPK", "Apa penyebab kebakaran hutan di Riau?",
           "kabut asap", "ibu kota baru", "Persib Bandung", "sanksi", "menjatuhkan"]
_names = itertools.count()


def top10(engine: Engine | OpenSearchEngine, query: str) -> list[str]:
    return [hit.id for hit in engine.search(SearchRequest(query=query, limit=10, snippets=False)).hits]


@pytest.fixture(scope="module")
def corpus_archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    archive = Archive(tmp_path_factory.mktemp("os-archive") / "archive.sqlite3")
    for record in corpus_records(800, every=25):
        archive.upsert(Article.from_dict(record))
    return archive


@pytest.fixture
def index_config(opensearch_cluster: Cluster) -> Iterator[IndexConfig]:  # noqa: F811
    config = IndexConfig(backend="opensearch", hosts=opensearch_cluster.urls, index=f"kliping-test-{next(_names)}",
                         replicas=1)
    yield config
    try:
        OpenSearchIndex(config).delete()
    except Exception:  # best effort: after the stopped-node test the cluster may still be reallocating
        logging.getLogger(__name__).warning("could not delete the test index %s", config.index, exc_info=True)


@pytest.fixture(scope="module")
def whoosh_engine(corpus_archive: Archive, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    index = SearchIndex(tmp_path_factory.mktemp("os-whoosh") / "index")
    index.rebuild(corpus_archive)
    return Engine(index, corpus_archive)


@pytest.mark.parametrize(("index", "fix"), [
    ({"backend": "elastic"}, "'whoosh' or 'opensearch'"),
    ({"backend": "opensearch", "hosts": ["127.0.0.1:9200"]}, "write http://HOST:PORT"),
    ({"backend": "opensearch", "hosts": []}, "give at least one node URL"),
    ({"backend": "opensearch", "index": "Kliping News"}, "index.index"),
    ({"backend": "opensearch", "host": "x"}, "did you mean 'hosts'?"),
])
def test_a_wrong_index_setting_is_named_with_its_fix(index: dict, fix: str) -> None:  # type: ignore[type-arg]
    import yaml

    from kliping.config import parse_config
    from kliping.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        parse_config(yaml.safe_dump({"index": index}))
    assert fix in str(caught.value)


def test_the_cluster_scores_with_the_embedded_engines_bm25() -> None:
    assert (DEFAULT.k1, DEFAULT.b) == (K1, B)


def test_reindex_fills_a_new_index_and_swaps_the_alias(corpus_archive: Archive, index_config: IndexConfig) -> None:
    index = OpenSearchIndex(index_config)
    assert index.rebuild(corpus_archive) == corpus_archive.count()
    first = index.physical()
    assert index.doc_count() == corpus_archive.count()
    assert index.watermark() == corpus_archive.max_seq()
    assert index.rebuild(corpus_archive) == corpus_archive.count()
    second = index.physical()
    assert second != first
    assert not index.client.indices.exists(index=first)  # the old physical index is gone, the alias moved
    assert index.doc_count() == corpus_archive.count()
    assert index.drift(corpus_archive) is None


def test_catch_up_after_a_crash_indexes_each_article_exactly_once(
        corpus_archive: Archive, index_config: IndexConfig, tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive.sqlite3")
    records = list(corpus_records(60, every=7))
    for record in records[:40]:
        archive.upsert(Article.from_dict(record))
    index = OpenSearchIndex(index_config)
    assert index.catch_up(archive, batch=15) == 40
    assert index.watermark() == archive.max_seq()
    for record in records[40:]:
        archive.upsert(Article.from_dict(record))
    edited = Article.from_dict({**records[0], "body": records[0]["body"] + " Ralat: banjir bandang susulan."})
    archive.upsert(edited)
    # the crash: a batch reached the cluster but the process died before the watermark moved
    index._bulk(index.alias, list(archive.changed_since(index.watermark()))[:12], None)
    index.client.indices.refresh(index=index.alias)
    assert index.watermark() < archive.max_seq()
    index.catch_up(archive, batch=15)
    assert index.watermark() == archive.max_seq()
    assert index.doc_count() == archive.count() == 60
    found = index.client.search(index=index.alias, body={"query": {"term": {"id": edited.id}}})
    assert found["hits"]["total"]["value"] == 1
    engine = OpenSearchEngine(index, archive)
    assert edited.id in [h.id for h in engine.search(SearchRequest(query='"banjir bandang susulan"')).hits]


def test_search_ranks_as_the_embedded_engine_does(
        corpus_archive: Archive, index_config: IndexConfig, whoosh_engine: Engine) -> None:
    index = OpenSearchIndex(index_config)
    index.rebuild(corpus_archive)
    engine = OpenSearchEngine(index, corpus_archive)
    overlaps = []
    for query in QUERIES:
        theirs, ours = top10(whoosh_engine, query), top10(engine, query)
        assert ours, query
        overlaps.append(len(set(theirs) & set(ours)) / max(len(theirs), 1))
    assert sum(overlaps) / len(overlaps) >= 0.9, list(zip(QUERIES, overlaps, strict=True))


def test_words_and_names_score_as_the_embedded_engine_scores_them(
        corpus_archive: Archive, index_config: IndexConfig, whoosh_engine: Engine) -> None:
    """The same BM25 over the same statistics and lengths (a name: one BM25 over all its group's occurrences):
    each hit's score is Whoosh's, to float precision (the cluster's scores are 32-bit), and ties break alike
    (the archive's order)."""
    index = OpenSearchIndex(index_config)
    index.rebuild(corpus_archive)
    engine = OpenSearchEngine(index, corpus_archive)
    for query in ["banjir", "menjatuhkan", "kabut asap sekolah", "judul:gempa", '"kabut asap"', "korupsi BUKAN KPK",
                  "kebakaran ATAU banjir", "Jokowi", "harga emas naik", "kebakaran hutan", '"Joko Widodo"',
                  "Persib Bandung", "Apa penyebab kebakaran hutan di Riau?"]:
        request = SearchRequest(query=query, limit=10, snippets=False)
        theirs = [(hit.id, hit.score) for hit in whoosh_engine.search(request).hits]
        ours = [(hit.id, hit.score) for hit in engine.search(request).hits]
        assert theirs, query
        assert [i for i, _ in ours] == [i for i, _ in theirs], query
        assert [s for _, s in ours] == pytest.approx([s for _, s in theirs], rel=1e-5), query


@pytest.mark.parametrize("query", ['"Joko Widodo"', "banjir DAN jakarta", "korupsi BUKAN KPK", "judul:gempa",
                                   "korup*", "kebakaran ATAU banjir", '"kabut asap"~3', "*", "Jokowi DAN KPK"])
def test_strict_queries_filters_and_facets_match_the_embedded_engine(
        query: str, corpus_archive: Archive, index_config: IndexConfig, whoosh_engine: Engine) -> None:
    index = OpenSearchIndex(index_config)
    index.catch_up(corpus_archive)
    engine = OpenSearchEngine(index, corpus_archive)
    for request in (SearchRequest(query=query, facets=True),
                    SearchRequest(query=query, facets=True, date_from="2019-09-10", date_to="2019-09-20"),
                    SearchRequest(query=query, sources=["kompas.com", "tempo.co"], sort="newest")):
        theirs, ours = whoosh_engine.search(request), engine.search(request)
        assert ours.total == theirs.total, (query, request)
        assert ours.aliases == theirs.aliases  # names expanded alike (Jokowi: Joko Widodo too)
        assert ours.facets == theirs.facets
        if request.sort == "newest":
            assert [h.published for h in ours.hits] == [h.published for h in theirs.hits]


def test_the_commands_work_on_the_opensearch_backend(index_config: IndexConfig, tmp_path: Path) -> None:
    hosts = ", ".join(index_config.hosts)
    config = tmp_path / "config.yaml"
    config.write_text(f"data_dir: ./data\nindex:\n  backend: opensearch\n  hosts: [{hosts}]\n"
                      f"  index: {index_config.index}\n")
    records = tmp_path / "articles.jsonl"
    sample = list(corpus_records(50, every=3))
    records.write_text("".join(json.dumps(r) + "\n" for r in sample))
    word = max(sample[0]["title"].split(), key=len)
    imported = kliping(config, "import", str(records))
    assert imported.returncode == 0, imported.stderr
    found = kliping(config, "search", word, "--json")
    assert found.returncode == 0, found.stderr
    assert sample[0]["url"] in [hit["url"] for hit in json.loads(found.stdout)["hits"]]
    browsed = kliping(config, "search", "*", "--json")
    assert json.loads(browsed.stdout)["total"] == 50
    status = kliping(config, "status", "--json")
    assert json.loads(status.stdout)["index"]["documents"] == 50
    assert json.loads(status.stdout)["index"]["in_step"]
    with uvicorn_server(config) as base:  # kliping serve on the cluster: the API searches it too
        assert httpx.get(f"{base}/health", timeout=10).json()["index"]["documents"] == 50
        answer = httpx.get(f"{base}/search", params={"q": word}, timeout=30)
        assert answer.status_code == 200, answer.text
        assert sample[0]["url"] in [hit["url"] for hit in answer.json()["hits"]]
    rebuilt = kliping(config, "reindex", "--backend", "opensearch")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert kliping(config, "search", "xyzzyqwv").returncode == 3


def test_crawl_and_the_daemon_index_into_the_cluster(
        news_site: NewsSite, make_config, index_config: IndexConfig) -> None:  # type: ignore[no-untyped-def]
    pages = news_site.gold_pages()
    for page in pages:
        news_site.publish(page)
    settings = {"backend": "opensearch", "hosts": index_config.hosts, "index": index_config.index}
    config = make_config([{"name": "lokal", "feeds": [news_site.feed_url], "sitemaps": [news_site.sitemap_url]}],
                         index=settings)
    summary = kliping_json(config, "crawl")
    assert summary["sources"][0]["new"] == len(pages), summary["sources"][0]["errors"]
    status = kliping_json(config, "status")
    assert status["index"]["documents"] == len(pages) and status["index"]["in_step"]
    title = news_site.gold(pages[0])["title"]
    assert title in kliping(config, "search", f'"{title}"', "--json").stdout

    # the daemon, on a data_dir of its own and another alias: it crawls, then the cluster holds what it archived
    other = config.parent / "daemon"
    other.mkdir()
    daemon_config = write_config(other / "config.yaml", other / "data",
                                 [{"name": "lokal", "feeds": [news_site.feed_url], "every": "1h"}],
                                 index={**settings, "index": index_config.index + "-daemon"},
                                 daemon={"jitter": 0, "misfire_grace": "30s"})
    daemon = DaemonProcess(daemon_config)
    try:
        daemon.wait_log("event=indexed", timeout=60)
        assert daemon.terminate() == 0
        assert "event=indexed documents=" in daemon.log()
        status = kliping_json(daemon_config, "status")
        assert status["index"]["documents"] == status["archive"]["articles"] > 0
    finally:
        daemon.stop()
        OpenSearchIndex(index_config.model_copy(update={"index": index_config.index + "-daemon"})).delete()


def test_a_stopped_node_leaves_the_replica_answering(
        corpus_archive: Archive, index_config: IndexConfig, opensearch_cluster: Cluster) -> None:  # noqa: F811
    """Last in the file: it stops a node of the session's cluster."""
    index = OpenSearchIndex(index_config)
    index.rebuild(corpus_archive)
    # the replica must exist before a node goes: green, every copy allocated (a rebuild waits for yellow only)
    index.client.cluster.health(index=index.physical(), params={"wait_for_status": "green", "timeout": "60s"},
                                request_timeout=70)
    engine = OpenSearchEngine(index, corpus_archive)
    before = {query: top10(engine, query) for query in QUERIES[:5]}
    nodes = index.client.cat.nodes(format="json", h="name,cluster_manager")
    follower = next(int(n["name"].split("-")[1]) for n in nodes if n["cluster_manager"] != "*")
    opensearch_cluster.stop_node(follower)
    after = {query: top10(engine, query) for query in QUERIES[:5]}
    assert after == before


def test_a_watch_matches_on_the_cluster_and_collapse_and_trend_say_they_need_whoosh(
        index_config: IndexConfig, tmp_path: Path) -> None:
    from index.watches import Watch, WatchStore
    from kliping.errors import QueryError
    from kliping.watch.matcher import WatchMatcher
    from search.trend import trend

    archive = Archive(tmp_path / "archive.sqlite3")
    index = OpenSearchIndex(index_config)
    index.catch_up(archive)
    store = WatchStore(archive)
    store.add(Watch(name="asap", query="kabut asap"))
    records = list(corpus_records(300, every=11))
    for record in records:
        archive.upsert(Article.from_dict(record))
    index.catch_up(archive)
    matcher = WatchMatcher(store, archive, index)
    try:
        found = matcher.check()
    finally:
        matcher.close()
    matched = {row[0] for row in archive.db.execute("SELECT article_id FROM watch_matches")}
    whoosh = SearchIndex(tmp_path / "index")
    whoosh.rebuild(archive)
    same = Engine(whoosh, archive).search(SearchRequest(query="kabut asap", strict=True, limit=500, snippets=False))
    stories = archive.story_ids([hit.id for hit in same.hits])
    assert matched and found == len(matched) == len({stories.get(h.id, h.id) for h in same.hits})  # once per story
    assert matched <= {hit.id for hit in same.hits}
    engine = OpenSearchEngine(index, archive)
    with pytest.raises(QueryError, match="not available on the OpenSearch backend"):
        engine.search(SearchRequest(query="asap", collapse=True))
    with pytest.raises(QueryError, match="embedded Whoosh index"):
        trend(engine, SearchRequest(query="asap"))  # type: ignore[arg-type]
