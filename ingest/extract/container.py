"""Find the article container: the subtree whose text blocks score highest.

Every block gets a weight: long prose counts for its length minus a fixed
allowance (so one long paragraph outweighs many teaser snippets), short lines
count a little against, link text counts against. An element's score is the
sum over the blocks inside it; the article container is the deepest element
with the highest score. This is the maximum-scoring-subtree idea behind
Readability-style extractors, without any site's class names.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

import lxml.html

from ingest.extract.blocks import Block
from ingest.extract.boilerplate import boilerplate_kind

#: Characters of prose a block must pass before it counts for its container.
PROSE_ALLOWANCE = 60
#: Above this share of link text a block is navigation, not prose.
MAX_PROSE_LINK_DENSITY = 0.3
#: How much each character of link text counts against its container.
LINK_PENALTY = 1.0


def block_weight(block: Block) -> float:
    """Positive for prose, negative for links and crumbs, nothing for known boilerplate."""
    text = block.text
    length = len(text)
    if length < PROSE_ALLOWANCE and boilerplate_kind(text):
        return 0.0
    links = block.link_chars
    if length and links / length > MAX_PROSE_LINK_DENSITY:
        return -LINK_PENALTY * links
    return float(length - PROSE_ALLOWANCE)


def score_elements(
    elements: list[lxml.html.HtmlElement], blocks: list[Block], teasers: AbstractSet[int] = frozenset()
) -> dict[int, float]:
    """Sum of block weights under every element, keyed by id(element).

    Blocks inside ``teasers`` (lists of other stories) keep their link
    penalty but earn nothing for their summaries: a long feed must neither
    win the page nor stop weighing against a container that holds it.

    ``elements`` is the page's ``list(root.iter())``; the caller keeps it alive so
    the ids of lxml's element proxies stay stable.
    """
    own: dict[int, float] = {}
    for block in blocks:
        weight = block_weight(block)
        if teasers and all(id(s.anchor) in teasers for s in block.segments):
            weight = min(weight, 0.0)
        total = sum(len(s.text) for s in block.segments) or 1
        for seg in block.segments:
            own[id(seg.anchor)] = own.get(id(seg.anchor), 0.0) + weight * len(seg.text) / total
    scores: dict[int, float] = {}
    for el in reversed(elements):
        key = id(el)
        scores[key] = scores.get(key, 0.0) + own.get(key, 0.0)
        parent = el.getparent()
        if parent is not None:
            scores[id(parent)] = scores.get(id(parent), 0.0) + scores[key]
    return scores


def best_container(
    elements: list[lxml.html.HtmlElement], blocks: list[Block], teasers: AbstractSet[int] = frozenset()
) -> tuple[lxml.html.HtmlElement, float]:
    """The deepest element with the highest score, and that score."""
    scores = score_elements(elements, blocks, teasers)
    best, best_score = elements[0], float("-inf")
    for el in reversed(elements):
        score = scores.get(id(el), 0.0)
        if score > best_score:
            best, best_score = el, score
    return best, best_score
