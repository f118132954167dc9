"""APScheduler triggers for sources: cron or interval, with bounded jitter.

Jitter is at most a tenth of a source's period, so a source on ``every: 30s``
is never delayed by the 30 s a cron source every half hour can afford.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from kliping.config import Source

__all__ = ["first_run", "period_seconds", "source_trigger"]

#: The period assumed for a source with neither ``schedule`` nor ``every``.
DEFAULT_EVERY = 1800
#: Jitter never exceeds this share of a source's period.
JITTER_SHARE = 0.1


def _base_trigger(source: Source) -> BaseTrigger:
    if source.schedule:
        return CronTrigger.from_crontab(source.schedule)
    return IntervalTrigger(seconds=source.interval_seconds or DEFAULT_EVERY, timezone=UTC)


def period_seconds(source: Source, now: datetime | None = None) -> float:
    """Seconds between two runs of ``source`` (for a cron: the gap after its next fire time)."""
    if not source.schedule:
        return float(source.interval_seconds or DEFAULT_EVERY)
    trigger = _base_trigger(source)
    now = now or datetime.now(UTC)
    first = trigger.get_next_fire_time(None, now)
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1)) if first else None
    return (second - first).total_seconds() if first and second else float(DEFAULT_EVERY)


def source_trigger(source: Source, jitter: float) -> BaseTrigger:
    """The source's trigger with jitter capped at a tenth of its period (None when it rounds to 0)."""
    trigger = _base_trigger(source)
    trigger.jitter = int(min(jitter, period_seconds(source) * JITTER_SHARE)) or None  # both triggers have it
    return trigger


def first_run(source: Source, last_started: str | None, now: datetime | None = None) -> datetime:
    """When the daemon should first run ``source``: now if its last run is a period old (or never was)."""
    now = now or datetime.now(UTC)
    if last_started:
        started = datetime.fromisoformat(last_started)
        started = started if started.tzinfo else started.replace(tzinfo=UTC)
        due = started + timedelta(seconds=period_seconds(source, now))
        if due > now:
            return due
    return now
