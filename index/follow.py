"""Index what a bulk store has committed while it stores the rest.

``kliping import`` used to store every record and only then index them: one core stored while the other
waited, then the index's writer processes worked while the storing was done. A :class:`Follower` runs the
index's catch-up in a thread beside the store, whole batches at a time (Whoosh's writer processes do the
indexing, so the thread itself mostly waits on them and the store keeps its core). The last, partial batch
is left to the caller's final catch-up, as before.

Nothing changes in what is guaranteed: the catch-up reads only committed archive rows past the index's
watermark, so a killed import leaves an index that the next catch-up completes, and an error in the
thread (a busy or drifted index) only ends the following: the caller's final catch-up meets it again and
reports it as it always did.
"""

from __future__ import annotations

import logging
import threading
from types import TracebackType
from typing import Protocol

from index.archive import Archive
from index.orphans import writers_yield

log = logging.getLogger(__name__)


class CatchingUp(Protocol):
    """What a follower needs of an index (the Whoosh and the OpenSearch stores both have it)."""

    def catch_up(self, archive: Archive, *, batch: int = ..., whole_batches: bool = ...) -> int: ...

    def watermark(self) -> int: ...


class Follower:
    """A thread that catches ``index`` up with ``archive`` whenever :meth:`poke` says more was committed.

    Use as a context manager around the store; :attr:`indexed` is how many changes the thread indexed.
    """

    def __init__(self, index: CatchingUp, archive: Archive, *, batch: int) -> None:
        self.index, self.archive, self.batch = index, archive, batch
        self.indexed = 0
        self.error: BaseException | None = None
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="kliping-index-follower", daemon=True)

    def __enter__(self) -> Follower:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    def poke(self) -> None:
        """More was committed: catch up if a whole batch is waiting (cheap; call after every commit)."""
        self._wake.set()

    def stop(self) -> None:
        """Let a catch-up in progress finish (its batch is committed and its writers are gone), then end."""
        self._stopping = True
        self._wake.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._stopping:
                return
            try:
                # cheap first (a poke may come after every article): a catch-up checks the index for drift
                if self.archive.max_seq() - self.index.watermark() < self.batch:
                    continue
                with writers_yield():  # the store beside it is the import's critical path: it keeps its core
                    self.indexed += self.index.catch_up(self.archive, batch=self.batch, whole_batches=True)
            except Exception as exc:  # the caller's final catch-up meets it again and reports it
                log.warning("event=index_follow_stopped error=%r (the import's last catch-up indexes the rest)",
                            exc)
                self.error = exc
                return
