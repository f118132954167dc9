"""The archive's connection to PostgreSQL, shaped like its SQLite one, so one Archive runs on both.

:class:`~index.archive.Archive` writes SQL once, in the subset SQLite and
PostgreSQL share, and talks to a connection with ``execute(sql, params)``,
rows read by name or position, ``BEGIN IMMEDIATE``/``COMMIT``/``ROLLBACK``
and ``in_transaction``: what :mod:`sqlite3` gives. :class:`PgConnection`
gives the same over psycopg 3, and is where the dialects' differences live:

- ``?`` placeholders become ``%s`` (and a literal ``%`` becomes ``%%``);
- rows are :class:`Row`, read as ``row["name"]``, ``row[0]`` or ``dict(row)``;
- Python ``bool``, ``date`` and ``datetime`` are stored as SQLite stores them
  (0/1 and ISO text), since the schema's columns are INTEGER and TEXT; a NUL
  character in text, which PostgreSQL refuses, is dropped;
- ``BEGIN IMMEDIATE`` (SQLite: take the one write lock now) becomes ``BEGIN``
  plus a transaction-scoped advisory lock on the archive: one writer at a time,
  as in SQLite. That is what keeps the ``seq`` counter in commit order (see
  :data:`WRITE_LOCK`);
- psycopg's errors become :class:`~kliping.errors.ArchiveError` naming the
  server (its password never shown) and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from index.pgurl import is_postgres_url, redacted
from kliping.errors import ArchiveError

__all__ = ["PgConnection", "Row", "is_postgres_url", "redacted", "to_pyformat"]

#: The advisory lock namespace of kliping (``'klip'``), and the keys used in it.
LOCK_NAMESPACE = 0x6B6C6970
#: Held by every archive write transaction until it commits: writes to one archive take turns, as SQLite's
#: BEGIN IMMEDIATE makes them. ``Archive.upsert`` reads ``MAX(seq) + 1`` under it, so the change numbers are
#: handed out in the order the changes commit, and an index that has seen change N has seen every change below
#: N. A PostgreSQL SEQUENCE would not do: nextval() is taken when a transaction starts writing, so a writer
#: holding 41 may commit after one holding 42, and an index catching up in between would move its watermark
#: past 41 and never index it.
WRITE_LOCK = 1
#: Held (session-scoped) while the schema is migrated, so two daemons starting at once migrate once.
MIGRATE_LOCK = 2

_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|\?|%")


def to_pyformat(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s``, except in quoted text and comments; every ``%`` escaped as
    ``%%`` (psycopg reads placeholders in quoted text too)."""

    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        return "%s" if token == "?" else token.replace("%", "%%")

    return _TOKENS.sub(swap, sql)


def _adapted(value: Any) -> Any:
    if isinstance(value, str):
        # PostgreSQL's text cannot hold NUL, which SQLite keeps: a page or an imported record with one would
        # otherwise fail as an archive error and stop its source's every run.
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class Row(tuple):
    """A result row read by position or by column name, and turned into a dict by ``dict(row)``, as
    :class:`sqlite3.Row` is."""

    _names: dict[str, int]

    def __new__(cls, values: Sequence[Any], names: dict[str, int]) -> Row:
        row = super().__new__(cls, values)
        row._names = names
        return row

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                key = self._names[key]
            except KeyError:
                raise IndexError(f"no such column: {key}") from None
        return super().__getitem__(key)

    def keys(self) -> list[str]:
        return list(self._names)


def _row_factory(cursor: psycopg.Cursor[Any]) -> Any:
    names = {column.name: i for i, column in enumerate(cursor.description or ())}
    return lambda values: Row(values, names)


class PgConnection:
    """One psycopg connection (autocommit: transactions are explicit, as the archive writes them)."""

    def __init__(self, url: str, *, readonly: bool = False, timeout: float = 30.0) -> None:
        self.url = url
        self.location = redacted(url)
        options = f"-c lock_timeout={int(timeout * 1000)}"
        if readonly:
            options += " -c default_transaction_read_only=on"
        try:
            self._conn: psycopg.Connection[Any] = psycopg.connect(
                url, autocommit=True, connect_timeout=max(1, int(timeout)), application_name="kliping",
                options=options, row_factory=_row_factory,
                # a daemon on a machine that vanished is noticed by the server within about a minute
                keepalives=1, keepalives_idle=30, keepalives_interval=10, keepalives_count=3)
        except psycopg.Error as exc:
            raise ArchiveError(
                f"cannot connect to the PostgreSQL archive at {self.location} ({_first_line(exc)}); check "
                "archive.url in config.yaml (the password may come from PGPASSWORD or ~/.pgpass) and that "
                "the server runs and accepts connections"
            ) from exc

    # -- what sqlite3.Connection offers --------------------------------------

    def execute(self, sql: str, params: Iterable[Any] = ()) -> psycopg.Cursor[Any]:
        values = [_adapted(v) for v in params]
        statement = sql.strip().rstrip(";")
        if statement.upper() == "BEGIN IMMEDIATE":
            # one round trip: the transaction and its lock (constants, no parameters)
            return self._run(f"BEGIN; SELECT pg_advisory_xact_lock({LOCK_NAMESPACE}, {WRITE_LOCK})", None)
        if not values and "?" not in sql:
            return self._run(sql, None)
        return self._run(to_pyformat(sql), values)

    def executemany(self, sql: str, rows: Iterable[Iterable[Any]]) -> psycopg.Cursor[Any]:
        cursor = self._conn.cursor()
        try:
            cursor.executemany(to_pyformat(sql), [[_adapted(v) for v in row] for row in rows])
        except psycopg.Error as exc:
            raise self._translated(exc) from exc
        return cursor

    def executescript(self, script: str) -> psycopg.Cursor[Any]:
        """Several statements at once, no parameters."""
        return self._run(script, None)

    @property
    def in_transaction(self) -> bool:
        return self._conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    @property
    def usable(self) -> bool:
        """False once the server closed the connection (restarted, or killed it): open a new one."""
        return not self._conn.closed and not self._conn.broken

    def close(self) -> None:
        self._conn.close()

    # -- errors --------------------------------------------------------------

    def _run(self, sql: str, params: Sequence[Any] | None) -> psycopg.Cursor[Any]:
        try:
            return self._conn.execute(sql, params)
        except psycopg.Error as exc:
            raise self._translated(exc) from exc

    def _translated(self, exc: psycopg.Error) -> ArchiveError:
        where = f"the PostgreSQL archive at {self.location}"
        if isinstance(exc, pg_errors.LockNotAvailable | pg_errors.QueryCanceled):
            return ArchiveError(f"{where} stayed busy past the timeout ({_first_line(exc)}); run again")
        if isinstance(exc, pg_errors.DiskFull):
            return ArchiveError(f"the disk of {where} is full; free some space on the server and run again")
        if isinstance(exc, pg_errors.ReadOnlySqlTransaction):
            return ArchiveError(f"{where} was opened read-only ({_first_line(exc)})")
        if isinstance(exc, psycopg.OperationalError) and not self.usable:
            return ArchiveError(f"lost the connection to {where} ({_first_line(exc)}); check the server and "
                                "run again")
        return ArchiveError(f"{where} refused a query ({type(exc).__name__}: {_first_line(exc)})")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
