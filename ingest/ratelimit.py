"""At most one request per interval to each host, shared by all threads.

A slot is reserved under the lock and slept for outside it, so a thread
waiting on a slow host never blocks threads fetching from other hosts.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

__all__ = ["HostRateLimiter"]

log = logging.getLogger(__name__)


class HostRateLimiter:
    """Per-host spacing of requests; a host's interval can only be raised above the default.

    ``clock`` and ``sleep`` are injectable so tests need not wait in real time.
    """

    def __init__(
        self,
        min_interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.min_interval = max(0.0, min_interval)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot: dict[str, float] = {}
        self._intervals: dict[str, float] = {}

    def interval(self, host: str) -> float:
        with self._lock:
            return self._intervals.get(host, self.min_interval)

    def set_interval(self, host: str, seconds: float) -> None:
        """Slow a host down (e.g. to its robots.txt crawl-delay); never below the default."""
        seconds = max(self.min_interval, seconds)
        with self._lock:
            if self._intervals.get(host) != seconds:
                log.info("rate limit for %s set to one request per %.2fs", host, seconds)
            self._intervals[host] = seconds

    def defer(self, host: str, seconds: float) -> None:
        """Make no request to ``host`` for ``seconds`` (e.g. after a 429 with Retry-After)."""
        with self._lock:
            until = self._clock() + seconds
            self._next_slot[host] = max(self._next_slot.get(host, 0.0), until)

    def wait(self, host: str) -> float:
        """Block until this thread may send a request to ``host``; returns seconds slept."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot.get(host, now))
            self._next_slot[host] = slot + self._intervals.get(host, self.min_interval)
        delay = slot - now
        if delay > 0:
            self._sleep(delay)
        return delay
