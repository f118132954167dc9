"""Delivering the outbox to a real receiver on 127.0.0.1 (and a real SMTP server): signed, retried, given up."""

from __future__ import annotations

import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from webhook_receiver import WebhookReceiver

from index.archive import Archive
from index.store import SearchIndex
from index.watches import Watch, WatchStore
from ingest.alerts import post_event, sign, verify
from kliping.article import Article
from kliping.config import WatchConfig
from kliping.errors import DeliveryFailed
from kliping.watch.dispatcher import Dispatcher, retry_delay
from kliping.watch.keys import delivery_key
from kliping.watch.matcher import WatchMatcher

SECRET = "rahasia-uji"


def article(i: int, text: str) -> Article:
    return Article(url=f"https://lokal.test/berita/{i}", title=f"Berita {i}: {text}",
                   body=f"{text}. Petugas setempat mendirikan posko darurat dan membagikan makanan kepada warga.",
                   source="lokal", published="2026-12-01T10:00:00+07:00", authors=["Budi Santoso"])


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    r = WebhookReceiver(SECRET).start()
    yield r
    r.stop()


def matched_outbox(tmp_path: Path, watch: Watch, texts: list[str]) -> tuple[Archive, WatchStore]:
    """An archive whose watch has matched ``texts`` (one article each): its outbox is full."""
    archive = Archive(tmp_path / "archive.sqlite3")
    index = SearchIndex(tmp_path / "index")
    store = WatchStore(archive)
    store.add(watch)
    for i, text in enumerate(texts):
        archive.upsert(article(i, text))
    index.catch_up(archive)
    matcher = WatchMatcher(store, archive, index)
    assert matcher.check() == len(texts)
    matcher.close()
    return archive, store


def settings(**overrides: object) -> WatchConfig:
    return WatchConfig(**{"secret": SECRET, "backoff": "1s", "max_backoff": "4s", "timeout": 2, **overrides})


def test_every_match_is_posted_signed_once(tmp_path: Path, receiver: WebhookReceiver) -> None:
    watch = Watch(name="banjir", query="banjir", webhook=receiver.url)
    archive, store = matched_outbox(tmp_path, watch, ["banjir rob", "banjir bandang", "banjir lahar"])
    dispatcher = Dispatcher(store, archive, settings())
    assert dispatcher.run_due() == 3
    assert dispatcher.run_due() == 0
    got = receiver.events()
    assert len(got) == 3 and all(r.signed for r in got)
    saved = store.get("banjir")
    assert {r.key for r in got} == {delivery_key("banjir", saved.created_at, article(i, "").id) for i in range(3)}
    event = got[0].event
    assert event["type"] == "watch.match" and event["id"] == got[0].key
    assert event["watch"] == {"name": "banjir", "query": "banjir", "sources": []}
    assert event["article"]["url"].startswith("https://lokal.test/berita/")
    assert event["article"]["authors"] == ["Budi Santoso"]
    assert store.stats()["banjir"] == {"matches": 3, "pending": 0, "done": 3, "failed": 0, "last_error": None}
    dispatcher.close()


def test_a_crash_between_the_post_and_its_bookkeeping_repeats_the_same_key_and_event(
        tmp_path: Path, receiver: WebhookReceiver) -> None:
    watch = Watch(name="banjir", query="banjir", webhook=receiver.url)
    archive, store = matched_outbox(tmp_path, watch, ["banjir rob"])
    dispatcher = Dispatcher(store, archive, settings())
    (delivery,) = store.due("9999")
    dispatcher.deliver(store.get("banjir"), delivery)  # posted; killed before mark_done: the row stays pending
    assert dispatcher.run_due() == 1  # the next daemon sends it again
    first, again = receiver.events()
    assert first.key == again.key and first.event == again.event and len(receiver.unique()) == 1
    assert dispatcher.run_due() == 0
    dispatcher.close()


def test_a_receiver_that_is_down_gets_everything_after_back_off(tmp_path: Path, receiver: WebhookReceiver) -> None:
    watch = Watch(name="banjir", query="banjir", webhook=receiver.url)
    archive, store = matched_outbox(tmp_path, watch, ["banjir rob", "banjir bandang"])
    receiver.stop()
    dispatcher = Dispatcher(store, archive, settings())
    assert dispatcher.run_due() == 0
    rows = archive.db.execute("SELECT attempts, next_attempt, last_error FROM watch_deliveries ORDER BY story_key")
    rows = rows.fetchall()
    assert [r["attempts"] for r in rows].count(1) == 1, "one try per receiver per pass; the other waits with it"
    assert all("unreachable" in (r["last_error"] or "") or r["attempts"] == 0 for r in rows)
    assert dispatcher.run_due() == 0, "nothing is due again before the back-off"
    receiver.start()  # back on the same port
    deadline = time.monotonic() + 10
    while len(receiver.unique()) < 2 and time.monotonic() < deadline:
        dispatcher.run_due()
        time.sleep(0.1)
    assert len(receiver.unique()) == 2 and all(r.signed for r in receiver.events())
    dispatcher.close()


def test_a_refusing_receiver_is_retried_with_doubling_waits(tmp_path: Path) -> None:
    receiver = WebhookReceiver(SECRET, status=500).start()
    try:
        watch = Watch(name="banjir", query="banjir", webhook=receiver.url)
        archive, store = matched_outbox(tmp_path, watch, ["banjir rob"])
        dispatcher = Dispatcher(store, archive, settings())
        dispatcher.run_due()
        row = archive.db.execute("SELECT attempts, next_attempt, last_error, status FROM watch_deliveries").fetchone()
        wait = datetime.fromisoformat(row["next_attempt"]) - datetime.now(UTC)
        assert (row["attempts"], row["status"]) == (1, "pending") and "answered 500" in row["last_error"]
        assert timedelta(seconds=0.5) < wait <= timedelta(seconds=1)
        dispatcher.close()
    finally:
        receiver.stop()
    assert [retry_delay(n, 5, 60) for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]


def test_past_max_age_a_delivery_is_failed_visible_and_can_be_queued_again(
        tmp_path: Path, receiver: WebhookReceiver) -> None:
    watch = Watch(name="banjir", query="banjir", webhook=receiver.url)
    archive, store = matched_outbox(tmp_path, watch, ["banjir rob"])
    old = (datetime.now(UTC) - timedelta(days=4)).isoformat(timespec="milliseconds")
    with archive.transaction() as db:  # a match made before a four-day outage
        db.execute("UPDATE watch_deliveries SET created_at = ?", (old,))
    receiver.stop()
    dispatcher = Dispatcher(store, archive, settings(max_age="3d"))
    dispatcher.run_due()
    stats = store.stats()["banjir"]
    assert (stats["failed"], stats["pending"]) == (1, 0) and "unreachable" in stats["last_error"]
    receiver.start()
    assert dispatcher.run_due() == 0, "a failed delivery is not retried on its own"
    assert store.retry_failed("banjir") == 1
    assert dispatcher.run_due() == 1 and len(receiver.unique()) == 1
    dispatcher.close()


def test_the_signature_is_hmac_sha256_of_the_exact_body(receiver: WebhookReceiver) -> None:
    post_event(receiver.url, {"type": "health.alarm", "source": "kompas"}, key="k-1", secret=SECRET)
    (got,) = receiver.events()
    assert got.signed and got.key == "k-1" and got.event == {"type": "health.alarm", "source": "kompas"}
    assert sign(b"{}", SECRET) == "sha256=" + __import__("hmac").new(SECRET.encode(), b"{}", "sha256").hexdigest()
    assert not verify(b"{}", "another-secret", sign(b"{}", SECRET))
    assert not verify(b"{ }", SECRET, sign(b"{}", SECRET))
    assert not verify(b"{}", SECRET, None)


def test_an_unsigned_or_refused_post_says_why(receiver: WebhookReceiver) -> None:
    post_event(receiver.url, {"type": "x"}, key="k", secret=None)
    assert not receiver.events()[0].signed
    receiver.stop()
    with pytest.raises(DeliveryFailed, match="unreachable"):
        post_event(receiver.url, {"type": "x"}, key="k", secret=SECRET, timeout=1)


def test_e_mail_alerts_reach_a_real_smtp_server(tmp_path: Path) -> None:
    aiosmtpd = pytest.importorskip("aiosmtpd.controller")
    from aiosmtpd.handlers import Message

    class Inbox(Message):
        def __init__(self) -> None:
            super().__init__()
            self.messages: list = []  # type: ignore[type-arg]

        def handle_message(self, message) -> None:  # type: ignore[no-untyped-def]
            self.messages.append(message)

    inbox = Inbox()
    with socket.socket() as probe:  # a free port (the controller's own readiness check cannot use port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = aiosmtpd.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        watch = Watch(name="banjir", query="banjir", email="meja@redaksi.test")
        archive, store = matched_outbox(tmp_path, watch, ["banjir rob di pesisir"])
        dispatcher = Dispatcher(store, archive, settings(smtp_host="127.0.0.1", smtp_port=port))
        assert dispatcher.run_due() == 1
        (message,) = inbox.messages
        assert message["To"] == "meja@redaksi.test"
        assert message["Subject"] == "[kliping banjir] Berita 0: banjir rob di pesisir"
        assert "https://lokal.test/berita/0" in message.get_payload(decode=True).decode()
        assert message["X-Kliping-Delivery"].startswith("banjir-")
        dispatcher.close()
    finally:
        controller.stop()


def test_the_daemon_side_service_loads_nothing_until_a_watch_exists_then_checks_and_delivers(
        tmp_path: Path, receiver: WebhookReceiver) -> None:
    from kliping.watch.service import WatchService

    archive = Archive(tmp_path / "archive.sqlite3")
    index = SearchIndex(tmp_path / "index")
    service = WatchService(settings(), archive, index)
    assert service.run_once() == (0, 0) and service._parts is None  # no watch: no engine, no HTTP client
    WatchStore(archive).add(Watch(name="banjir", query="banjir", webhook=receiver.url))  # added while running
    archive.upsert(article(1, "banjir rob"))
    archive.upsert(article(2, "gempa bumi"))
    index.catch_up(archive)
    assert service.run_once() == (1, 1)
    assert [r.event["article"]["id"] for r in receiver.events()] == [article(1, "").id]
    service.stop()
    archive.close()


def test_two_daemons_on_one_archive_send_each_alert_once(tmp_path: Path) -> None:
    """Several daemons share a PostgreSQL archive, and each runs a dispatcher over the same outbox: a delivery
    is claimed before it is sent, so the one that loses the claim skips it. (Two connections to one SQLite
    file race the same way.)"""
    receiver = WebhookReceiver(SECRET, delay=0.02).start()
    try:
        watch = Watch(name="banjir", query="banjir", webhook=receiver.url)
        archive, _ = matched_outbox(tmp_path, watch, [f"banjir ke-{i} melanda desa" for i in range(12)])
        others = [Archive(tmp_path / "archive.sqlite3") for _ in range(2)]
        dispatchers = [Dispatcher(WatchStore(a), a, settings()) for a in others]
        threads = [threading.Thread(target=d.run_due) for d in dispatchers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        for d in dispatchers:
            d.close()
        assert len(receiver.events()) == len(receiver.unique()) == 12
    finally:
        receiver.stop()
