"""JSON-LD: the page's NewsArticle/Article object, wherever it hides.

Objects may sit at the top level, in a list, or inside ``@graph``; some sites
emit several ``<script type="application/ld+json">`` blocks, some emit broken
JSON (raw newlines in strings, trailing commas). The first article-typed
object wins; a broken block is skipped, never fatal.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import lxml.html

log = logging.getLogger(__name__)

#: Most article-like first; any article type beats a bare WebPage (ranked last).
_PREFERRED = ("newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
              "backgroundnewsarticle", "article", "blogposting", "liveblogposting", "webpage")
ARTICLE_TYPES = frozenset(_PREFERRED)


def find_article_object(root: lxml.html.HtmlElement) -> dict[str, Any]:
    """The most article-like JSON-LD object on the page, or ``{}``; an ``author`` given only as an ``@id``
    reference (Yoast's ``@graph``: ``{"@id": ".../#/schema/person/..."}``) is replaced by the node it names."""
    best: dict[str, Any] = {}
    best_rank = len(_PREFERRED) + 1
    by_id: dict[str, dict[str, Any]] = {}
    for obj in _objects(root):
        if isinstance(obj.get("@id"), str) and len(obj) > 1:
            by_id.setdefault(obj["@id"], obj)
        types = {t.lower() for t in _types(obj)}
        if not types & ARTICLE_TYPES:
            continue
        rank = min(_PREFERRED.index(t) for t in types & ARTICLE_TYPES)
        if rank < best_rank:
            best, best_rank = obj, rank
    if best.get("author") is not None:
        best = {**best, "author": _resolved(best["author"], by_id)}
    return best


def _resolved(value: Any, by_id: dict[str, dict[str, Any]]) -> Any:
    """``value`` with every bare ``{"@id": ...}`` reference swapped for the node of that ``@id``."""
    if isinstance(value, list):
        return [_resolved(v, by_id) for v in value]
    if isinstance(value, dict) and set(value) == {"@id"} and isinstance(value["@id"], str):
        return by_id.get(value["@id"], value)
    return value


def _objects(root: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in root.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        data = _loads(script.text or "")
        stack: list[Any] = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                yield item


def _loads(text: str) -> Any:
    text = text.strip().removeprefix("<!--").removesuffix("-->").strip()
    for attempt in (text, re.sub(r",\s*([}\]])", r"\1", re.sub(r"[\r\n\t]+", " ", text))):
        try:
            return json.loads(attempt)
        except ValueError:
            continue
    log.debug("unparseable JSON-LD skipped")
    return None


def _types(obj: dict[str, Any]) -> list[str]:
    kind = obj.get("@type") or []
    return [kind] if isinstance(kind, str) else [k for k in kind if isinstance(k, str)]


def text_of(value: Any) -> str | None:
    """A plain string from a JSON-LD value that may be a string, dict or list."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return text_of(value.get("name") or value.get("@id") or value.get("url"))
    if isinstance(value, list) and value:
        return text_of(value[0])
    return None


def persons(value: Any) -> list[str]:
    """Names of the Person entries in an author/creator value (organisations skipped)."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict) and "organization" not in " ".join(_types(item)).lower():
            name = text_of(item.get("name"))
            if name:
                names.append(name)
    return names


def breadcrumb_names(root: lxml.html.HtmlElement) -> list[str]:
    """The crumbs of the page's JSON-LD ``BreadcrumbList``, in position order (``[]`` if none).

    The list sits apart from the article object, so it is looked up on its own.
    """
    for obj in _objects(root):
        if "breadcrumblist" in {t.lower() for t in _types(obj)}:
            items = obj.get("itemListElement")
            items = [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
            items.sort(key=_position)
            return [name for name in map(_crumb_name, items) if name]
    return []


def _crumb_name(item: dict[str, Any]) -> str | None:
    """A crumb's name, on the element itself or on its ``item`` (never the bare URL an ``item`` may be)."""
    inner = item.get("item")
    return text_of(item.get("name")) or (text_of(inner.get("name")) if isinstance(inner, dict) else None)


def _position(item: dict[str, Any]) -> float:
    try:
        return float(item.get("position", 0))
    except (TypeError, ValueError):
        return 0.0
