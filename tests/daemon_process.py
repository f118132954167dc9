"""The daemon as a real process for tests, and quick looks into its data_dir."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


class DaemonProcess:
    """``kliping --log-level info daemon`` with its stderr in a file, stopped with the test."""

    def __init__(self, config: Path, *, log_name: str = "daemon.log") -> None:
        self.config = config
        self.log_path = config.parent / log_name
        env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONFAULTHANDLER": "1"}  # SIGABRT dumps every thread
        command = [sys.executable, "-m", "kliping", "--config", str(config), "--log-level", "info", "daemon"]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_log(self, text: str, timeout: float = 20) -> None:
        wait_for(lambda: text in self.log() or self.proc.poll() is not None, timeout, f"{text!r} in the log")
        assert self.proc.poll() is None, f"daemon exited early:\n{self.log()}"

    def terminate(self, timeout: float = 30) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGABRT)  # faulthandler writes each thread's stack to the log
            self.proc.wait(10)
            tail = self.log()[-6000:]
            raise AssertionError(f"the daemon ignored SIGTERM for {timeout}s; its log ends:\n{tail}") from None

    def kill9(self) -> None:
        self.proc.kill()
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


def wait_for(predicate: Callable[[], Any], timeout: float, what: str, *, every: float = 0.1) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def query(config: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    """Rows from the archive under ``config``'s data_dir (empty if it does not exist yet)."""
    path = config.parent / "data" / "archive.sqlite3"
    if not path.exists():
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(sql, args).fetchall()
    except sqlite3.OperationalError:  # the daemon has not created the table yet
        return []
    finally:
        conn.close()


def article_count(config: Path) -> int:
    rows = query(config, "SELECT COUNT(*) FROM articles")
    return rows[0][0] if rows else 0


def runs(config: Path, source: str) -> list[dict[str, Any]]:
    rows = query(config, "SELECT new, updated, unchanged, failed, errors FROM crawl_runs WHERE source = ? "
                 "ORDER BY id", source)
    return [dict(zip(("new", "updated", "unchanged", "failed", "errors"), row, strict=True)) for row in rows]
