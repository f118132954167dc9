"""``kliping export`` and ``/export``: every match, no cap, each row citing its WARC record."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import sqlite3
from pathlib import Path

import httpx
import pytest
from cli_runner import kliping, kliping_json
from corpus import corpus_records
from fastapi.testclient import TestClient
from newssite import NewsSite
from test_api_support import Dataset, write_config
from warcio.archiveiterator import ArchiveIterator

from kliping.config import load_config
from search.api.app import create_app
from search.export import BATCH, COLUMNS

pytest_plugins = ["test_api_support"]

#: More than two batches, so the batching and its order are exercised.
ARTICLES = 2 * BATCH + 150


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("export")
    config = root / "config.yaml"
    config.write_text(f"data_dir: {root / 'data'}\nsources: []\n")
    lines = [json.dumps(r, ensure_ascii=False) for r in corpus_records(ARTICLES, every=5)]
    (root / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = kliping(config, "import", str(root / "corpus.jsonl"))
    assert result.returncode == 0, result.stderr
    return config


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_a_star_exports_every_article_past_any_search_cap(imported: Path) -> None:
    result = kliping(imported, "export", "*")
    assert result.returncode == 0, result.stderr
    rows = _csv(result.stdout)
    assert len(rows) == ARTICLES and len({r["id"] for r in rows}) == ARTICLES
    assert list(rows[0]) == list(COLUMNS)
    dated = [r["published"] for r in rows if r["published"]]
    assert dated == sorted(dated, key=lambda p: p[:19])  # oldest first (all +07:00 or dates)
    assert all(p.endswith("+07:00") or len(p) == 10 for p in dated)
    assert f"exported {ARTICLES} articles" in result.stderr


def test_an_empty_query_with_a_source_exports_that_source_whole(imported: Path) -> None:
    rows = _csv(kliping(imported, "export", "--source", "kompas.com").stdout)
    counts = kliping_json(imported, "search", "*", "--source", "kompas.com", "--limit", "1")
    assert len(rows) == counts["total"] > 0 and {r["source"] for r in rows} == {"kompas.com"}


def test_a_query_with_dates_exports_what_search_counts(imported: Path) -> None:
    args = ["banjir", "--from", "2019-09-01", "--to", "2019-09-20"]
    total = kliping_json(imported, "search", *args, "--limit", "1")["total"]
    rows = _csv(kliping(imported, "export", *args).stdout)
    assert len(rows) == total > 0
    assert all("2019-09-01" <= r["published"][:10] <= "2019-09-20" for r in rows)


def test_jsonl_with_bodies_matches_the_archive(imported: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    assert kliping(imported, "export", "--format", "jsonl", "--body", "-o", str(out)).returncode == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == ARTICLES and list(rows[0]) == [*COLUMNS, "body"]
    db = sqlite3.connect(imported.parent / "data" / "archive.sqlite3")
    bodies = dict(db.execute("SELECT id, body FROM articles"))
    assert all(row["body"] == bodies[row["id"]] for row in rows)
    assert not list(tmp_path.glob("*.part"))


def test_parquet_is_written_in_row_groups(imported: Path, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "all.parquet"
    result = kliping(imported, "export", "--format", "parquet", "--body", "-o", str(out))
    assert result.returncode == 0, result.stderr
    table = pq.read_table(out)
    assert table.num_rows == ARTICLES and table.column_names == [*COLUMNS, "body"]
    assert pq.ParquetFile(out).num_row_groups == 3  # one per batch of 1,000


def test_a_bad_query_is_a_usage_error_and_leaves_no_file(imported: Path, tmp_path: Path) -> None:
    out = tmp_path / "bad.csv"
    result = kliping(imported, "export", "banjir AND (", "-o", str(out))
    assert result.returncode == 2 and "parentheses" in result.stderr
    assert not out.exists() and not list(tmp_path.glob("*.part"))


def test_an_output_in_a_missing_folder_is_refused_before_the_query(imported: Path, tmp_path: Path) -> None:
    result = kliping(imported, "export", "*", "-o", str(tmp_path / "nowhere" / "x.csv"))
    assert result.returncode == 2 and "there is no folder" in result.stderr and "Traceback" not in result.stderr


def test_crawled_articles_cite_their_warc_record(news_site: NewsSite, make_config) -> None:  # type: ignore[no-untyped-def]
    pages = news_site.gold_pages()[:4]
    for page in pages:
        news_site.publish(page)
    config = make_config([{"name": "lokal", "feeds": [news_site.feed_url]}])
    assert kliping_json(config, "crawl")["sources"][0]["new"] == len(pages)
    rows = [json.loads(line) for line in kliping(config, "export", "--format", "jsonl").stdout.splitlines()]
    assert len(rows) == len(pages)
    records = {}
    for path in (config.parent / "data" / "warc").glob("*.warc.gz"):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    payload = record.content_stream().read()
                    digest = "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode()
                    records[record.rec_headers.get_header("WARC-Record-ID")] = digest
    for row in rows:
        assert row["warc_record_id"] in records, row
        assert row["warc_digest"] == records[row["warc_record_id"]]


# -- the API -------------------------------------------------------------------------------------


def test_the_api_streams_the_same_rows(client: httpx.Client, dataset: Dataset) -> None:
    response = client.get("/export", params={"q": "*", "format": "jsonl"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/x-ndjson")
    rows = [json.loads(line) for line in response.text.splitlines()]
    assert len(rows) == int(response.headers["x-total-count"]) == len(dataset.ids)
    assert {row["id"] for row in rows} == set(dataset.ids)


def test_the_api_export_needs_the_token_and_reports_bad_queries(dataset: Dataset, tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, data_dir=dataset.config.data_dir, token="rahasia"))
    with TestClient(create_app(config)) as api:
        assert api.get("/export", params={"q": "banjir"}).status_code == 401
        auth = {"Authorization": "Bearer rahasia"}
        ok = api.get("/export", params={"q": "banjir", "format": "csv"}, headers=auth)
        assert ok.status_code == 200 and len(_csv(ok.text)) == int(ok.headers["x-total-count"]) > 0
        bad = api.get("/export", params={"q": "banjir AND ("}, headers=auth)
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "query"
