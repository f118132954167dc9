"""A watch's matches as an Atom feed (RFC 4287), for feed readers: ``/watches/{name}.atom`` on the API.

Built with the standard library's ElementTree (it escapes every text); the
entries are the watch's ledger, newest first, so a reader polling the feed sees
each match once by its stable entry id.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from xml.etree import ElementTree as ET

from index.dates import to_utc_iso
from index.watches import Watch

__all__ = ["ATOM_TYPE", "atom_feed"]

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
SUMMARY_CHARS = 400


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _rfc3339(moment: str | None) -> str | None:
    """A stored time as Atom wants it (UTC, with its zone; a bare date read in WIB); None when unreadable."""
    try:
        return to_utc_iso(moment) if moment else None
    except ValueError:
        return None


def atom_feed(watch: Watch, entries: list[dict[str, Any]], *, self_url: str) -> bytes:
    """The feed of ``watch`` with ``entries`` (rows of :meth:`index.watches.WatchStore.recent_matches`)."""
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _sub(feed, "id", f"urn:kliping:watch:{watch.name}:{watch.created_at}")
    _sub(feed, "title", f"kliping: {watch.name} ({watch.query})")
    _sub(feed, "link", rel="self", href=self_url, type="application/atom+xml")
    updated = max((e["matched_at"] for e in entries), default=watch.created_at)
    _sub(feed, "updated", _rfc3339(updated) or datetime.now(UTC).isoformat(timespec="seconds"))
    _sub(feed, "generator", "kliping")
    for entry in entries:
        item = _sub(feed, "entry")
        _sub(item, "id", f"urn:kliping:watch:{watch.name}:{watch.created_at}:{entry['story_key']}")
        _sub(item, "title", entry["title"])
        _sub(item, "link", rel="alternate", href=entry["url"], type="text/html")
        _sub(item, "updated", _rfc3339(entry["matched_at"]) or "")
        published = _rfc3339(entry.get("published"))
        if published:
            _sub(item, "published", published)
        for name in entry.get("authors") or [entry.get("source") or "kliping"]:
            _sub(_sub(item, "author"), "name", name)
        if entry.get("source"):
            _sub(item, "category", term=entry["source"], label="source")
        body = " ".join((entry.get("body") or "").split())
        _sub(item, "summary", body[:SUMMARY_CHARS] + ("…" if len(body) > SUMMARY_CHARS else ""), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
