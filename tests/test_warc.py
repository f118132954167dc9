"""The raw archive: WARC records of every article response, rotated by size, read back by reextract."""

from __future__ import annotations

import random
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_runner import kliping_json
from newssite import NewsSite

from ingest.fetch import Response
from ingest.warc import WarcRecorder, iter_responses, read_at, warc_files

HTML = {"content-type": "text/html; charset=utf-8", "content-encoding": "gzip", "etag": '"v1"'}
#: A WARC file size no test here reaches: one file throughout.
UNROTATED = 100_000_000


def response(i: int, *, headers: dict[str, str] | None = None, status: int = 200, size: int = 3000) -> Response:
    body = (f"<p>artikel {i}</p>".encode() * (size // 16 + 1))[:size]
    return Response(url=f"http://situs.test/berita/{i}", requested_url=f"http://situs.test/b/{i}", status=status,
                    headers=headers or HTML, content=body, fetched_at=datetime(2024, 5, 1, 3, 0, i, tzinfo=UTC))


def test_a_response_reads_back_as_it_came(tmp_path: Path) -> None:
    recorder = WarcRecorder(tmp_path, max_bytes=UNROTATED)
    recorder(response(1))
    recorder.close()
    (back,) = list(iter_responses(tmp_path))
    assert (back.url, back.requested_url, back.status) == ("http://situs.test/berita/1", "http://situs.test/b/1", 200)
    assert back.content == response(1).content
    assert back.headers["etag"] == '"v1"' and back.headers["x-archive-orig-content-encoding"] == "gzip"
    assert "content-encoding" not in back.headers, "the body is kept decoded, so it must not claim gzip"
    assert back.fetched_at == datetime(2024, 5, 1, 3, 0, 1, tzinfo=UTC)
    assert read_at(back.file, back.offset).content == back.content


@pytest.mark.parametrize(("status", "kind"), [(304, "text/html"), (200, "application/rss+xml"), (200, "image/png")])
def test_feeds_images_and_304s_are_not_kept(tmp_path: Path, status: int, kind: str) -> None:
    recorder = WarcRecorder(tmp_path, max_bytes=UNROTATED)
    recorder(response(1, status=status, headers={"content-type": kind}))
    recorder.close()
    assert list(iter_responses(tmp_path)) == []


def test_files_rotate_by_size(tmp_path: Path) -> None:
    rng = random.Random(5)
    recorder = WarcRecorder(tmp_path, max_bytes=20_000)
    for i in range(30):
        recorder(Response(**{**response(i).__dict__, "content": rng.randbytes(5000)}))
    recorder.close()
    files = warc_files(tmp_path)
    assert len(files) > 2
    assert all(f.stat().st_size < 20_000 + 6_000 for f in files)
    assert len(list(iter_responses(tmp_path))) == 30


def test_a_torn_last_record_is_skipped_not_read_short(tmp_path: Path) -> None:
    rng = random.Random(7)
    recorder = WarcRecorder(tmp_path, max_bytes=UNROTATED)
    for i in range(3):
        recorder(Response(**{**response(i).__dict__, "content": rng.randbytes(2000)}))
    recorder.close()
    (path,) = warc_files(tmp_path)
    path.write_bytes(path.read_bytes()[:-300])  # as a kill -9 mid-write leaves it
    assert [r.url for r in iter_responses(tmp_path)] == [response(0).url, response(1).url]


def test_a_failed_write_starts_a_new_file_so_later_records_stay_readable(tmp_path: Path) -> None:
    recorder = WarcRecorder(tmp_path, max_bytes=UNROTATED)
    recorder(response(0))

    def half_then_fail(record):  # type: ignore[no-untyped-def]
        recorder._file.write(b"WARC/1.0\r\nWARC-Type: resp")  # type: ignore[union-attr]
        raise OSError("No space left on device")

    recorder._writer.write_record = half_then_fail  # type: ignore[union-attr,method-assign]
    with pytest.raises(OSError):
        recorder(response(1))
    assert recorder._writer is None, "the damaged file is closed"
    recorder(response(2))
    recorder.close()
    assert len(warc_files(tmp_path)) == 2
    assert [r.url for r in iter_responses(tmp_path)] == [response(0).url, response(2).url]

@pytest.fixture
def crawled(news_site: NewsSite, make_config):  # type: ignore[no-untyped-def]
    pages = news_site.gold_pages()[:6]
    for page in pages:
        news_site.publish(page)
    source = {"name": "lokal", "feeds": [news_site.feed_url], "article_url_pattern": "/[a-z0-9]+/"}
    config = make_config([source])
    assert kliping_json(config, "crawl")["sources"][0]["new"] == len(pages)
    news_site.site.clear_requests()
    return news_site, config, len(pages)


def test_reextract_finds_nothing_to_change_and_asks_no_site(crawled) -> None:  # type: ignore[no-untyped-def]
    site, config, count = crawled
    result = kliping_json(config, "reextract")
    assert (result["unchanged"], result["updated"], result["new"], result["failed"]) == (count, 0, 0, 0)
    assert site.site.requests == []


def test_reextract_replaces_an_older_extraction_and_keeps_it_as_a_version(crawled) -> None:  # type: ignore[no-untyped-def]
    site, config, count = crawled
    db = sqlite3.connect(config.parent / "data" / "archive.sqlite3")
    with db:
        db.execute("UPDATE articles SET body = 'versi lama', content_hash = 'lama' WHERE rowid = 1")
    db.close()
    result = kliping_json(config, "reextract", "--source", "lokal")
    assert (result["updated"], result["unchanged"]) == (1, count - 1)
    assert kliping_json(config, "status")["index"]["documents"] == count
    assert site.site.requests == []


def test_reextract_rebuilds_a_lost_archive_from_the_warc_files(crawled) -> None:  # type: ignore[no-untyped-def]
    site, config, count = crawled
    data = config.parent / "data"
    for path in data.glob("archive.sqlite3*"):
        path.unlink()
    shutil.rmtree(data / "index")
    result = kliping_json(config, "reextract")
    assert result["new"] == count and result["indexed"] == count
    assert kliping_json(config, "search", "*:*", "--limit", "50")["total"] == count
    assert site.site.requests == []
