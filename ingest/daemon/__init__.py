"""``kliping daemon``: the scheduler, its single-instance lock and its logs.

:class:`Daemon` loads on first use: ``kliping status`` asks the lock who holds
it, and must not load the scheduler, the crawler and the fetcher to do so.
"""

from typing import TYPE_CHECKING, Any

from ingest.daemon.lock import DaemonLock, holder_pid

if TYPE_CHECKING:
    from ingest.daemon.service import Daemon

__all__ = ["Daemon", "DaemonLock", "holder_pid"]


def __getattr__(name: str) -> Any:
    if name == "Daemon":
        from ingest.daemon.service import Daemon

        return Daemon
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
