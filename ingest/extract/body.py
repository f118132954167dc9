"""The article body: container, then paragraphs, then boilerplate out.

The container comes from the scorer (or a profile's selector); widgets inside
it (captions, share bars, related lists) go only when they hold a small share
of the article's prose, so markup that nests the article inside a share bar
cannot delete the article.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import lxml.html

from ingest.extract import boilerplate as bp
from ingest.extract.blocks import Block, Segment
from ingest.extract.container import best_container, block_weight
from ingest.extract.dates import PRINTED_DATE
from ingest.extract.teasers import teaser_ids
from ingest.extract.tree import class_id, clean_space, element_text

if TYPE_CHECKING:
    from kliping.config import ExtractSettings

log = logging.getLogger(__name__)

#: A widget inside the container is removed only if it holds less than this
#: share of the container's prose score.
WIDGET_MAX_SHARE = 0.25
#: Above this share of link text a paragraph inside the body is a link list.
MAX_BODY_LINK_DENSITY = 0.6
#: A link paragraph after a "Baca juga" header continues its list if shorter than this.
MAX_LIST_ITEM_CHARS = 200
NEVER_BODY_TAGS = frozenset({"figcaption", "nav", "aside"})
#: A picture's wrapper with at most this much text holds a caption, not prose.
MAX_CAPTION_CHARS = 250
CAPTION_WRAPPER_TAGS = frozenset({"div", "span", "figure", "table", "td", "center", "a"})
#: A short line that is a printed date plus at most this many other characters is a dateline, not prose.
MAX_DATE_LINE_EXTRA_CHARS = 20
MAX_DATE_LINE_CHARS = 90
#: A line with a link after the last paragraph of prose is tail boilerplate below this length.
MAX_TAIL_LINE_CHARS = 100
#: The lead (kickers, bylines, follow lines) ends at the first block this long: the first sentence.
LEAD_PROSE_CHARS = 80
#: An all-caps line of the lead up to this long is a kicker or slogan, not a sentence.
MAX_KICKER_CHARS = 60
MIN_KICKER_LETTERS = 4
_READ_ALSO_TAIL = re.compile(r"\b(baca|lihat|simak)( juga| pula)?\s*[:\-]?\s*$", re.I)


@dataclass
class Body:
    paragraphs: list[str] = field(default_factory=list)
    editor: str | None = None
    container: lxml.html.HtmlElement | None = None
    #: ids of the page's elements inside lists of other stories (:mod:`ingest.extract.teasers`)
    teasers: set[int] = field(default_factory=set)


def extract_body(
    elements: list[lxml.html.HtmlElement],
    blocks: list[Block],
    *,
    title: str = "",
    profile: ExtractSettings | None = None,
) -> Body:
    """Paragraphs of the article among ``blocks`` (``elements`` = ``list(root.iter())``)."""
    teasers = teaser_ids(elements[0])
    container, score = _container(elements, blocks, profile, teasers)
    members = _members(container, blocks, score, profile) - teasers
    paragraphs, editor = _paragraphs((b.within(members) for b in blocks), title, profile)
    return Body(paragraphs, editor, container, teasers)


def _container(
    elements: list[lxml.html.HtmlElement], blocks: list[Block], profile: ExtractSettings | None, teasers: set[int]
) -> tuple[lxml.html.HtmlElement, float]:
    if profile and profile.body_selector:
        found = _select(elements[0], profile.body_selector)
        if found:
            return found[0], float(sum(max(block_weight(b), 0) for b in blocks))
        log.info("profile body_selector %r matched nothing; using the scorer", profile.body_selector)
    return best_container(elements, blocks, teasers)


def _members(
    container: lxml.html.HtmlElement, blocks: list[Block], score: float, profile: ExtractSettings | None
) -> set[int]:
    """Ids of the container's elements, minus small widgets inside it."""
    prose = _prose_by_element(blocks)
    dropped: set[int] = set()
    for sel in profile.drop_selectors if profile else []:
        dropped.update(id(e) for found in _select(container, sel) for e in found.iter())
    for el in container.iterdescendants():
        if id(el) in dropped or not isinstance(el.tag, str):
            continue
        if el.tag in NEVER_BODY_TAGS or bp.has_widget_hint(class_id(el)) or _is_image_caption(el):
            share = sum(prose.get(id(e), 0.0) for e in el.iter()) / max(score, 1.0)
            if share < WIDGET_MAX_SHARE:
                dropped.update(id(e) for e in el.iter())
    return {id(e) for e in container.iter()} - dropped


def _is_image_caption(el: lxml.html.HtmlElement) -> bool:
    """A picture's wrapper whose only text is a line or two: the caption and credit.

    Old templates put the caption in a ``<span>`` beside the ``<img>`` in a ``<div>``
    with no caption class; the shape says it. ``<p>`` is left out: a paragraph may
    carry an inline picture and still be prose; so is a wrapper with the page's
    ``<h1>`` (a lead picture with the title and standfirst under it).
    """
    if el.tag not in CAPTION_WRAPPER_TAGS or el.find(".//img") is None:
        return False
    if el.find(".//h1") is not None:
        return False
    text = element_text(el)
    return 0 < len(text) <= MAX_CAPTION_CHARS


def _prose_by_element(blocks: list[Block]) -> dict[int, float]:
    prose: dict[int, float] = {}
    for block in blocks:
        weight = max(block_weight(block), 0.0)
        for seg in block.segments:
            prose[id(seg.anchor)] = prose.get(id(seg.anchor), 0.0) + weight
    return prose


def _select(root: lxml.html.HtmlElement, selector: str) -> list[lxml.html.HtmlElement]:
    try:
        return list(root.cssselect(selector))
    except Exception as exc:  # noqa: BLE001 - a bad selector in config must not stop a crawl
        log.warning("profile selector %r unusable: %s", selector, exc)
        return []


def clean_paragraphs(
    blocks: Iterable[Block], title: str, profile: ExtractSettings | None = None
) -> tuple[list[str], str | None]:
    """The article's paragraphs among ``blocks`` (already chosen as the body), cleaned, and the editor's
    initials if a sign-off named them: the Indonesian cleaning, whoever chose the blocks."""
    return _paragraphs(blocks, title, profile)


def _paragraphs(blocks: Iterable[Block], title: str, profile: ExtractSettings | None) -> tuple[list[str], str | None]:
    phrases = [p.lower() for p in profile.drop_phrases] if profile else []
    out: list[str] = []
    linked_lines: list[bool] = []
    editor: str | None = None
    in_list = False
    in_lead = True
    for block in blocks:
        text = bp.strip_inline(_text_without_read_also(block.segments))
        if not text:
            continue
        if in_lead and _is_lead_line(text):
            continue
        in_lead = in_lead and len(text) < LEAD_PROSE_CHARS
        if in_list and (block.link_density > 0.5 and len(text) < MAX_LIST_ITEM_CHARS):
            continue
        in_list = bp.is_list_header(text)
        kind = bp.boilerplate_kind(text)
        if (
            in_list
            or kind
            or _is_title(text, title)
            or _is_date_line(text)
            or block.link_density > MAX_BODY_LINK_DENSITY
        ):
            if kind == "editor_initials":
                editor = text.strip("()[] ")
            continue
        if any(text.lower().startswith(p) for p in phrases):
            continue
        out.append(text)
        linked_lines.append(block.link_chars > 0 and len(text) < MAX_TAIL_LINE_CHARS)
    out = _trim_tail(out, linked_lines)
    if out:
        out[-1], initials = bp.split_trailing_initials(out[-1])
        editor = initials or editor
        out = [p for p in out if p]
    return out, editor


def _trim_tail(paragraphs: list[str], linked_lines: list[bool]) -> list[str]:
    """Drop the short lines with links that follow the last paragraph of prose.

    After an article's last sentence, a short line carrying a link is a teaser,
    a source or a "more from" prompt, not the article (the prose above keeps its
    own links).
    """
    end = len(paragraphs)
    while end > 1 and linked_lines[end - 1]:
        end -= 1
    return paragraphs[:end]


def _is_lead_line(text: str) -> bool:
    """A line before the first sentence that is no part of the article: a byline, a follow
    prompt, or a short all-caps kicker or slogan ("MUDA DAN MENGINSPIRASI").

    A dateline on a line of its own ("JAKARTA -") ends in a dash and stays.
    """
    if bp.lead_kind(text):
        return True
    letters = [c for c in text if c.isalpha()]
    return (
        len(text) <= MAX_KICKER_CHARS
        and len(letters) >= MIN_KICKER_LETTERS
        and text.upper() == text
        and not text.rstrip().endswith(("-", "\u2013", "\u2014", ":"))
        and not text.rstrip().endswith((".", "!", "?"))
    )


def _text_without_read_also(segments: list[Segment]) -> str:
    """Block text with an inline "Baca juga: <link>" cut out."""
    kept: list[str] = []
    skipping = False
    for seg in segments:
        if seg.in_link and skipping:
            continue
        skipping = False
        if not seg.in_link and _READ_ALSO_TAIL.search(seg.text) and _next_is_link(segments, seg):
            kept.append(_READ_ALSO_TAIL.sub("", seg.text))
            skipping = True
            continue
        kept.append(seg.text)
    return clean_space("".join(kept))


def _next_is_link(segments: list[Segment], seg: Segment) -> bool:
    index = segments.index(seg)
    rest = [s for s in segments[index + 1 :] if s.text.strip()]
    return bool(rest) and rest[0].in_link


def _is_title(text: str, title: str) -> bool:
    return bool(title) and clean_space(text).lower() == clean_space(title).lower()


def _is_date_line(text: str) -> bool:
    """ "Selasa, 23 Februari 2016 15:06 WIB | 998 Views": the page's date line, not prose."""
    if len(text) > MAX_DATE_LINE_CHARS:
        return False
    match = PRINTED_DATE.search(text)
    return match is not None and len(text) - len(match.group(0)) <= MAX_DATE_LINE_EXTRA_CHARS
