"""Word lists of the byline and section rules (``bylines.json``), and the outlet test built on them.

The lists are data, like the boilerplate catalogue: a new brand or page-type
label is a one-line change there, not a code change. The outlet test leans on
shape first (a domain, the page's own site name) so a site not in the lists is
still recognised on its own pages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

#: A word that is a domain: "Kompas.com", "Liputan6.com", "merdeka.co.id", "cnnindonesia.com/x".
_DOMAIN = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|co\.id|id|net|org|tv|co|news|info|web\.id|or\.id)\b", re.I)
#: Host labels that say nothing of the outlet.
_HOST_NOISE = re.compile(r"^(?:www\d?|m|mobile|amp)\.|\.(?:co|or|web|ac|go)?\.?(?:id|com|net|org|tv|news|co)$")


@dataclass(frozen=True)
class Words:
    outlet_stems: frozenset[str]
    outlet_desks: frozenset[str]
    dateline_cities: frozenset[str]
    page_type_sections: frozenset[str]


@cache
def words() -> Words:
    """The lists, read once from the package data."""
    data = json.loads(resources.files("ingest.extract").joinpath("bylines.json").read_text("utf-8"))
    return Words(*(frozenset(data[key]) for key in Words.__dataclass_fields__))


def compact(text: str) -> str:
    """Letters and digits only, lower case: "CNN Indonesia" and "cnnindonesia" compare equal."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def site_tokens(site_name: str | None, url: str | None) -> frozenset[str]:
    """The page's own outlet names: og:site_name and the registrable label of the host ("news.detik.com" -> detik).

    A byline that repeats the site's name is the outlet, whatever the site; this
    is what lets the rule work on sites no list knows.
    """
    tokens = set()
    if site_name:
        tokens.add(compact(_DOMAIN.sub(lambda m: m.group(0).split(".")[0], site_name)))
    host = urlsplit(url).hostname if url and "//" in url else None
    if host:
        while (stripped := _HOST_NOISE.sub("", host)) != host:
            host = stripped
        tokens.add(compact(host.rsplit(".", 1)[-1]))
    return frozenset(t for t in tokens if len(t) >= 3)


def is_outlet(part: str, site: Iterable[str] = ()) -> bool:
    """A news outlet, not a person: a domain, a known brand, or the page's own site, alone or glued to a desk word.

    "detiknews", "Tribunnews", "ANTARA News", "CNN Indonesia", "Tribun Jabar" are
    outlets; a lower-case word that begins with a brand ("detikoto") is one too,
    since person names are capitalised.
    """
    if _DOMAIN.search(part):
        return True
    key = compact(part)
    if not key:
        return False
    w = words()
    for stem in w.outlet_stems | set(site):
        if key == stem or (key.startswith(stem) and (key[len(stem):] in w.outlet_desks or part[:1].islower())):
            return True
    return False


def is_dateline_city(part: str) -> bool:
    """A city as a whole byline part: the dateline of "Liputan6.com, Jakarta", not a person."""
    return compact(part) in words().dateline_cities


def is_page_type(label: str) -> bool:
    """A label of the page's kind ("Detail Berita", "News", "Read") rather than its rubric."""
    return " ".join(label.casefold().split()) in words().page_type_sections
