"""Two real daemons share one PostgreSQL archive; one is killed with kill -9 mid-crawl.

Each daemon has a data_dir of its own (its Whoosh index, its WARC files) and the
same ``archive.url``. Two sources, served slowly, are shared out by leases. The
first daemon is killed while both crawl; the second must take its source over
within one lease period (plus the source's one-second schedule), and in the end
the archive holds every article exactly once, with no edit recorded (no page
stored twice over), and the survivor's index holds them all.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import psycopg
from cli_runner import kliping_json
from daemon_process import DaemonProcess, wait_for
from httpserver import LocalSite
from newssite import NewsSite, write_config
from test_daemon_kill9 import article, word

PER_SOURCE = 24
LEASE = 3.0
SLOW = 0.12  # seconds per article page: a run of 4 pages lasts about half a second


def publish(site: NewsSite, name: str, i: int) -> None:
    data = article(i)
    path = f"/{name}/{i:03d}.html"
    site.publish(path=path, body=data)
    site.site.add_handler(path, lambda h: (time.sleep(SLOW), h.respond(200, data, {
        "Content-Type": "text/html; charset=utf-8"})))


def scalar(url: str, sql: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(sql).fetchone()
        return int(row[0]) if row else 0


def taken(daemon: DaemonProcess) -> set[str]:
    return set(re.findall(r"event=lease_taken source=(\w+)", daemon.log()))


def holder(daemon: DaemonProcess) -> str:
    found = re.search(r"event=leases_joined holder=(\S+)", daemon.log())
    assert found, daemon.log()
    return found.group(1)


def crawling(daemon: DaemonProcess, source: str) -> bool:
    """Whether the daemon's last word on ``source`` is that a run started (so it is fetching now)."""
    events = re.findall(rf"event=(run_start|run_end|run_stopped) source={source}\b", daemon.log())
    return bool(events) and events[-1] == "run_start"


def test_kill_9_one_of_two_daemons_and_the_other_takes_over(local_site: LocalSite, tmp_path: Path,
                                                            pg_url: str) -> None:
    site = NewsSite(local_site, Path("/nonexistent"))
    names = ["utara", "selatan"]
    for n, name in enumerate(names):
        for i in range(PER_SOURCE):
            publish(site, name, n * 100 + i)
    total = len(names) * PER_SOURCE
    sources = [{"name": name, "feeds": [site.feed_url], "every": "1s", "max_articles": 4,
                "article_url_pattern": f"/{name}/"} for name in names]
    daemon_settings = {"jitter": 0, "misfire_grace": "30s", "lease": f"{LEASE:.0f}s", "workers": 2}

    def config(node: str) -> Path:
        (tmp_path / node).mkdir()
        return write_config(tmp_path / node / "config.yaml", tmp_path / node / "data", sources,
                            daemon=daemon_settings, archive={"url": pg_url})

    def config_of(node: str) -> Path:
        return tmp_path / node / "config.yaml"

    first = DaemonProcess(config("one"), log_name="daemon.log")
    second: DaemonProcess | None = None
    try:
        wait_for(lambda: taken(first) == set(names), 30, "the first daemon to take both sources (it is alone)")
        second = DaemonProcess(config("two"), log_name="daemon.log")
        # The first gives a source back after its run (it holds more than its fair share); the second takes it.
        wait_for(lambda: taken(second), 30, "the second daemon to get a source")  # type: ignore[union-attr]
        stored = scalar(pg_url, "SELECT COUNT(*) FROM articles")
        assert 0 < stored < total, "the kill should land mid-crawl"
        first_holds = set(names) - taken(second)  # type: ignore[union-attr]
        shown = {s["name"]: s["crawled_by"] for s in kliping_json(config_of("one"), "status")["sources"]}
        assert set(shown.values()) == {holder(first), holder(second)}  # type: ignore[arg-type]
        assert len(first_holds) == 1, "each daemon should hold one source"
        wait_for(lambda: crawling(first, *first_holds), 15, "the first daemon to be in the middle of a run")
        first.kill9()
        killed_at = time.monotonic()

        wait_for(lambda: taken(second) == set(names), LEASE + 8,  # type: ignore[union-attr]
                 "the second daemon to take over the killed one's source")
        took = time.monotonic() - killed_at
        print(f"taken over {took:.1f}s after the kill (lease {LEASE:.0f}s, schedule 1s)")
        assert took <= LEASE + 1.0 + 3.0, f"took {took:.1f}s: more than one lease period and a schedule tick"

        for name in names:  # published after the kill: the survivor crawls them too
            publish(site, name, 100 * names.index(name) + PER_SOURCE)
        total += len(names)
        wait_for(lambda: scalar(pg_url, "SELECT COUNT(*) FROM articles") == total, 90, f"all {total} archived")
        status_config = tmp_path / "two" / "config.yaml"
        wait_for(lambda: kliping_json(status_config, "status")["index"]["documents"] == total, 30,
                 "the survivor's index to catch up")
        assert second.terminate() == 0  # type: ignore[union-attr]
    finally:
        first.stop()
        if second is not None:
            second.stop()

    assert scalar(pg_url, "SELECT COUNT(DISTINCT url) FROM articles") == total
    assert scalar(pg_url, "SELECT COUNT(*) FROM pages WHERE status = 'stored'") == total
    assert scalar(pg_url, "SELECT COUNT(*) FROM article_versions") == 0, "no article was stored twice over"
    assert scalar(pg_url, "SELECT COUNT(DISTINCT seq) FROM articles") == total
    assert scalar(pg_url, "SELECT COUNT(*) FROM source_leases") == 0, "the survivor gave its leases back"
    query_text = " OR ".join(word(100 * n + i) for n in range(len(names)) for i in range(PER_SOURCE + 1))
    found = kliping_json(status_config, "search", query_text, "--limit", str(total * 2))
    assert found["total"] == total
