"""Article URLs linked from a section or index page, filtered by the source's pattern."""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from ingest.discover.base import DiscoveredURL, DiscoveryError
from ingest.extract.decode import decode_html
from ingest.extract.tree import page_links, parse_html
from ingest.fetch import Fetcher
from kliping.errors import ExtractError

__all__ = ["discover_start_page"]

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")


def discover_start_page(fetcher: Fetcher, page_url: str, pattern: re.Pattern[str] | None) -> list[DiscoveredURL]:
    """Links on ``page_url`` whose absolute URL matches ``pattern``, in page order, once each.

    Without a pattern, every link to the page's own host is returned (the
    crawler's extractor then tells articles from the rest).
    """
    response = fetcher.get(page_url)
    content_type = response.headers.get("content-type", "text/html").split(";")[0].strip().lower()
    if content_type not in HTML_TYPES:
        raise DiscoveryError(f"start page is {content_type}, not HTML", url=page_url)
    try:  # the extractor's decoding (header, meta, detection) and hardened parse
        doc = parse_html(decode_html(response.content, response.headers), page_url)
    except ExtractError as exc:
        raise DiscoveryError(f"start page is not parseable HTML: {exc}", url=page_url) from exc
    own_host = urlsplit(response.url).netloc.lower()
    found: dict[str, DiscoveredURL] = {}
    for anchor, url in page_links(doc, response.url):
        if url in found:
            continue
        if pattern.search(url) if pattern is not None else urlsplit(url).netloc.lower() == own_host:
            title = " ".join(anchor.text_content().split()) or None
            found[url] = DiscoveredURL(url, None, title)
    log.info("start page %s: %d matching links", page_url, len(found))
    return list(found.values())
