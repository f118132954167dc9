"""Section (rubric) and language of the page."""

from __future__ import annotations

import re

import lxml.html

from ingest.extract.jsonld import text_of
from ingest.extract.meta import PageMeta
from ingest.extract.tree import class_id, element_text, markup_text

_DOMAIN_LIKE = re.compile(r"\.\w{2,4}$|^https?:", re.I)
_ID_WORDS = frozenset(
    [
        "yang",
        "dan",
        "di",
        "itu",
        "dengan",
        "untuk",
        "tidak",
        "ini",
        "dari",
        "dalam",
        "akan",
        "pada",
        "juga",
        "ke",
        "karena",
    ]
)
_EN_WORDS = frozenset(
    ["the", "and", "of", "to", "in", "is", "that", "for", "was", "with", "on", "as", "by", "at", "from"]
)
MAX_SECTION_CHARS = 40


def find_section(root: lxml.html.HtmlElement, meta: PageMeta) -> str | None:
    for raw in (
        text_of(meta.jsonld.get("articleSection")),
        meta.first("article:section", "og:article:section", "content_subcategory", "content_category"),
        *(meta.itemprop("articleSection")[:1]),
        _breadcrumb(root),
    ):
        value = markup_text(raw)
        if value and not _DOMAIN_LIKE.search(value) and len(value) <= MAX_SECTION_CHARS:
            return value
    return None


def _breadcrumb(root: lxml.html.HtmlElement) -> str | None:
    for el in root.iter("ol", "ul", "div", "nav"):
        if "breadcrumb" in class_id(el):
            items = [element_text(a) for a in el.iter("a")]
            items = [i for i in items if i and i.lower() not in {"home", "beranda", "index"}]
            if items:
                return items[-1]
    return None


def find_language(meta: PageMeta, paragraphs: list[str]) -> str | None:
    """``id``/``en`` from the text itself (pages mislabel), else what the page declares."""
    words = re.findall(r"[a-z]+", " ".join(paragraphs[:10]).lower())
    indonesian = sum(w in _ID_WORDS for w in words)
    english = sum(w in _EN_WORDS for w in words)
    if indonesian + english >= 10:
        return "id" if indonesian >= english else "en"
    declared = meta.lang or text_of(meta.jsonld.get("inLanguage")) or meta.first("og:locale", "content-language")
    return declared.split("-")[0].split("_")[0].lower() if declared else None
