"""Discovery: which article URLs a source lists right now.

Three kinds of listing, one module each: RSS/Atom feeds (:mod:`.feeds`),
XML sitemaps (:mod:`.sitemaps`), and section/index pages (:mod:`.pages`).
Each fetches through the polite :class:`~ingest.fetch.Fetcher` and returns
:class:`DiscoveredURL` items; something that is not what it claims to be
raises :class:`DiscoveryError` instead of looking like a quiet site.
"""

from ingest.discover.base import DiscoveredURL, DiscoveryError
from ingest.discover.feeds import discover_feed
from ingest.discover.pages import discover_start_page
from ingest.discover.sitemaps import discover_sitemap

__all__ = ["DiscoveredURL", "DiscoveryError", "discover_feed", "discover_sitemap", "discover_start_page"]
