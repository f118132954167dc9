"""Delivering the outbox: each due row to its webhook or mailbox, retried with back-off until it lands.

A failed delivery waits ``watch.backoff`` × 2^attempts (at most ``watch.max_backoff``)
before the next try; the other deliveries due to the same receiver in that pass
wait with it, so a receiver that is down costs one timeout per pass, not one per
alert. A delivery still failing ``watch.max_age`` after its match is marked
``failed``: ``kliping watch list`` shows it, ``kliping watch retry NAME`` queues it again.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

import httpx

from index.archive import Archive
from index.watches import Delivery, Watch, WatchStore, now_iso
from ingest.alerts.mail import send_mail
from ingest.alerts.signing import resolve_secret
from ingest.alerts.webhook import post_event
from kliping.config import WatchConfig
from kliping.errors import DeliveryFailed, KlipingError, NoSuchWatch
from kliping.watch.events import mail_text, match_event
from kliping.watch.keys import delivery_key

__all__ = ["Dispatcher", "retry_delay"]

log = logging.getLogger(__name__)


def retry_delay(attempts: int, backoff: float, max_backoff: float) -> float:
    """Seconds before the next try after ``attempts`` failed ones (1 -> backoff, 2 -> 2×backoff, ...)."""
    return float(min(max_backoff, backoff * 2 ** max(0, attempts - 1)))


def _parse(moment: str) -> datetime:
    return datetime.fromisoformat(moment).astimezone(UTC)


class Dispatcher:
    """Sends due outbox rows; one instance per daemon (one thread calls :meth:`run_due`)."""

    def __init__(self, store: WatchStore, archive: Archive, settings: WatchConfig) -> None:
        self.store = store
        self.archive = archive
        self.settings = settings
        self.secret = resolve_secret(settings.secret)
        self.client = httpx.Client(timeout=settings.timeout, follow_redirects=False)

    def close(self) -> None:
        self.client.close()

    def run_due(self, stop: threading.Event | None = None) -> int:
        """Deliver everything due now; returns how many landed. Stops between deliveries when ``stop`` is set."""
        delivered = 0
        watches: dict[str, Watch | None] = {}
        down: dict[str, str] = {}  # receiver -> its next attempt, after a failure in this pass
        for delivery in self.store.due(now_iso(), limit=1000):
            if stop is not None and stop.is_set():
                break
            if delivery.target in down:
                self.store.postpone(delivery, down[delivery.target])
                continue
            # a claim outlasts one try (the POST's timeout, or SMTP's) with room to spare
            now = datetime.now(UTC)
            until = (now + timedelta(seconds=3 * self.settings.timeout + 5)).isoformat(timespec="milliseconds")
            if not self.store.claim(delivery, now.isoformat(timespec="milliseconds"), until):  # another daemon took it
                continue
            if delivery.watch not in watches:
                try:
                    watches[delivery.watch] = self.store.get(delivery.watch)
                except NoSuchWatch:
                    watches[delivery.watch] = None
            watch = watches[delivery.watch]
            if watch is None:  # removed meanwhile (its rows went with it)
                continue
            try:
                self.deliver(watch, delivery)
            except DeliveryFailed as exc:
                down[delivery.target] = self._failed(delivery, str(exc))
                continue
            self.store.mark_done(delivery)
            delivered += 1
        return delivered

    def deliver(self, watch: Watch, delivery: Delivery) -> None:
        """One try: raises DeliveryFailed when the receiver did not take it."""
        article = self.archive.get(delivery.article_id)
        if article is None:
            raise DeliveryFailed(f"article {delivery.article_id} is no longer in the archive")
        key = delivery_key(watch.name, watch.created_at, delivery.story_key)
        event = match_event(watch, article, key=key, matched_at=delivery.created_at)
        if delivery.channel == "webhook":
            post_event(delivery.target, event, key=key, secret=self.secret, timeout=self.settings.timeout,
                       client=self.client)
        elif delivery.channel == "email":
            subject, text = mail_text(event)
            send_mail(self.settings, delivery.target, subject, text, key=key)
        else:
            raise DeliveryFailed(f"unknown channel {delivery.channel!r}")
        log.info("event=alert_delivered watch=%s channel=%s key=%s attempts=%d", watch.name, delivery.channel, key,
                 delivery.attempts + 1)

    def _failed(self, delivery: Delivery, error: str) -> str:
        """Schedule the retry, or mark the delivery failed past max_age; returns when the receiver's other
        deliveries may be tried (a receiver that failed one is not asked again in the same pass)."""
        now = datetime.now(UTC)
        delay = retry_delay(delivery.attempts + 1, self.settings.seconds("backoff"),
                            self.settings.seconds("max_backoff"))
        retry_at = (now + timedelta(seconds=delay)).isoformat(timespec="milliseconds")
        if now - _parse(delivery.created_at) >= timedelta(seconds=self.settings.seconds("max_age")):
            log.warning("event=alert_failed watch=%s channel=%s target=%s attempts=%d reason=%r (past watch.max_age;"
                        " kliping watch retry %s sends it again)", delivery.watch, delivery.channel, delivery.target,
                        delivery.attempts + 1, error, delivery.watch)
            try:
                self.store.mark_failed(delivery, error)
            except KlipingError as exc:
                log.warning("event=outbox_write_failed reason=%r", str(exc))
            return retry_at
        log.info("event=alert_retry watch=%s channel=%s attempts=%d retry_in=%.1fs reason=%r", delivery.watch,
                 delivery.channel, delivery.attempts + 1, delay, error)
        self.store.mark_retry(delivery, retry_at, error)
        return retry_at
