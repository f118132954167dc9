"""One spelling per URL, so the same article reached two ways is stored once.

``canonicalize`` leans on w3lib (Scrapy's URL library) for percent-encoding
and query normalization, and adds what it leaves out: default ports and the
tracking parameters news links carry from newsletters and social media.
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, parse_qsl, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

__all__ = ["TRACKING_PARAMS", "TRACKING_PREFIXES", "canonicalize", "is_tracking_param"]

#: Query parameters that say where a click came from, never which page it is.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
        "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "s_cid",
        "cmpid", "spm", "oly_anon_id", "oly_enc_id", "vero_id", "rb_clickid", "wt_mc",
    }
)  # fmt: skip
#: Prefixes of whole families of tracking parameters (utm_source, utm_medium, ...).
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")

DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_param(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
#: Rounds of canonicalization before a URL is taken as it is.
MAX_ROUNDS = 4


def canonicalize(url: str) -> str:
    """The canonical form of ``url``: the key articles and pages are stored under.

    Lower-cases scheme and host, drops the default port, the fragment and
    tracking parameters, sorts the remaining query (``?page=all`` stays: it
    changes what Indonesian sites serve), keeps the path's case.

    >>> canonicalize("HTTPS://News.Example.COM:443/Berita/A?utm_source=x&b=2&a=1#top")
    'https://news.example.com/Berita/A?a=1&b=2'
    """
    current = _canonical_once(url.strip())
    for _ in range(MAX_ROUNDS):  # odd inputs settle only after another round (``??utm_source=``)
        again = _canonical_once(current)
        if again == current:
            break
        current = again
    return current


def _canonical_once(url: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    netloc = _netloc(scheme, parts)
    # a % that starts no escape is a literal %: written %25, or decoding ``%3%30`` would make a new escape
    path = _STRAY_PERCENT.sub("%25", parts.path) or "/"
    query = _STRAY_PERCENT.sub("%25", parts.query)
    tracking = [k for k, _ in parse_qsl(query, keep_blank_values=True) if is_tracking_param(k)]
    if tracking:
        query = url_query_cleaner("?" + query, tracking, remove=True, unique=False).lstrip("?")
    return canonicalize_url(urlunsplit((scheme, netloc, path, query, "")))


def _netloc(scheme: str, parts: SplitResult) -> str:
    """Host lower-cased, default port dropped, user info kept as given."""
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    netloc = parts.netloc
    if "@" in netloc:
        host = netloc.rsplit("@", 1)[0] + "@" + host
    return host
