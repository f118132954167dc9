"""Queries with wildcards or fuzzy terms, searched in a worker process of their own.

Expanding ``pe?~2`` over the term dictionary is seconds of pure Python. Run in
one of the server's threads it held the interpreter lock against every plain
query: under a flood of them, plain queries' p95 grew from 67 ms to 280 ms
(``python benchmarks/api.py --flood-only``). In a worker process it runs on
another core, and the server's threads stay free for plain queries and for
answering ``429 busy`` to the rest of a flood.

The worker opens its own engine on the same index (the index files are memory
mapped, so the pages are shared) and stops a query at its time budget as the
server's engine does. It dies with the server, however the server dies; a
worker that died (killed, out of memory) is replaced on the next query, and
the query it was running is answered 503.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from index.orphans import die_with_parent
from kliping.app import Kliping
from kliping.config import Config
from search.engine import Engine, SearchRequest

log = logging.getLogger(__name__)

_engine: Engine | None = None  # the worker's own


class ExpensiveWorker:
    """One worker process for expanding queries, started on first use."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def submit(self, request: SearchRequest) -> Future[dict[str, Any]]:
        """The query's results as ``SearchResults.to_dict()``, or its error (a ``KlipingError``), later."""
        return self._submit(_search, request)

    def process_id(self) -> int:
        """The worker's process id (starting it if need be): for tests and diagnostics."""
        return self._submit(os.getpid).result()

    def _submit(self, work: Any, *args: Any) -> Future[Any]:
        pool = self._current()
        try:
            return pool.submit(work, *args)
        except BrokenProcessPool:  # the worker died since the last query: a new one takes this query
            with self._lock:
                self._replace(pool)
            return self._current().submit(work, *args)

    def _current(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                # spawn, not fork: the server has threads, and a forked child would inherit their locks
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_start, initargs=(self.config, os.getpid()))
            return self._pool

    def broken(self, error: BaseException) -> bool:
        """Whether ``error`` says the worker died; if so, the next query starts a new one."""
        if isinstance(error, BrokenProcessPool):
            log.warning("event=search_worker_died (a new one starts with the next query)")
            with self._lock:
                if self._pool is not None:
                    self._replace(self._pool)
            return True
        return False

    def _replace(self, pool: ProcessPoolExecutor) -> None:
        pool.shutdown(wait=False, cancel_futures=True)
        if self._pool is pool:
            self._pool = None

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None


def _start(config: Config, parent: int) -> None:
    """In the worker: die with the server, open the engine."""
    die_with_parent(parent)
    global _engine
    _engine = Kliping(config=config).engine()


def _search(request: SearchRequest) -> dict[str, Any]:
    assert _engine is not None, "the worker's initializer opens the engine"
    return _engine.search(request).to_dict()
