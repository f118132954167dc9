"""Conditional GET: validators are remembered and a 304 is a cheap 'nothing new'."""

from __future__ import annotations

from httpserver import LocalSite

from ingest.fetch import Fetcher, MemoryValidatorStore, Response
from kliping.config import FetchConfig

LAST_MODIFIED = "Wed, 01 May 2024 10:00:00 GMT"


def fetcher(store: MemoryValidatorStore, **kw: object) -> Fetcher:
    return Fetcher(FetchConfig(min_interval=0.0, retries=0, timeout=2.0), validators=store, **kw)  # type: ignore[arg-type]


def test_etag_round_trip_gives_not_modified(site: LocalSite) -> None:
    site.add("/feed", b"<rss/>", etag='"v1"')
    store = MemoryValidatorStore()
    with fetcher(store) as f:
        first = f.get(site.url("/feed"), conditional=True)
        second = f.get(site.url("/feed"), conditional=True)
    assert (first.status, first.not_modified, first.content) == (200, False, b"<rss/>")
    assert (second.status, second.not_modified, second.content) == (304, True, b"")
    assert site.requests[-1].headers["if-none-match"] == '"v1"'
    assert store.get_validators(site.url("/feed")) == ('"v1"', None)


def test_last_modified_round_trip_gives_not_modified(site: LocalSite) -> None:
    site.add("/sitemap.xml", b"<urlset/>", last_modified=LAST_MODIFIED)
    with fetcher(MemoryValidatorStore()) as f:
        f.get(site.url("/sitemap.xml"), conditional=True)
        assert f.get(site.url("/sitemap.xml"), conditional=True).not_modified
    assert site.requests[-1].headers["if-modified-since"] == LAST_MODIFIED


def test_changed_content_comes_back_in_full(site: LocalSite) -> None:
    site.add("/feed", b"old", etag='"v1"')
    with fetcher(MemoryValidatorStore()) as f:
        f.get(site.url("/feed"), conditional=True)
        site.add("/feed", b"new", etag='"v2"')
        again = f.get(site.url("/feed"), conditional=True)
    assert (again.not_modified, again.content) == (False, b"new")


def test_unconditional_get_sends_no_validators(site: LocalSite) -> None:
    site.add("/a", b"a", etag='"v1"')
    with fetcher(MemoryValidatorStore()) as f:
        f.get(site.url("/a"), conditional=True)
        f.get(site.url("/a"))
    assert "if-none-match" not in site.requests[-1].headers


def test_on_response_sees_every_returned_response(site: LocalSite) -> None:
    site.add("/a", b"a", headers={"X-Test": "yes"})
    seen: list[Response] = []
    with fetcher(MemoryValidatorStore(), on_response=seen.append) as f:
        f.get(site.url("/a"))
    assert [r.headers["x-test"] for r in seen] == ["yes"]
    assert seen[0].fetched_at.tzinfo is not None
