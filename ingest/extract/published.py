"""When the article was published, in order of trust.

JSON-LD, then ``article:published_time`` and friends, then ``itemprop``, then
other meta tags and ``<time>``; the printed date nearest the article body is
the fallback, fills in the time when the machine date is only a day, and wins
over a machine time that is off by minutes to hours (``reconcile``). Updated
dates ("Diperbarui", dateModified) never stand in for a published one.
UTC machine dates are given as the WIB wall clock (the archive is Indonesian).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import lxml.html

from ingest.extract.blocks import Block
from ingest.extract.dates import (
    RELATIVE,
    FoundDate,
    iter_printed_dates,
    parse_machine_date,
    parse_relative_date,
    to_local,
)
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
#: A printed time this close to the machine one is the same moment (it lacks seconds).
SAME_INSTANT = timedelta(minutes=1)
#: Under this gap the printed time wins over the machine one (see ``reconcile``).
PRINTED_WINS_WITHIN = timedelta(days=1)
#: Words before a printed date that make it the updated time, not the published one.
UPDATE_LABEL = re.compile(
    r"\b(?:diperbarui|diupdate|di-update|update[d]?|pembaruan|diubah|last\s+modified|modified)\b", re.I
)
#: ``<time>`` attributes that mark the modified time.
UPDATE_ATTR = re.compile(r"modif|updat", re.I)


def find_published(
    root: lxml.html.HtmlElement,
    meta: PageMeta,
    blocks: list[Block],
    body_start: int,
    fetched_at: datetime | None = None,
) -> str | None:
    """The publish time as ISO 8601, the machine and the printed date reconciled."""
    machine = _machine(root, meta)
    printed, updated = _printed_near(blocks, body_start, fetched_at)
    chosen = reconcile(machine, printed)
    # An "updated" dateline is a last resort only: with no published date at all
    # it is still the nearest bound on when the article went out.
    chosen = chosen or updated
    return chosen.iso() if chosen else None


def reconcile(machine: FoundDate | None, printed: FoundDate | None) -> FoundDate | None:
    """Machine date (metadata) against the dateline printed on the page.

    Rules, in order:

    * One missing: the other.
    * Machine date is a bare day: the printed time if it falls on that day.
    * Printed date has no time, or is the same instant within a minute: the
      machine value, which carries seconds and a zone.
    * They differ by minutes to hours (under a day): the printed time. Machine
      stamps are often the CMS's save time or a WIB wall clock mislabelled as
      UTC; the dateline is what the newsroom published, in the zone it names.
    * A day or more apart: the machine date. The nearest printed date is then
      more likely another item's (a related link, an old archive line) than a
      correction of the metadata.
    """
    if machine is None:
        return printed
    local = to_local(machine)
    if printed is None or not printed.has_time:
        return local
    if not machine.has_time:
        return printed if _same_day(machine, printed) else local
    gap = _gap(machine, printed)
    if gap is None or gap <= SAME_INSTANT or gap >= PRINTED_WINS_WITHIN:
        return local
    return printed


def _gap(a: FoundDate, b: FoundDate) -> timedelta | None:
    """How far apart two timed dates are, or None when either is a bare day."""
    if isinstance(a.value, datetime) and isinstance(b.value, datetime):
        return abs(a.value - b.value)
    return None


def _machine(root: lxml.html.HtmlElement, meta: PageMeta) -> FoundDate | None:
    """The first published date in the metadata; modified dates are never read."""
    raw: list[str | None] = [text_of(meta.jsonld.get("datePublished")), text_of(meta.jsonld.get("dateCreated"))]
    raw += meta.all(*META_KEYS[:4])
    raw += meta.itemprop("datePublished") + meta.itemprop("dateCreated")
    raw += meta.all(*META_KEYS[4:])
    raw += [t.get("datetime") for t in root.iter("time") if t.get("datetime") and not _marks_update(t)]
    for value in raw:
        found = parse_machine_date(value)
        if found:
            return found
    return None


def _marks_update(element: lxml.html.HtmlElement) -> bool:
    """A ``<time>`` that says it is the modified time (itemprop, class or id)."""
    names = " ".join(element.get(attr) or "" for attr in ("itemprop", "class", "id"))
    return bool(UPDATE_ATTR.search(names))


def _printed_near(
    blocks: list[Block], body_start: int, fetched_at: datetime | None
) -> tuple[FoundDate | None, FoundDate | None]:
    """The published and the updated printed date nearest the body's first block."""
    best: dict[bool, tuple[int, FoundDate]] = {}
    for index, block in enumerate(blocks):
        text = block.text
        if len(text) > MAX_DATE_BLOCK_CHARS or block.link_density > 0.5:
            continue
        for found, is_update in _dates_in(text, fetched_at):
            distance = abs(body_start - index) * (1 if index <= body_start else 2)
            distance -= TIMED_BONUS if found.has_time else 0
            if is_update not in best or distance < best[is_update][0]:
                best[is_update] = (distance, found)
    published, updated = best.get(False), best.get(True)
    return (published[1] if published else None), (updated[1] if updated else None)


def _dates_in(text: str, fetched_at: datetime | None) -> list[tuple[FoundDate, bool]]:
    """The first published and first updated date a short block prints.

    Each date is an update when the words just before it say so ("Diperbarui
    05 Mar 2024 18:10 WIB"), so a line printing both times gives both.
    """
    dates: dict[bool, FoundDate] = {}
    for label, found in iter_printed_dates(text):
        dates.setdefault(bool(UPDATE_LABEL.search(label)), found)
    if not dates:
        relative = RELATIVE.search(text)
        moment = parse_relative_date(text, fetched_at)
        if relative and moment:
            dates[bool(UPDATE_LABEL.search(text[: relative.start()]))] = moment
    return [(found, is_update) for is_update, found in dates.items()]


def _same_day(a: FoundDate, b: FoundDate) -> bool:
    day_a = a.value.date() if isinstance(a.value, datetime) else a.value
    day_b = b.value.date() if isinstance(b.value, datetime) else b.value
    return day_a == day_b
