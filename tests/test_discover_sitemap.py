"""discover_sitemap: urlsets, indexes, gzip, Google News, and the broken ones."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_runner import kliping_json
from httpserver import LocalSite

from ingest.discover import DiscoveryError, discover_sitemap
from ingest.fetch import Fetcher
from kliping.config import FetchConfig
from kliping.errors import TooLarge

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def urlset(*locs: str) -> str:
    items = "".join(f"<url><loc>{loc}</loc><lastmod>2024-05-01</lastmod></url>" for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>{items}</urlset>'


def index(*locs: str) -> str:
    items = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {NS}>{items}</sitemapindex>'


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FetchConfig(min_interval=0, retries=0, timeout=2, max_bytes=100_000)) as f:
        yield f


def xml(site: LocalSite, path: str, body: str | bytes) -> None:
    site.add(path, body, content_type="application/xml")


def test_urlset_with_lastmod(site: LocalSite, fetcher: Fetcher) -> None:
    xml(site, "/sitemap.xml", urlset("https://n.example/a", "https://n.example/b"))
    found = discover_sitemap(fetcher, site.url("/sitemap.xml"))
    assert [f.url for f in found] == ["https://n.example/a", "https://n.example/b"]
    assert found[0].published == datetime(2024, 5, 1, tzinfo=UTC)


def test_google_news_sitemap_gives_publication_date_and_title(site: LocalSite, fetcher: Fetcher) -> None:
    body = (
        f"<urlset {NS} {NEWS}><url><loc>https://n.example/a</loc><news:news>"
        "<news:publication>ignored</news:publication>"
        "<news:publication_date>2024-05-01T17:00:00+07:00</news:publication_date>"
        "<news:title>Harga beras naik</news:title></news:news></url></urlset>"
    )
    xml(site, "/news.xml", body)
    [item] = discover_sitemap(fetcher, site.url("/news.xml"))
    assert item.published == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert item.title == "Harga beras naik"


def test_index_of_gzipped_sitemaps(site: LocalSite, fetcher: Fetcher) -> None:
    xml(site, "/index.xml", index(site.url("/s1.xml.gz"), site.url("/s2.xml")))
    site.add("/s1.xml.gz", gzip.compress(urlset("https://n.example/1").encode()), content_type="application/x-gzip")
    xml(site, "/s2.xml", urlset("https://n.example/2"))
    found = discover_sitemap(fetcher, site.url("/index.xml"))
    assert sorted(f.url for f in found) == ["https://n.example/1", "https://n.example/2"]


def test_index_pointing_at_itself_terminates_with_an_error(site: LocalSite, fetcher: Fetcher) -> None:
    xml(site, "/index.xml", index(site.url("/index.xml")))
    with pytest.raises(DiscoveryError, match="loops back"):
        discover_sitemap(fetcher, site.url("/index.xml"))
    assert site.count("/index.xml") == 1


def test_depth_and_count_are_bounded(site: LocalSite, fetcher: Fetcher) -> None:
    for i in range(6):
        xml(site, f"/i{i}.xml", index(site.url(f"/i{i + 1}.xml"), site.url(f"/u{i}.xml")))
        xml(site, f"/u{i}.xml", urlset(f"https://n.example/{i}"))
    found = discover_sitemap(fetcher, site.url("/i0.xml"), max_depth=2)
    assert sorted(f.url for f in found) == ["https://n.example/0", "https://n.example/1"]
    assert not site.was_requested("/i3.xml")
    found = discover_sitemap(fetcher, site.url("/i0.xml"), max_sitemaps=3)
    assert len(found) == 1


def test_a_broken_child_is_skipped_the_rest_kept(site: LocalSite, fetcher: Fetcher) -> None:
    xml(site, "/index.xml", index(site.url("/missing.xml"), site.url("/ok.xml")))
    xml(site, "/ok.xml", urlset("https://n.example/ok"))
    assert [f.url for f in discover_sitemap(fetcher, site.url("/index.xml"))] == ["https://n.example/ok"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html><body>Halaman tidak ditemukan</body></html>", "not a sitemap"),
        (b"<urlset><url><loc>https://n.example/a", "not well-formed"),
        (b"\x00\x01\x02", "not well-formed"),
    ],
)
def test_broken_sitemap_raises(site: LocalSite, fetcher: Fetcher, body: bytes, message: str) -> None:
    xml(site, "/sitemap.xml", body)
    with pytest.raises(DiscoveryError, match=message):
        discover_sitemap(fetcher, site.url("/sitemap.xml"))


def test_gzip_bomb_sitemap_raises_too_large(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/bomb.xml.gz", gzip.compress(b" " * 10_000_000), content_type="application/x-gzip")
    with pytest.raises(TooLarge):
        discover_sitemap(fetcher, site.url("/bomb.xml.gz"))


def test_external_entities_are_not_resolved(site: LocalSite, fetcher: Fetcher, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("RAHASIA")
    doctype = f'<!DOCTYPE u [<!ENTITY x SYSTEM "file://{secret}">]>'
    body = f"{doctype}<urlset {NS}><url><loc>https://n/&x;</loc></url></urlset>"
    xml(site, "/sitemap.xml", body)
    found = discover_sitemap(fetcher, site.url("/sitemap.xml"))
    assert all("RAHASIA" not in f.url for f in found)


def test_a_long_unchanged_sitemap_is_crawled_to_its_end_over_several_runs(news_site, make_config) -> None:  # type: ignore[no-untyped-def]
    """More URLs than max_articles: each run takes the next ones, though the sitemap answers 304 when asked."""
    pages = news_site.gold_pages()[:5]
    for page in pages:
        news_site.publish(page)
    sitemap = news_site.site.url("/sitemap.xml")
    news_site.site.add("/sitemap.xml", news_site._sitemap(), content_type="application/xml", etag='"tetap"')
    config = make_config([{"name": "lokal", "sitemaps": [sitemap], "max_articles": 2}])
    stored = [kliping_json(config, "crawl", ok_codes=(0, 1))["sources"][0]["new"] for _ in range(3)]
    assert stored == [2, 2, 1]
