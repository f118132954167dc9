"""Every fault mode the daemon meets in the wild ends as a clear FetchError, fast."""

from __future__ import annotations

import threading

import pytest
from httpserver import LocalSite

from index.archive import Archive
from ingest.crawl import SourceCrawler, SourceSummary
from ingest.fetch import Fetcher
from kliping.config import FetchConfig, Source
from kliping.errors import FetchAbandoned, FetchError, HTTPStatusError, TooLarge


def settings(**overrides: object) -> FetchConfig:
    base = dict(min_interval=0.0, retries=2, backoff=0.01, max_backoff=0.5, timeout=0.5, deadline=1.0)
    return FetchConfig(**{**base, **overrides})  # type: ignore[arg-type]


def test_500s_then_success_is_retried(site: LocalSite) -> None:
    site.add_flaky("/a", failures=2, body=b"finally")
    with Fetcher(settings()) as f:
        assert f.get(site.url("/a")).content == b"finally"
    assert site.count("/a") == 3


def test_persistent_500_raises_after_the_last_try(site: LocalSite) -> None:
    site.add("/a", b"broken", status=500)
    with Fetcher(settings(retries=2)) as f, pytest.raises(HTTPStatusError) as err:
        f.get(site.url("/a"))
    assert err.value.status == 500
    assert "3 attempts" in str(err.value)
    assert site.count("/a") == 3


def waits_of(fetcher: Fetcher) -> list[float]:
    """The pauses the fetcher asks for (it still takes them), recorded in order."""
    asked: list[float] = []
    take = fetcher._pause
    fetcher._pause = lambda seconds: (asked.append(seconds), take(seconds))[1]  # type: ignore[method-assign]
    return asked


def test_429_waits_for_retry_after(site: LocalSite) -> None:
    site.add_retry_after("/a", "1", body=b"ok")
    with Fetcher(settings(max_backoff=5)) as f:
        waits = waits_of(f)
        assert f.get(site.url("/a")).content == b"ok"
    assert 1.0 in waits


def test_retry_after_is_capped_at_max_backoff(site: LocalSite) -> None:
    site.add_retry_after("/a", "3600", body=b"ok")
    with Fetcher(settings(max_backoff=0.1)) as f:
        waits = waits_of(f)
        assert f.get(site.url("/a")).content == b"ok"
    assert waits and max(waits) == 0.1


def test_404_is_not_retried(site: LocalSite) -> None:
    with Fetcher(settings()) as f, pytest.raises(HTTPStatusError) as err:
        f.get(site.url("/missing"))
    assert err.value.status == 404
    assert site.count("/missing") == 1


def test_hanging_server_times_out(site: LocalSite) -> None:
    site.add_hang("/a", seconds=10)
    with Fetcher(settings(retries=1, timeout=0.2)) as f, pytest.raises(FetchError, match="timed out"):
        f.get(site.url("/a"))
    assert site.count("/a") == 2


def test_trickling_server_hits_the_total_deadline(site: LocalSite) -> None:
    site.add_trickle("/a", interval=0.02, total=1000)
    with Fetcher(settings(retries=0, timeout=0.5, deadline=0.5)) as f, pytest.raises(FetchError, match="time budget"):
        f.get(site.url("/a"))


def test_connection_reset_mid_body_is_retried_then_reported(site: LocalSite) -> None:
    site.add_reset("/a", b"x" * 100_000, cut_at=1000)
    with Fetcher(settings(retries=1)) as f, pytest.raises(FetchError, match="connection failed"):
        f.get(site.url("/a"))
    assert site.count("/a") == 2


def test_redirects_are_followed(site: LocalSite) -> None:
    site.add_redirect("/old", "/new", status=301)
    site.add("/new", b"here")
    with Fetcher(settings()) as f:
        r = f.get(site.url("/old"))
    assert (r.url, r.requested_url, r.content) == (site.url("/new"), site.url("/old"), b"here")


def test_redirect_loop_is_a_clear_error(site: LocalSite) -> None:
    site.add_redirect_loop("/a", "/b")
    with Fetcher(settings()) as f, pytest.raises(FetchError, match="redirect loop"):
        f.get(site.url("/a"))
    assert site.count("/a") == 1


def test_redirect_chain_is_bounded(site: LocalSite) -> None:
    for i in range(5):
        site.add_redirect(f"/r{i}", f"/r{i + 1}")
    with Fetcher(settings(max_redirects=3)) as f, pytest.raises(FetchError, match="more than 3 redirects"):
        f.get(site.url("/r0"))


def test_redirect_into_a_disallowed_path_is_not_followed(site: LocalSite) -> None:
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    site.add_redirect("/a", "/private/b")
    with Fetcher(settings()) as f, pytest.raises(FetchError, match="robots"):
        f.get(site.url("/a"))
    assert not site.was_requested("/private/b")


def test_gzip_bomb_raises_too_large_without_inflating_it(site: LocalSite) -> None:
    import tracemalloc

    site.add_gzip_bomb("/a", size=50_000_000)
    tracemalloc.start()
    try:
        with Fetcher(settings(max_bytes=1_000_000)) as f, pytest.raises(TooLarge):
            f.get(site.url("/a"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000  # the 50 MB were never held


def test_gzip_body_is_decoded(site: LocalSite) -> None:
    import gzip

    site.add("/a", gzip.compress(b"<p>halo</p>"), headers={"Content-Encoding": "gzip"})
    with Fetcher(settings()) as f:
        assert f.get(site.url("/a")).content == b"<p>halo</p>"


def test_body_over_the_limit_raises_too_large(site: LocalSite) -> None:
    site.add("/a", b"x" * 2000)
    with Fetcher(settings(max_bytes=1000)) as f, pytest.raises(TooLarge):
        f.get(site.url("/a"))


def test_non_http_url_is_refused() -> None:
    with Fetcher(settings()) as f, pytest.raises(FetchError, match="not an http"):
        f.get("ftp://example.org/a")


def test_a_stop_cuts_a_long_retry_after_short(site: LocalSite) -> None:
    site.add_retry_after("/lambat", "30", times=1)
    with Fetcher(FetchConfig(min_interval=0, retries=1, timeout=2, max_backoff=60)) as fetcher:
        threading.Timer(0.3, fetcher.stop.set).start()
        with pytest.raises(FetchAbandoned, match="shutting down"):  # raised by the 30 s wait, cut short
            fetcher.get(site.url("/lambat"))


def test_a_fetch_cut_by_a_stop_leaves_the_page_untried(site: LocalSite, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Stopping is not the page's failure: nothing is recorded against it, so the next run fetches it afresh."""
    site.add_retry_after("/lambat", "30", times=1)
    archive = Archive(tmp_path / "archive.sqlite3")
    with Fetcher(FetchConfig(min_interval=0, retries=1, timeout=2, max_backoff=60)) as fetcher:
        crawler = SourceCrawler(fetcher, archive)
        summary = SourceSummary("lokal")
        threading.Timer(0.3, crawler.stop.set).start()
        assert crawler.process(Source(name="lokal"), site.url("/lambat"), summary) is None
    assert archive.page_state(site.url("/lambat")) is None
    assert summary.failed == 0 and summary.errors == []
