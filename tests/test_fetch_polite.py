"""Politeness against a real local server: robots.txt, rate limit, User-Agent."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from httpserver import LocalSite

from ingest.fetch import Fetcher
from kliping.config import FetchConfig
from kliping.errors import FetchError, HostUnreachable, RobotsDisallowed

UA = "kliping/0.1 (+https://example.org/kliping)"


def settings(**overrides: object) -> FetchConfig:
    base = dict(user_agent=UA, min_interval=0.0, retries=1, backoff=0.01, timeout=2.0, deadline=5.0)
    return FetchConfig(**{**base, **overrides})  # type: ignore[arg-type]


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


def test_robots_txt_server_error_keeps_off_the_host_and_says_so(site: LocalSite) -> None:
    site.add("/robots.txt", b"down", status=503)
    site.add("/a", b"hello")
    with Fetcher(settings()) as f, pytest.raises(FetchError) as err:
        f.get(site.url("/a"))
    assert not site.was_requested("/a")
    assert not isinstance(err.value, RobotsDisallowed)  # the rules are unknown, not a disallow
    assert "robots.txt" in str(err.value) and "HTTP 503" in str(err.value)
    assert err.value.url == site.url("/a")


def test_unreachable_host_robots_keeps_off_the_host() -> None:
    with LocalSite() as gone:
        url = gone.url("/a")
    with Fetcher(settings(timeout=0.5)) as f:
        assert not f.allowed(url)


def closed_port() -> str:
    """A URL on 127.0.0.1 that nothing listens on (a local site, stopped)."""
    with LocalSite() as gone:
        return gone.url("/rss")


@pytest.mark.parametrize("url, why", [
    ("http://nonexistent.invalid/rss", "its name does not resolve"),  # .invalid never resolves (RFC 6761)
    (None, "connection refused"),
])
def test_an_unreachable_host_is_reported_unreachable_not_disallowed(url: str | None, why: str) -> None:
    url = url or closed_port()
    host = urlsplit(url).netloc
    with Fetcher(settings(timeout=0.5)) as f:
        for _ in range(2):  # the first GET reads robots.txt, the second meets the remembered failure
            with pytest.raises(HostUnreachable) as err:
                f.get(url)
            message = str(err.value)
            assert f"{host} is unreachable: {why}" in message, message
            assert "disallow" not in message
            assert err.value.url == url


def test_an_unreachable_host_is_named_with_robots_off() -> None:
    url = closed_port()
    with Fetcher(settings(timeout=0.5, respect_robots=False)) as f, pytest.raises(HostUnreachable) as err:
        f.get(url)
    assert f"{urlsplit(url).netloc} is unreachable: connection refused" in str(err.value)


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
    # Unthrottled, four threads land within milliseconds. Arrival times at the server jitter on a loaded
    # machine (a handler thread scheduled late made a 0.08 s gap of a 0.1 s spacing in a full run), so the
    # spacing is read over the whole run and loosely per gap; the limiter's own spacing is checked on a fake
    # clock in test_fetch_units.
    assert times[-1] - times[0] >= 3 * 0.1 * 0.9
    assert min(gaps) >= 0.05


def test_every_request_sends_the_user_agent(site: LocalSite) -> None:
    robots(site, "User-agent: *\nDisallow:\n")
    site.add("/a", b"a")
    with Fetcher(settings()) as f:
        f.get(site.url("/a"))
    assert {r.headers["user-agent"] for r in site.requests} == {UA}
