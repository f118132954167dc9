"""When the article was published, in order of trust.

JSON-LD, then ``article:published_time`` and friends, then ``itemprop``, then
other meta tags and ``<time>``; the printed date nearest the article body is
the fallback, and also fills in the time when the machine date is only a day.
UTC machine dates are given as the WIB wall clock (the archive is Indonesian).
"""

from __future__ import annotations

from datetime import datetime

import lxml.html

from ingest.extract.blocks import Block
from ingest.extract.dates import FoundDate, parse_machine_date, parse_printed_date, parse_relative_date, to_local
from ingest.extract.jsonld import text_of
from ingest.extract.meta import PageMeta

META_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "article:published",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish_date",
    "publish-date",
    "pub_date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dc.date.created",
    "dcterms.created",
    "dcterms.date",
    "dc.terms.issued",
    "article.published",
    "content_publisheddate",
    "sailthru.date",
    "parsely-pub-date",
    "originalpublicationdate",
    "publication_date",
    "release_date",
)
#: Printed dates are looked for in short blocks only (a byline line, not prose).
MAX_DATE_BLOCK_CHARS = 120
#: A printed date with a time beats a bare day this many blocks nearer the body.
TIMED_BONUS = 25


def find_published(
    root: lxml.html.HtmlElement,
    meta: PageMeta,
    blocks: list[Block],
    body_start: int,
    fetched_at: datetime | None = None,
) -> str | None:
    machine = _machine(root, meta)
    if machine and machine.has_time:
        return to_local(machine).iso()
    printed = _printed_near(blocks, body_start, fetched_at)
    if printed and (machine is None or printed.has_time and _same_day(machine, printed)):
        return printed.iso()
    return machine.iso() if machine else (printed.iso() if printed else None)


def _machine(root: lxml.html.HtmlElement, meta: PageMeta) -> FoundDate | None:
    raw: list[str | None] = [text_of(meta.jsonld.get("datePublished")), text_of(meta.jsonld.get("dateCreated"))]
    raw += meta.all(*META_KEYS[:4])
    raw += meta.itemprop("datePublished") + meta.itemprop("dateCreated")
    raw += meta.all(*META_KEYS[4:])
    raw += [t.get("datetime") for t in root.iter("time") if t.get("datetime")]
    for value in raw:
        found = parse_machine_date(value)
        if found:
            return found
    return None


def _printed_near(blocks: list[Block], body_start: int, fetched_at: datetime | None) -> FoundDate | None:
    """The printed date in the short block nearest the body's first block."""
    best: tuple[int, FoundDate] | None = None
    for index, block in enumerate(blocks):
        text = block.text
        if len(text) > MAX_DATE_BLOCK_CHARS or block.link_density > 0.5:
            continue
        found = parse_printed_date(text) or parse_relative_date(text, fetched_at)
        if found is None:
            continue
        distance = abs(body_start - index) * (1 if index <= body_start else 2)
        distance -= TIMED_BONUS if found.has_time else 0
        if best is None or distance < best[0]:
            best = (distance, found)
    return best[1] if best else None


def _same_day(a: FoundDate, b: FoundDate) -> bool:
    day_a = a.value.date() if isinstance(a.value, datetime) else a.value
    day_b = b.value.date() if isinstance(b.value, datetime) else b.value
    return day_a == day_b
