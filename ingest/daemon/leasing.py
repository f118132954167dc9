"""Several daemons sharing one PostgreSQL archive: the leases a daemon takes, and its heartbeat.

With the embedded SQLite archive the data_dir's flock keeps to one daemon, and
this module stays out of the way (:meth:`LeaseKeeper.for_archive` gives None).
With ``archive.url`` set, daemons on several machines share the archive; each
runs a source only while it holds that source's lease (:mod:`index.leases`),
renewed by a heartbeat thread every third of ``daemon.lease``. When a daemon
dies its leases lapse after at most one lease period, and the others' next
scheduled runs take its sources over. A stopping daemon gives its leases back
at once.
"""

from __future__ import annotations

import logging
import threading

from index.archive import Archive
from index.leases import SourceLeases
from kliping.config import Config
from kliping.errors import KlipingError

log = logging.getLogger(__name__)

__all__ = ["LeaseKeeper"]


class LeaseKeeper:
    """This daemon's leases on the sources of ``config``, and the thread that keeps them alive."""

    def __init__(self, archive: Archive, config: Config) -> None:
        self.leases = SourceLeases(archive, config.daemon.seconds("lease"))
        self.sources = len(config.sources)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._held: set[str] = set()

    @classmethod
    def for_archive(cls, archive: Archive, config: Config) -> LeaseKeeper | None:
        return cls(archive, config) if archive.backend == "postgresql" else None

    def start(self) -> None:
        self.leases.join()
        log.info("event=leases_joined holder=%s lease_s=%.0f", self.leases.holder, self.leases.seconds)
        self._thread = threading.Thread(target=self._beat, name="lease-heartbeat", daemon=True)
        self._thread.start()

    def may_run(self, source: str) -> bool:
        """Whether this daemon holds (or has just taken) ``source``'s lease; never raises."""
        try:
            ok = self.leases.acquire(source, self.sources)
        except KlipingError as exc:
            log.warning("event=lease_failed source=%s reason=%r", source, str(exc))
            return False
        if ok and source not in self._held:
            self._held.add(source)
            log.info("event=lease_taken source=%s holder=%s", source, self.leases.holder)
        return ok

    def after_run(self, source: str) -> None:
        """Give ``source`` back when this daemon holds more than its fair share, so a newer daemon gets work."""
        try:
            if self.leases.over_share(self.sources):
                self.leases.release(source)
                self._held.discard(source)
                log.info("event=lease_given_back source=%s reason=over_fair_share", source)
        except KlipingError as exc:
            log.warning("event=lease_failed source=%s reason=%r", source, str(exc))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
        try:
            self.leases.release()
            log.info("event=leases_released holder=%s", self.leases.holder)
        except KlipingError as exc:  # they lapse on their own within one lease period
            log.warning("event=lease_release_failed reason=%r", str(exc))

    def _beat(self) -> None:
        every = max(0.2, self.leases.seconds / 3)
        while not self._stop.wait(every):
            try:
                kept = self.leases.renew()
            except KlipingError as exc:
                log.warning("event=lease_heartbeat_failed reason=%r (retrying)", str(exc))
                continue
            for source in sorted(self._held - kept):
                log.warning("event=lease_lost source=%s (expired before it was renewed)", source)
            self._held = kept
