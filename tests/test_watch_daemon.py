"""Watches in a real daemon process: kill -9 it again and again, take the receiver down; every match
arrives, once per idempotency key, signed.

The receiver answers slowly, so some kills land between a POST and its bookkeeping:
the repeat that follows carries the same ``X-Kliping-Delivery`` key, which is how a
receiver drops it (what ``WebhookReceiver.unique()`` keeps).
"""

from __future__ import annotations

import html
import random
import time
from functools import cache
from pathlib import Path

from cli_runner import kliping
from corpus import corpus_records
from daemon_process import DaemonProcess, query, wait_for
from httpserver import LocalSite
from newssite import NewsSite
from webhook_receiver import WebhookReceiver

SECRET = "rahasia-daemon"
SEED = 20261201


def matching(i: int) -> bool:
    return i % 2 == 0


@cache
def _other_news() -> list[list[str]]:
    """Real article paragraphs that never say "gempa" or "bumi": each page a story of its own (pages sharing
    their text would be one story, and a watch alerts once per story)."""
    found = []
    for record in corpus_records(400, every=37):
        text = record["body"].lower()
        paragraphs = [p.strip(" ,") + "." for p in record["body"].split(".,") if len(p.strip()) > 80]
        if "gempa" not in text and "bumi" not in text and len(paragraphs) >= 3:
            found.append(paragraphs[:3])
    return found


def page(i: int) -> bytes:
    topic = "gempa bumi mengguncang" if matching(i) else "hujan deras mengguyur"
    title = f"Laporan warga kampung nomor {i}: {topic} kawasan itu"
    paragraphs = [
        f"BANDUNG - Warga kampung nomor {i} melaporkan {topic} kawasan permukiman sejak pagi hari, dan banyak "
        "keluarga memilih bertahan di luar rumah sambil menunggu kabar dari petugas.",
        *(html.escape(p) for p in _other_news()[i]),
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>{body}</article>"
            "</body></html>").encode()


def publish(site: NewsSite, i: int) -> str:
    data = page(i)
    path = f"/berita/{i:03d}.html"
    url = site.publish(path=path, body=data)
    site.site.add_handler(path, lambda h: (time.sleep(0.04), h.respond(200, data, {
        "Content-Type": "text/html; charset=utf-8"})))
    return url


def setup(local_site: LocalSite, make_config, receiver: WebhookReceiver) -> tuple[NewsSite, Path]:  # type: ignore[no-untyped-def]
    site = NewsSite(local_site, Path("/nonexistent"))
    source = {"name": "lokal", "feeds": [site.feed_url], "sitemaps": [site.sitemap_url], "every": "1s"}
    config = make_config([source], daemon={"jitter": 0, "misfire_grace": "30s"},
                         watch={"secret": SECRET, "backoff": "1s", "max_backoff": "2s", "timeout": 2})
    added = kliping(config, "watch", "add", "gempa", "gempa bumi", "--webhook", receiver.url)
    assert added.returncode == 0, added.stderr
    return site, config


def pending(config: Path) -> int:
    rows = query(config, "SELECT COUNT(*) FROM watch_deliveries WHERE status = 'pending'")
    return rows[0][0] if rows else -1


def assert_each_match_once(receiver: WebhookReceiver, expected_urls: set[str]) -> None:
    events = receiver.events()
    assert all(r.signed for r in events), "every POST must carry a valid HMAC signature"
    unique = receiver.unique()
    assert {r.event["article"]["url"] for r in unique.values()} == expected_urls
    assert len(unique) == len(expected_urls), "one idempotency key per matching article"
    for r in events:  # a repeat is the same alert under the same key, never another one
        assert unique[r.key].event == r.event


def test_kill_9_again_and_again_delivers_each_match_exactly_once(local_site: LocalSite, make_config) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(SEED)
    receiver = WebhookReceiver(SECRET, delay=0.15).start()  # slow: kills land between a POST and its answer
    try:
        site, config = setup(local_site, make_config, receiver)
        urls: dict[int, str] = {}
        for i in range(4):
            urls[i] = publish(site, i)
        for round_ in range(8):
            daemon = DaemonProcess(config, log_name=f"daemon-{round_:02d}.log")
            if round_ % 2:  # a random moment after start-up, however slow the machine: crawl, match, POST
                daemon.wait_log("event=daemon_started", timeout=60)
                time.sleep(rng.uniform(0.2, 3.0))
            else:  # a random moment from the spawn: start-up included
                time.sleep(rng.uniform(0.5, 3.5))
            daemon.kill9()
            for _ in range(2):
                urls[len(urls)] = publish(site, len(urls))
        before_final = len(receiver.events())
        expected = {url for i, url in urls.items() if matching(i)}
        final = DaemonProcess(config, log_name="daemon-final.log")
        try:
            wait_for(lambda: len(receiver.unique()) >= len(expected) and pending(config) == 0, 90,
                     f"{len(expected)} alerts delivered")
            time.sleep(1.5)  # anything extra would arrive now
            assert final.terminate() == 0
        finally:
            final.stop()
        assert before_final > 0, "some alerts should have gone out before the last daemon, between the kills"
        assert_each_match_once(receiver, expected)
        matches = query(config, "SELECT COUNT(*), COUNT(DISTINCT article_id) FROM watch_matches")[0]
        assert matches == (len(expected), len(expected))
    finally:
        receiver.stop()


def test_a_receiver_down_for_a_while_then_gets_everything(local_site: LocalSite, make_config) -> None:  # type: ignore[no-untyped-def]
    receiver = WebhookReceiver(SECRET).start()
    try:
        site, config = setup(local_site, make_config, receiver)
        receiver.stop()  # down: connections refused on its port
        urls = [publish(site, i) for i in range(6)]
        daemon = DaemonProcess(config)
        try:
            wait_for(lambda: query(config, "SELECT COUNT(*) FROM watch_deliveries WHERE attempts >= 2")[0][0] > 0,
                     60, "retries while the receiver is down")
            assert pending(config) == 3
            errors = query(config, "SELECT last_error FROM watch_deliveries WHERE last_error IS NOT NULL")
            assert errors and all("unreachable" in e for (e,) in errors)
            more = [publish(site, i) for i in range(6, 10)]
            receiver.start()  # back, on the same port
            expected = {u for i, u in enumerate(urls + more) if matching(i)}
            wait_for(lambda: len(receiver.unique()) >= len(expected) and pending(config) == 0, 60,
                     "every alert after the outage")
            assert daemon.terminate() == 0
        finally:
            daemon.stop()
        assert_each_match_once(receiver, expected)
        assert "event=alert_retry" in daemon.log()
    finally:
        receiver.stop()
