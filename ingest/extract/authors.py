"""Bylines: persons only, role prefixes and organisations dropped.

Order: a labelled byline printed on the page ("Penulis:", "Pewarta:", "Oleh"),
then ``itemprop=author``, then JSON-LD, then meta tags, then elements whose
class names an author or reporter. The printed byline comes first because the
machine fields often hold the editor (Antara's JSON-LD) or the company
("Kompas Cyber Media").

A byline names writers only (Penulis, Reporter, Pewarta, Kontributor): an
editor, redaktur, penyunting or photographer named on the same line is cut off,
outlets ("- detiknews", "| Kompas.com", "(Antara)") and their dateline city are
dropped, and sign-off codes ("(FJR)", "rul/bgs", "(*)") are never names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import lxml.html

from ingest.extract.blocks import Block
from ingest.extract.bylines import is_dateline_city, is_outlet, site_tokens
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
    r"|(?:kontributor|koresponden)(?:\s*:\s*|\s+[-\u2013]\s*)"
    r"|laporan(?:\s*:\s*|\s+[-\u2013]\s*|\s+(?=(?:wartawan|reporter|kontributor|koresponden)\b)))(.*)$",
    re.I,
)
_ROLE_PREFIX = re.compile(
    r"^(?:kontributor|koresponden|wartawan|reporter|jurnalis|laporan wartawan|correspondent)\b[^,]*,\s*", re.I
)
#: A writer's role printed after the name ("Dewi Kania Jurnalis"): dropped, the name stays.
_ROLE_WORDS = re.compile(r"\s*\b(jurnalis|reporter|penulis|wartawan|kontributor|pewarta|author)\s*$", re.I)
#: Where one name ends and the next (or an outlet) begins: "A, B dan C", "A & B", "A/B", "A | Kompas.com",
#: "A - detiknews". A dash only splits with a space on a side, so "Nur-Aini" stays whole.
_SPLIT = re.compile(r"\s*(?:[,&;/|\u2022]|\bdan\b|\band\b)\s*|\s+[-\u2013\u2014]\s*|\s*[-\u2013\u2014]\s+")
#: A role that is not the writer's; its name is never the author, and on a shared line it ends the byline.
_OTHER_ROLE = re.compile(
    r"\b(?:editor|redaktur|penyunting|fotografer|foto|videografer|penerjemah|grafis|infografis)\b\s*(?::|[-\u2013]\s)",
    re.I,
)
#: Anything in parentheses: in a byline it is an outlet "(Antara)" or a sign-off code "(FJR)", "(rul/bgs)", "(*)".
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
#: Initials alone ("FJR", "ANT") are a desk's sign-off, not a name.
MAX_INITIALS = 4
#: An academic title split off by the comma that follows a name ("Budi Santoso, M.Si", "S.H.", "Ph.D").
_DEGREE = re.compile(r"^(?:[A-Za-z]{1,3}\.\s?){1,3}[A-Za-z]{0,3}\.?$")
_NOT_A_PERSON = re.compile(
    r"\.(com|co\.id|id|net)\b|https?:|www\.|\b(tim|redaksi|cyber media|admin|editor|redaktur|penyunting|fotografer|"
    r"desk|antara|afp|reuters|kompas|detik|liputan6|okezone|tempo|tribun|merdeka|kapanlagi|staff|newsroom|news|"
    r"share|bagikan|facebook|twitter|whatsapp|follow|ikuti|senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad)\b|@|\d",
    re.I,
)
_AUTHOR_CLASS = re.compile(r"author|reporter|byline|penulis|writer|jurnalis")


def find_authors(
    root: lxml.html.HtmlElement, meta: PageMeta, blocks: list[Block], url: str | None = None
) -> list[str]:
    """The writers of the article, from the most trustworthy source that names any."""
    site = site_tokens(meta.first("og:site_name", "application-name"), meta.first("og:url") or url)
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
        names = clean_names(candidates, site)
        if names:
            return names
    return []


def clean_names(raw: Iterable[str], site: Iterable[str] = ()) -> list[str]:
    """Person names from byline strings; ``site`` holds the page's own outlet names (see ``site_tokens``)."""
    site = frozenset(site)
    names: list[str] = []
    for value in map(markup_text, raw):
        for name in _names_in(value, site):
            if name not in names:
                names.append(name)
    return names


def _names_in(value: str, site: frozenset[str]) -> list[str]:
    """The writers one byline string names, in order."""
    if re.search(r"https?:|www\.|\.com/", value):
        return []
    value = _writer_part(value)
    names: list[str] = []
    for part in _SPLIT.split(_PARENS.sub(" ", value)):
        part = _ROLE_WORDS.sub("", part).strip(" .:-\u2013\u2014")
        # a city is a dateline ("Liputan6.com, Jakarta"), never a one-word name
        if not is_outlet(part, site) and not is_dateline_city(part) and _is_person(part):
            names.append(part)
    return names


def _writer_part(value: str) -> str:
    """The byline with its label, role prefix and any editor/photographer part cut away ("" if only those)."""
    value = value.strip()
    labelled = _LABEL.match(value)
    value = labelled.group(1).strip() if labelled else value
    other = _OTHER_ROLE.search(value)
    if other:
        value = value[: other.start()]
    return _ROLE_PREFIX.sub("", value.strip())


def _is_person(name: str) -> bool:
    words = name.split()
    return (
        0 < len(words) <= MAX_NAME_WORDS
        and not _NOT_A_PERSON.search(name)
        and name[0].isupper()
        and not _is_initials(name)
        and not _DEGREE.match(name)
    )


def _is_initials(name: str) -> bool:
    """A desk code such as "FJR" or "ANT": one short word in capitals."""
    return " " not in name and len(name) <= MAX_INITIALS and name.isupper()


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


#: Where an "author" class names a reader, not the writer: comment threads and their forms.
_READER_PART = re.compile(r"comment|komentar|respond|reply|disqus")


def _by_class(root: lxml.html.HtmlElement) -> list[str]:
    for el in root.iter("div", "span", "p", "a", "strong"):
        if _AUTHOR_CLASS.search(class_id(el)) and not _in_reader_part(el):
            text = element_text(el)
            if 0 < len(text) <= MAX_BYLINE_CHARS and clean_names([text]):
                return [text]
    return []


def _in_reader_part(el: lxml.html.HtmlElement) -> bool:
    """Inside a form or a comment thread ("comment-author", "Name *"): a commenter or a field, not a byline."""
    return any(node.tag == "form" or bool(_READER_PART.search(class_id(node))) for node in (el, *el.iterancestors()))
