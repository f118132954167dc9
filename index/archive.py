"""The archive: a SQLite database (or a PostgreSQL one), the durable record of every article.

The archive is the source of truth. Each article is committed on its own
(WAL mode), keyed by canonical URL, so a killed process loses at most the page
in hand; ``kliping import`` commits a batch at a time (:meth:`Archive.batch`),
so a killed import loses at most its last batch, which running it again stores.
Every insert or change bumps a global ``seq`` counter; the Whoosh index
remembers the last ``seq`` it holds and catches up from there, which is why the
index can always be repaired or rebuilt from here.

Given a ``postgresql://`` URL instead of a file, the same class runs on
PostgreSQL: its SQL is the subset both share (``?`` placeholders, ``ON
CONFLICT``), and :mod:`index.pgconn` makes a psycopg connection look like a
sqlite3 one, writes included (one at a time, so ``seq`` follows commit order).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from index.dates import to_utc_iso
from index.pgurl import is_postgres_url, redacted
from index.schema_sql import SCHEMA, SQLITE_UPGRADES
from index.stories import clusters as story_clusters
from index.stories import members as story_lookup
from kliping.article import Article
from kliping.errors import NOTHING_ARCHIVED, ArchiveError, ConfigError, IncompleteArticle, NothingArchived

log = logging.getLogger(__name__)

Outcome = Literal["new", "updated", "unchanged"]

_ARTICLE_COLUMNS = (
    "id, url, source, title, body, published, authors, section, editor, language, fetched_at, "
    "first_seen, updated_at, content_hash, version, seq"
)


#: SQLite's page cache during :meth:`Archive.batch`, in KiB (the default, 2 MiB, spills dirty pages of a batch
#: to the WAL before its commit).
_BATCH_CACHE_KIB = 64 * 1024

#: What :meth:`Archive.warc_records_for` tells of each record.
_WARC_KEYS = ("warc_file", "record_offset", "record_id", "payload_digest", "fetched_at")

#: SQLite's result codes for a file that is damaged or not a database at all.
_UNREADABLE = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


def _unreadable(path: Path, exc: sqlite3.DatabaseError) -> ArchiveError:
    return ArchiveError(
        f"the archive {path} is unreadable ({exc}): it is truncated or not a kliping archive; "
        "restore it from a backup, or move it away and rebuild it with kliping import or kliping crawl"
    )


def _translated(path: Path, exc: sqlite3.Error) -> BaseException:
    """A damaged archive as one clear :class:`ArchiveError`; any other SQLite error as it is."""
    if isinstance(exc, sqlite3.DatabaseError) and getattr(exc, "sqlite_errorcode", None) in _UNREADABLE:
        return _unreadable(path, exc)
    if isinstance(exc, sqlite3.OperationalError) and getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
        return ArchiveError(f"the disk holding the archive {path} is full; free some space and run again")
    return exc


class _Cursor(sqlite3.Cursor):
    """A cursor that reports a damaged archive by its path, whichever query meets the damage."""

    def _fail(self, exc: sqlite3.Error) -> BaseException:
        return _translated(self.connection.archive_path, exc)  # type: ignore[attr-defined]

    def execute(self, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        try:
            return super().execute(*args)
        except sqlite3.Error as exc:
            raise self._fail(exc) from exc

    def executemany(self, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        try:
            return super().executemany(*args)
        except sqlite3.Error as exc:
            raise self._fail(exc) from exc

    def executescript(self, *args: Any) -> sqlite3.Cursor:
        try:
            return super().executescript(*args)
        except sqlite3.Error as exc:
            raise self._fail(exc) from exc

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except sqlite3.Error as exc:
            raise self._fail(exc) from exc

    def fetchmany(self, *args: Any) -> list[Any]:
        try:
            return super().fetchmany(*args)
        except sqlite3.Error as exc:
            raise self._fail(exc) from exc

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except sqlite3.Error as exc:
            raise self._fail(exc) from exc

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except sqlite3.Error as exc:
            raise self._fail(exc) from exc


class _Connection(sqlite3.Connection):
    """Hands out :class:`_Cursor`, for its own ``execute`` shortcuts too (the C ones make plain cursors)."""

    archive_path: Path

    def cursor(self, factory: Any = _Cursor) -> sqlite3.Cursor:  # type: ignore[override]
        return super().cursor(factory)

    def execute(self, *args: Any) -> sqlite3.Cursor:
        return self.cursor().execute(*args)

    def executemany(self, *args: Any) -> sqlite3.Cursor:
        return self.cursor().executemany(*args)

    def executescript(self, script: str) -> sqlite3.Cursor:
        return self.cursor().executescript(script)


def _unwritable_message(directory: Path, exc: BaseException | str) -> str:
    return (f"cannot write in the data directory {directory} ({exc}); make it writable, "
            "or set data_dir in config.yaml to a directory you can write to")


def _check_directory(directory: Path, *, create: bool) -> None:
    """The data directory as a :class:`ConfigError` naming it and the fix: a file, not writable, not creatable."""
    if directory.exists() and not directory.is_dir():
        raise ConfigError(f"data_dir {directory} is a file, not a directory; "
                          "set data_dir in config.yaml to a directory (it is created if missing)")
    if not create:
        return
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create the data directory {directory} ({exc.strerror or exc}); "
                          "set data_dir in config.yaml to a directory you can write to") from exc
    if not os.access(directory, os.W_OK | os.X_OK):
        raise ConfigError(_unwritable_message(directory, "permission denied"))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Archive:
    """Articles, fetch memory, HTTP validators and crawl runs in one SQLite file, or one PostgreSQL
    database when ``path`` is a ``postgresql://`` URL."""

    def __init__(self, path: str | Path, *, readonly: bool = False, timeout: float = 30.0) -> None:
        #: "sqlite" or "postgresql": the SQL is the same; a few callers (leases) exist on one only.
        self.backend = "postgresql" if is_postgres_url(path) else "sqlite"
        self.url = str(path) if self.backend == "postgresql" else None
        self.path = Path(path) if self.url is None else Path()
        #: Where the archive is, for messages: the file, or the URL without its password.
        self.location = str(self.path) if self.url is None else redacted(self.url)
        self.readonly = readonly
        self._local = threading.local()
        self._timeout = timeout
        if self.url is not None:
            self._open_postgres()
            return
        _check_directory(self.path.parent, create=not readonly)
        if not readonly:
            try:
                self.db.executescript(SCHEMA)  # idempotent; executescript manages its own transaction
                self._upgrade()
                self._make_identity()
            except ArchiveError:
                raise
            except sqlite3.Error as exc:
                raise ArchiveError(f"cannot create the archive at {self.path}: {exc}") from exc
        elif not self.path.exists():
            raise NothingArchived(f"{NOTHING_ARCHIVED} (there is no {self.path})")

    def _upgrade(self) -> None:
        """Bring an archive an older kliping made to the current shape (each change found by its probe)."""
        for probe, statements in SQLITE_UPGRADES:
            if self.db.execute(probe).fetchone() is None:
                continue
            with self._write() as db:
                if db.execute(probe).fetchone() is None:  # another process upgraded it meanwhile
                    continue
                for statement in statements:
                    db.execute(statement)
            log.info("event=archive_upgraded path=%s change=%r", self.path, statements[0])

    def _make_identity(self) -> None:
        self.db.execute("INSERT INTO meta (key, value) VALUES ('archive_id', ?) ON CONFLICT (key) DO NOTHING",
                        (uuid.uuid4().hex,))  # once per archive: copies keep it, another archive differs

    def _open_postgres(self) -> None:
        """Migrate the schema (writable) or check there is one (read-only: nothing archived yet otherwise)."""
        from index.pgschema import migrate, schema_version

        db = self.db
        if self.readonly:
            if schema_version(db) == 0:  # type: ignore[arg-type]
                raise NothingArchived(f"{NOTHING_ARCHIVED} (the PostgreSQL database {self.location} holds no "
                                      "kliping archive)")
            return
        migrate(db)  # type: ignore[arg-type]
        self._make_identity()

    # -- connections -------------------------------------------------------

    @property
    def db(self) -> sqlite3.Connection:
        """One connection per thread (sqlite3 connections are not shared)."""
        conn = getattr(self._local, "conn", None)
        if self.url is not None:
            if conn is None or not conn.usable:  # a server restart ends connections: the next use reconnects
                from index.pgconn import PgConnection  # psycopg loads only for a PostgreSQL archive

                conn = PgConnection(self.url, readonly=self.readonly, timeout=self._timeout)
                self._local.conn = conn
            return conn  # type: ignore[return-value]  # quacks like one: see index.pgconn
        if conn is None:
            try:
                if self.readonly:
                    conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=self._timeout,
                                           factory=_Connection)
                else:
                    conn = sqlite3.connect(self.path, timeout=self._timeout, isolation_level=None,
                                           factory=_Connection)
                conn.archive_path = self.path
                if self.readonly and conn.execute(
                        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles'").fetchone() is None:
                    raise ArchiveError(f"the archive {self.path} is unreadable (it holds no articles table): it is "
                                       "truncated or not a kliping archive; restore it from a backup, or move it "
                                       "away and rebuild it with kliping import or kliping crawl")
                if not self.readonly:
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.execute("PRAGMA synchronous=NORMAL")
            except ArchiveError:
                raise
            except sqlite3.Error as exc:
                if self.readonly and not os.access(self.path.parent, os.W_OK):
                    raise ArchiveError(_unwritable_message(self.path.parent, exc)) from exc
                raise ArchiveError(f"cannot open the archive {self.path}: {exc}") from exc
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: all of it lands, or none of it."""
        db = self.db
        batch: _Batch | None = getattr(self._local, "batch", None)
        if batch is not None and db.in_transaction:  # another write amid a batch's upserts: theirs land first
            self._commit_batch(batch)
        self._begin(db)
        try:
            yield db
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise ArchiveError(f"archive write failed ({self.location}): {exc}") from exc
        except BaseException:
            if _can_roll_back(db):
                db.execute("ROLLBACK")
            raise

    def transaction(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        """One immediate write transaction, for stores that keep their tables here."""
        return self._write()

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- articles ----------------------------------------------------------

    def upsert(self, article: Article) -> Outcome:
        """Store an article; an edited one is updated in place, its old text kept.

        Each article is its own transaction, or, inside :meth:`batch`, its own savepoint in the batch's.
        """
        if not article.url or not article.title or not article.body.strip():
            raise IncompleteArticle(f"refusing to store an article without url, title or body: {article.url!r}")
        batch: _Batch | None = getattr(self._local, "batch", None)
        if batch is None:
            with self._write() as db:
                return self._store(db, article)
        if batch.size <= 1:  # PostgreSQL: one transaction each, as without a batch
            if batch.pending:  # the one before is committed: say so now that its caller has counted it
                batch.pending = 0
                batch.committed()
            with self._write() as db:
                outcome = self._store(db, article)
            batch.pending = 1
            return outcome
        db = self.db
        if batch.pending and (batch.pending >= batch.size or time.monotonic() - batch.started >= batch.seconds):
            self._commit_batch(batch)  # here, not after the last one: the caller has counted what it returned
        if not db.in_transaction:
            self._begin(db)
            batch.started = time.monotonic()
        try:
            db.execute("SAVEPOINT upsert")
            outcome = self._store(db, article)
            db.execute("RELEASE upsert")
        except BaseException as exc:
            if db.in_transaction:  # only this article's writes go (a full disk may have ended the transaction)
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK TO upsert")
                    db.execute("RELEASE upsert")
            if isinstance(exc, sqlite3.Error):
                raise ArchiveError(f"archive write failed ({self.location}): {exc}") from exc
            raise
        batch.pending += 1
        return outcome

    @contextmanager
    def batch(self, *, size: int = 200, seconds: float = 0.5,
              on_commit: Callable[[], None] | None = None) -> Iterator[None]:
        """Let this thread's :meth:`upsert` calls share transactions: up to ``size`` articles or ``seconds``
        each, for bulk stores (``kliping import``), where a commit per article costs more than the article.
        A full batch is committed by the next upsert, or when the block ends.

        Every article that :meth:`upsert` returned for is committed when the block ends, whichever way
        it ends (an error, an interrupt), so nothing returned is lost; an upsert that raised left nothing.
        ``on_commit`` is called after each commit, once the caller has the upserts' results: what was
        returned since the last call is now durable.
        The write lock is held between commits, so other writers wait at most about ``seconds``.
        On PostgreSQL each article stays its own transaction (``on_commit`` after each).
        """
        if getattr(self._local, "batch", None) is not None:
            raise RuntimeError("Archive.batch() does not nest")
        state = _Batch(size=size if self.url is None else 1, seconds=seconds, on_commit=on_commit)
        cache = None
        if self.url is None:  # a batch dirties pages all over story_samples' index: keep them until the commit
            cache = self.db.execute("PRAGMA cache_size").fetchone()[0]
            self.db.execute(f"PRAGMA cache_size = {-_BATCH_CACHE_KIB}")
        self._local.batch = state
        try:
            yield
        finally:
            self._local.batch = None
            try:
                if state.pending and state.size <= 1:  # committed already, one at a time
                    state.pending = 0
                    state.committed()
                elif state.pending and self.db.in_transaction:
                    self._commit_batch(state)
                elif self.db.in_transaction:
                    self.db.execute("ROLLBACK")  # nothing of it was returned as stored
            finally:
                if cache is not None:
                    self.db.execute(f"PRAGMA cache_size = {int(cache)}")

    def _begin(self, db: sqlite3.Connection) -> None:
        """Take the write lock for a transaction (a locked or read-only archive is an :class:`ArchiveError`)."""
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise ArchiveError(f"archive write failed ({self.location}): {exc}") from exc

    def _commit_batch(self, batch: _Batch) -> None:
        db = self.db
        try:
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            batch.pending = 0
            raise ArchiveError(f"archive write failed ({self.location}): {exc}") from exc
        batch.pending = 0
        batch.committed()

    def _store(self, db: sqlite3.Connection, article: Article) -> Outcome:
        """The work of :meth:`upsert`, inside the caller's transaction."""
        now = _now()
        row = db.execute(
            "SELECT id, content_hash, version FROM articles WHERE url = ?", (article.url,)
        ).fetchone()
        if row is not None and row["content_hash"] == article.content_hash:
            return "unchanged"
        seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM articles").fetchone()[0]
        values = self._values(article)
        if row is None:
            db.execute(
                f"INSERT INTO articles ({_ARTICLE_COLUMNS}, published_utc) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (*values[:11], now, now, article.content_hash, 1, seq, values[11]),
            )
            story_clusters.assign(db, article.id, article.body, values[11], article.source, new=True)
            return "new"
        db.execute(
            "INSERT INTO article_versions (article_id, version, title, body, published, authors, "
            "content_hash, fetched_at, replaced_at) SELECT id, version, title, body, published, authors, "
            "content_hash, fetched_at, ? FROM articles WHERE id = ?",
            (now, row["id"]),
        )
        db.execute(
            "UPDATE articles SET source=?, title=?, body=?, published=?, authors=?, section=?, editor=?, "
            "language=?, fetched_at=?, updated_at=?, content_hash=?, version=version+1, seq=?, "
            "published_utc=? WHERE id=?",
            (*values[2:11], now, article.content_hash, seq, values[11], row["id"]),
        )
        story_clusters.assign(db, row["id"], article.body, values[11], article.source)
        return "updated"

    @staticmethod
    def _values(article: Article) -> tuple[Any, ...]:
        return (
            article.id, article.url, article.source, article.title, article.body, article.published,
            json.dumps(article.authors, ensure_ascii=False), article.section, article.editor,
            article.language, article.fetched_at, to_utc_iso(article.published),
        )

    def get(self, article_id: str) -> Article | None:
        row = self.db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _article(row) if row else None

    def get_by_url(self, url: str) -> Article | None:
        row = self.db.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE url = ?", (url,)).fetchone()
        return _article(row) if row else None

    def bodies(self, ids: list[str]) -> dict[str, str]:
        """Article bodies by id, for snippets (the index does not store bodies)."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT id, body FROM articles WHERE id IN ({marks})", ids)
        return {row["id"]: row["body"] for row in rows}

    def changed_since(self, seq: int, *, batch: int = 500) -> Iterator[tuple[int, Article]]:
        """Articles changed after ``seq``, oldest change first, with their seq."""
        while True:
            rows = self.db.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE seq > ? ORDER BY seq LIMIT ?", (seq, batch)
            ).fetchall()
            if not rows:
                return
            for row in rows:
                seq = row["seq"]
                yield seq, _article(row)

    def is_empty(self) -> bool:
        """Whether no article was ever archived (cheap: one row looked at, not counted)."""
        return self.db.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is None

    def max_seq(self) -> int:
        return int(self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0])

    def count_up_to(self, seq: int) -> int:
        """Articles whose last change is at or before ``seq``: all of them are in an index caught up to it."""
        return int(self.db.execute("SELECT COUNT(*) FROM articles WHERE seq <= ?", (seq,)).fetchone()[0])

    def identity(self) -> str | None:
        """The archive's random id, made when it was created; None for an older archive opened read-only."""
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'archive_id'").fetchone()
        except sqlite3.OperationalError:  # no meta table yet
            return None
        return row[0] if row else None

    def count(self, source: str | None = None) -> int:
        if source is None:
            return int(self.db.execute("SELECT COUNT(*) FROM articles").fetchone()[0])
        return int(self.db.execute("SELECT COUNT(*) FROM articles WHERE source = ?", (source,)).fetchone()[0])

    def counts_by_source(self) -> dict[str, int]:
        rows = self.db.execute("SELECT COALESCE(source, ''), COUNT(*) FROM articles GROUP BY source")
        return {row[0]: row[1] for row in rows}

    def versions(self, article_id: str) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT version, title, body, published, content_hash, fetched_at, replaced_at "
            "FROM article_versions WHERE article_id = ? ORDER BY version",
            (article_id,),
        )
        return [dict(row) for row in rows]

    # -- stories (syndication clusters, index/stories/) ----------------------

    def story_of(self, article_id: str) -> story_lookup.Story | None:
        """The article's story with every copy, first published first; None if the article is unknown."""
        found = story_lookup.story_ids(self.db, [article_id])
        if article_id not in found:
            return None
        return story_lookup.members(self.db, [found[article_id]]).get(found[article_id])

    def story_members(self, story_id: str) -> list[story_lookup.Member]:
        """The copies of one story, first published first (empty for an unknown story id)."""
        story = story_lookup.members(self.db, [story_id]).get(story_id)
        return story.members if story else []

    def stories(self, story_ids: list[str]) -> dict[str, story_lookup.Story]:
        """Several stories at once, for a page of results."""
        return story_lookup.members(self.db, story_ids)

    def story_ids(self, article_ids: list[str]) -> dict[str, str]:
        """Story id per article id (articles stored before stories existed are missing until a rebuild);
        asked 500 at a time, so a whole result set (a trend's matches) stays under SQL's parameter limit."""
        found: dict[str, str] = {}
        for start in range(0, len(article_ids), 500):
            found.update(story_lookup.story_ids(self.db, article_ids[start:start + 500]))
        return found

    def rebuild_stories(self, *, batch: int = 500,
                        progress: Callable[[int], None] | None = None) -> dict[str, int]:
        """Cluster every article again, oldest publish time first, so each story is founded by its first
        copy; ``batch`` articles per transaction. Returns the counts of articles and stories."""
        with self._write() as db:
            story_clusters.clear(db)
        ids = [row[0] for row in self.db.execute(
            "SELECT id FROM articles ORDER BY CASE WHEN published_utc IS NULL THEN 1 ELSE 0 END, "
            "published_utc, id")]
        for start in range(0, len(ids), batch):
            chunk = ids[start:start + batch]
            marks = ",".join("?" * len(chunk))
            with self._write() as db:
                rows = {row[0]: row for row in db.execute(
                    f"SELECT id, body, published_utc, source FROM articles WHERE id IN ({marks})", chunk)}
                for article_id in chunk:
                    row = rows[article_id]
                    story_clusters.assign(db, row[0], row[1], row[2], row[3], new=True)  # tables cleared
            if progress is not None:
                progress(len(chunk))
        stories = self.db.execute("SELECT COUNT(DISTINCT story_id) FROM stories").fetchone()[0]
        return {"articles": len(ids), "stories": int(stories)}

    # -- fetch memory ------------------------------------------------------

    def page_state(self, url: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM pages WHERE url = ?", (url,)).fetchone()

    def record_page(self, url: str, source: str, status: str, *, reason: str | None = None,
                    article_id: str | None = None) -> None:
        """Remember what became of a discovered URL, so the next run skips it."""
        with self._write() as db:
            db.execute(
                "INSERT INTO pages (url, source, status, reason, article_id, attempts, last_attempt) "
                "VALUES (?,?,?,?,?,1,?) ON CONFLICT(url) DO UPDATE SET status=excluded.status, "
                "reason=excluded.reason, article_id=COALESCE(excluded.article_id, pages.article_id), "
                "attempts=pages.attempts+1, last_attempt=excluded.last_attempt",
                (url, source, status, reason, article_id, _now()),
            )

    def page_sources(self) -> dict[str, str]:
        """Every URL the crawler tried as an article, with its source."""
        rows = self.db.execute("SELECT url, COALESCE(source, '') FROM pages")
        return {row[0]: row[1] for row in rows}

    def recheck_due(self, url: str, *, first_seen_after: str, last_attempt_before: str) -> bool:
        """Whether a stored article is recent enough to look for edits and was not looked at lately."""
        row = self.db.execute(
            "SELECT 1 FROM pages p JOIN articles a ON a.id = p.article_id WHERE p.url = ? AND p.status = 'stored' "
            "AND a.first_seen >= ? AND (p.last_attempt IS NULL OR p.last_attempt < ?)",
            (url, first_seen_after, last_attempt_before),
        ).fetchone()
        return row is not None

    def count_since(self, source: str, first_seen_after: str) -> int:
        """Articles of ``source`` first stored at or after the given UTC ISO time."""
        return int(self.db.execute(
            "SELECT COUNT(*) FROM articles WHERE source = ? AND first_seen >= ?", (source, first_seen_after)
        ).fetchone()[0])

    # -- exports and WARC citations -----------------------------------------

    def export_rows(self, ids: list[str]) -> dict[str, sqlite3.Row]:
        """The exported columns of these articles, by id (one query per batch of ids)."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"SELECT id, url, title, source, published, authors, section, body FROM articles WHERE id IN ({marks})",
            ids)
        return {row["id"]: row for row in rows}

    def record_warc(self, urls: list[str], warc_file: str, offset: int, record_id: str, payload_digest: str,
                    fetched_at: str) -> None:
        """Remember where the latest response for these URLs (asked for, and final) lies in the WARC files."""
        with self._write() as db:
            db.executemany(
                "INSERT INTO warc_records (url, warc_file, record_offset, record_id, payload_digest, fetched_at) "
                "VALUES (?,?,?,?,?,?) ON CONFLICT (url) DO UPDATE SET warc_file=excluded.warc_file, "
                "record_offset=excluded.record_offset, record_id=excluded.record_id, "
                "payload_digest=excluded.payload_digest, fetched_at=excluded.fetched_at",
                [(url, warc_file, offset, record_id, payload_digest, fetched_at) for url in dict.fromkeys(urls)],
            )

    def warc_records_for(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """The WARC record of each article's latest fetch, by article id: looked up by the article's canonical
        URL, else by the URLs the crawler asked for that became it (``pages``). Empty for articles never
        fetched with ``daemon.warc`` on (imported ones), and for an archive older than the table."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        columns = "w.warc_file, w.record_offset, w.record_id, w.payload_digest, w.fetched_at"
        try:
            rows = self.db.execute(
                f"SELECT a.id AS id, 0 AS pref, {columns} FROM articles a JOIN warc_records w ON w.url = a.url "
                f"WHERE a.id IN ({marks}) UNION ALL "
                f"SELECT p.article_id AS id, 1 AS pref, {columns} FROM pages p JOIN warc_records w ON w.url = p.url "
                f"WHERE p.article_id IN ({marks}) ORDER BY pref", [*ids, *ids]).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return {}
            raise
        found: dict[str, dict[str, Any]] = {}
        for row in rows:
            found.setdefault(row["id"], {k: row[k] for k in _WARC_KEYS})
        return found

    # -- HTTP validators (ingest.fetch.ValidatorStore) -----------------------

    def get_validators(self, url: str) -> tuple[str | None, str | None]:
        row = self.db.execute("SELECT etag, last_modified FROM validators WHERE url = ?", (url,)).fetchone()
        return (row["etag"], row["last_modified"]) if row else (None, None)

    def put_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO validators (url, etag, last_modified) VALUES (?,?,?) ON CONFLICT(url) "
                "DO UPDATE SET etag=excluded.etag, last_modified=excluded.last_modified",
                (url, etag, last_modified),
            )

    # -- crawl runs --------------------------------------------------------

    def record_run(self, source: str, started_at: str, summary: dict[str, Any]) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO crawl_runs (source, started_at, finished_at, found, new, updated, unchanged, "
                "failed, errors) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    source, started_at, _now(), summary.get("found", 0), summary.get("new", 0),
                    summary.get("updated", 0), summary.get("unchanged", 0), summary.get("failed", 0),
                    json.dumps(summary.get("errors", []), ensure_ascii=False),
                ),
            )

    def last_runs(self) -> dict[str, dict[str, Any]]:
        rows = self.db.execute(
            "SELECT r.* FROM crawl_runs r JOIN (SELECT source, MAX(id) AS id FROM crawl_runs GROUP BY source) "
            "m ON r.id = m.id"
        )
        return {row["source"]: {**dict(row), "errors": json.loads(row["errors"] or "[]")} for row in rows}


@dataclass
class _Batch:
    """The open batch of one thread (:meth:`Archive.batch`)."""

    size: int
    seconds: float
    on_commit: Callable[[], None] | None
    pending: int = 0
    started: float = 0.0

    def committed(self) -> None:
        if self.on_commit is not None:
            self.on_commit()


def _can_roll_back(db: Any) -> bool:
    """An open transaction on a connection still alive (a lost PostgreSQL connection rolled back itself)."""
    return bool(getattr(db, "usable", True) and db.in_transaction)


def _article(row: sqlite3.Row) -> Article:
    return Article(
        url=row["url"], title=row["title"], body=row["body"], source=row["source"],
        published=row["published"], authors=json.loads(row["authors"] or "[]"), section=row["section"],
        editor=row["editor"], language=row["language"], fetched_at=row["fetched_at"],
    )
