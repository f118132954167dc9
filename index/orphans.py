"""Writer processes that die with their parent, and yield the CPU to it.

A rebuild indexes with Whoosh's multiprocess writer, whose workers are forked
``multiprocessing`` children. Killed mid-rebuild, the parent left them blocked
on their queues, each holding a few hundred MB, until someone killed them by
hand. On Linux a child can ask the kernel to kill it when its parent dies
(``prctl(PR_SET_PDEATHSIG)``); :func:`die_with_parent_on_fork` makes every
process forked from here on ask for that. Elsewhere it does nothing.

Writers forked inside :func:`writers_yield` also lower their priority by
:data:`WRITER_NICENESS`: ``kliping import`` indexes in a thread while its main
thread stores the records the writers index next, and two writers and the store
on two cores left the store, the import's critical path, a third of the CPU. A
writer whose parent only waits for it (``kliping reindex``, a crawl's catch-up)
keeps its priority: niced, it would yield to whatever else the machine runs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator

#: linux/prctl.h
PR_SET_PDEATHSIG = 1
#: How much a writer forked inside :func:`writers_yield` lowers its scheduling priority (``nice``).
WRITER_NICENESS = 10

_registered = False
_niceness = 0  # what a child forked now adds to its nice value (read in the child, as forked)


@contextlib.contextmanager
def writers_yield(increment: int = WRITER_NICENESS) -> Iterator[None]:
    """Processes forked by this process inside the block run ``increment`` nicer than it (Linux, once
    :func:`die_with_parent_on_fork` is on: writers are forked after it)."""
    global _niceness
    before, _niceness = _niceness, increment
    try:
        yield
    finally:
        _niceness = before


def die_with_parent_on_fork() -> None:
    """From now on, every child forked by this process is killed when this process dies."""
    global _registered
    if _registered or not sys.platform.startswith("linux"):
        return
    os.register_at_fork(before=_remember_parent, after_in_child=_die_with_parent)
    _registered = True


_parent = 0


def _remember_parent() -> None:
    global _parent
    _parent = os.getpid()


def _die_with_parent() -> None:
    die_with_parent(_parent)
    if _niceness:
        with contextlib.suppress(OSError):  # not allowed here: the writer keeps the parent's priority
            os.nice(_niceness)


def die_with_parent(parent: int) -> None:
    """In a child process (forked or spawned): be killed when ``parent``, the process that started it, dies."""
    import ctypes  # here: only writer processes need it, and every `kliping search` imports this module

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # no prctl: the child lives as before
        return
    if os.getppid() != parent:  # the parent died before the prctl
        os._exit(1)
