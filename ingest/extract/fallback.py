"""Which text a page keeps: kliping's own container, or trafilatura's reading cleaned kliping's way.

kliping's container scorer and edge rules were written looking at Indonesian
news templates; on sites nobody looked at it sometimes keeps only part of the
article (a recipe's lists, a post split into sibling blocks), keeps a page's
worth of other text, or finds nothing. trafilatura reads every kind of site
well. So both read the page and their texts are compared, word 3-gram by
word 3-gram:

- they agree (each holds at least ``AGREEMENT`` of the other's text): kliping's
  text stands; it differs at most at the edges, which its rules cut for Indonesian
  templates (and a site's profile was written for it);
- kliping found no article and trafilatura found one: trafilatura's;
- trafilatura's text is inside kliping's, and what kliping has besides is mostly
  paragraphs of prose (150+ characters) before or among the shared ones, more of it
  than after the last shared one: trafilatura cut the lead or a paragraph (it often
  drops a lead that opens with a dateline), kliping's stands. Extra text after the
  article's end is what kliping's container takes too much of (comments, other
  stories), so there trafilatura's text wins;
- they disagree otherwise: trafilatura's, if it is an article by kliping's own test.
  On the tune half of trafilatura's own benchmark, trafilatura's text on the 106 pages
  where the two disagree held 104 more must-keep (net of must-drop) segments than kliping's.

The texts are then joined paragraph by paragraph where one of them is surer (:func:`_merge`, :func:`_lead`):

- a lead the other reading lacks is added before the kept text, one paragraph of a
  first sentence's length (``LEAD_PROSE_CHARS``) or more at a time: a standfirst or
  abstract outside kliping's container, a lead trafilatura skipped;
- when kliping's text stands, its short lines (under ``PROSE_CHARS``) that trafilatura
  lacks go, from its first shared paragraph on: share prompts, "more on this" and
  contact lines between and after the paragraphs of prose, which trafilatura's
  reading of the page's structure left out. kliping's own lead lines stay (its rules
  already cut kickers and bylines there).

Whichever wins, its text went through kliping's cleaning (boilerplate
catalogue, "Baca juga", reaction widgets, captions, lead bylines, editor
initials, paragraph splitting), and the metadata (title, dates, authors,
section) is read from the page by kliping's extractors as before.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ingest.extract.blocks import Block
from ingest.extract.body import LEAD_PROSE_CHARS, Body, clean_paragraphs
from ingest.extract.second_opinion import trafilatura_blocks

if TYPE_CHECKING:
    from kliping.config import ExtractSettings


#: Two texts agree when each holds at least this share of the other's word 3-grams.
AGREEMENT = 0.9
SHINGLE = 3
#: Text only kliping kept is the article's own (trafilatura cut it) when most of it is paragraphs this long.
PROSE_CHARS = 150
HALF = 0.5
#: A paragraph of trafilatura's with this share of its 3-grams from the page's link blocks is no prose.
MAX_LINK_TEXT_SHARE = 0.2
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Choice:
    """The text a page keeps and why (``reason`` is logged, and shown by the benchmark)."""

    body: Body
    source: str  # "kliping" or "trafilatura"
    reason: str
    kliping_in_other: float = 0.0
    other_in_kliping: float = 0.0


def choose_body(
    own: Body | None,
    html: str,
    url: str | None,
    *,
    title: str,
    is_article: Callable[[Body], bool],
    profile: ExtractSettings | None = None,
    teasers: list[str] | None = None,
    link_text: list[str] | None = None,
) -> Choice | None:
    """The body to keep: ``own`` (None when kliping found no article) or trafilatura's reading.

    ``is_article(body)`` is kliping's not-an-article test (True when ``body`` passes). ``teasers`` are the
    texts of the page's lists of other stories, found by their shape: trafilatura's paragraphs that come from
    them go (it may take a long "News Feed" for the article), unless kliping's own text has them too; so do
    paragraphs a fifth of whose text is the page's ``link_text`` (blocks that are mostly links: menus, link
    lists), which trafilatura's last-resort rescue glues into one paragraph with the rest of a page.
    None when neither found an article.
    """
    ours = shingles(own.paragraphs) if own is not None else Counter()
    other = _trafilatura_body(html, url, title, profile, shingles(teasers or []) - ours,
                              shingles(link_text or []) - ours)
    if other is None or not is_article(other):
        return Choice(own, "kliping", "trafilatura found no article") if own is not None else None
    if own is None:
        return Choice(other, "trafilatura", "kliping found no article")
    theirs = shingles(other.paragraphs)
    common = sum((ours & theirs).values())
    k_in_t = common / max(sum(ours.values()), 1)
    t_in_k = common / max(sum(theirs.values()), 1)
    if k_in_t >= AGREEMENT and t_in_k >= AGREEMENT:
        return Choice(_merge(own, other, ours, theirs), "kliping", "the two agree", k_in_t, t_in_k)
    if t_in_k >= AGREEMENT:
        before, after = _extra(own.paragraphs, theirs)
        if _mostly_prose(before) and _chars(after) < _chars(before):
            return Choice(_merge(own, other, ours, theirs), "kliping",
                          "kliping's text holds trafilatura's and more prose before or within it", k_in_t, t_in_k)
    reason = (f"disagree: trafilatura has {t_in_k:.0%} of its text in kliping's, "
              f"kliping {k_in_t:.0%} of its in trafilatura's")
    lead = _lead(own.paragraphs, other.paragraphs, theirs)
    return Choice(Body(lead + other.paragraphs, other.editor or own.editor, own.container), "trafilatura", reason,
                  k_in_t, t_in_k)


def _merge(own: Body, other: Body, ours: Counter[tuple[str, ...]], theirs: Counter[tuple[str, ...]]) -> Body:
    """kliping's text, with the lead only trafilatura has before it and without the short lines after its first
    shared paragraph that only kliping has (see the module's docstring). ``ours`` and ``theirs`` are the two
    texts' 3-grams, as :func:`choose_body` counted them."""
    shared = _shared(own.paragraphs, other.paragraphs, theirs)
    if not any(shared):
        return own
    first = shared.index(True)
    kept = [p for i, p in enumerate(own.paragraphs) if shared[i] or i < first or len(p) >= PROSE_CHARS]
    return Body(_lead(other.paragraphs, own.paragraphs, ours) + kept, own.editor, own.container, own.teasers)


def _lead(paragraphs: list[str], other: list[str], grams: Counter[tuple[str, ...]]) -> list[str]:
    """The paragraphs of ``paragraphs`` before the first one ``other`` (whose 3-grams are ``grams``) shares, of a
    first sentence's length or more; ``[]`` when the two share none (then there is no telling where either's
    article starts)."""
    shared = _shared(paragraphs, other, grams)
    if not any(shared):
        return []
    return [p for p in paragraphs[: shared.index(True)] if len(p) >= LEAD_PROSE_CHARS]


def _shared(paragraphs: list[str], other: list[str], grams: Counter[tuple[str, ...]]) -> list[bool]:
    """For each paragraph, whether ``other`` (whose 3-grams are ``grams``) holds it: half its 3-grams, or (a line
    of one or two words, which has none) the same line."""
    lines = {" ".join(p.lower().split()) for p in other}
    return [_share_in(p, grams) >= HALF if _WORD.findall(p)[SHINGLE - 1 :] else " ".join(p.lower().split()) in lines
            for p in paragraphs]


def _extra(paragraphs: list[str], other: Counter[tuple[str, ...]]) -> tuple[list[str], list[str]]:
    """The paragraphs the other text lacks (most of their 3-grams missing): those before or among the shared
    ones (a lead, a paragraph skipped), and those after the last shared one (the page's tail: comments,
    other stories)."""
    shared = [_share_in(p, other) >= HALF for p in paragraphs]
    last = max((i for i, s in enumerate(shared) if s), default=-1)
    before = [p for i, p in enumerate(paragraphs) if not shared[i] and i < last]
    after = [p for i, p in enumerate(paragraphs) if not shared[i] and i > last]
    return before, after


def _share_in(paragraph: str, other: Counter[tuple[str, ...]]) -> float:
    grams = shingles([paragraph])
    total = sum(grams.values())
    return sum((grams & other).values()) / total if total else 0.0


def _chars(paragraphs: list[str]) -> int:
    return sum(len(p) for p in paragraphs)


def _mostly_prose(paragraphs: list[str]) -> bool:
    """Whether most of the text is paragraphs of ``PROSE_CHARS`` or more: an article's, not a page's lines."""
    total = _chars(paragraphs)
    return total > 0 and _chars([p for p in paragraphs if len(p) >= PROSE_CHARS]) >= HALF * total


def _trafilatura_body(
    html: str, url: str | None, title: str, profile: ExtractSettings | None, teasers: Counter[tuple[str, ...]],
    link_text: Counter[tuple[str, ...]],
) -> Body | None:
    blocks: list[Block] = trafilatura_blocks(html, url)
    if not blocks:
        return None
    paragraphs, editor = clean_paragraphs(blocks, title, profile)
    paragraphs = [p for p in paragraphs
                  if _share_in(p, teasers) < HALF and _share_in(p, link_text) < MAX_LINK_TEXT_SHARE]
    return Body(paragraphs, editor, None) if paragraphs else None


def shingles(paragraphs: list[str]) -> Counter[tuple[str, ...]]:
    """Word 3-grams of the text, lower-cased (paragraph by paragraph: no 3-gram spans two)."""
    grams: Counter[tuple[str, ...]] = Counter()
    for paragraph in paragraphs:
        words = _WORD.findall(paragraph.lower())
        grams.update(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))
    return grams
