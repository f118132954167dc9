"""The archive on SQLite and on PostgreSQL, side by side, on the same real articles.

Starts a throwaway PostgreSQL server with the project's own script
(``deploy/dev-postgres.sh``; the server has fsync off, as a test server), then,
for the first ``--docs`` articles of ../shared/corpus:

1. stores them one ``Archive.upsert`` at a time, as the crawler does (each its
   own transaction), into a SQLite file and into PostgreSQL, and in batches
   into SQLite (``Archive.batch``, as ``kliping import`` does) -> articles/s;
2. reads them all back in change order (``changed_since``, the index's
   catch-up) -> articles/s;
3. ``--writers`` threads storing at once into PostgreSQL (several daemons),
   each its own connection -> articles/s in all;
4. copies the SQLite archive into a fresh PostgreSQL database (``kliping
   migrate-archive``'s code) -> rows/s.

Every figure is printed with its ratio to SQLite's single writer measured in
the same run. Asserts nothing.

    python benchmarks/archive_backends.py --docs 2000
    python benchmarks/archive_backends.py --docs 5000 --sqlite-only
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.archive import Archive  # noqa: E402
from index.pgcopy import copy_archive  # noqa: E402
from kliping.article import Article  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "clickid_news_2019.jsonl.gz"
SCRIPT = ROOT / "deploy" / "dev-postgres.sh"


def articles(limit: int) -> list[Article]:
    out = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        for line in lines:
            article = Article.from_dict(json.loads(line))
            if article.url and article.title and article.body.strip():
                out.append(article)
            if len(out) >= limit:
                break
    return out


def timed(work) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def new_database(server: str, name: str) -> str:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return server.rsplit("/", 1)[0] + "/" + name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--sqlite-only", action="store_true", help="the SQLite rows only (no PostgreSQL server)")
    args = parser.parse_args()
    docs = articles(args.docs)
    if args.sqlite_only:
        with tempfile.TemporaryDirectory() as tmp:
            print_rows(sqlite_rows(docs, Path(tmp)))
        return
    started = subprocess.run(["bash", str(SCRIPT), "start"], capture_output=True, text=True, check=True)
    found = dict(line.split("=", 1) for line in started.stdout.splitlines() if "=" in line)
    rows: list[tuple[str, int, float]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            rows.extend(sqlite_rows(docs, Path(tmp)))
            lite = Archive(Path(tmp) / "archive.sqlite3")
            pg = Archive(new_database(found["KLIPING_PG_URL"], "bench_one"))
            rows.append(("PostgreSQL: store, one writer", len(docs), timed(lambda: [pg.upsert(a) for a in docs])))
            rows.append(("PostgreSQL: read in change order", len(docs), timed(lambda: list(pg.changed_since(0)))))

            many = new_database(found["KLIPING_PG_URL"], "bench_many")
            Archive(many).close()
            share = [docs[i::args.writers] for i in range(args.writers)]

            def write(part: list[Article]) -> None:
                archive = Archive(many)
                for article in part:
                    archive.upsert(article)
                archive.close()

            def all_writers() -> None:
                threads = [threading.Thread(target=write, args=(part,)) for part in share]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()

            rows.append((f"PostgreSQL: store, {args.writers} writers at once", len(docs), timed(all_writers)))
            lite.close()
            target = new_database(found["KLIPING_PG_URL"], "bench_copy")
            report = {}
            seconds = timed(lambda: report.setdefault("r", copy_archive(Path(tmp) / "archive.sqlite3", target)))
            copied = sum(t.copied for t in report["r"].tables)
            rows.append(("migrate-archive: SQLite -> PostgreSQL rows", copied, seconds))
    finally:
        subprocess.run(["bash", str(SCRIPT), "stop", found["KLIPING_PG_DIR"]], capture_output=True)
    print_rows(rows)


def sqlite_rows(docs: list[Article], tmp: Path) -> list[tuple[str, int, float]]:
    """Store one transaction each (the crawler), in batches (``kliping import``), and read back."""
    lite = Archive(tmp / "archive.sqlite3")
    batched = Archive(tmp / "batched.sqlite3")

    def in_batches() -> None:
        with batched.batch():
            for article in docs:
                batched.upsert(article)

    rows = [("SQLite: store, one writer", len(docs), timed(lambda: [lite.upsert(a) for a in docs])),
            ("SQLite: store in batches (kliping import)", len(docs), timed(in_batches)),
            ("SQLite: read in change order", len(docs), timed(lambda: list(lite.changed_since(0))))]
    lite.close()
    batched.close()
    return rows


def print_rows(rows: list[tuple[str, int, float]]) -> None:
    baseline = rows[0][1] / rows[0][2]
    print(f"{'what':<44} {'items':>7} {'seconds':>8} {'per second':>11} {'x SQLite store':>15}")
    for name, items, seconds in rows:
        rate = items / seconds
        print(f"{name:<44} {items:>7} {seconds:>8.2f} {rate:>11.0f} {rate / baseline:>15.2f}")


if __name__ == "__main__":
    main()
