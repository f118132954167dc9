"""Fast unit tests of the fetcher's policies, without a server."""

from __future__ import annotations

import gzip
import zlib
from datetime import UTC, datetime

import httpx
import pytest

from ingest.body import decompress_bounded, read_bounded
from ingest.fetch import Fetcher
from ingest.ratelimit import HostRateLimiter
from ingest.retry import RetryPolicy, parse_retry_after
from ingest.robots import RobotsCache, agent_token
from kliping.config import FetchConfig, parse_config
from kliping.errors import FetchAbandoned, FetchError, HostUnreachable, TooLarge

NOW = datetime(2024, 5, 1, 10, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 5 ", 5.0),
        ("Wed, 01 May 2024 10:00:30 GMT", 30.0),
        ("Wed, 01 May 2024 09:00:00 GMT", 0.0),  # in the past: go now
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


def test_backoff_grows_exponentially_with_jitter_and_is_capped() -> None:
    policy = RetryPolicy(retries=10, backoff=1.0, max_backoff=8.0)
    for attempt, ceiling in [(0, 1.0), (1, 2.0), (2, 4.0), (5, 8.0)]:
        delay = policy.delay(attempt)
        assert ceiling / 2 <= delay <= ceiling


def test_retry_after_overrides_backoff_up_to_the_cap() -> None:
    policy = RetryPolicy(retries=3, backoff=1.0, max_backoff=60.0)
    assert policy.delay(0, retry_after=30) == 30
    assert policy.delay(0, retry_after=3600) == 60


def test_rate_limiter_spaces_requests_per_host_not_across_hosts() -> None:
    clock = [0.0]
    slept: list[float] = []
    limiter = HostRateLimiter(1.0, clock=lambda: clock[0], sleep=slept.append)
    limiter.wait("a")
    limiter.wait("b")
    limiter.wait("a")
    assert slept == [1.0]


def test_crawl_delay_never_lowers_the_configured_interval() -> None:
    limiter = HostRateLimiter(2.0)
    limiter.set_interval("a", 0.5)
    assert limiter.interval("a") == 2.0
    limiter.set_interval("a", 5)
    assert limiter.interval("a") == 5


@pytest.mark.parametrize(
    ("ua", "token"),
    [("kliping/0.1 (+https://github.com/x)", "kliping"), ("KlipingBot", "klipingbot"), ("", "*")],
)
def test_agent_token_is_the_product_name(ua: str, token: str) -> None:
    assert agent_token(ua) == token


def test_deflate_with_and_without_zlib_header() -> None:
    raw = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    raw_deflate = raw.compress(b"halo") + raw.flush()
    for body in (zlib.compress(b"halo"), raw_deflate):
        assert read_bounded([body], encoding="deflate", max_bytes=10, deadline=1e18, url="u") == b"halo"


def test_decompress_bounded_stops_at_the_limit() -> None:
    with pytest.raises(TooLarge):
        decompress_bounded(gzip.compress(b"\0" * 1_000_000), max_bytes=1000, url="u")


def test_transport_seam_and_user_agent() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"ok")

    settings = FetchConfig(user_agent="kliping-test/1", min_interval=0, respect_robots=False)
    with Fetcher(settings, transport=httpx.MockTransport(handler)) as f:
        assert f.get("http://example.test/a").content == b"ok"
    assert seen[0].headers["user-agent"] == "kliping-test/1"


def test_the_fetcher_takes_its_settings_from_the_fetch_section() -> None:
    config = parse_config("fetch: {retries: 5, backoff: 0.5, max_backoff: 10, max_redirects: 1, robots_ttl: 600,"
                          " robots_error_ttl: 60, min_interval: 0, respect_robots: false}")

    def handler(request: httpx.Request) -> httpx.Response:
        hop = int(request.url.path.strip("/") or 0)
        return httpx.Response(302, headers={"Location": f"/{hop + 1}"})

    with Fetcher(config.fetch, transport=httpx.MockTransport(handler)) as f:
        assert f.policy == RetryPolicy(retries=5, backoff=0.5, max_backoff=10.0)
        assert (f.robots.ttl, f.robots.error_ttl) == (600, 60)
        with pytest.raises(FetchError, match="more than 1 redirects"):
            f.get("http://example.test/")


@pytest.mark.parametrize(("failure", "unreachable", "said"), [
    (httpx.ConnectTimeout("timed out"), True, "the host example.test is unreachable: no connection within"),
    (httpx.ConnectError("[Errno 113] No route to host"), True, "the host example.test is unreachable: [Errno 113]"),
    (httpx.ReadTimeout("timed out"), False, "timed out: ReadTimeout"),  # connected: the host is there, slow
])
def test_a_connection_never_made_is_the_host_unreachable(failure: httpx.TransportError, unreachable: bool,
                                                          said: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise failure

    for respect_robots in (True, False):  # met on robots.txt or on the page itself: the same words
        settings = FetchConfig(min_interval=0, retries=0, respect_robots=respect_robots)
        with Fetcher(settings, transport=httpx.MockTransport(handler)) as f, pytest.raises(FetchError) as err:
            f.get("http://example.test/a")
        assert isinstance(err.value, HostUnreachable) is unreachable, err.value
        assert said in str(err.value) and "disallow" not in str(err.value)


def test_a_robots_txt_abandoned_on_stopping_is_not_remembered_as_unknown_rules() -> None:
    answers: list[BaseException | tuple[int, bytes]] = [FetchAbandoned("stopping"), (200, b"User-agent: *\nAllow: /\n")]

    def loader(url: str) -> tuple[int, bytes]:
        answer = answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    cache = RobotsCache(loader, ttl=86400, error_ttl=3600)
    with pytest.raises(FetchAbandoned):
        cache.rules("http://example.test/a")
    assert cache.rules("http://example.test/a").can_fetch("http://example.test/a", "kliping")
