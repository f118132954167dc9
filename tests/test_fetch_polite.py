"""Politeness against a real local server: robots.txt, rate limit, User-Agent."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from httpserver import LocalSite

from ingest.fetch import Fetcher, FetchSettings
from kliping.errors import RobotsDisallowed

UA = "kliping/0.1 (+https://example.org/kliping)"


def settings(**overrides: object) -> FetchSettings:
    base = dict(user_agent=UA, min_interval=0.0, retries=1, backoff=0.01, timeout=2.0, deadline=5.0)
    return FetchSettings(**{**base, **overrides})  # type: ignore[arg-type]


def robots(site: LocalSite, text: str) -> None:
    site.add("/robots.txt", text, content_type="text/plain")


def test_disallowed_url_is_never_requested(site: LocalSite) -> None:
    robots(site, "User-agent: *\nDisallow: /private/\n")
    site.add("/private/a", b"secret")
    with Fetcher(settings()) as f, pytest.raises(RobotsDisallowed):
        f.get(site.url("/private/a"))
    assert not site.was_requested("/private/a")


def test_rules_for_our_agent_apply_over_the_wildcard_group(site: LocalSite) -> None:
    robots(site, "User-agent: *\nAllow: /\n\nUser-agent: kliping\nDisallow: /news/\n")
    with Fetcher(settings()) as f:
        assert not f.allowed(site.url("/news/1"))
        assert f.allowed(site.url("/other"))


def test_missing_robots_txt_allows_everything(site: LocalSite) -> None:
    site.add("/a", b"hello")
    with Fetcher(settings()) as f:
        assert f.get(site.url("/a")).content == b"hello"


def test_robots_txt_server_error_disallows_the_host(site: LocalSite) -> None:
    site.add("/robots.txt", b"down", status=503)
    site.add("/a", b"hello")
    with Fetcher(settings()) as f, pytest.raises(RobotsDisallowed):
        f.get(site.url("/a"))
    assert not site.was_requested("/a")


def test_unreachable_host_robots_counts_as_disallow() -> None:
    with LocalSite() as gone:
        url = gone.url("/a")
    with Fetcher(settings(timeout=0.5)) as f:
        assert not f.allowed(url)


def test_robots_txt_is_fetched_once_per_host_while_fresh(site: LocalSite) -> None:
    robots(site, "User-agent: *\nDisallow:\n")
    site.add("/a", b"a")
    with Fetcher(settings()) as f:
        for _ in range(3):
            f.get(site.url("/a"))
    assert site.count("/robots.txt") == 1


def test_robots_txt_is_fetched_again_after_ttl(site: LocalSite) -> None:
    robots(site, "User-agent: *\nDisallow:\n")
    site.add("/a", b"a")
    with Fetcher(settings(robots_ttl=0.05)) as f:
        f.get(site.url("/a"))
        time.sleep(0.1)
        f.get(site.url("/a"))
    assert site.count("/robots.txt") == 2


def test_crawl_delay_slows_the_host_down(site: LocalSite) -> None:
    robots(site, "User-agent: *\nCrawl-delay: 0.3\n")
    site.add("/a", b"a")
    with Fetcher(settings()) as f:
        f.get(site.url("/a"))
        # the spacing itself is the limiter's, checked on a fake clock in test_fetch_units
        assert f.limiter.interval(urlsplit(site.url("/a")).netloc) == 0.3
        f.get(site.url("/a"))
    assert site.count("/a") == 2


def test_robots_can_be_switched_off(site: LocalSite) -> None:
    robots(site, "User-agent: *\nDisallow: /\n")
    site.add("/a", b"a")
    with Fetcher(settings(respect_robots=False)) as f:
        assert f.get(site.url("/a")).status == 200
    assert not site.was_requested("/robots.txt")


def test_one_request_per_interval_per_host_across_threads(site: LocalSite) -> None:
    import threading

    site.add("/a", b"a")
    with Fetcher(settings(min_interval=0.1)) as f:
        threads = [threading.Thread(target=f.get, args=(site.url("/a"),)) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    times = sorted(r.at for r in site.requests if r.path == "/a")
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(times) == 4
    assert min(gaps) >= 0.09


def test_every_request_sends_the_user_agent(site: LocalSite) -> None:
    robots(site, "User-agent: *\nDisallow:\n")
    site.add("/a", b"a")
    with Fetcher(settings()) as f:
        f.get(site.url("/a"))
    assert {r.headers["user-agent"] for r in site.requests} == {UA}
