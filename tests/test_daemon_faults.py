"""Fault injection: every kind of failure ends as a recorded failure, and the daemon goes on.

One daemon runs a source per fault (each with its own feed on the local site)
beside a healthy one, on a 1-second schedule.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from cli_runner import kliping_json
from daemon_process import DaemonProcess, article_count, query, runs, wait_for
from httpserver import LocalSite
from newssite import NewsSite

GOLD = sorted((Path(__file__).resolve().parents[2] / "shared" / "pages").glob("*/*.json"))


def gold_html(i: int) -> bytes:
    return GOLD[i].with_suffix(".html").read_bytes()


def rss(site: LocalSite, paths: list[str]) -> bytes:
    items = "".join(f"<item><title>t</title><link>{escape(site.url(p))}</link></item>" for p in paths)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>{items}</channel></rss>'.encode()


def feed_source(site: LocalSite, name: str, path: str) -> dict:  # type: ignore[type-arg]
    """A source whose feed lists one URL of ``site``."""
    site.add(f"/feeds/{name}.xml", rss(site, [path]), content_type="application/rss+xml")
    return {"name": name, "feeds": [site.url(f"/feeds/{name}.xml")], "every": "1s"}


#: source name -> (what the site does, words the recorded failure must contain)
FAULTS = {
    "flaky": (lambda s: s.add_flaky("/f/flaky.html", failures=2, body=gold_html(0)), "HTTP 500"),
    "slowdown": (lambda s: s.add_retry_after("/f/slowdown.html", "1", times=2, body=gold_html(1)), "HTTP 429"),
    "hang": (lambda s: s.add_hang("/f/hang.html", seconds=30), "Timeout"),
    "reset": (lambda s: s.add_reset("/f/reset.html", gold_html(2)), "reset by peer"),
    "loop": (lambda s: s.add_redirect_loop("/f/loop.html", "/f/loop-b.html"), "redirect loop"),
    "bomb": (lambda s: s.add_gzip_bomb("/f/bomb.html", size=5_000_000), "exceeds"),
}


@pytest.fixture
def faulty(local_site: LocalSite, make_config, tmp_path: Path):  # type: ignore[no-untyped-def]
    sources = []
    for name, (arrange, _) in FAULTS.items():
        arrange(local_site)
        sources.append(feed_source(local_site, name, f"/f/{name}.html"))
    local_site.add("/feeds/notxml.xml", b"<html><body><p>Maaf, halaman tidak ditemukan</p></body></html>")
    sources.append({"name": "notxml", "feeds": [local_site.url("/feeds/notxml.xml")], "every": "1s"})
    local_site.add("/sitemap-self.xml", (
        '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{local_site.url('/sitemap-self.xml')}</loc></sitemap></sitemapindex>"
    ).encode(), content_type="application/xml")
    sources.append({"name": "selfindex", "sitemaps": [local_site.url("/sitemap-self.xml")], "every": "1s"})
    closed = LocalSite().start()
    closed.add("/robots.txt", b"User-agent: *\nDisallow: /\n", content_type="text/plain")
    sources.append(feed_source(closed, "robots", "/f/robots.html"))
    healthy = NewsSite(LocalSite().start(), GOLD[0].parents[1])
    healthy.publish(healthy.gold_pages()[5])
    sources.append({"name": "healthy", "feeds": [healthy.feed_url], "every": "1s"})
    config = make_config(sources, fetch={"timeout": 1, "max_bytes": 1_000_000},
                         daemon={"jitter": 0, "failure_budget": 50})
    daemon = DaemonProcess(config)
    yield config, daemon, healthy, closed
    daemon.stop()
    closed.stop()
    healthy.site.stop()


EXPECTED = {**{name: words for name, (_, words) in FAULTS.items()},
            "notxml": "not an RSS/Atom feed", "selfindex": "loops back", "robots": "robots"}


def test_each_fault_is_recorded_and_the_daemon_goes_on(faulty) -> None:  # type: ignore[no-untyped-def]
    config, daemon, healthy, closed = faulty

    def recorded(name: str) -> list[str]:
        return [e["reason"] for run in runs(config, name) if run["failed"] for e in _errors(run)]

    for name, words in EXPECTED.items():
        reasons = wait_for(lambda n=name: recorded(n), 30, f"a recorded failure of {name}")
        assert any(words in r for r in reasons), (name, reasons)
    status = {s["name"]: s for s in kliping_json(config, "status")["sources"]}
    for name in EXPECTED:
        assert status[name]["last_error"] or status[name]["backoff"]["failures_in_a_row"] == 0, name
    assert not closed.was_requested("/f/robots.html")

    # 500s and 429s give way to success on a later run; the daemon is still serving the healthy source
    wait_for(lambda: article_count(config) == 3, 30, "flaky, slowdown and healthy articles stored")
    stored = {row[0] for row in query(config, "SELECT source FROM articles")}
    assert stored == {"flaky", "slowdown", "healthy"}
    healthy.publish(healthy.gold_pages()[6])
    wait_for(lambda: article_count(config) == 4, 20, "a new healthy article after all the faults")
    assert daemon.proc.poll() is None
    assert "Traceback" not in daemon.log()
    assert daemon.terminate() == 0


def _errors(run: dict) -> list[dict]:  # type: ignore[type-arg]
    import json

    return json.loads(run["errors"])
