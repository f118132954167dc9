"""What discovery returns, and how it fails."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from kliping.errors import FetchError

__all__ = ["DiscoveredURL", "DiscoveryError", "parse_w3c_datetime"]


class DiscoveryError(FetchError):
    """A feed, sitemap or start page was fetched but is not what it claims to be.

    A FetchError subclass so callers that already record fetch failures record
    these too. (Proposed for kliping/errors.py; lives here until moved.)
    """

    code = "discovery"


@dataclass(frozen=True)
class DiscoveredURL:
    url: str
    published: datetime | None = None  # tz-aware when known
    title: str | None = None


def parse_w3c_datetime(value: str | None) -> datetime | None:
    """A sitemap date (W3C datetime: ``2024-05-01``, ``2024-05-01T10:00:00+07:00``) or None.

    Date-only and offset-less values are taken as UTC, so every datetime we
    return can be compared with every other.
    """
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            d = date.fromisoformat(text)
            return datetime(d.year, d.month, d.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
