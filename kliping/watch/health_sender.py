"""Source health alarms through the same webhook machinery as the watches' alerts.

``index.health.emit_alarm`` records each alarm once, ``pending``; this sends the
pending ones to ``watch.health_webhook``, signed with ``watch.secret`` and keyed
by the alarm's stable id (``X-Kliping-Delivery``), so a receiver can drop the
repeat that a crash between the POST and its bookkeeping causes. A receiver that
is down is retried with the alerts' doubling back-off; an alarm still undelivered
``watch.max_age`` after it was raised is marked ``failed`` (it stays in
``kliping status``), so configuring a webhook later sends only recent alarms.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

import httpx

from index.archive import Archive
from index.health import claim_alarm, due_alarms, settle_alarm
from ingest.alerts.signing import resolve_secret
from ingest.alerts.webhook import post_event
from kliping.config import WatchConfig
from kliping.errors import DeliveryFailed
from kliping.watch.dispatcher import retry_delay

__all__ = ["HealthAlarmSender"]

log = logging.getLogger(__name__)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


class HealthAlarmSender:
    """Sends due health alarms to one webhook; one instance per daemon (the watch thread calls :meth:`run_due`)."""

    def __init__(self, archive: Archive, settings: WatchConfig, url: str) -> None:
        self.archive = archive
        self.settings = settings
        self.url = url
        self.secret = resolve_secret(settings.secret)
        self.client = httpx.Client(timeout=settings.timeout, follow_redirects=False)

    def close(self) -> None:
        self.client.close()

    def run_due(self, stop: threading.Event | None = None, *, now: datetime | None = None) -> int:
        """Send every due alarm; returns how many landed. The first failure ends the pass (the receiver is
        down: the rest wait with it rather than each costing a timeout)."""
        now = now or datetime.now(UTC)
        landed = 0
        for alarm in due_alarms(self.archive, _iso(now)):
            if stop is not None and stop.is_set():
                break
            claimed_at = max(now, datetime.now(UTC))
            until = _iso(claimed_at + timedelta(seconds=3 * self.settings.timeout + 5))  # outlasts one try
            if not claim_alarm(self.archive, alarm.id, _iso(claimed_at), until):  # another daemon took it
                continue
            attempts = alarm.attempts + 1
            try:
                post_event(self.url, alarm.event, key=alarm.id, secret=self.secret, timeout=self.settings.timeout,
                           client=self.client)
            except DeliveryFailed as exc:
                self._failed(alarm.id, alarm.raised_at, attempts, str(exc), now)
                break
            settle_alarm(self.archive, alarm.id, "done", attempts=attempts)
            log.info("event=health_alarm_delivered id=%s attempts=%d", alarm.id, attempts)
            landed += 1
        return landed

    def _failed(self, alarm_id: str, raised_at: str, attempts: int, error: str, now: datetime) -> None:
        raised = datetime.fromisoformat(raised_at)
        if raised.tzinfo is None:
            raised = raised.replace(tzinfo=UTC)
        if now - raised >= timedelta(seconds=self.settings.seconds("max_age")):
            log.warning("event=health_alarm_failed id=%s attempts=%d reason=%r (past watch.max_age)", alarm_id,
                        attempts, error)
            settle_alarm(self.archive, alarm_id, "failed", attempts=attempts, error=error)
            return
        delay = retry_delay(attempts, self.settings.seconds("backoff"), self.settings.seconds("max_backoff"))
        log.info("event=health_alarm_retry id=%s attempts=%d retry_in=%.1fs reason=%r", alarm_id, attempts, delay,
                 error)
        settle_alarm(self.archive, alarm_id, "pending", attempts=attempts,
                     next_attempt=_iso(now + timedelta(seconds=delay)), error=error)
