"""The commands with ``archive.url: postgresql://...`` against a real server (the index stays Whoosh),
and ``kliping migrate-archive`` from a SQLite archive, run twice."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
from cli_runner import kliping, kliping_json
from corpus import corpus_records
from newssite import NewsSite, write_config

from index.archive import Archive

ARTICLES = 120


def write_jsonl(path: Path, records: list[dict]) -> Path:  # type: ignore[type-arg]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def count(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
        return int(row[0]) if row else 0


def test_crawl_status_search_import_reindex_on_postgres(news_site: NewsSite, make_config, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                        pg_url: str) -> None:
    for page in news_site.gold_pages():
        news_site.publish(page)
    source = {"name": "lokal", "feeds": [news_site.feed_url], "sitemaps": [news_site.sitemap_url]}
    config = make_config([source], archive={"url": pg_url})

    crawled = kliping_json(config, "crawl")
    stored = crawled["sources"][0]["new"] if "sources" in crawled else crawled[0]["new"]
    assert stored == len(news_site.gold_pages())
    assert not (tmp_path / "data" / "archive.sqlite3").exists()  # nothing went to the SQLite file
    assert count(pg_url, "articles") == stored

    status = kliping_json(config, "status")
    assert status["archive"]["articles"] == stored and status["index"]["in_step"]
    assert status["archive"]["location"] == pg_url
    assert f"archive at: {pg_url}" in kliping(config, "status").stdout
    assert status["sources"][0]["archived"] == stored and status["sources"][0]["last_run"]["new"] == stored

    title = news_site.gold(news_site.gold_pages()[0])["title"]
    found = kliping_json(config, "search", f'"{title}"')
    assert found["total"] >= 1 and found["hits"][0]["title"] == title
    assert found["hits"][0]["snippet"]  # the body came from PostgreSQL

    records = list(corpus_records(ARTICLES, every=97))
    result = kliping(config, "import", str(write_jsonl(tmp_path / "more.jsonl", records)))
    assert result.returncode == 0, result.stderr
    assert f"new {ARTICLES}" in result.stdout
    assert count(pg_url, "articles") == stored + ARTICLES

    rebuilt = kliping(config, "reindex")
    assert rebuilt.returncode == 0, rebuilt.stderr
    status = kliping_json(config, "status")
    assert status["index"]["documents"] == stored + ARTICLES and status["index"]["in_step"]
    again = kliping_json(config, "crawl")
    assert (again["sources"][0] if "sources" in again else again[0])["new"] == 0


def test_migrate_archive_copies_everything_once_and_keeps_the_index_in_step(make_config, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                            pg_url: str) -> None:
    config = make_config([])
    records = list(corpus_records(ARTICLES, every=53))
    assert kliping(config, "import", str(write_jsonl(tmp_path / "a.jsonl", records))).returncode == 0
    edited = [{**records[0], "body": records[0]["body"] + "\n\nRalat: paragraf tambahan."}]
    assert kliping(config, "import", str(write_jsonl(tmp_path / "b.jsonl", edited))).returncode == 0
    before = kliping_json(config, "search", "*", "--limit", "5")
    lite = Archive(tmp_path / "data" / "archive.sqlite3")
    for hour in (1, 2):
        lite.record_run("lokal", f"2021-12-31T0{hour}:00:00", {"found": hour, "new": hour, "errors": []})
    lite.close()

    first = kliping(config, "migrate-archive", "--to", pg_url, "--json")
    assert first.returncode == 0, first.stderr
    report = {t["table"]: t for t in json.loads(first.stdout)["tables"]}
    assert report["articles"]["sqlite"] == report["articles"]["postgres"] == report["articles"]["copied"] == ARTICLES
    assert report["article_versions"]["postgres"] == 1
    assert all(t["ok"] for t in report.values())

    second = kliping(config, "migrate-archive", "--to", pg_url, "--json")  # safe to run again: adds nothing
    assert second.returncode == 0, second.stderr
    assert all(t["copied"] == 0 and t["ok"] for t in json.loads(second.stdout)["tables"])
    assert count(pg_url, "articles") == ARTICLES

    pg = Archive(pg_url)  # the copied runs keep their ids, and the server numbers the next one after them
    pg.record_run("lokal", "2021-12-31T03:00:00", {"found": 3, "new": 0, "errors": []})
    assert pg.last_runs()["lokal"]["found"] == 3 and pg.last_runs()["lokal"]["id"] == 3
    pg.close()

    moved = make_config([], archive={"url": pg_url})  # the same data_dir: its Whoosh index, now over PostgreSQL
    status = kliping_json(moved, "status")
    assert status["archive"]["articles"] == ARTICLES
    assert status["index"]["in_step"], status["index"]  # same archive id and seqs: no rebuild needed
    assert kliping_json(moved, "search", "*", "--limit", "5")["hits"] == before["hits"]
    known = {r["url"] for r in records}
    more = [r for r in corpus_records(10, every=71) if r["url"] not in known][:3]
    assert kliping(moved, "import", str(write_jsonl(tmp_path / "c.jsonl", more))).returncode == 0
    assert kliping_json(moved, "status")["index"]["documents"] == ARTICLES + len(more)


def test_migrate_archive_refuses_a_database_holding_another_archive(make_config, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                     pg_url: str) -> None:
    other = write_config(tmp_path / "other.yaml", tmp_path / "other-data", [], archive={"url": pg_url})
    assert kliping(other, "import", str(write_jsonl(tmp_path / "o.jsonl", list(corpus_records(2))))).returncode == 0
    config = make_config([])
    assert kliping(config, "import", str(write_jsonl(tmp_path / "a.jsonl", list(corpus_records(3, every=7))))
                   ).returncode == 0
    refused = kliping(config, "migrate-archive", "--to", pg_url)
    assert refused.returncode == 1 and "another archive" in refused.stderr, refused.stderr
    assert count(pg_url, "articles") == 2


def test_a_bad_archive_url_names_the_key(make_config) -> None:  # type: ignore[no-untyped-def]
    config = make_config([], archive={"url": "mysql://localhost/kliping"})
    result = kliping(config, "status")
    assert result.returncode == 2 and "archive.url" in result.stderr and "postgresql://" in result.stderr


def test_serve_answers_from_a_postgres_archive(make_config, tmp_path: Path, pg_url: str) -> None:  # type: ignore[no-untyped-def]
    import httpx
    from test_api_support import uvicorn_server

    config = make_config([], archive={"url": pg_url})
    records = list(corpus_records(40, every=31))
    assert kliping(config, "import", str(write_jsonl(tmp_path / "a.jsonl", records))).returncode == 0
    with uvicorn_server(config) as base:
        health = httpx.get(f"{base}/health", timeout=10).json()
        assert health["archive"]["articles"] == 40 and health["index"]["documents"] == 40
        found = httpx.get(f"{base}/search", params={"q": f'"{records[3]["title"]}"'}, timeout=30).json()
        assert found["hits"][0]["url"] == records[3]["url"] and found["hits"][0]["snippet"]
        article = httpx.get(f"{base}/articles/{found['hits'][0]['id']}", timeout=10).json()
        assert article["body"].startswith(records[3]["body"].strip()[:40])
        sources = httpx.get(f"{base}/sources", timeout=30).json()
        assert sum(s["archived"] for s in sources["sources"]) == 40


def test_migrating_again_after_writes_on_both_sides_gives_new_articles_new_change_numbers(  # type: ignore[no-untyped-def]
        make_config, tmp_path: Path, pg_url: str) -> None:
    """A second migrate-archive, after the PostgreSQL archive was written to directly: the SQLite archive's
    newer articles must not reuse change numbers taken there (an index past them would never see them)."""
    from index.store import SearchIndex

    config = make_config([])
    records = list(corpus_records(12, every=41))
    assert kliping(config, "import", str(write_jsonl(tmp_path / "a.jsonl", records[:8]))).returncode == 0
    assert kliping(config, "migrate-archive", "--to", pg_url).returncode == 0
    other = write_config(tmp_path / "other.yaml", tmp_path / "other-data", [], archive={"url": pg_url})
    assert kliping(other, "import", str(write_jsonl(tmp_path / "b.jsonl", records[8:10]))).returncode == 0
    watermark = SearchIndex(tmp_path / "other-data" / "index").watermark()
    assert watermark == 10  # that machine's index caught up to the archive's change 10
    assert kliping(config, "import", str(write_jsonl(tmp_path / "c.jsonl", records[10:]))).returncode == 0

    again = kliping(config, "migrate-archive", "--to", pg_url, "--json")
    assert again.returncode == 1, again.stdout  # PostgreSQL holds two articles SQLite does not: said, not hidden
    articles = next(t for t in json.loads(again.stdout)["tables"] if t["table"] == "articles")
    assert (articles["sqlite"], articles["postgres"], articles["copied"]) == (10, 12, 2)
    with psycopg.connect(pg_url) as conn:
        seqs = [row[0] for row in conn.execute("SELECT seq FROM articles ORDER BY seq").fetchall()]
    assert seqs == list(range(1, 13))  # the two copied now came after change 10
    assert kliping(other, "reindex", "--catch-up").returncode == 0
    assert kliping_json(other, "status")["index"]["documents"] == 12
