"""trafilatura's reading of a page, as kliping text blocks.

trafilatura (a kept, widely used extractor) finds the main text well on pages
of every kind of site. Its XML output keeps the structure kliping needs to
clean a text its own way: paragraphs, headings, list items, table cells, line
breaks and links. That tree is renamed into HTML (``item`` -> ``li``, ``ref`` ->
``a``, ``lb`` -> ``br``, ...) and cut into the same :class:`Block` objects the
page itself gives, so the Indonesian cleaning in :mod:`ingest.extract.body`
(the boilerplate catalogue, "Baca juga" lines, reaction widgets, captions,
editor initials, link lists) runs on it unchanged.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from typing import Any

import lxml.etree as etree
import lxml.html

from ingest.extract.blocks import Block, iter_blocks
from ingest.extract.teasers import teaser_ids

log = logging.getLogger(__name__)

#: trafilatura is not safe to run in two threads at once: concurrent ``extract()`` calls crash the process now and
#: then with SIGSEGV inside lxml (adbar/trafilatura#840, still seen with 2.2 in #925). The daemon runs sources in a
#: thread pool, so every call goes through this lock; only pages whose own reading is weak get here, so the wait is
#: short.
EXTRACT_LOCK = threading.Lock()

#: trafilatura's XML element -> the HTML element with the same meaning for :func:`iter_blocks`.
HTML_OF = {
    "main": "div",
    "p": "p",
    "head": "h3",
    "list": "ul",
    "item": "li",
    "table": "table",
    "row": "tr",
    "cell": "td",
    "quote": "blockquote",
    "code": "pre",
    "lb": "br",
    "ref": "a",
    "hi": "span",
    "del": "del",
    "graphic": "img",
    "div": "div",
}


@lru_cache(maxsize=1)
def available() -> bool:
    """Whether trafilatura can be imported (it is a dependency; a broken install must not stop extraction)."""
    try:
        import trafilatura  # noqa: F401
    except ImportError as exc:  # pragma: no cover - only on a broken install
        log.warning("trafilatura unavailable, no second opinion on weak pages: %s", exc)
        return False
    return True


def trafilatura_blocks(html: str, url: str | None = None) -> list[Block]:
    """The main text trafilatura finds on ``html``, as blocks; ``[]`` when it finds none."""
    if not available():
        return []
    import trafilatura

    try:
        with EXTRACT_LOCK:
            xml = trafilatura.extract(
                html, url=url, output_format="xml", include_links=True, include_comments=False,
                include_images=False, with_metadata=False,
            )
    except Exception as exc:  # noqa: BLE001 - a second opinion that fails is no opinion
        log.warning("trafilatura failed on %s: %s", url or "page", exc)
        return []
    if not xml:
        return []
    tree = as_html(xml)
    if tree is None:
        return []
    # The teaser test names elements by id(); lxml makes a new proxy (often at a freed one's address) each time
    # an element is reached again, so the proxies must stay alive while the ids are compared.
    elements = list(tree.iter())
    teasers = teaser_ids(tree)  # trafilatura sometimes takes a "Berita Lainnya" list for the article
    blocks = [b for b in iter_blocks(tree) if not all(id(s.anchor) in teasers for s in b.segments)]
    del elements
    return blocks


def as_html(xml: str) -> lxml.html.HtmlElement | None:
    """trafilatura's XML document as an HTML ``<body>`` with its main text (comments left out)."""
    try:
        doc = etree.fromstring(xml.encode("utf-8"), parser=etree.XMLParser(recover=True, resolve_entities=False))
    except etree.XMLSyntaxError:
        return None
    if doc is None:
        return None
    main = doc.find("main")
    if main is None:
        return None
    body = lxml.html.Element("body")
    body.append(_convert(main))
    return body


def _convert(node: Any) -> lxml.html.HtmlElement:
    """A copy of ``node`` with HTML tag names (iterative: trafilatura's trees can be deep)."""
    root = lxml.html.Element(HTML_OF.get(node.tag, "span"))
    stack = [(node, root)]
    while stack:
        source, target = stack.pop()
        target.text = source.text
        target.tail = source.tail
        if source.tag == "ref" and source.get("target"):
            target.set("href", source.get("target"))
        for child in source:
            if not isinstance(child.tag, str):
                continue
            copy = lxml.html.Element(HTML_OF.get(child.tag, "span"))
            target.append(copy)
            stack.append((child, copy))
    return root
