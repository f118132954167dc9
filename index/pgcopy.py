"""Copying a SQLite archive into a PostgreSQL one (``kliping migrate-archive``), safe to run again.

Every table of the SQLite file is copied row for row, columns by name, in
batches: ``INSERT ... ON CONFLICT DO NOTHING``, so a second run (after a crash,
or to take what the SQLite archive gained since) adds only what is missing. A
table without a key cannot tell a copied row from a new one, so it is copied
only into an empty table. The copy keeps the archive's identity and its change
numbers (``seq``), so an index built from the SQLite archive stays in step with
the PostgreSQL one and needs no rebuild. At the end the rows of every table are
counted on both sides.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from index.archive import Archive
from index.pgconn import PgConnection
from kliping.errors import NOTHING_ARCHIVED, ArchiveError, NothingArchived

log = logging.getLogger(__name__)

BATCH = 1000


@dataclass
class TableCount:
    table: str
    sqlite: int
    postgres: int
    copied: int = 0  # rows this run added (0 for every table on a second run)

    @property
    def ok(self) -> bool:
        return self.sqlite == self.postgres


@dataclass
class CopyReport:
    source: str
    target: str
    tables: list[TableCount] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "ok": self.ok,
                "tables": [{"table": t.table, "sqlite": t.sqlite, "postgres": t.postgres, "copied": t.copied,
                            "ok": t.ok} for t in self.tables]}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def open_sqlite(path: Path) -> sqlite3.Connection:
    """The SQLite archive, read-only; a missing or foreign file is a clear error."""
    if not path.exists():
        raise NothingArchived(f"{NOTHING_ARCHIVED} (there is no {path} to copy)")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles'").fetchone() is None:
            raise ArchiveError(f"{path} is not a kliping archive (it holds no articles table)")
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{path} is unreadable ({exc}): not a kliping archive, or damaged") from exc
    return conn


def sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                        "ORDER BY name").fetchall()
    return [row[0] for row in rows]


def count_rows(source: sqlite3.Connection, target: PgConnection, tables: list[str]) -> list[TableCount]:
    counts = []
    for table in tables:
        mine = source.execute(f"SELECT COUNT(*) FROM {_quoted(table)}").fetchone()[0]
        theirs = _pg_count(target, table)
        counts.append(TableCount(table, int(mine), int(theirs)))
    return counts


def copy_archive(path: Path, url: str, *, progress: Callable[[int], None] | None = None,
                 batch: int = BATCH) -> CopyReport:
    """Copy the SQLite archive at ``path`` into the PostgreSQL database at ``url`` (created or migrated)."""
    source = open_sqlite(path)
    target = Archive(url)  # creates or migrates the schema
    try:
        db: PgConnection = target.db  # type: ignore[assignment]
        _adopt_identity(source, target, db)
        renumber = not target.is_empty()
        tables = sqlite_tables(source)
        report = CopyReport(str(path), target.location)
        for table in tables:
            copied = _copy_table(source, db, table, progress, batch, renumber=renumber and table == "articles")
            log.info("event=table_copied table=%s rows=%d", table, copied)
            report.tables.append(TableCount(table, 0, 0, copied))
        for entry, counted in zip(report.tables, count_rows(source, db, tables), strict=True):
            entry.sqlite, entry.postgres = counted.sqlite, counted.postgres
        return report
    finally:
        source.close()
        target.close()


def total_rows(path: Path) -> int:
    """Rows in every table of the SQLite archive: the length of the copy's progress bar."""
    conn = open_sqlite(path)
    try:
        return sum(conn.execute(f"SELECT COUNT(*) FROM {_quoted(t)}").fetchone()[0] for t in sqlite_tables(conn))
    finally:
        conn.close()


def _adopt_identity(source: sqlite3.Connection, target: Archive, db: PgConnection) -> None:
    """The PostgreSQL archive takes the SQLite one's id (an index built from either then fits both); one
    holding another archive's articles is refused."""
    row = source.execute("SELECT value FROM meta WHERE key = 'archive_id'").fetchone() if "meta" in sqlite_tables(
        source) else None
    if row is None:
        return
    mine, theirs = row[0], target.identity()
    if mine == theirs:
        return
    if not target.is_empty():
        raise ArchiveError(f"the PostgreSQL archive at {target.location} already holds articles of another "
                           f"archive (id {theirs}, this one is {mine}); copy into an empty database")
    with target.transaction() as tx:
        tx.execute("UPDATE meta SET value = ? WHERE key = 'archive_id'", (mine,))


def _renumbered(db: PgConnection, chunk: list[Any], columns: list[str]) -> list[Any]:
    """The rows of ``chunk`` not in the PostgreSQL archive yet, each with the next ``seq`` there."""
    where_id, where_seq = columns.index("id"), columns.index("seq")
    ids = [row[where_id] for row in chunk]
    present = {row[0] for row in db.execute("SELECT id FROM articles WHERE id = ANY(?)", (ids,)).fetchall()}
    top_row = db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()
    top = int(top_row[0]) if top_row else 0
    fresh = []
    for row in chunk:
        if row[where_id] in present:
            continue
        top += 1
        values = list(row)
        values[where_seq] = top
        fresh.append(values)
    return fresh


def _pg_count(db: PgConnection, table: str) -> int:
    row = db.execute(f"SELECT COUNT(*) FROM {_quoted(table)}").fetchone()
    return int(row[0]) if row else 0


def _columns(db: PgConnection, table: str) -> dict[str, bool]:
    """The PostgreSQL table's columns, each with whether it is an identity column."""
    rows = db.execute("SELECT column_name, is_identity FROM information_schema.columns "
                      "WHERE table_schema = current_schema() AND table_name = ?", (table,)).fetchall()
    return {row[0]: row[1] == "YES" for row in rows}


def _has_key(db: PgConnection, table: str) -> bool:
    row = db.execute("SELECT 1 FROM pg_index WHERE indrelid = to_regclass(?) AND (indisprimary OR indisunique) "
                     "LIMIT 1", (_quoted(table),)).fetchone()
    return row is not None


def _copy_table(source: sqlite3.Connection, db: PgConnection, table: str,
                progress: Callable[[int], None] | None, batch: int, *, renumber: bool = False) -> int:
    """Copy one table's missing rows. With ``renumber`` (articles, into an archive that already held some),
    each new article gets the next change number of the PostgreSQL archive instead of its SQLite one: the
    SQLite numbers may be taken there already, or lie behind the watermark of an index that caught up from
    the PostgreSQL archive since, which would then never index the article."""
    wanted = [row[1] for row in source.execute(f"PRAGMA table_info({_quoted(table)})")]
    there = _columns(db, table)
    if not there:
        raise ArchiveError(f"the SQLite archive has a table {table!r} that the PostgreSQL archive lacks: this "
                           "kliping is older than the one that wrote the SQLite file; upgrade it and run again")
    missing = [c for c in wanted if c not in there]
    if missing:
        raise ArchiveError(f"the PostgreSQL archive's table {table!r} lacks the columns {', '.join(missing)}; "
                           "upgrade kliping and run again")
    total = source.execute(f"SELECT COUNT(*) FROM {_quoted(table)}").fetchone()[0]
    if not _has_key(db, table):
        present = _pg_count(db, table)
        if present == total:  # copied by an earlier run
            if progress:
                progress(total)
            return 0
        if present:
            raise ArchiveError(f"the PostgreSQL table {table!r} has no key and already holds {present} rows "
                               f"(the SQLite one {total}): empty it (DELETE FROM {table}) and run again")
    names = ", ".join(_quoted(c) for c in wanted)
    insert = (f"INSERT INTO {_quoted(table)} ({names}) VALUES ({', '.join('?' * len(wanted))}) "
              "ON CONFLICT DO NOTHING")
    rows = source.execute(f"SELECT {names} FROM {_quoted(table)}")
    copied = 0
    while chunk := rows.fetchmany(batch):
        read = len(chunk)
        db.execute("BEGIN IMMEDIATE" if renumber else "BEGIN")  # the archive's write lock: seqs in commit order
        try:
            if renumber:
                chunk = _renumbered(db, chunk, wanted)
            added = max(db.executemany(insert, chunk).rowcount, 0) if chunk else 0
            db.execute("COMMIT")
        except BaseException:
            if db.usable and db.in_transaction:
                db.execute("ROLLBACK")
            raise
        copied += added  # rows inserted: those already there are skipped
        if progress:
            progress(read)
    for column, identity in there.items():
        if identity:  # the next id the server hands out follows the copied ones
            db.execute(f"SELECT setval(pg_get_serial_sequence(?, ?), GREATEST(m, 1), m > 0) FROM "
                       f"(SELECT COALESCE(MAX({_quoted(column)}), 0) AS m FROM {_quoted(table)}) AS top",
                       (_quoted(table), column))
    return copied
