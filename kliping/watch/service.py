"""The watches inside the daemon: one thread that checks after each index catch-up and delivers the outbox.

The daemon calls :meth:`WatchService.notify` after every catch-up; the thread then
checks the watches and delivers what is due, and otherwise sleeps until the
earliest retry is due (or :data:`IDLE_CHECK` seconds, for a watch added by
``kliping watch add`` while the daemon runs). Stopping finishes the delivery in
hand; whatever is pending stays in the outbox for the next start.

The search engine and the HTTP client load only once there is a watch, in this
thread: a daemon without watches starts and crawls as fast as before.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from index.archive import Archive
from index.store import SearchIndex
from index.watches import WatchStore
from kliping.config import WatchConfig
from kliping.errors import KlipingError

if TYPE_CHECKING:
    from kliping.watch.dispatcher import Dispatcher
    from kliping.watch.matcher import WatchMatcher

__all__ = ["WatchService"]

log = logging.getLogger(__name__)

#: Longest sleep between two looks at the watches and the outbox.
IDLE_CHECK = 5.0
#: Shortest sleep, so a busy outbox does not spin.
MIN_SLEEP = 0.05


class WatchService:
    """Owns the matcher and the dispatcher, and the thread that runs them."""

    def __init__(self, settings: WatchConfig, archive: Archive, index: SearchIndex) -> None:
        self.settings = settings
        self.archive = archive
        self.index = index
        self.store = WatchStore(archive)
        self._parts: tuple[WatchMatcher, Dispatcher] | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="kliping-watch", daemon=True)

    def start(self) -> WatchService:
        self._thread.start()
        return self

    def notify(self) -> None:
        """The index caught up: check the watches now."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)
        if self._parts is None:
            return
        matcher, dispatcher = self._parts
        try:
            matcher.check()  # record what the last catch-up brought; it is delivered on the next start
        except Exception:
            log.exception("event=watch_final_check_crashed")
        matcher.close()
        dispatcher.close()

    def _ready(self) -> tuple[WatchMatcher, Dispatcher] | None:
        """The matcher and dispatcher, built when the first watch exists (None before)."""
        if self._parts is None and self.store.all():
            from kliping.watch.dispatcher import Dispatcher
            from kliping.watch.matcher import WatchMatcher

            self._parts = (WatchMatcher(self.store, self.archive, self.index),
                           Dispatcher(self.store, self.archive, self.settings))
            log.info("event=watches_active count=%d", len(self.store.all()))
        return self._parts

    def run_once(self) -> tuple[int, int]:
        """One check and one delivery pass: (new matches, deliveries landed)."""
        parts = self._ready()
        if parts is None:
            return 0, 0
        matcher, dispatcher = parts
        return matcher.check(), dispatcher.run_due(self._stop)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.run_once()
            except KlipingError as exc:
                log.warning("event=watch_pass_failed reason=%r (tried again)", str(exc))
            except Exception:  # a bug must not end alerting for the daemon's lifetime
                log.exception("event=watch_pass_crashed")
            self._wake.wait(self._sleep())

    def _sleep(self) -> float:
        try:
            due = self.store.next_due()
        except KlipingError:
            return IDLE_CHECK
        if due is None:
            return IDLE_CHECK
        wait = (datetime.fromisoformat(due) - datetime.now(UTC)).total_seconds()
        return max(MIN_SLEEP, min(IDLE_CHECK, wait))
