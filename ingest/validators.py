"""Where conditional-GET validators (ETag, Last-Modified) are remembered between runs.

The SQLite archive implements :class:`ValidatorStore` so validators survive a
restart; :class:`MemoryValidatorStore` serves tests and one-off runs.
"""

from __future__ import annotations

import threading
from typing import Protocol, runtime_checkable

__all__ = ["MemoryValidatorStore", "ValidatorStore"]


@runtime_checkable
class ValidatorStore(Protocol):
    def get_validators(self, url: str) -> tuple[str | None, str | None]:
        """(etag, last_modified) last seen for ``url``, or (None, None)."""
        ...

    def put_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        """Remember the validators of the latest full response for ``url``."""
        ...


class MemoryValidatorStore:
    """A thread-safe dict-backed :class:`ValidatorStore`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: dict[str, tuple[str | None, str | None]] = {}

    def get_validators(self, url: str) -> tuple[str | None, str | None]:
        with self._lock:
            return self._data.get(url, (None, None))

    def put_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self._lock:
            self._data[url] = (etag, last_modified)
