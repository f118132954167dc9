"""Article URLs from XML sitemaps: plain, gzipped, indexes of sitemaps, Google News.

Sitemap indexes are walked breadth-first with a bound on depth and on the
number of sitemaps read, and each sitemap is read at most once, so an index
that lists itself (or two that list each other) ends instead of looping.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass, field

from lxml import etree

from ingest.body import decompress_bounded
from ingest.discover.base import DiscoveredURL, DiscoveryError, parse_w3c_datetime
from ingest.fetch import Fetcher
from ingest.urls import canonicalize
from kliping.errors import FetchError

__all__ = ["discover_sitemap", "parse_sitemap"]

log = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
# No entities, no network, no huge trees: sitemaps come from strangers.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


@dataclass
class Sitemap:
    """One parsed sitemap file: article URLs (a urlset) or child sitemaps (an index)."""

    urls: list[DiscoveredURL] = field(default_factory=list)
    children: list[str] = field(default_factory=list)


def discover_sitemap(
    fetcher: Fetcher, sitemap_url: str, *, max_depth: int = 3, max_sitemaps: int = 50
) -> list[DiscoveredURL]:
    """Every URL listed by the sitemap at ``sitemap_url`` and the sitemaps it indexes.

    The first sitemap failing raises; a child failing is logged and skipped so
    one bad file does not hide the rest. Unchanged sitemaps (304) add nothing.
    An index that yields no URL at all because it only loops back raises
    :class:`DiscoveryError`.
    """
    queue: deque[tuple[str, int]] = deque([(sitemap_url, 0)])
    seen = {canonicalize(sitemap_url)}
    found: list[DiscoveredURL] = []
    skipped: list[str] = []
    read = 0
    while queue:
        url, depth = queue.popleft()
        if read >= max_sitemaps:
            skipped.append(f"{url} (over max_sitemaps={max_sitemaps})")
            continue
        read += 1
        sitemap = _read(fetcher, url, is_root=depth == 0, skipped=skipped)
        found.extend(sitemap.urls)
        for child in sitemap.children:
            key = canonicalize(child)
            if key in seen:
                skipped.append(f"{child} (already read: index loops back)")
            elif depth + 1 > max_depth:
                skipped.append(f"{child} (deeper than max_depth={max_depth})")
            else:
                seen.add(key)
                queue.append((child, depth + 1))
    for reason in skipped:
        log.warning("sitemap %s: skipped %s", sitemap_url, reason)
    if not found and skipped:
        raise DiscoveryError(f"sitemap yielded no URLs; skipped: {'; '.join(skipped)}", url=sitemap_url)
    log.info("sitemap %s: %d URLs from %d sitemaps", sitemap_url, len(found), read)
    return found


def _read(fetcher: Fetcher, url: str, *, is_root: bool, skipped: list[str]) -> Sitemap:
    try:
        # Not conditional: an unchanged index can list changed sitemaps, and an unchanged sitemap can still
        # hold URLs a run left for later (max_articles); the archive makes the known ones cheap.
        response = fetcher.get(url)
        return parse_sitemap(response.content, url=url, max_bytes=fetcher.settings.max_bytes)
    except FetchError as exc:
        if is_root:
            raise
        skipped.append(f"{url} ({exc})")
        return Sitemap()


def parse_sitemap(content: bytes, *, url: str, max_bytes: int) -> Sitemap:
    """Parse one sitemap body (gzip or not); raise DiscoveryError if it is not a sitemap."""
    if content.startswith(GZIP_MAGIC):
        content = decompress_bounded(content, max_bytes=max_bytes, url=url)
    try:
        root = etree.fromstring(content.lstrip(), parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise DiscoveryError(f"sitemap is not well-formed XML: {exc}", url=url) from exc
    if root is None:
        raise DiscoveryError("sitemap is empty", url=url)
    kind = etree.QName(root).localname
    if kind == "sitemapindex":
        return Sitemap(children=[loc for loc, _ in _entries(root, "sitemap")])
    if kind == "urlset":
        return Sitemap(urls=[_url(el, loc) for loc, el in _entries(root, "url")])
    raise DiscoveryError(f"not a sitemap: root element <{kind}>", url=url)


def _entries(root: etree._Element, tag: str) -> list[tuple[str, etree._Element]]:
    """(loc, element) of each child ``tag`` with a non-empty <loc>, whatever the namespace."""
    out = []
    for el in root:
        if not isinstance(el.tag, str) or etree.QName(el).localname != tag:
            continue
        loc = _child_text(el, "loc")
        if loc:
            out.append((loc, el))
        else:
            log.debug("sitemap entry <%s> without <loc> skipped", tag)
    return out


def _url(el: etree._Element, loc: str) -> DiscoveredURL:
    """A <url>: Google News' publication date and title when present, else <lastmod>."""
    news = el.find(f"{{{NEWS_NS}}}news")
    published = title = None
    if news is not None:
        published = parse_w3c_datetime(news.findtext(f"{{{NEWS_NS}}}publication_date"))
        title = (news.findtext(f"{{{NEWS_NS}}}title") or "").strip() or None
    if published is None:
        published = parse_w3c_datetime(_child_text(el, "lastmod"))
    return DiscoveredURL(loc, published, title)


def _child_text(el: etree._Element, name: str) -> str | None:
    for child in el:
        if isinstance(child.tag, str) and etree.QName(child).localname == name:
            return (child.text or "").strip() or None
    return None
