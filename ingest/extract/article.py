"""HTML to :class:`kliping.article.Article`: the stages, in order.

decode -> parse -> blocks -> metadata (JSON-LD, meta, page) -> body container
-> paragraphs -> not-an-article checks. Each stage lives in its own module.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING

import lxml.html

from ingest.extract.authors import find_authors
from ingest.extract.blocks import Block, iter_blocks
from ingest.extract.body import MAX_BODY_LINK_DENSITY, Body, extract_body
from ingest.extract.decode import decode_html
from ingest.extract.fallback import choose_body
from ingest.extract.meta import PageMeta, read_meta
from ingest.extract.pages import continuation_links
from ingest.extract.published import find_published
from ingest.extract.section import find_language, find_section
from ingest.extract.title import find_title
from ingest.extract.tree import parse_html
from ingest.extract.urls import find_canonical
from ingest.urls import canonicalize
from kliping.article import PARAGRAPH_SEPARATOR, Article

if TYPE_CHECKING:
    from kliping.config import ExtractSettings
from kliping.errors import NotAnArticle

log = logging.getLogger(__name__)

#: Less article text than this is a gallery, video or index page, not an article.
MIN_BODY_CHARS = 300
MIN_PARAGRAPHS = 2
#: Galleries and index pages: most of the "body" is short lines.
MIN_LONG_PARAGRAPH_SHARE = 0.3
LONG_PARAGRAPH_CHARS = 80


@dataclass
class Page:
    """One page's article, and (read from the same parse, when asked) the pages that continue it."""

    article: Article
    root: lxml.html.HtmlElement
    url: str | None

    @cached_property
    def continuations(self) -> list[str]:
        """URLs of pages 2..n, or of the single-page view; ``[]`` for most articles."""
        return continuation_links(self.root, self.url) if self.url else []


def extract_article(
    content: bytes | str,
    url: str | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    fetched_at: datetime | None = None,
    source: str | None = None,
    profile: ExtractSettings | None = None,
) -> Article:
    """Extract the article a page holds; raise NotAnArticle or ExtractError if none.

    ``profile`` is a source's ``extract:`` section (:class:`kliping.config.ExtractSettings`: ``body_selector``,
    ``drop_selectors``, ``drop_phrases``), or None for the generic extractor alone.
    """
    return extract_page(content, url, headers=headers, fetched_at=fetched_at, source=source, profile=profile).article


def extract_page(
    content: bytes | str,
    url: str | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    fetched_at: datetime | None = None,
    source: str | None = None,
    profile: ExtractSettings | None = None,
    continuation: bool = False,
) -> Page:
    """:func:`extract_article`, with the parsed page kept for its continuation links (one decode and parse).

    A ``continuation`` page (page 2..n of an article) is not held to the
    not-an-article checks: a short last page is still part of the article.
    """
    text = decode_html(content, headers)
    root = parse_html(text, url)  # extraction reads the tree, never changes it
    elements = list(root.iter())  # keeps lxml proxies (and so their ids) alive for every stage
    blocks = list(iter_blocks(root))
    meta = read_meta(root)
    title = find_title(root, meta)
    body = extract_body(elements, blocks, title=title, profile=profile)
    if _asks_second_opinion(profile):
        body = _second_opinion(body, blocks, text, url, title, profile,
                               declared=_declares_an_article(root, meta), continuation=continuation)
    elif not continuation:
        _check_article(body, url, declared=_declares_an_article(root, meta))
    start = _first_block_index(blocks, body)
    article = Article(
        url=_canonical_url(find_canonical(root, meta, url) or url),
        title=title,
        body=PARAGRAPH_SEPARATOR.join(body.paragraphs),
        source=source,
        published=find_published(root, meta, blocks, start, fetched_at),
        authors=find_authors(root, meta, blocks, url),
        section=find_section(root, meta, title),
        editor=body.editor,
        language=find_language(meta, body.paragraphs),
        fetched_at=fetched_at.isoformat(timespec="seconds") if fetched_at else None,
    )
    return Page(article, root, url)


def _asks_second_opinion(profile: ExtractSettings | None) -> bool:
    """trafilatura is asked unless the source turned it off or names its body's container (then the
    profile's author knows better than either extractor)."""
    if profile is None:
        return True
    return profile.second_opinion and not profile.body_selector


def _second_opinion(
    body: Body, blocks: list[Block], text: str, url: str | None, title: str, profile: ExtractSettings | None, *,
    declared: bool, continuation: bool,
) -> Body:
    """kliping's body, or trafilatura's reading cleaned the same way where that is better
    (:mod:`ingest.extract.fallback`); NotAnArticle when neither found an article.
    """
    def is_article(candidate: Body, declared: bool) -> bool:
        try:
            _check_article(candidate, url, declared=declared)
        except NotAnArticle:
            return False
        return True

    own = body if continuation or is_article(body, declared) else None
    teasers = [b.text for b in blocks if all(id(s.anchor) in body.teasers for s in b.segments)]
    links = [b.text for b in blocks if b.link_density > MAX_BODY_LINK_DENSITY]
    choice = choose_body(own, text, url, title=title, is_article=lambda other: is_article(other, declared),
                         profile=profile, teasers=teasers, link_text=links)
    if choice is None:
        _check_article(body, url, declared=declared)  # raises NotAnArticle with kliping's reason
        return body
    if choice.source != "kliping":
        log.debug("%s: body from trafilatura (%s)", url or "page", choice.reason)
    return choice.body


def _canonical_url(url: str | None) -> str:
    """The key the archive stores the article under: the same canonical form as page keys."""
    return canonicalize(url) if url else ""


def _declares_an_article(root: lxml.html.HtmlElement, meta: PageMeta) -> bool:
    """Whether the page says it is an article: JSON-LD of an article type, ``og:type`` article, or an
    ``<article>`` element."""
    return bool(meta.jsonld) or (meta.first("og:type") or "").lower() == "article" or next(
        root.iter("article"), None) is not None


def _check_article(body: Body, url: str | None, *, declared: bool = False) -> None:
    """Refuse what is not an article. A page that says it is one may be a single paragraph (a short post, a
    news flash), as long as it has ``MIN_BODY_CHARS`` of prose."""
    chars = sum(len(p) for p in body.paragraphs)
    needed = 1 if declared else MIN_PARAGRAPHS
    if chars < MIN_BODY_CHARS or len(body.paragraphs) < needed:
        raise NotAnArticle(
            f"no article text: {len(body.paragraphs)} paragraphs, {chars} characters "
            "(a section, tag, gallery, video or error page?)",
            url=url,
        )
    long_chars = sum(len(p) for p in body.paragraphs if len(p) >= LONG_PARAGRAPH_CHARS)
    if long_chars < MIN_LONG_PARAGRAPH_SHARE * chars:
        raise NotAnArticle(
            f"no article text: {len(body.paragraphs)} short lines and no prose (a gallery, list or index page?)",
            url=url,
        )



def _first_block_index(blocks: list, body: Body) -> int:
    if body.container is None:
        return 0
    members = {id(e) for e in body.container.iter()}
    for index, block in enumerate(blocks):
        if any(id(s.anchor) in members for s in block.segments):
            return index
    return 0
