"""The archive on a real PostgreSQL server: what only it can get wrong.

The guarantees both backends share run in tests/test_archive.py against both;
here: writers in several connections at once (seq in commit order, one row per
URL), versioned migrations, a lost connection, leases, the placeholder rewrite.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from index.archive import Archive
from index.leases import SourceLeases
from index.pgconn import is_postgres_url, redacted, to_pyformat
from index.pgschema import MIGRATIONS, latest_version, schema_version
from kliping.article import Article
from kliping.errors import ArchiveError, NothingArchived

ROOT = Path(__file__).resolve().parents[1]


def make(url: str, body: str = "Isi berita.") -> Article:
    return Article(url=url, title="Judul", body=body, source="contoh", published="2021-12-31T08:12:00+07:00")


def test_placeholders_are_rewritten_outside_quotes_and_comments() -> None:
    sql = "SELECT '?', \"a?\", x FROM t WHERE a = ? AND b LIKE '10%' AND c = ? -- why?\n"
    assert to_pyformat(sql) == "SELECT '?', \"a?\", x FROM t WHERE a = %s AND b LIKE '10%%' AND c = %s -- why?\n"
    assert to_pyformat("SELECT 5 % ?") == "SELECT 5 %% %s"


def test_quoted_question_marks_and_percent_signs_reach_the_server_as_written(pg_url: str) -> None:
    archive = Archive(pg_url)
    row = archive.db.execute("SELECT '10%' LIKE ?, '?', 7 % ?, 'it''s?'", ("10%", 4)).fetchone()
    assert tuple(row) == (True, "?", 3, "it's?")


def test_urls_are_told_apart_and_passwords_never_shown() -> None:
    assert is_postgres_url("postgresql://u@h/db") and is_postgres_url("postgres://h/db")
    assert not is_postgres_url("/data/archive.sqlite3")
    assert redacted("postgresql://kliping:s3cret@db.example:5433/k") == "postgresql://kliping:***@db.example:5433/k"


def test_a_database_never_migrated_reads_as_nothing_archived(pg_url: str) -> None:
    with pytest.raises(NothingArchived, match="kliping crawl"):
        Archive(pg_url, readonly=True)


def test_an_unreachable_server_is_one_clear_error() -> None:
    with pytest.raises(ArchiveError, match=r"archive.url in config.yaml") as caught:
        Archive("postgresql://kliping:hunter2@127.0.0.1:9/nope", timeout=2)
    assert "hunter2" not in str(caught.value)


def test_migrations_run_once_each_even_when_daemons_start_together(pg_url: str) -> None:
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            Archive(pg_url).close()
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=open_one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    archive = Archive(pg_url)
    rows = archive.db.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    assert [row[0] for row in rows] == [m.version for m in MIGRATIONS]
    assert schema_version(archive.db) == latest_version()  # type: ignore[arg-type]
    assert archive.identity() == Archive(pg_url).identity()  # made once


def test_concurrent_writers_keep_seq_in_commit_order_and_the_watermark_misses_nothing(pg_url: str) -> None:
    """Four writers in four connections, and an index-like reader that moves a watermark as it goes: it must
    see every article, although it reads while they write (a seq handed out before commit would be skipped)."""
    Archive(pg_url).close()
    writers, per_writer = 4, 40
    done = threading.Event()
    seen: set[str] = set()

    def write(w: int) -> None:
        archive = Archive(pg_url)
        for i in range(per_writer):
            archive.upsert(make(f"https://contoh.id/{w}/{i}"))
            archive.upsert(make(f"https://contoh.id/shared/{i}", body=f"versi {w}"))  # everyone edits these
        archive.close()

    def read() -> None:
        archive, mark = Archive(pg_url, readonly=True), 0
        while True:
            finished = done.is_set()
            for seq, article in archive.changed_since(mark):
                assert seq > mark
                mark = seq
                seen.add(article.url)
            if finished:
                break
            time.sleep(0.005)
        archive.close()

    reader = threading.Thread(target=read)
    reader.start()
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    reader.join()
    archive = Archive(pg_url)
    expected = {f"https://contoh.id/{w}/{i}" for w in range(writers) for i in range(per_writer)}
    expected |= {f"https://contoh.id/shared/{i}" for i in range(per_writer)}
    assert archive.count() == len(expected)  # one row per canonical URL
    assert expected <= seen
    seqs = [row[0] for row in archive.db.execute("SELECT seq FROM articles").fetchall()]
    assert len(seqs) == len(set(seqs))  # no change number given twice
    versions = archive.db.execute("SELECT COUNT(*) FROM article_versions").fetchone()[0]
    assert archive.max_seq() == len(expected) + versions  # one number per change, none lost


def test_a_lost_connection_is_reopened_on_next_use(pg_url: str, postgres_server: str) -> None:
    archive = Archive(pg_url)
    archive.upsert(make("https://contoh.id/a"))
    pid = archive.db.execute("SELECT pg_backend_pid()").fetchone()[0]
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    time.sleep(0.2)
    with pytest.raises(ArchiveError, match="connection"):
        archive.count()
    assert archive.count() == 1


def test_a_lease_is_held_by_one_daemon_until_it_lapses(pg_url: str) -> None:
    archive = Archive(pg_url)
    first, second = SourceLeases(archive, 1.0, "a"), SourceLeases(archive, 1.0, "b")
    first.join()
    assert first.acquire("kompas", 2)
    assert not second.acquire("kompas", 2)
    assert first.renew() == {"kompas"}
    assert not second.acquire("kompas", 2)
    time.sleep(1.3)  # the first stopped renewing: its lease lapsed
    assert second.acquire("kompas", 2)
    assert first.renew() == set() and not first.acquire("kompas", 2)
    second.release("kompas")
    assert first.acquire("kompas", 2)


def test_a_daemon_takes_no_more_than_its_fair_share(pg_url: str) -> None:
    archive = Archive(pg_url)
    first, second = SourceLeases(archive, 30, "a"), SourceLeases(archive, 30, "b")
    first.join()
    assert all(first.acquire(name, 4) for name in "wxyz")  # alone: all four
    second.join()
    assert first.fair_share(4) == 2 and first.over_share(4)
    first.release("w")
    first.release("x")
    assert second.acquire("w", 4) and second.acquire("x", 4)
    assert not second.acquire("y", 4)  # held by the first, alive
    assert first.holders() == {"w": "b", "x": "b", "y": "a", "z": "a"}


def test_the_sqlite_archive_never_loads_psycopg(tmp_path: Path) -> None:
    """The embedded mode runs on a machine without PostgreSQL and pays nothing for it."""
    code = ("import sys; from index.archive import Archive; "
            f"Archive({str(tmp_path / 'a.sqlite3')!r}).count(); print('psycopg' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_the_stores_kept_in_the_archive_by_other_modules_run_on_postgres(pg_url: str) -> None:
    """The daemon's failure budget and backfill's progress write their own SQL through the archive."""
    from datetime import UTC, date, datetime

    from ingest.backfill import Backfill
    from ingest.budget import FailureBudget
    from ingest.crawl import SourceSummary
    from kliping.config import DaemonConfig

    archive = Archive(pg_url)
    budget = FailureBudget(archive, DaemonConfig(failure_budget=1, max_backoff="1h"))
    summary = SourceSummary("s")
    summary.fail("http://x/rss", "discovery failed: HTTP 503")
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    budget.record("s", summary, interval=60, now=now)
    state = budget.record("s", summary, interval=60, now=now)
    assert state.failures == 2 and state.backoff_until == "2024-05-01T12:01:00+00:00"
    assert budget.states()["s"].last_error == "discovery failed: HTTP 503"

    backfill = Backfill(None, archive)  # type: ignore[arg-type]  (only its progress store is used)
    day = date(2021, 12, 31)
    backfill._save("s", day, 3, done=False)
    backfill._save("s", day, 2, done=True)  # a page lower than the one walked never moves progress back
    assert backfill._progress("s", day) == (3, True)


def test_the_watch_outbox_runs_on_postgres(pg_url: str, tmp_path: Path) -> None:
    """A store another module added to the archive this week (index/watches.py) runs unchanged on PostgreSQL:
    matches, the outbox's retries and failures, its statistics and the Atom feed's query."""
    from index.store import SearchIndex
    from index.watches import Watch, WatchStore
    from kliping.watch.matcher import WatchMatcher

    archive = Archive(pg_url)
    store = WatchStore(archive)
    store.add(Watch(name="banjir", query="banjir", webhook="http://127.0.0.1:9/hook"))
    for i in range(3):
        archive.upsert(make(f"https://contoh.id/banjir/{i}", body=f"Banjir merendam kampung nomor {i}."))
    index = SearchIndex(tmp_path / "index")
    index.catch_up(archive)
    matcher = WatchMatcher(store, archive, index)
    assert matcher.check() == 3 and matcher.check() == 0  # each story once
    matcher.close()
    due = store.due("9999-01-01T00:00:00+00:00")
    assert len(due) == 3 and store.next_due() is not None
    store.mark_done(due[0])
    store.mark_retry(due[1], "9999-01-01T00:00:00+00:00", "HTTP 500")
    store.mark_failed(due[2], "HTTP 410")
    stats = store.stats()["banjir"]
    assert (stats["matches"], stats["done"], stats["pending"], stats["failed"]) == (3, 1, 1, 1)
    assert store.retry_failed("banjir") == 1
    assert [m["url"] for m in store.recent_matches("banjir")][-1] == "https://contoh.id/banjir/0"
