"""``kliping daemon``: the scheduler, its single-instance lock and its logs."""

from ingest.daemon.lock import DaemonLock, holder_pid
from ingest.daemon.service import Daemon

__all__ = ["Daemon", "DaemonLock", "holder_pid"]
