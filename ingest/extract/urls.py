"""The article's canonical URL, validated.

Candidates: ``<link rel=canonical>``, ``og:url``, JSON-LD ``url``/``mainEntityOfPage``,
``itemprop`` url/mainEntityOfPage, then the page's own share links. A candidate
is rejected when empty, relative garbage, the site's home page, or mangled
(tracking parameters glued into the path, as on an old Kompas page); a mangled
one is repaired from an in-page link that starts the same way.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import parse_qs, urljoin, urlsplit

import lxml.html

from ingest.extract.jsonld import text_of
from ingest.extract.meta import PageMeta
from ingest.extract.tree import page_links

_MANGLED = re.compile(r"utm[._]?(source|medium|campaign)", re.I)
_SHARE_PARAMS = ("u", "url", "href", "link")


def find_canonical(root: lxml.html.HtmlElement, meta: PageMeta, url: str | None) -> str | None:
    mangled: list[str] = []
    for candidate in _candidates(meta):
        absolute = urljoin(url or "", candidate.strip())
        if not _plausible(absolute):
            continue
        if _MANGLED.search(urlsplit(absolute).path):
            mangled.append(absolute)
            continue
        return absolute
    links = _page_links(root, url)
    for bad in mangled:
        prefix = _MANGLED.split(bad)[0].lower().rstrip("./")
        repaired = [link.split("?")[0].split("#")[0] for link in links if link.lower().startswith(prefix)]
        if repaired:
            return Counter(repaired).most_common(1)[0][0]
    shared = _share_targets(root)
    if shared:
        return shared
    return url


def _candidates(meta: PageMeta) -> list[str]:
    found = list(meta.canonical)
    found += meta.all("og:url", "twitter:url")
    main = meta.jsonld.get("mainEntityOfPage")
    found += [v for v in (text_of(meta.jsonld.get("url")), text_of(main)) if v]
    found += meta.itemprop("mainEntityOfPage") + meta.itemprop("url")
    return [c for c in found if c and c.strip()]


def _plausible(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in url:
        return False
    return parts.path.strip("/") != "" or bool(parts.query)


def _page_links(root: lxml.html.HtmlElement, url: str | None) -> list[str]:
    return [link for _, link in page_links(root, url)] + _share_urls(root)


def _share_urls(root: lxml.html.HtmlElement) -> list[str]:
    out = []
    for a in root.iter("a"):
        href = a.get("href") or ""
        if not re.search(
            r"facebook\.com/sharer|twitter\.com/(intent/tweet|share)|plus\.google\.com/share|"
            r"linkedin\.com/share|whatsapp|pinterest\.com/pin",
            href,
            re.I,
        ):
            continue
        query = parse_qs(urlsplit(href).query)
        for key in _SHARE_PARAMS:
            for value in query.get(key, []):
                if _plausible(value):
                    out.append(value)
    return out


def _share_targets(root: lxml.html.HtmlElement) -> str | None:
    counts = Counter(_share_urls(root))
    return counts.most_common(1)[0][0] if counts else None
