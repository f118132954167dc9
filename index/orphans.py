"""Writer processes that die with their parent, and yield the CPU to it.

A rebuild indexes with Whoosh's multiprocess writer, whose workers are forked
``multiprocessing`` children. Killed mid-rebuild, the parent left them blocked
on their queues, each holding a few hundred MB, until someone killed them by
hand. On Linux a child can ask the kernel to kill it when its parent dies
(``prctl(PR_SET_PDEATHSIG)``); :func:`die_with_parent_on_fork` makes every
process forked from here on ask for that. Elsewhere it does nothing.

Those children also lower their priority by :data:`WRITER_NICENESS`. Indexing is
batch work; the parent is what someone waits on: during ``kliping import`` it
stores the records the writers index next (two writers and the store on two
cores left the store, the import's critical path, a third of the CPU while both
wrote), and in the daemon it crawls. With nothing else to run, a nice process
gets every idle core as before.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

#: linux/prctl.h
PR_SET_PDEATHSIG = 1
#: How much a forked writer lowers its scheduling priority (``nice``); 0 keeps the parent's.
WRITER_NICENESS = 10

_registered = False


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
    with contextlib.suppress(OSError):  # not allowed here: the writer keeps the parent's priority
        os.nice(WRITER_NICENESS)


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
