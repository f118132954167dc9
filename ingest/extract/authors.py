"""Bylines: persons only, role prefixes and organisations dropped.

Order: a labelled byline printed on the page ("Penulis:", "Pewarta:", "Oleh"),
then ``itemprop=author``, then JSON-LD, then meta tags, then elements whose
class names an author or reporter. The printed byline comes first because the
machine fields often hold the editor (Antara's JSON-LD) or the company
("Kompas Cyber Media").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import lxml.html

from ingest.extract.blocks import Block
from ingest.extract.jsonld import persons
from ingest.extract.meta import PageMeta
from ingest.extract.tree import class_id, element_text, markup_text

MAX_BYLINE_CHARS = 80
MAX_NAME_WORDS = 6
#: A byline label, then a colon, a spaced dash, a space or nothing: "Oleh: X", "Penulis - X", "By X",
#: but not "Oleh-oleh khas Bandung". "Laporan" needs a colon or a role after it ("Laporan Keuangan" is no byline).
_LABEL = re.compile(
    r"^(?:(?:penulis|pewarta|reporter|wartawan|jurnalis|oleh|by|ditulis oleh|written by)"
    r"(?:\s*:\s*|\s+[-\u2013]\s*|\s+|$)"
    r"|laporan(?:\s*:\s*|\s+[-\u2013]\s*|\s+(?=(?:wartawan|reporter|kontributor|koresponden)\b)))(.*)$",
    re.I,
)
_ROLE_PREFIX = re.compile(
    r"^(?:kontributor|koresponden|wartawan|reporter|jurnalis|laporan wartawan|correspondent)\b[^,]*,\s*", re.I
)
_ROLE_WORDS = re.compile(r"\s*\b(jurnalis|reporter|penulis|wartawan|kontributor|editor|author)\s*$", re.I)
_SPLIT = re.compile(r"\s*(?:,|&|;|\bdan\b|\band\b)\s*")
_NOT_A_PERSON = re.compile(
    r"\.(com|co\.id|id|net)\b|https?:|www\.|\b(tim|redaksi|cyber media|admin|editor|desk|antara|afp|reuters|"
    r"kompas|detik|liputan6|okezone|tempo|tribun|merdeka|kapanlagi|staff|newsroom|news|share|bagikan|facebook|"
    r"twitter|whatsapp|follow|ikuti|senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad)\b|@|\d",
    re.I,
)
_AUTHOR_CLASS = re.compile(r"author|reporter|byline|penulis|writer|jurnalis")


def find_authors(root: lxml.html.HtmlElement, meta: PageMeta, blocks: list[Block]) -> list[str]:
    for candidates in (
        _labelled(blocks),
        meta.itemprop("author"),
        persons(meta.jsonld.get("author")),
        [
            v
            for v in meta.all(
                "article:author",
                "og:article:author",
                "author",
                "dc.creator",
                "content_author",
                "byl",
                "parsely-author",
                "sailthru.author",
            )
            if not v.startswith("http")
        ],
        _by_class(root),
    ):
        names = clean_names(candidates)
        if names:
            return names
    return []


def clean_names(raw: Iterable[str]) -> list[str]:
    names: list[str] = []
    for value in map(markup_text, raw):
        if re.search(r"https?:|www\.|\.com/", value):
            continue
        labelled = _LABEL.match(value.strip())
        value = _ROLE_PREFIX.sub("", (labelled.group(1) if labelled else value).strip())
        for part in re.split(r"\s*[/|]\s*", value):
            for name in _SPLIT.split(_ROLE_WORDS.sub("", part)):
                name = name.strip(" .:-")
                if _is_person(name) and name not in names:
                    names.append(name)
    return names


def _is_person(name: str) -> bool:
    words = name.split()
    return 0 < len(words) <= MAX_NAME_WORDS and not _NOT_A_PERSON.search(name) and name[0].isupper()


def _labelled(blocks: list[Block]) -> list[str]:
    for i, block in enumerate(blocks):
        text = block.text
        match = _LABEL.match(text) if len(text) <= MAX_BYLINE_CHARS else None
        if not match:
            continue
        rest = match.group(1).strip() or _beside_label(blocks, i)
        rest = rest.lstrip(": ").strip()
        if rest and len(rest) <= MAX_BYLINE_CHARS:
            return [rest]
    return []


def _beside_label(blocks: list[Block], i: int) -> str:
    """A label alone ("Penulis"): the name follows after a colon, or sits just before it."""
    after = blocks[i + 1].text if i + 1 < len(blocks) else ""
    before = blocks[i - 1].text if i > 0 else ""
    if after.startswith(":") or not clean_names([before]):
        return after
    return before


def _by_class(root: lxml.html.HtmlElement) -> list[str]:
    for el in root.iter("div", "span", "p", "a", "strong"):
        if _AUTHOR_CLASS.search(class_id(el)):
            text = element_text(el)
            if 0 < len(text) <= MAX_BYLINE_CHARS and clean_names([text]):
                return [text]
    return []
