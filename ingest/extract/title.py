"""The headline, without " - Site Name" tails or "Site.com: " prefixes.

Machine titles (JSON-LD headline, og:title, <title>) often carry the site's
name; the printed headline (an h1/h2 on the page) rarely does. When a printed
heading is contained in the machine title it is the clean form; otherwise the
site-name tail or prefix is cut by its separator.
"""

from __future__ import annotations

import re

import lxml.html

from ingest.extract.jsonld import text_of
from ingest.extract.meta import PageMeta
from ingest.extract.tree import clean_space, element_text, markup_text

#: A printed heading must be at least this share of the machine title to replace it.
MIN_HEADING_SHARE = 0.5
MIN_HEADING_WORDS = 3
_SEPARATORS = re.compile(r"\s+(?:-|\||::|\u2013|\u2014|\u00bb|:)\s+")
_SITE_PREFIX = re.compile(r"^[\w.-]+\.(?:com|co\.id|id|net|org|co)\s*[:|\-\u2013]\s*", re.I)
_SITE_WORDS = re.compile(r"\.(com|co\.id|id|net|org|co)\b|\bnews\b|\bportal\b|\bonline\b|\bberita\b", re.I)


def find_title(root: lxml.html.HtmlElement, meta: PageMeta) -> str:
    raw = _machine_title(meta)
    headings = _headings(root)
    if raw:
        clean = _printed_inside(raw, headings)
        return clean or strip_site_name(raw, meta.first("og:site_name"))
    return headings[0] if headings else ""


def _machine_title(meta: PageMeta) -> str:
    for value in (
        text_of(meta.jsonld.get("headline")),
        meta.first("og:title", "twitter:title"),
        next(iter(meta.itemprop("headline")), None),
        meta.first("title", "dc.title"),
        meta.html_title,
    ):
        text = markup_text(value)
        if text:
            return text
    return ""


def _headings(root: lxml.html.HtmlElement) -> list[str]:
    found = []
    for tag in ("h1", "h2", "h3"):
        for el in root.iter(tag):
            text = element_text(el)
            if len(text.split()) >= MIN_HEADING_WORDS:
                found.append(text)
    return found


def _printed_inside(raw: str, headings: list[str]) -> str | None:
    lowered = raw.lower()
    inside = [h for h in headings if h.lower() in lowered and len(h) >= MIN_HEADING_SHARE * len(raw)]
    return max(inside, key=len) if inside else None


def strip_site_name(title: str, site_name: str | None = None) -> str:
    """``"Judul - Kompas.com"`` -> ``"Judul"``; ``"KapanLagi.com: Judul"`` -> ``"Judul"``."""
    title = _SITE_PREFIX.sub("", clean_space(title))
    site = (site_name or "").lower()
    while True:
        parts = _SEPARATORS.split(title)
        if len(parts) < 2:
            return title
        tail = parts[-1]
        if not _is_site_name(tail, site):
            return title
        title = title[: title.rfind(tail)].rstrip(" -|:\u2013\u2014\u00bb")


def _is_site_name(text: str, site: str) -> bool:
    lowered = text.lower()
    if site and (site in lowered or lowered in site):
        return True
    return bool(_SITE_WORDS.search(text)) and len(text.split()) <= 6
