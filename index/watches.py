"""Saved searches, their ledger of matches and their delivery outbox, in the archive.

Three tables (``index/schema_sql.py``): ``watches`` (the saved query and how far
in the archive's ``seq`` it was checked), ``watch_matches`` (one row per watch
and story, ever: the ledger that makes an alert go out once) and
``watch_deliveries`` (the outbox: one row per match and channel, pending until
the receiver took it). A check records its matches, their outbox rows and the
watermark advance in ONE transaction, so a kill -9 leaves either all of it or
none of it; delivery then only flips outbox rows. SQL stays in the subset SQLite
and PostgreSQL share.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from index.archive import Archive
from kliping.errors import NoSuchWatch, WatchError

__all__ = ["Delivery", "Match", "Watch", "WatchStore", "check_name"]

#: A watch name is part of a URL (``/watches/{name}.atom``) and of idempotency keys.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")

CHANNELS = ("webhook", "email")


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise WatchError(f"{name!r} is not a watch name; use up to 64 letters, digits, '-' or '_', "
                         "starting with a letter or digit, e.g. karhutla-riau")
    return name


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Watch:
    name: str
    query: str
    sources: list[str] = field(default_factory=list)
    webhook: str | None = None
    email: str | None = None
    watermark: int = 0
    created_at: str = ""

    def channels(self) -> list[tuple[str, str]]:
        """(channel, target) for each way this watch alerts besides its feed."""
        return [(c, t) for c, t in (("webhook", self.webhook), ("email", self.email)) if t]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "query": self.query, "sources": self.sources, "webhook": self.webhook,
                "email": self.email, "watermark": self.watermark, "created_at": self.created_at}


@dataclass(frozen=True)
class Match:
    """One article a check found for a watch, keyed by its story."""

    story_key: str
    article_id: str
    seq: int


@dataclass(frozen=True)
class Delivery:
    """One outbox row: a match to hand to one channel."""

    watch: str
    story_key: str
    article_id: str
    channel: str
    target: str
    attempts: int
    created_at: str


def _watch(row: sqlite3.Row) -> Watch:
    return Watch(name=row["name"], query=row["query"], sources=json.loads(row["sources"] or "[]"),
                 webhook=row["webhook"], email=row["email"], watermark=int(row["watermark"]),
                 created_at=row["created_at"])


def _missing_tables(exc: sqlite3.Error) -> bool:
    """A read-only archive made before watches existed has none of their tables: no watches, not an error."""
    return isinstance(exc, sqlite3.OperationalError) and "no such table" in str(exc)


class WatchStore:
    """The watch tables of one :class:`~index.archive.Archive` (writable, except for the read methods)."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    # -- the saved searches ------------------------------------------------

    def add(self, watch: Watch) -> Watch:
        """Save a new watch; it alerts on what the archive gains from now on (its watermark is the newest seq)."""
        check_name(watch.name)
        with self.archive.transaction() as db:
            if db.execute("SELECT 1 FROM watches WHERE name = ?", (watch.name,)).fetchone():
                raise WatchError(f"a watch named {watch.name!r} exists; remove it first (kliping watch rm "
                                 f"{watch.name}) or pick another name")
            top = db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0]
            created = datetime.now(UTC).isoformat(timespec="microseconds")  # also tells a re-made watch apart
            db.execute("INSERT INTO watches (name, query, sources, webhook, email, watermark, created_at) "
                       "VALUES (?,?,?,?,?,?,?)",
                       (watch.name, watch.query, json.dumps(watch.sources, ensure_ascii=False), watch.webhook,
                        watch.email, int(top), created))
        return self.get(watch.name)

    def remove(self, name: str) -> None:
        """Forget a watch with its ledger and outbox (a watch made again later starts afresh)."""
        with self.archive.transaction() as db:
            if db.execute("SELECT 1 FROM watches WHERE name = ?", (name,)).fetchone() is None:
                raise self._no_such(name)
            db.execute("DELETE FROM watch_deliveries WHERE watch = ?", (name,))
            db.execute("DELETE FROM watch_matches WHERE watch = ?", (name,))
            db.execute("DELETE FROM watches WHERE name = ?", (name,))

    def get(self, name: str) -> Watch:
        try:
            row = self.archive.db.execute("SELECT * FROM watches WHERE name = ?", (name,)).fetchone()
        except sqlite3.Error as exc:
            if not _missing_tables(exc):
                raise
            row = None
        if row is None:
            raise self._no_such(name)
        return _watch(row)

    def all(self) -> list[Watch]:
        try:
            return [_watch(row) for row in self.archive.db.execute("SELECT * FROM watches ORDER BY name")]
        except sqlite3.Error as exc:
            if _missing_tables(exc):
                return []
            raise

    def _no_such(self, name: str) -> NoSuchWatch:
        known = ", ".join(w.name for w in self.all()) or "none yet"
        return NoSuchWatch(f"no watch named {name!r} (watches: {known}); add one with kliping watch add NAME QUERY")

    # -- a check: matches, outbox and watermark together --------------------

    def record_check(self, watch: Watch, checked_up_to: int, matches: Iterable[Match]) -> int:
        """Record ``matches`` (each story once per watch, ever), an outbox row per channel for each new one,
        and the watermark at ``checked_up_to``, in one transaction; returns how many matches were new.

        The watermark only moves forward, and only if the watch still exists as it was checked."""
        created = now_iso()
        fresh = 0
        with self.archive.transaction() as db:
            row = db.execute("SELECT watermark, created_at FROM watches WHERE name = ?", (watch.name,)).fetchone()
            if row is None or row["created_at"] != watch.created_at:  # removed (or made again) meanwhile
                return 0
            for match in matches:
                if match.seq <= int(row["watermark"]):
                    continue
                if db.execute("SELECT 1 FROM watch_matches WHERE watch = ? AND story_key = ?",
                              (watch.name, match.story_key)).fetchone():
                    continue  # an edited article, or another member of a story already alerted on
                db.execute("INSERT INTO watch_matches (watch, story_key, article_id, seq, matched_at) "
                           "VALUES (?,?,?,?,?)", (watch.name, match.story_key, match.article_id, match.seq, created))
                for channel, target in watch.channels():
                    db.execute("INSERT INTO watch_deliveries (watch, story_key, channel, target, status, attempts, "
                               "next_attempt, created_at) VALUES (?,?,?,?,'pending',0,?,?) "
                               "ON CONFLICT (watch, story_key, channel) DO NOTHING",
                               (watch.name, match.story_key, channel, target, created, created))
                fresh += 1
            db.execute("UPDATE watches SET watermark = ? WHERE name = ? AND watermark < ?",
                       (checked_up_to, watch.name, checked_up_to))
        return fresh

    # -- the outbox --------------------------------------------------------

    def due(self, now: str, *, limit: int = 100) -> list[Delivery]:
        """Pending deliveries whose time has come, oldest first."""
        rows = self.archive.db.execute(
            "SELECT d.watch, d.story_key, d.channel, d.target, d.attempts, d.created_at, m.article_id "
            "FROM watch_deliveries d JOIN watch_matches m ON m.watch = d.watch AND m.story_key = d.story_key "
            "WHERE d.status = 'pending' AND d.next_attempt <= ? ORDER BY d.next_attempt, d.created_at LIMIT ?",
            (now, limit)).fetchall()
        return [Delivery(watch=r["watch"], story_key=r["story_key"], article_id=r["article_id"],
                         channel=r["channel"], target=r["target"], attempts=int(r["attempts"]),
                         created_at=r["created_at"]) for r in rows]

    def next_due(self) -> str | None:
        """When the earliest pending delivery is due (UTC ISO 8601), or None when none is pending."""
        row = self.archive.db.execute(
            "SELECT MIN(next_attempt) FROM watch_deliveries WHERE status = 'pending'").fetchone()
        return row[0] if row else None

    def mark_done(self, delivery: Delivery) -> None:
        self._mark(delivery, "UPDATE watch_deliveries SET status = 'done', attempts = attempts + 1, "
                   "delivered_at = ?, last_error = NULL", (now_iso(),))

    def mark_retry(self, delivery: Delivery, next_attempt: str, error: str) -> None:
        self._mark(delivery, "UPDATE watch_deliveries SET attempts = attempts + 1, next_attempt = ?, "
                   "last_error = ?", (next_attempt, error[:500]))

    def claim(self, delivery: Delivery, now: str, until: str) -> bool:
        """Take a due delivery for one try, so that another daemon on the same archive (PostgreSQL) does not
        send it too: its next attempt moves to ``until`` unless someone moved it first. A claimer that dies
        leaves it due again at ``until`` (then it may arrive twice, under the same delivery key)."""
        return self._mark(delivery, "UPDATE watch_deliveries SET next_attempt = ?", (until,),
                          also=" AND next_attempt <= ?", also_values=(now,)) == 1

    def postpone(self, delivery: Delivery, next_attempt: str) -> None:
        """Wait with a receiver that just failed another delivery (no attempt counted)."""
        self._mark(delivery, "UPDATE watch_deliveries SET next_attempt = ?", (next_attempt,))

    def mark_failed(self, delivery: Delivery, error: str) -> None:
        self._mark(delivery, "UPDATE watch_deliveries SET status = 'failed', attempts = attempts + 1, "
                   "last_error = ?", (error[:500],))

    def _mark(self, delivery: Delivery, update: str, values: tuple[Any, ...], *, also: str = "",
              also_values: tuple[Any, ...] = ()) -> int:
        with self.archive.transaction() as db:
            cursor = db.execute(update + " WHERE watch = ? AND story_key = ? AND channel = ? AND status = 'pending'"
                                + also, (*values, delivery.watch, delivery.story_key, delivery.channel, *also_values))
            return int(cursor.rowcount)

    def retry_failed(self, name: str) -> int:
        """Put a watch's failed deliveries back in the outbox (after a long outage); returns how many."""
        self.get(name)
        with self.archive.transaction() as db:
            cursor = db.execute("UPDATE watch_deliveries SET status = 'pending', attempts = 0, next_attempt = ?, "
                                "created_at = ? WHERE watch = ? AND status = 'failed'", (now_iso(), now_iso(), name))
            return int(cursor.rowcount)

    # -- reading -------------------------------------------------------------

    def stats(self) -> dict[str, dict[str, Any]]:
        """Per watch: matches, and deliveries by status with the last error, for ``watch list``."""
        out: dict[str, dict[str, Any]] = {w.name: {"matches": 0, "pending": 0, "done": 0, "failed": 0,
                                                    "last_error": None} for w in self.all()}
        if not out:
            return out
        db = self.archive.db
        for row in db.execute("SELECT watch, COUNT(*) AS n FROM watch_matches GROUP BY watch"):
            if row["watch"] in out:
                out[row["watch"]]["matches"] = int(row["n"])
        for row in db.execute("SELECT watch, status, COUNT(*) AS n FROM watch_deliveries GROUP BY watch, status"):
            if row["watch"] in out:
                out[row["watch"]][row["status"]] = int(row["n"])
        for row in db.execute("SELECT watch, last_error FROM watch_deliveries WHERE last_error IS NOT NULL "
                              "ORDER BY next_attempt"):
            if row["watch"] in out:
                out[row["watch"]]["last_error"] = row["last_error"]
        return out

    def recent_matches(self, name: str, *, limit: int = 50) -> list[dict[str, Any]]:
        """A watch's latest matches with their articles, newest first: what its Atom feed shows."""
        watch = self.get(name)
        rows = self.archive.db.execute(
            "SELECT m.story_key, m.matched_at, m.seq, a.id, a.url, a.title, a.source, a.published, a.authors, "
            "a.section, a.body FROM watch_matches m JOIN articles a ON a.id = m.article_id WHERE m.watch = ? "
            "ORDER BY m.seq DESC LIMIT ?", (watch.name, limit)).fetchall()
        return [{**dict(row), "authors": json.loads(row["authors"] or "[]")} for row in rows]
