"""Daemon logs as one ``key=value`` line per event, greppable and machine-readable.

``2024-05-01T10:00:00+0700 level=info logger=ingest.daemon.service event=run_end source=tempo new=3``
"""

from __future__ import annotations

import logging

FORMAT = "%(asctime)s level=%(levelname)s logger=%(name)s thread=%(threadName)s %(message)s"
DATEFMT = "%Y-%m-%dT%H:%M:%S%z"


class KeyValueFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(FORMAT, DATEFMT)

    def format(self, record: logging.LogRecord) -> str:
        record.levelname = record.levelname.lower()
        return super().format(record).replace("\n", "\n    ")


def use_key_value_logs(level: int | None = None) -> None:
    """Switch every root handler to the key=value form (``--log-level`` sets the level)."""
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig()
    for handler in root.handlers:
        handler.setFormatter(KeyValueFormatter())
    if level is not None:
        root.setLevel(level)
    logging.getLogger("apscheduler").setLevel(max(root.level, logging.WARNING))
    logging.getLogger("httpx").setLevel(max(root.level, logging.WARNING))
