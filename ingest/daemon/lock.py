"""One daemon per data_dir: an exclusive ``flock`` on ``data_dir/daemon.lock``.

The kernel drops the lock when the process dies, however it dies (kill -9
included), so a stale lock file never keeps a restarted daemon out. The file
holds the PID of the holder, which a refused second daemon reports.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType
from typing import Self

from kliping.errors import AlreadyRunning

LOCK_FILE = "daemon.lock"

__all__ = ["LOCK_FILE", "DaemonLock", "holder_pid"]


class DaemonLock:
    """Held while the daemon runs; ``acquire`` raises :class:`AlreadyRunning` if another holds it."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> Self:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            pid = holder_pid(self.path.parent)
            who = f"process {pid}" if pid else "another process"
            raise AlreadyRunning(
                f"another kliping daemon ({who}) is already running on {self.path.parent}; "
                f"stop it first (kill {pid or '<pid>'}) or use another data_dir",
                pid=pid,
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        os.fsync(fd)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> Self:
        return self.acquire()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.release()


def holder_pid(data_dir: Path) -> int | None:
    """The PID of the daemon holding ``data_dir``'s lock, or None when no daemon runs there."""
    path = Path(data_dir) / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.read(fd, 64).decode(errors="replace").strip()
            return int(text) if text.isdigit() else None
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
