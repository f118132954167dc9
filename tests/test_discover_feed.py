"""discover_feed against feeds served by a local site."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from httpserver import LocalSite

from ingest.discover import DiscoveredURL, DiscoveryError, discover_feed
from ingest.fetch import Fetcher

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Berita</title>
<item><title>Banjir di Jakarta</title><link>https://news.example/banjir?utm_source=rss</link>
  <pubDate>Wed, 01 May 2024 17:00:00 +0700</pubDate></item>
<item><title>Tanpa tautan</title></item>
<item><title>Relatif</title><link>/relatif</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title>
<entry><title>Gempa</title><link rel="alternate" href="https://news.example/gempa"/>
  <updated>2024-05-02T08:30:00+08:00</updated></entry>
</feed>"""


def test_rss_items_with_dates_in_utc(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/rss", RSS, content_type="application/rss+xml")
    found = discover_feed(fetcher, site.url("/rss"))
    assert found == [
        DiscoveredURL(
            "https://news.example/banjir?utm_source=rss", datetime(2024, 5, 1, 10, tzinfo=UTC), "Banjir di Jakarta"
        ),
        DiscoveredURL(site.url("/relatif"), None, "Relatif"),
    ]


def test_atom_entries(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/atom", ATOM, content_type="application/atom+xml")
    [entry] = discover_feed(fetcher, site.url("/atom"))
    assert entry.url == "https://news.example/gempa"
    assert entry.published == datetime(2024, 5, 2, 0, 30, tzinfo=UTC)


def test_unchanged_feed_is_not_read_again(site: LocalSite, fetcher: Fetcher) -> None:
    site.add("/rss", RSS, content_type="application/rss+xml", etag='"r1"')
    assert discover_feed(fetcher, site.url("/rss"))
    assert discover_feed(fetcher, site.url("/rss")) == []
    assert site.requests[-1].headers["if-none-match"] == '"r1"'


@pytest.mark.parametrize(
    "body", [b"<html><body><p>Maaf, halaman tidak ditemukan</p></body></html>", b"\x00\x01binary", b""]
)
def test_a_feed_that_is_not_a_feed_raises(site: LocalSite, fetcher: Fetcher, body: bytes) -> None:
    site.add("/rss", body)
    with pytest.raises(DiscoveryError, match="not an RSS/Atom feed"):
        discover_feed(fetcher, site.url("/rss"))
