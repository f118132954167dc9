"""discover_start_page: article links on a section page, by the source's pattern."""

from __future__ import annotations

import re

import pytest
from httpserver import LocalSite

from ingest.discover import DiscoveryError, discover_start_page
from ingest.fetch import Fetcher

ARTICLE = re.compile(r"/berita/\d{4}/\d{2}/\d{2}/")

SECTION = """<html><head><title>Nasional</title></head><body>
<nav><a href="/">Beranda</a> <a href="/nasional">Nasional</a></nav>
<a href="/berita/2024/05/01/banjir-jakarta"> Banjir
   Jakarta </a>
<a href="/berita/2024/05/01/banjir-jakarta#komentar">Komentar</a>
<a href="https://other.example/berita/2024/05/02/gempa">Gempa</a>
<a href="javascript:void(0)">Bagikan</a> <a href="mailto:redaksi@example.org">Redaksi</a>
<a href="/tag/banjir">Tag</a>
</body></html>"""


def test_links_matching_the_pattern_in_page_order_once(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/nasional", SECTION)
    found = discover_start_page(fetcher, site.url("/nasional"), ARTICLE)
    assert [(f.url, f.title) for f in found] == [
        (site.url("/berita/2024/05/01/banjir-jakarta"), "Banjir Jakarta"),
        ("https://other.example/berita/2024/05/02/gempa", "Gempa"),
    ]


def test_base_href_is_honoured(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/s", '<html><head><base href="https://cdn.example/x/"></head><body><a href="berita/2024/01/01/a">a</a>')
    [item] = discover_start_page(fetcher, site.url("/s"), ARTICLE)
    assert item.url == "https://cdn.example/x/berita/2024/01/01/a"


def test_without_a_pattern_all_same_host_links(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/nasional", SECTION)
    found = discover_start_page(fetcher, site.url("/nasional"), None)
    assert all(f.url.startswith(site.base_url) for f in found)
    assert len(found) == 4


def test_a_start_page_that_is_not_html_raises(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/nasional", b"\x89PNG...", content_type="image/png")
    with pytest.raises(DiscoveryError, match="not HTML"):
        discover_start_page(fetcher, site.url("/nasional"), ARTICLE)
