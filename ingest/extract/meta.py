"""The page's machine-readable metadata in one place: meta tags, itemprops, links.

Keys are lower-cased ``property``/``name``/``itemprop`` values; each maps to the
non-empty values in document order (a page may repeat a tag).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import lxml.html

from ingest.extract.jsonld import find_article_object
from ingest.extract.tree import clean_space, element_text


@dataclass
class PageMeta:
    tags: dict[str, list[str]] = field(default_factory=dict)
    itemprops: dict[str, list[str]] = field(default_factory=dict)
    canonical: list[str] = field(default_factory=list)
    jsonld: dict[str, Any] = field(default_factory=dict)
    lang: str | None = None
    html_title: str = ""

    def first(self, *keys: str) -> str | None:
        for key in keys:
            for value in self.tags.get(key, []):
                return value
        return None

    def all(self, *keys: str) -> list[str]:
        return [v for key in keys for v in self.tags.get(key, [])]

    def itemprop(self, key: str) -> list[str]:
        return self.itemprops.get(key.lower(), [])


def read_meta(root: lxml.html.HtmlElement) -> PageMeta:
    tags: dict[str, list[str]] = defaultdict(list)
    itemprops: dict[str, list[str]] = defaultdict(list)
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("http-equiv") or "").strip().lower()
        value = clean_space(el.get("content"))
        if key and value:
            tags[key].append(value)
    for el in root.xpath("//*[@itemprop]"):
        if el.tag == "script":
            continue
        value = _itemprop_value(el)
        if value:
            for key in (el.get("itemprop") or "").lower().split():
                itemprops[key].append(value)
    canonical = [
        (el.get("href") or "").strip()
        for el in root.iter("link")
        if "canonical" in (el.get("rel") or "").lower().split()
    ]
    title_el = root.find(".//title")
    return PageMeta(
        tags=dict(tags),
        itemprops=dict(itemprops),
        canonical=[c for c in canonical if c],
        jsonld=find_article_object(root),
        lang=(root.get("lang") or root.get("xml:lang") or "").strip().lower() or None,
        # (not element_text: it skips <title>, which is never body text)
        html_title=clean_space(title_el.text_content()) if title_el is not None else "",
    )


def _itemprop_value(el: lxml.html.HtmlElement) -> str:
    for attr in ("content", "datetime", "itemid", "href"):
        if el.get(attr):
            return clean_space(el.get(attr))
    return element_text(el) if el.tag != "meta" else ""
