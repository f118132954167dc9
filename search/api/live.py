"""The API's view of the archive and index, kept current while the crawler commits.

The :class:`~search.engine.Engine` keeps one Whoosh searcher and refreshes it
(at most once a second) when the index has a newer generation, so new articles
are searchable without a restart; ``kliping reindex`` swaps in a whole new
directory, which the refresh also picks up. This module opens the engine once
there is something to search, and keeps cheap counts for ``/health``: at most
once a second it looks at the watermark file (rewritten on every
``SearchIndex.catch_up`` commit) and Whoosh's latest generation, and recounts
only when either moved.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from dataclasses import dataclass
from typing import Any

from index.archive import Archive
from index.store import WATERMARK_FILE, SearchIndex
from kliping.app import Kliping
from search.api.errors import ApiError
from search.engine import Engine

log = logging.getLogger(__name__)

#: Seconds between two looks at the index directory.
CHECK_EVERY = 1.0
#: Seconds a ``/sources`` answer is reused.
SOURCES_MAX_AGE = 5.0
_TOC = re.compile(r"^_MAIN_(\d+)\.toc$")


@dataclass(frozen=True)
class Snapshot:
    """What was on disk when the engine was (re)opened."""

    marker: tuple[int, int, int]
    generation: int
    documents: int
    watermark: int


class LiveIndex:
    """Hands out the one :class:`Engine`, and counts for ``/health`` at most a second old."""

    def __init__(self, application: Kliping, *, check_every: float = CHECK_EVERY) -> None:
        self.application = application
        self.config = application.config
        self.check_every = check_every
        self.index: SearchIndex = application.index()
        self._engine: Engine | None = None
        self._snapshot: Snapshot | None = None
        self._checked = float("-inf")
        self._lock = threading.Lock()
        self._sources: tuple[float, list[dict[str, Any]] | None] = (0.0, None)
        self._sources_lock = threading.Lock()

    # -- public -------------------------------------------------------------

    def engine(self) -> Engine:
        """The current engine; 503 ``unavailable`` when there is nothing to search yet."""
        self.refresh()
        if self._engine is None:
            raise ApiError(503, "unavailable", "the index is empty; run `kliping crawl` or `kliping import` first",
                           headers={"Retry-After": "60"})
        return self._engine

    def archive(self) -> Archive:
        """The archive, read-only; 503 when it does not exist yet."""
        if not self.application.archive_exists():
            raise ApiError(503, "unavailable", "there is no archive yet; run `kliping crawl` or "
                           "`kliping import` first", headers={"Retry-After": "60"})
        return self.application.archive(readonly=True)

    def sources(self) -> list[dict[str, Any]]:
        """Per-source counts and last crawls (``kliping status``'s), at most ``SOURCES_MAX_AGE`` seconds old:
        gathering them opens the index afresh, too slow for every visit to the search page."""
        with self._sources_lock:
            stamp, cached = self._sources
            if cached is None or time.monotonic() - stamp >= SOURCES_MAX_AGE:
                cached = self.application.status()["sources"]
                self._sources = (time.monotonic(), cached)
            return cached

    def health(self) -> dict[str, Any]:
        """Liveness and counts, from the last refresh (cheap: no index scan)."""
        self.refresh()
        snap = self._snapshot
        articles = self.archive().count() if self.application.archive_exists() else 0
        return {
            "status": "ok" if snap and snap.documents else "empty",
            "archive": {"articles": articles},
            "index": {
                "documents": snap.documents if snap else 0,
                "watermark": snap.watermark if snap else 0,
                "generation": snap.generation if snap else -1,
            },
        }

    def refresh(self, *, force: bool = False) -> None:
        """Recount if the index moved since the last look (at most once per ``check_every``)."""
        now = time.monotonic()
        if not force and now - self._checked < self.check_every:
            return
        with self._lock:
            if not force and now - self._checked < self.check_every:
                return
            marker = self._marker()
            if self._snapshot is None or marker != self._snapshot.marker or self._engine is None:
                self._recount(marker)
            # only now: a request that skips the lock on a recent check must find the engine open
            self._checked = now

    # -- internals ----------------------------------------------------------

    def _marker(self) -> tuple[int, int, int]:
        """What changes on every commit: the watermark file's identity and time, and the generation."""
        if hasattr(self.index, "marker"):  # an OpenSearch index: (watermark, documents)
            return (*self.index.marker(), 0)
        try:
            st = os.stat(self.index.path / WATERMARK_FILE)
        except OSError:
            return (0, 0, self._generation())
        return (st.st_ino, st.st_mtime_ns, self._generation())

    def _generation(self) -> int:
        """Whoosh's latest generation, from the ``_MAIN_<n>.toc`` file names."""
        try:
            names = os.listdir(self.index.path)
        except OSError:  # not there, or mid-swap
            return -1
        return max((int(m.group(1)) for m in map(_TOC.match, names) if m), default=-1)

    def _recount(self, marker: tuple[int, int, int]) -> None:
        if not self.index.exists() or not self.application.archive_exists():
            self._snapshot = Snapshot(marker, -1, 0, 0)
            return
        if hasattr(self.index, "marker"):  # an OpenSearch index: its watermark stands for the generation
            self._snapshot = Snapshot(marker, marker[0], marker[1], marker[0])
        else:
            ix = self.index.open()
            self._snapshot = Snapshot(marker, ix.latest_generation(), ix.doc_count(), self.index.watermark())
        if self._engine is None:
            self._engine = self.application.engine()
        log.info("index at generation %s: %s documents, watermark %s",
                 self._snapshot.generation, self._snapshot.documents, self._snapshot.watermark)
