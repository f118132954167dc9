"""Article URLs from RSS and Atom feeds, read by feedparser."""

from __future__ import annotations

import calendar
import logging
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from ingest.discover.base import DiscoveredURL, DiscoveryError
from ingest.fetch import Fetcher

__all__ = ["discover_feed"]

log = logging.getLogger(__name__)


def discover_feed(fetcher: Fetcher, feed_url: str) -> list[DiscoveredURL]:
    """The entries of the feed at ``feed_url``, newest as the feed orders them.

    Fetched conditionally: an unchanged feed (304) returns ``[]``, since its
    entries were seen on the previous run. A body that is not a feed raises
    :class:`DiscoveryError` rather than returning nothing as if the site were quiet.
    """
    response = fetcher.get(feed_url, conditional=True)
    if response.not_modified:
        log.info("feed %s unchanged since last run", feed_url)
        return []
    parsed = feedparser.parse(
        response.content,
        response_headers={k: v for k, v in response.headers.items() if k in ("content-type", "content-location")},
    )
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception") or "no RSS/Atom root element"
        raise DiscoveryError(f"not an RSS/Atom feed: {reason}", url=feed_url)
    if parsed.bozo:
        log.info("feed %s is not well-formed (%s); using what feedparser recovered", feed_url, parsed.bozo_exception)
    found = []
    for entry in parsed.entries:
        item = _entry(entry, response.url)
        if item is None:
            log.warning("feed %s: skipped an entry without a link (title %r)", feed_url, entry.get("title"))
        else:
            found.append(item)
    log.info("feed %s: %d entries", feed_url, len(found))
    return found


def _entry(entry: Any, base_url: str) -> DiscoveredURL | None:
    link = entry.get("link") or next(
        (lk.get("href") for lk in entry.get("links", []) if lk.get("rel", "alternate") == "alternate"), None
    )
    if not link or not link.strip():
        return None
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    title = (entry.get("title") or "").strip() or None
    return DiscoveredURL(urljoin(base_url, link.strip()), _utc(stamp), title)


def _utc(stamp: time.struct_time | None) -> datetime | None:
    """feedparser normalizes feed dates to UTC struct_time; make them aware datetimes."""
    if stamp is None:
        return None
    return datetime.fromtimestamp(calendar.timegm(stamp), tz=UTC)
