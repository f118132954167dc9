"""Multi-page articles: find pages 2..n (or the single-page view), merge them.

A continuation link points at the same article: the same host and path with
a page parameter (``?page=2``, ``?hal=2``, ``?page=all``) or a page number
appended to the path (``/2``, ``-2``, ``/page/2``). Links to other articles never
qualify, however they are labelled. A single-page view (``?page=all``, "Tampilkan
semua") is preferred over pages 2..n when the page offers one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from urllib.parse import parse_qsl, urlencode, urlsplit

import lxml.html

from ingest.extract.decode import decode_html
from ingest.extract.tree import page_links, parse_html
from kliping.article import PARAGRAPH_SEPARATOR, Article
from kliping.errors import ExtractError

PAGE_PARAMS = frozenset({"page", "p", "hal", "halaman", "pg", "paging", "pagenum"})
SINGLE_PAGE_VALUES = frozenset({"all", "full", "semua", "single"})
#: Most continuation pages (2, 3, ...) of one article: a link to a page past ``1 + MAX_CONTINUATIONS`` is no
#: continuation, and the crawler (``ingest.crawl.assemble_article``) follows at most this many. One number for
#: both, so what extraction lists is what the crawler fetches.
MAX_CONTINUATIONS = 20
_PATH_PAGE = re.compile(r"^(?P<base>.*?)(?:/page/|/|-)(?P<n>\d{1,2})/?$")


def continuation_urls(content: bytes | str, url: str, *, headers: Mapping[str, str] | None = None) -> list[str]:
    """Absolute URLs of pages 2..n, or ``[single-page-view URL]``; ``[]`` for one-page articles."""
    try:
        root = parse_html(decode_html(content, headers), url)
    except ExtractError:
        return []
    return continuation_links(root, url)


def continuation_links(root: lxml.html.HtmlElement, url: str) -> list[str]:
    """:func:`continuation_urls` of a page already parsed."""
    base = _strip_page(url)
    numbered: dict[int, str] = {}
    for _, target in page_links(root, url, ("a", "link")):
        kind = _page_of(target, base)
        if kind == "all":
            return [target]
        if isinstance(kind, int) and 2 <= kind <= 1 + MAX_CONTINUATIONS:
            numbered.setdefault(kind, target)
    return [numbered[n] for n in sorted(numbered)]


def _strip_page(url: str) -> tuple[str, str, str]:
    """(host, path, other query) of the article, without any page marker."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in PAGE_PARAMS]
    path = parts.path
    match = _PATH_PAGE.match(path)
    if match and match.group("base"):
        path = match.group("base")
    return parts.netloc.lower(), path.rstrip("/"), urlencode(sorted(query))


def _page_of(target: str, base: tuple[str, str, str]) -> int | str | None:
    parts = urlsplit(target)
    if parts.netloc.lower() != base[0]:
        return None
    pairs = parse_qsl(parts.query)
    page = [v for k, v in pairs if k.lower() in PAGE_PARAMS]
    other = urlencode(sorted((k, v) for k, v in pairs if k.lower() not in PAGE_PARAMS))
    path = parts.path.rstrip("/")
    if page and path == base[1] and other == base[2]:
        value = page[0].lower()
        if value in SINGLE_PAGE_VALUES:
            return "all"
        return int(value) if value.isdigit() else None
    match = _PATH_PAGE.match(parts.path)
    if match and match.group("base").rstrip("/") == base[1] and not parts.query:
        return int(match.group("n"))
    return None


def merge_pages(pages: list[Article]) -> Article:
    """One article from pages 1..n in order: page 1's metadata, every page's new paragraphs."""
    if not pages:
        raise ExtractError("merge_pages needs at least one page")
    seen: set[str] = set()
    paragraphs: list[str] = []
    for page in pages:
        for paragraph in page.paragraphs:
            if paragraph not in seen:
                seen.add(paragraph)
                paragraphs.append(paragraph)
    first = pages[0]
    return replace(
        first,
        body=PARAGRAPH_SEPARATOR.join(paragraphs),
        authors=first.authors or next((p.authors for p in pages if p.authors), []),
        editor=next((p.editor for p in reversed(pages) if p.editor), first.editor),
    )
