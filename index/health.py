"""Source health over the archive: each source's measures per WIB day and over its latest pages, judged
against its own normal (the rules are in :mod:`index.health_rules`).

Three groups are judged each time (``kliping status``, ``/sources``, and the
daemon after every crawl cycle):

* ``day``: the last complete WIB day, every rule;
* ``today``: the day in progress, its shares and a surge only (a drop cannot be
  told before the day ends, and a share over a few hours is still a share);
* ``recent``: the latest 20 pages the crawler tried for the source in the last
  24 hours, whatever their day: what the last cycle or two brought. A redesign
  that empties bodies or leaks a teaser list shows here after one cycle,
  undiluted by the good pages earlier that day.

An article belongs to its publication day in WIB, or, without a date, to the
day it was first stored; a page to the day it was last tried. :func:`emit_alarm`
records each alarm once (``health_alarms``) and logs it as one JSON event; the
webhook of saved-search alerts will take the same event.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from index.archive import Archive
from index.dates import WIB
from index.health_rules import (
    ArticleFacts,
    Baseline,
    Measures,
    PageFacts,
    Rules,
    alarm_event,
    baseline,
    judge,
    line_keys,
    measure,
)

log = logging.getLogger(__name__)

#: The latest pages judged as the ``recent`` group, and how far back they may be.
RECENT_PAGES = 20
RECENT_HOURS = 24


def wib_day(iso_utc: str) -> date:
    return datetime.fromisoformat(iso_utc).astimezone(WIB).date()


def _utc(day: date) -> str:
    """Midnight WIB opening ``day``, as the archive's UTC ISO text."""
    return datetime.combine(day, time(), WIB).astimezone(UTC).isoformat(timespec="seconds")


def _facts(row: sqlite3.Row) -> ArticleFacts:
    body = row["body"] or ""
    stamp = row["published_utc"] or row["first_seen"]
    return ArticleFacts(day=wib_day(stamp), dated=row["published_utc"] is not None,
                        authored=(row["authors"] or "[]") != "[]", length=len(body), lines=line_keys(body))


def load_articles(archive: Archive, source: str, start: date, end: date) -> list[ArticleFacts]:
    """Facts of the source's articles whose day is in [start, end)."""
    lo, hi = _utc(start), _utc(end)
    rows = archive.db.execute(
        "SELECT published_utc, first_seen, authors, body FROM articles WHERE source = ? AND "
        "((published_utc >= ? AND published_utc < ?) OR (published_utc IS NULL AND first_seen >= ? AND "
        "first_seen < ?))", (source, lo, hi, lo, hi))
    return [_facts(row) for row in rows]


def load_pages(archive: Archive, source: str, start: date, end: date) -> list[PageFacts]:
    """Pages of the source stored or rejected as not an article, last tried in [start, end)."""
    rows = archive.db.execute(
        "SELECT status, last_attempt FROM pages WHERE source = ? AND status IN ('stored', 'not_article') "
        "AND last_attempt >= ? AND last_attempt < ?", (source, _utc(start), _utc(end)))
    return [PageFacts(day=wib_day(row["last_attempt"]), not_article=row["status"] == "not_article") for row in rows]


def load_recent(archive: Archive, source: str, now: datetime) -> tuple[list[ArticleFacts], list[PageFacts]]:
    """The source's latest pages (and the articles they stored), tried in the last ``RECENT_HOURS``."""
    since = (now - timedelta(hours=RECENT_HOURS)).astimezone(UTC).isoformat(timespec="seconds")
    rows = archive.db.execute(
        "SELECT p.status, p.last_attempt, a.published_utc, a.first_seen, a.authors, a.body FROM pages p "
        "LEFT JOIN articles a ON a.id = p.article_id WHERE p.source = ? AND p.status IN ('stored', 'not_article') "
        "AND p.last_attempt >= ? ORDER BY p.last_attempt DESC LIMIT ?", (source, since, RECENT_PAGES)).fetchall()
    pages = [PageFacts(day=wib_day(row["last_attempt"]), not_article=row["status"] == "not_article") for row in rows]
    articles = [_facts(row) for row in rows if row["status"] == "stored" and row["first_seen"] is not None]
    return articles, pages


def first_day(archive: Archive, source: str) -> date | None:
    """The source's first archived day (its earliest publication, else its earliest storage)."""
    row = archive.db.execute("SELECT MIN(published_utc), MIN(first_seen) FROM articles WHERE source = ?",
                             (source,)).fetchone()
    stamps = [s for s in row if s]
    return min(wib_day(s) for s in stamps) if stamps else None


@dataclass
class HealthReport:
    """One source's health: its status, the alarms, and the measures behind them."""

    source: str
    status: str  # ok | alarm | learning (too little history to judge) | empty (nothing archived)
    alarms: list[dict[str, Any]] = field(default_factory=list)
    day: str | None = None
    measures: dict[str, Measures] = field(default_factory=dict)  # day, today, recent
    baseline: Baseline = field(default_factory=Baseline)

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "alarms": self.alarms, "day": self.day,
                "measures": {k: m.to_dict() for k, m in self.measures.items()}, "baseline": self.baseline.to_dict()}


def check_source(archive: Archive, source: str, *, now: datetime | None = None,
                 rules: Rules | None = None) -> HealthReport:
    """Judge one source now: its last complete day, the day in progress and its latest pages."""
    rules = rules or Rules()
    now = now or datetime.now(UTC)
    today = now.astimezone(WIB).date()
    yesterday = today - timedelta(days=1)
    first = first_day(archive, source)
    if first is None:
        return HealthReport(source, "empty")
    start = max(first, yesterday - timedelta(days=rules.baseline_days))
    articles = load_articles(archive, source, start, today + timedelta(days=1))
    pages = load_pages(archive, source, start, today + timedelta(days=1))
    day_articles: dict[date, list[ArticleFacts]] = defaultdict(list)
    day_pages: dict[date, list[PageFacts]] = defaultdict(list)
    for a in articles:
        day_articles[a.day].append(a)
    for p in pages:
        day_pages[p.day].append(p)
    days = [start + timedelta(days=n) for n in range((today - start).days + 1)]
    by_day = {d: measure(day_articles[d], day_pages[d]) for d in days}
    normal = baseline([by_day[d] for d in sorted(by_day) if d < yesterday], rules)
    recent = measure(*load_recent(archive, source, now))
    report = HealthReport(source, "ok", day=yesterday.isoformat(), baseline=normal,
                          measures={"day": by_day.get(yesterday, Measures()), "today": by_day[today],
                                    "recent": recent})
    raised_at = now.astimezone(UTC).isoformat(timespec="seconds")
    groups = [("day", yesterday, {"complete_day": True}), ("today", today, {"day_in_progress": True}),
              ("recent", today, {})]
    for scope, day, flags in groups:
        for partial in judge(report.measures[scope], normal, rules, scope=scope, **flags):
            report.alarms.append(alarm_event(source, day.isoformat(), partial, raised_at=raised_at, rules=rules))
    if report.alarms:
        report.status = "alarm"
    elif normal.volume is None and not normal.shares:
        report.status = "learning"
    return report


def emit_alarm(archive: Archive, event: dict[str, Any]) -> bool:
    """Raise one alarm: recorded once in ``health_alarms`` (the same alarm in a later cycle is not raised
    again) and logged as its JSON event. True when it was new. The webhook delivery will hook in here."""
    with archive.transaction() as db:
        new = db.execute(
            "INSERT INTO health_alarms (id, source, raised_at, event) VALUES (?,?,?,?) ON CONFLICT (id) DO NOTHING",
            (event["id"], event["source"], event["raised_at"], json.dumps(event, ensure_ascii=False))).rowcount
    if new:
        log.warning("event=health_alarm source=%s json=%s", event["source"], json.dumps(event, ensure_ascii=False))
    return bool(new)


def check_and_emit(archive: Archive, source: str, *, now: datetime | None = None) -> HealthReport:
    """What the daemon runs after each crawl cycle of ``source``: judge it, raise any new alarm."""
    report = check_source(archive, source, now=now)
    for event in report.alarms:
        emit_alarm(archive, event)
    return report


def raised_alarms(archive: Archive, source: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """The source's alarms raised so far, newest first (none for an archive older than the table)."""
    try:
        rows = archive.db.execute("SELECT event FROM health_alarms WHERE source = ? ORDER BY raised_at DESC "
                                  "LIMIT ?", (source, limit)).fetchall()
    except sqlite3.OperationalError:
        return []
    return [json.loads(row[0]) for row in rows]


# -- delivering alarms to watch.health_webhook (kliping/watch/health_sender.py sends them) -------------------


@dataclass(frozen=True)
class PendingAlarm:
    """A raised alarm the health webhook has not taken yet."""

    id: str
    event: dict[str, Any]
    raised_at: str
    attempts: int


def due_alarms(archive: Archive, now: str, *, limit: int = 100) -> list[PendingAlarm]:
    """Pending alarms whose next try is due at ``now`` (UTC ISO 8601), oldest first."""
    rows = archive.db.execute(
        "SELECT id, event, raised_at, attempts FROM health_alarms WHERE status = 'pending' "
        "AND (next_attempt IS NULL OR next_attempt <= ?) ORDER BY raised_at LIMIT ?", (now, limit)).fetchall()
    return [PendingAlarm(row[0], json.loads(row[1]), row[2], int(row[3])) for row in rows]


def settle_alarm(archive: Archive, alarm_id: str, status: str, *, attempts: int, next_attempt: str | None = None,
                 error: str | None = None) -> None:
    """Record one delivery try of an alarm: ``done``, ``failed`` (given up), or ``pending`` again at
    ``next_attempt``."""
    with archive.transaction() as db:
        db.execute("UPDATE health_alarms SET status = ?, attempts = ?, next_attempt = ?, last_error = ? "
                   "WHERE id = ?", (status, attempts, next_attempt, error, alarm_id))


def claim_alarm(archive: Archive, alarm_id: str, now: str, until: str) -> bool:
    """Take a due alarm for one try, so another daemon on the same archive does not send it too (see
    ``index.watches.WatchStore.claim``)."""
    with archive.transaction() as db:
        cursor = db.execute("UPDATE health_alarms SET next_attempt = ? WHERE id = ? AND status = 'pending' AND "
                            "(next_attempt IS NULL OR next_attempt <= ?)", (until, alarm_id, now))
        return int(cursor.rowcount) == 1
