"""Lists of other stories, found by their shape rather than their names.

A "News Feed", "Berita Terkait" or "Terpopuler" block is a run of sibling
items of one tag, each a short teaser: a headline link to another page, maybe
a time, a channel label or a one-line summary. Such a run can carry more text
than a short article (a 2015 detik page's feed held ~6,000 characters), so the
container scorer must not count it as prose, and the body must not keep it,
whatever its class names say. A short heading right before the run is its
label ("News Feed") and goes with it.
"""

from __future__ import annotations

from collections import Counter

import lxml.html

from ingest.extract.tree import element_text

#: A run needs this many teaser items to be a list of stories.
MIN_TEASERS = 4
#: Share of the run's items (of its commonest tag) that must be teaser-shaped.
MIN_TEASER_SHARE = 0.7
#: A teaser item is short: a headline, a time, at most a line or two of summary.
MAX_TEASER_CHARS = 400
#: A teaser card is a handful of elements; a section of a page is many more.
MAX_TEASER_ELEMENTS = 80
#: A headline link has at least this many words ...
MIN_HEADLINE_WORDS = 3
#: ... and at least this share of the item's text.
MIN_HEADLINE_SHARE = 0.1
#: A label before the run ("News Feed", "Berita Terkait") is shorter than this.
MAX_LABEL_CHARS = 60
LABEL_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "div", "span", "p", "strong", "b", "header"})
#: Paragraphs are prose even in a row of links; teasers sit in items, cards and list entries.
ITEM_TAGS = frozenset({"li", "div", "article", "section", "dd", "dt", "tr", "figure", "aside"})


def teaser_ids(root: lxml.html.HtmlElement) -> set[int]:
    """Ids of every element inside a list of other stories (items, their contents, the list's label)."""
    found: set[int] = set()
    for parent in root.iter():
        if not isinstance(parent.tag, str) or id(parent) in found:
            continue
        items = _teaser_run(parent)
        if items:
            for item in items:
                found.update(id(e) for e in item.iter())
            label = _label_before(items[0])
            if label is not None:
                found.update(id(e) for e in label.iter())
    return found


def _teaser_run(parent: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """The children of ``parent`` that make a teaser list, or ``[]``."""
    children = [c for c in parent if isinstance(c.tag, str) and c.tag in ITEM_TAGS]
    if len(children) < MIN_TEASERS:
        return []
    tag, count = Counter(c.tag for c in children).most_common(1)[0]
    if count < MIN_TEASERS:
        return []
    same = [c for c in children if c.tag == tag]
    teasers = [c for c in same if _is_teaser(c)]
    hrefs = {_headline_href(c) for c in teasers}
    if len(teasers) < MIN_TEASERS or len(teasers) < MIN_TEASER_SHARE * len(same) or len(hrefs) < MIN_TEASERS:
        return []
    return same


def _is_teaser(item: lxml.html.HtmlElement) -> bool:
    """Short, and led by a headline link to somewhere else (cheap tests first: this runs on every card)."""
    if item.xpath("count(.//*)") > MAX_TEASER_ELEMENTS:
        return False
    link = _headline_link(item)
    if link is None:
        return False
    text = element_text(item)
    if len(text) > MAX_TEASER_CHARS or _has_long_p(item):
        return False
    return len(element_text(link)) >= MIN_HEADLINE_SHARE * len(text)


def _has_long_p(item: lxml.html.HtmlElement) -> bool:
    """More than one paragraph of text: an article section, not a teaser's one-line summary."""
    return len([p for p in item.iter("p") if element_text(p)]) > 1


def _headline_link(item: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    for link in item.iter("a"):
        href = (link.get("href") or "").strip()
        if href and not href.startswith("#") and len(element_text(link).split()) >= MIN_HEADLINE_WORDS:
            return link
    return None


def _headline_href(item: lxml.html.HtmlElement) -> str:
    link = _headline_link(item)
    return (link.get("href") or "") if link is not None else ""


def _label_before(first: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """A short heading-like element just before the run, or before its list ("News Feed" over ``<ul>``)."""
    node = first if _previous(first) is not None else first.getparent()
    previous = _previous(node) if node is not None else None
    if previous is None or previous.tag not in LABEL_TAGS:
        return None
    text = element_text(previous)
    return previous if text and len(text) < MAX_LABEL_CHARS else None


def _previous(el: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    previous = el.getprevious()
    while previous is not None and not isinstance(previous.tag, str):
        previous = previous.getprevious()
    return previous
