"""Source leases in a PostgreSQL archive: each source crawled by one daemon at a time, across machines.

A daemon claims a source by a row in ``source_leases`` that expires
``seconds`` after its last renewal; its heartbeat renews every row it holds.
A daemon that dies (kill -9, a machine lost) stops renewing, and once its
leases expire another daemon's next scheduled run of the source claims it.
Times are the server's (``now()``), so the machines' clocks need not agree.

Daemons also renew a row of their own in ``daemon_nodes``; a daemon claims no
more than its fair share of the sources (``ceil(sources / live daemons)``) and
gives back a source it holds beyond that after the run in hand, so a daemon
that joins gets work. A lease is a promise about crawling, not about storing:
the archive stores each canonical URL once whoever fetched it (its writes take
turns), so even two daemons on one source could not store an article twice.
"""

from __future__ import annotations

import math
import os
import socket
import uuid

from index.archive import Archive


def new_holder() -> str:
    """A name for this daemon that says where it runs: ``host:pid:random``."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class SourceLeases:
    """One daemon's leases in one archive (which must be on PostgreSQL)."""

    def __init__(self, archive: Archive, seconds: float, holder: str | None = None) -> None:
        if archive.backend != "postgresql":
            raise ValueError("source leases need a PostgreSQL archive (the SQLite one has the data_dir's flock)")
        self.archive = archive
        self.seconds = float(seconds)
        self.holder = holder or new_holder()

    def join(self) -> None:
        """Say this daemon is alive (again): counted in every daemon's fair share until it expires."""
        with self.archive.transaction() as db:
            db.execute(
                "INSERT INTO daemon_nodes (holder, started_at, expires_at) VALUES (?, now(), now() + ? * "
                "interval '1 second') ON CONFLICT (holder) DO UPDATE SET expires_at = excluded.expires_at",
                (self.holder, self.seconds))

    def acquire(self, source: str, sources: int) -> bool:
        """Claim (or keep) ``source``; False when another live daemon holds it, or when this one holds its
        fair share of the ``sources`` already."""
        held = self.held()
        if source not in held and len(held) >= self.fair_share(sources):
            return False
        with self.archive.transaction() as db:
            row = db.execute(
                "INSERT INTO source_leases (source, holder, acquired_at, expires_at) "
                "VALUES (?, ?, now(), now() + ? * interval '1 second') "
                "ON CONFLICT (source) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, "
                "acquired_at = CASE WHEN source_leases.holder = excluded.holder THEN source_leases.acquired_at "
                "ELSE excluded.acquired_at END "
                "WHERE source_leases.holder = excluded.holder OR source_leases.expires_at < now() "
                "RETURNING holder", (source, self.holder, self.seconds)).fetchone()
        return row is not None

    def renew(self) -> set[str]:
        """The heartbeat: extend this daemon's node row and every lease it still holds; returns those sources.
        A lease already expired is not renewed (another daemon may have it now): claim it again instead."""
        self.join()
        with self.archive.transaction() as db:
            rows = db.execute(
                "UPDATE source_leases SET expires_at = now() + ? * interval '1 second' "
                "WHERE holder = ? AND expires_at >= now() RETURNING source", (self.seconds, self.holder)).fetchall()
            db.execute("DELETE FROM daemon_nodes WHERE expires_at < now() - ? * interval '1 second'",
                       (self.seconds,))  # daemons long dead: forgotten
        return {row[0] for row in rows}

    def held(self) -> set[str]:
        rows = self.archive.db.execute(
            "SELECT source FROM source_leases WHERE holder = ? AND expires_at >= now()", (self.holder,)).fetchall()
        return {row[0] for row in rows}

    def live_daemons(self) -> int:
        row = self.archive.db.execute("SELECT COUNT(*) FROM daemon_nodes WHERE expires_at >= now()").fetchone()
        return max(1, int(row[0]) if row else 1)

    def fair_share(self, sources: int) -> int:
        return max(1, math.ceil(sources / self.live_daemons()))

    def over_share(self, sources: int) -> bool:
        return len(self.held()) > self.fair_share(sources)

    def release(self, source: str | None = None) -> None:
        """Give one source back (or all, and leave, when ``source`` is None): another daemon may take it at once."""
        with self.archive.transaction() as db:
            if source is None:
                db.execute("DELETE FROM source_leases WHERE holder = ?", (self.holder,))
                db.execute("DELETE FROM daemon_nodes WHERE holder = ?", (self.holder,))
            else:
                db.execute("DELETE FROM source_leases WHERE holder = ? AND source = ?", (self.holder, source))

    def holders(self) -> dict[str, str]:
        """Every source under a live lease, with its holder (for ``kliping status``)."""
        rows = self.archive.db.execute("SELECT source, holder FROM source_leases WHERE expires_at >= now()")
        return {row[0]: row[1] for row in rows}
