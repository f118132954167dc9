"""Text to an lxml tree, safely, and the few tree and text helpers every stage needs.

libxml2 caps nesting depth itself (deeper elements are flattened), and every
walk in this package is iterative, so a page nested 10,000 deep cannot blow
the Python stack.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator
from urllib.parse import urldefrag, urljoin

import lxml.etree as etree
import lxml.html
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

from kliping.errors import ExtractError

log = logging.getLogger(__name__)

#: Pages beyond this many characters are cut before parsing (an article page is
#: rarely over 1 MB; a 10 MB page is a mistake, not a longer article).
MAX_CHARS = 5_000_000

#: Elements whose text is never article text.
NEVER_TEXT = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "head",
        "title",
        "meta",
        "link",
        "button",
        "select",
        "option",
        "input",
        "textarea",
        "canvas",
        "audio",
        "video",
        "map",
    ]
)

#: libxml2 stops nesting here and drops deeper content; such pages are re-parsed flattened.
PARSER_DEPTH_CAP = 250
_WRAPPER_TAGS = re.compile(r"</?(?:div|span|section|article|font|center|table|tbody|tr|td|b|i|em|strong)\b[^>]*>", re.I)
_WS = re.compile(r"\s+")
_PARSER = lxml.html.HTMLParser(remove_comments=False, remove_pis=True, recover=True, huge_tree=False)
# bs4 warns when the markup it is handed looks like a URL or a file name; a metadata string may.
warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)


def parse_html(text: str, url: str | None = None) -> lxml.html.HtmlElement:
    """Parse decoded HTML; raise ExtractError when there is no document at all."""
    if len(text) > MAX_CHARS:
        log.warning("page of %d chars cut to %d", len(text), MAX_CHARS)
        text = text[:MAX_CHARS]
    if not text.strip():
        raise ExtractError("empty page", url=url)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractError(f"unparseable HTML: {exc}", url=url) from exc
    if root is None:
        raise ExtractError("unparseable HTML", url=url)
    if max_depth(root) >= PARSER_DEPTH_CAP:
        log.warning("markup nested past %d levels; re-parsing with wrapper tags flattened", PARSER_DEPTH_CAP)
        root = lxml.html.document_fromstring(_WRAPPER_TAGS.sub(" ", text), parser=_PARSER)
    return root


def max_depth(root: lxml.html.HtmlElement) -> int:
    """Depth of the deepest element (iterative)."""
    depth = {id(root): 0}
    deepest = 0
    elements = list(root.iter())  # keeps proxies alive while their ids are in use
    for el in elements[1:]:
        parent = el.getparent()
        level = depth.get(id(parent), 0) + 1
        depth[id(el)] = level
        deepest = max(deepest, level)
    return deepest


def clean_space(text: str | None) -> str:
    """Runs of white space (also &nbsp; and zero-width spaces) become one space."""
    if not text:
        return ""
    return _WS.sub(" ", text.replace("\u200b", "").replace("\ufeff", "")).strip()


def markup_text(text: str | None) -> str:
    """A metadata string (meta tag, JSON-LD) as plain text, spaces collapsed.

    CMSs often escape such strings twice (``DLP&#8217;s``, ``Filme &amp; Serien``)
    or leave inline tags in them; BeautifulSoup over lxml resolves both as the
    page itself was read. Strings with neither ``&`` nor ``<`` skip the parse.
    """
    if text and ("&" in text or "<" in text):
        text = BeautifulSoup(text, "lxml").get_text()
    return clean_space(text)


def element_text(el: lxml.html.HtmlElement) -> str:
    """Visible text of an element, scripts and styles skipped, spaces collapsed."""
    parts: list[str] = []
    walk = etree.iterwalk(el, events=("start", "end", "comment", "pi"))
    for event, node in walk:
        if event in ("comment", "pi"):
            if node.tail:
                parts.append(node.tail)
        elif event == "start":
            if not isinstance(node.tag, str) or node.tag in NEVER_TEXT:
                walk.skip_subtree()  # nothing inside a script, button or svg is text (its "end" still comes)
            elif node.text:
                parts.append(node.text)
        elif node is not el and node.tail:  # the text after an element, in document order
            parts.append(node.tail)
    return clean_space(" ".join(parts))


def class_id(el: lxml.html.HtmlElement) -> str:
    """The element's class and id, lower-cased, for generic name heuristics."""
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()


#: Link targets that are no page to fetch.
SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "whatsapp:")


def page_links(root: lxml.html.HtmlElement, page_url: str | None,
               tags: tuple[str, ...] = ("a",)) -> Iterator[tuple[lxml.html.HtmlElement, str]]:
    """Each link's element and absolute http(s) URL, fragment dropped, resolved against the page's
    ``<base href>`` when it sets one (as a browser resolves them)."""
    base = root.find(".//base[@href]")
    base_url = urljoin(page_url or "", base.get("href").strip()) if base is not None else page_url or ""
    for el in root.iter(*tags):
        href = (el.get("href") or "").strip()
        if not href or href.startswith("#") or href.lower().startswith(SKIP_SCHEMES):
            continue
        url = urldefrag(urljoin(base_url, href))[0]
        if url.startswith(("http://", "https://")):
            yield el, url
