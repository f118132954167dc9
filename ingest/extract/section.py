"""Section (rubric) and language of the page.

The section is the rubric the site files the article under ("Nasional",
"Tekno"): from the machine fields, then the breadcrumbs (JSON-LD, then the
printed trail). A page-type label ("Detail Berita", "News", "Read") names the
kind of page rather than its rubric and is passed over, as is the article's own
crumb at the end of a trail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import lxml.html

from ingest.extract.bylines import is_page_type
from ingest.extract.jsonld import breadcrumb_names, text_of
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


def find_section(root: lxml.html.HtmlElement, meta: PageMeta, title: str | None = None) -> str | None:
    """The rubric, from the first source that gives a usable one (see :func:`_usable`)."""
    for raw in _candidates(root, meta, title):
        value = markup_text(raw)
        if _usable(value, title):
            return value
    return None


def _candidates(root: lxml.html.HtmlElement, meta: PageMeta, title: str | None) -> Iterator[str | None]:
    """Sources in order of trust, lazily: the breadcrumbs are only read when the machine fields give nothing."""
    section = meta.jsonld.get("articleSection")
    yield from map(text_of, section if isinstance(section, list) else [section])  # ["News", "Nasional"]: each
    yield meta.first("article:section", "og:article:section", "content_subcategory", "content_category")
    yield from meta.itemprop("articleSection")[:1]
    yield _last_crumb(breadcrumb_names(root), title)
    yield _last_crumb(_printed_breadcrumb(root), title)


def _usable(value: str, title: str | None) -> bool:
    """A rubric: short, not a domain or URL, not a page-type label, not the article's own title."""
    return (
        bool(value)
        and len(value) <= MAX_SECTION_CHARS
        and not _DOMAIN_LIKE.search(value)
        and not is_page_type(value)
        and not _is_title(value, title)
    )


def _is_title(crumb: str, title: str | None) -> bool:
    return bool(title) and " ".join(crumb.casefold().split()) == " ".join((title or "").casefold().split())


def _last_crumb(crumbs: list[str], title: str | None) -> str | None:
    """The last crumb before the article's own: home links and page-type labels ("Beranda", "Berita") and the
    title itself skipped, so a trail "Home > Berita > Nasional > <title>" gives "Nasional"."""
    usable = [c for c in (markup_text(c) for c in crumbs) if _usable(c, title)]
    return usable[-1] if usable else None


def _printed_breadcrumb(root: lxml.html.HtmlElement) -> list[str]:
    """The crumbs of the first element whose class or id says breadcrumb: its links, else its list items."""
    for el in root.iter("ol", "ul", "div", "nav"):
        if "breadcrumb" in class_id(el):
            items = [element_text(a) for a in el.iter("a")] or [element_text(li) for li in el.iter("li")]
            if any(items):
                return items
    return []


def find_language(meta: PageMeta, paragraphs: list[str]) -> str | None:
    """``id``/``en`` from the text itself (pages mislabel), else what the page declares."""
    words = re.findall(r"[a-z]+", " ".join(paragraphs[:10]).lower())
    indonesian = sum(w in _ID_WORDS for w in words)
    english = sum(w in _EN_WORDS for w in words)
    if indonesian + english >= 10:
        return "id" if indonesian >= english else "en"
    declared = meta.lang or text_of(meta.jsonld.get("inLanguage")) or meta.first("og:locale", "content-language")
    return declared.split("-")[0].split("_")[0].lower() if declared else None
