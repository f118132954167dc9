"""Cut a page into text blocks: the paragraphs a reader sees.

A block ends at every block-level tag and every ``<br>``, so text split by
``<br><br>``, ``<p>``, unclosed ``<p><p>`` or ``<div>`` is never glued into one
paragraph. Each piece of text remembers the element it sits in (its anchor)
and whether it is link text: the container scorer and the boilerplate filter
work from those.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

import lxml.html

from ingest.extract.tree import NEVER_TEXT, clean_space

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)


@dataclass
class Segment:
    text: str
    anchor: lxml.html.HtmlElement
    in_link: bool


@dataclass
class Block:
    """One paragraph-to-be: its text pieces and where they came from.

    ``text`` and ``link_chars`` are worked out once (every stage asks for them, the container scorer and the
    boilerplate filter many times a block): a block's segments do not change once :func:`iter_blocks` yields it.
    """

    segments: list[Segment] = field(default_factory=list)

    @cached_property
    def text(self) -> str:
        return clean_space("".join(s.text for s in self.segments))

    @cached_property
    def link_chars(self) -> int:
        return len(clean_space("".join(s.text for s in self.segments if s.in_link)))

    @property
    def link_density(self) -> float:
        length = len(self.text)
        return self.link_chars / length if length else 0.0

    def within(self, members: set[int]) -> Block:
        """The part of this block whose text sits inside the given element ids."""
        return Block([s for s in self.segments if id(s.anchor) in members])


def iter_blocks(root: lxml.html.HtmlElement) -> Iterator[Block]:
    """Yield the page's non-empty text blocks in reading order (iterative walk)."""
    current = Block()
    link_depth = 0
    stack: list[tuple[lxml.html.HtmlElement, bool]] = [(root, True)]  # (element, entering?)
    while stack:
        el, entering = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else ""
        if entering and (not tag or tag in NEVER_TEXT):
            _add(current, el.tail, el.getparent(), link_depth > 0)
            continue
        if entering:
            if tag in BLOCK_TAGS or tag == "br":
                if _has_text(current):
                    yield current
                current = Block()
            if tag == "br":
                _add(current, el.tail, el.getparent(), link_depth > 0)
                continue
            link_depth += tag == "a"
            _add(current, el.text, el, link_depth > 0)
            stack.append((el, False))
            stack.extend((child, True) for child in reversed(el))
            continue
        link_depth -= tag == "a"
        if tag in BLOCK_TAGS:
            if _has_text(current):
                yield current
            current = Block()
        _add(current, el.tail, el.getparent(), link_depth > 0)
    if _has_text(current):
        yield current


def _has_text(block: Block) -> bool:
    """Whether the block being filled has any text yet (without caching ``text`` while segments still come)."""
    return any(clean_space(s.text) for s in block.segments)


def _add(block: Block, text: str | None, anchor: lxml.html.HtmlElement | None, in_link: bool) -> None:
    if text and anchor is not None:
        block.segments.append(Segment(text, anchor, in_link))
