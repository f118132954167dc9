"""The per-source failure budget: a source that keeps failing is backed off, not hammered.

A run *fails* when it reported errors and stored nothing (its feed is down, it
answers 500 to everything, robots.txt shuts us out...). A source may fail
``daemon.failure_budget`` runs in a row; after that each further failure doubles a
pause, starting at the source's own run interval and capped at ``daemon.max_backoff``
(both declared, with their defaults, in :class:`kliping.config.DaemonConfig`)::

    failures:  1  2  3 | 4          5          6          ...
    pause:     -  -  - | 1 interval 2 intervals 4 intervals ... <= max_backoff

Runs that fall inside the pause are skipped (logged, not recorded as runs).
One successful run clears it all. The state lives in the archive's
``source_state`` table, so a restarted daemon keeps backing off.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from index.archive import Archive
from kliping.config import DaemonConfig

if TYPE_CHECKING:  # kliping status reads the budget: the crawler (and its fetcher) need not load for that
    from ingest.crawl import SourceSummary

__all__ = ["FailureBudget", "SourceState", "run_failed"]

log = logging.getLogger(__name__)


@dataclass
class SourceState:
    source: str
    failures: int = 0
    backoff_until: str | None = None
    last_error: str | None = None
    last_ok: str | None = None
    next_run: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"failures": self.failures, "backoff_until": self.backoff_until, "last_error": self.last_error,
                "last_ok": self.last_ok, "next_run": self.next_run}


def run_failed(summary: SourceSummary) -> bool:
    """A run failed if it met errors and found no article at all, new or already known
    (one dead feed beside a live one on a quiet night is not a failing source)."""
    return summary.failed > 0 and summary.new + summary.updated + summary.unchanged + summary.known == 0


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class FailureBudget:
    """Reads and updates the ``source_state`` rows of one archive, by the rules of the ``daemon:`` section
    (``settings``; without it, the defaults)."""

    def __init__(self, archive: Archive, settings: DaemonConfig | None = None) -> None:
        settings = settings if settings is not None else DaemonConfig()
        self.archive = archive
        #: Consecutive failed runs tolerated before backing off.
        self.allowed = settings.failure_budget
        #: Longest pause, in seconds.
        self.max_backoff = float(settings.seconds("max_backoff"))

    def state(self, source: str) -> SourceState:
        row = self.archive.db.execute("SELECT * FROM source_state WHERE source = ?", (source,)).fetchone()
        if row is None:
            return SourceState(source)
        return SourceState(source, row["failures"], row["backoff_until"], row["last_error"], row["last_ok"],
                           row["next_run"])

    def states(self) -> dict[str, SourceState]:
        rows = self.archive.db.execute("SELECT source FROM source_state").fetchall()
        return {row["source"]: self.state(row["source"]) for row in rows}

    def backing_off(self, source: str, now: datetime | None = None) -> str | None:
        """The time until which ``source`` is backed off, or None if it may run now."""
        until = self.state(source).backoff_until
        now = now or datetime.now(UTC)
        return until if until and datetime.fromisoformat(until) > now else None

    def record(self, source: str, summary: SourceSummary, *, interval: float,
               now: datetime | None = None) -> SourceState:
        """Count a finished run against the budget; returns the new state."""
        now = now or datetime.now(UTC)
        state = self.state(source)
        if not run_failed(summary):
            state.failures, state.backoff_until, state.last_ok = 0, None, _iso(now)
        else:
            state.failures += 1
            state.last_error = summary.errors[-1]["reason"] if summary.errors else "failed"
            over = state.failures - self.allowed
            if over > 0:
                pause = min(interval * 2 ** (over - 1), self.max_backoff)
                state.backoff_until = _iso(now + timedelta(seconds=pause))
                log.warning("source=%s event=backoff failures=%d pause_s=%.0f until=%s last_error=%r", source,
                            state.failures, pause, state.backoff_until, state.last_error)
        self._save(state)
        return state

    def set_next_run(self, source: str, when: datetime | None) -> None:
        with self.archive.transaction() as db:
            db.execute(
                "INSERT INTO source_state (source, next_run, updated_at) VALUES (?,?,?) "
                "ON CONFLICT(source) DO UPDATE SET next_run=excluded.next_run, updated_at=excluded.updated_at",
                (source, _iso(when) if when else None, _iso(datetime.now(UTC))),
            )

    def _save(self, state: SourceState) -> None:
        with self.archive.transaction() as db:
            db.execute(
                "INSERT INTO source_state (source, failures, backoff_until, last_error, last_ok, updated_at) "
                "VALUES (?,?,?,?,?,?) ON CONFLICT(source) DO UPDATE SET failures=excluded.failures, "
                "backoff_until=excluded.backoff_until, last_error=excluded.last_error, last_ok=excluded.last_ok, "
                "updated_at=excluded.updated_at",
                (state.source, state.failures, state.backoff_until, state.last_error, state.last_ok,
                 _iso(datetime.now(UTC))),
            )
