"""When to retry a request, and how long to wait first.

Kept apart from the fetcher so the policy (which statuses are worth another
try, how ``Retry-After`` is read, how backoff grows) is one small, testable
unit, as Scrapy keeps its retry middleware.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["RetryPolicy", "is_retryable_status", "parse_retry_after"]


def is_retryable_status(status: int) -> bool:
    """True for statuses where asking again later may well succeed: 429 Too Many Requests and any 5xx."""
    return status == 429 or 500 <= status < 600


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date).

    Returns None when the header is absent or unreadable, so the caller falls
    back to its own backoff instead of trusting garbage.
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, capped; ``Retry-After`` wins when given.

    The three numbers are ``fetch.retries``, ``fetch.backoff`` and ``fetch.max_backoff``
    (:class:`kliping.config.FetchConfig` declares them and their defaults).
    """

    retries: int
    backoff: float
    max_backoff: float

    @property
    def attempts(self) -> int:
        return self.retries + 1

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to sleep after failed attempt number ``attempt`` (0-based).

        Jitter spreads the retries of many workers so they do not hit a
        recovering server in lock-step; the server's own ``Retry-After`` is
        honoured as given (never shortened), only capped at ``max_backoff``.
        """
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_backoff)
        ceiling = min(self.backoff * (2**attempt), self.max_backoff)
        return random.uniform(ceiling / 2, ceiling)
