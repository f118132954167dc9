"""Backfill: walk a site's dated index pages and fetch the articles they list.

``index_url_template`` names one index page per day and page number, e.g.
``https://site/indeks/{date:%Y-%m-%d}?page={page}``. For each day, pages 1, 2,
... are read until one is missing (4xx), lists no article link not already seen
that day, or ``max_pages`` is reached; every listed article is fetched as a crawl
would (already stored URLs are skipped). How far each day got is kept in the
archive's ``backfill_progress`` table after every index page, so an interrupted
backfill resumes where it stopped: finished days are not asked for again.

A day is done only when its index was really read: a missing *first* page (404,
410, 400) says the template is wrong, not that the day is over, so the day fails
and stays to be walked again once the template is fixed. ``redo`` walks days
already marked done again (after a wrong template was fixed, say).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from index.archive import Archive
from ingest.crawl import SourceCrawler, SourceSummary
from ingest.discover import discover_start_page
from ingest.urls import canonicalize
from kliping.config import Source
from kliping.errors import ConfigError, FetchError, HTTPStatusError

__all__ = ["Backfill", "BackfillSummary", "days_between", "index_page_url"]

log = logging.getLogger(__name__)

#: Statuses that mean a day's index has no such page: after page 1 the day is done; on page 1 the day fails
#: (no index at all: a wrong template). Any other error leaves the day to retry.
PAST_THE_LAST_PAGE = frozenset({400, 404, 410})

#: Most index pages read per day (`kliping backfill --max-pages`).
DEFAULT_MAX_PAGES = 50


@dataclass
class BackfillSummary:
    source: str
    days: int = 0
    days_already_done: int = 0
    days_failed: int = 0
    index_pages: int = 0
    crawl: SourceSummary = field(default_factory=lambda: SourceSummary(""))

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "crawl": self.crawl.to_dict()}


def index_page_url(source: Source, day: date, page: int) -> str:
    template = source.index_url_template
    if not template:
        raise ConfigError(
            f"source {source.name!r} has no index_url_template. Fix: add one to its config, e.g. "
            "index_url_template: 'https://www.example.com/indeks/{date:%Y-%m-%d}?page={page}'"
        )
    try:
        return template.format(date=day, page=page)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(f"source {source.name!r}: index_url_template {template!r} cannot be filled ({exc}); "
                          "use only {date:...} and {page}") from None


def days_between(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


class Backfill:
    """Walks one source's dated index pages with a :class:`SourceCrawler`."""

    def __init__(self, crawler: SourceCrawler, archive: Archive, *, max_pages: int = DEFAULT_MAX_PAGES,
                 redo: bool = False) -> None:
        self.crawler = crawler
        self.archive = archive
        self.max_pages = max_pages
        self.redo = redo

    def run(self, source: Source, start: date, end: date, *,
            on_day: Callable[[date], None] | None = None) -> BackfillSummary:
        summary = BackfillSummary(source.name, crawl=SourceSummary(source.name))
        index_page_url(source, start, 1)  # a missing or broken template fails before any request
        for day in days_between(start, end):
            if self.crawler.stop.is_set():
                break
            summary.days += 1
            page, done = (0, False) if self.redo else self._progress(source.name, day)
            if done:
                summary.days_already_done += 1
            else:
                if self.redo:
                    self._forget(source.name, day)  # an interrupted redo resumes from its own progress
                self._day(source, day, page + 1, summary)
            if on_day:
                on_day(day)
        return summary

    def _day(self, source: Source, day: date, first_page: int, summary: BackfillSummary) -> None:
        seen: set[str] = set()
        paged = "{page" in (source.index_url_template or "")
        page = first_page - 1
        for page in range(first_page, self.max_pages + 1):
            url = index_page_url(source, day, page)
            try:
                links = [canonicalize(d.url) for d in discover_start_page(self.crawler.fetcher, url,
                                                                          source.compiled_pattern)]
            except HTTPStatusError as exc:
                if exc.status not in PAST_THE_LAST_PAGE:  # 5xx, a 429 left after retries, a 403 firewall
                    self._fail(url, f"index page failed: {exc}", summary)
                    return  # not done: a later backfill tries this day again
                if page == 1:  # no index at all for the day: a wrong template, not the end of the day's pages
                    self._fail(url, f"the day's first index page is missing ({exc}); the day is not marked done. "
                                    "Is index_url_template right? Fix it and run the backfill again", summary)
                    return
                break
            except FetchError as exc:
                self._fail(url, f"index page failed: {exc}", summary)
                return
            summary.index_pages += 1
            fresh = [link for link in dict.fromkeys(links) if link not in seen]
            if not fresh:
                break
            seen.update(fresh)
            summary.crawl.found += len(fresh)
            for link in self.crawler.to_fetch(source, fresh, summary.crawl, refetch=False):
                if self.crawler.stop.is_set():
                    return
                self.crawler.process(source, link, summary.crawl)
            self._save(source.name, day, page, done=not paged)
            if not paged:
                return
        self._save(source.name, day, page, done=True)

    @staticmethod
    def _fail(url: str, reason: str, summary: BackfillSummary) -> None:
        summary.days_failed += 1
        summary.crawl.fail(url, reason)

    def _progress(self, source: str, day: date) -> tuple[int, bool]:
        row = self.archive.db.execute(
            "SELECT page, done FROM backfill_progress WHERE source = ? AND day = ?", (source, day.isoformat())
        ).fetchone()
        return (row["page"], bool(row["done"])) if row else (0, False)

    def _forget(self, source: str, day: date) -> None:
        with self.archive.transaction() as db:
            db.execute("DELETE FROM backfill_progress WHERE source = ? AND day = ?", (source, day.isoformat()))

    def _save(self, source: str, day: date, page: int, *, done: bool) -> None:
        with self.archive.transaction() as db:
            db.execute(
                "INSERT INTO backfill_progress (source, day, page, done, updated_at) VALUES (?,?,?,?,?) "
                "ON CONFLICT(source, day) DO UPDATE SET page=CASE WHEN excluded.page > backfill_progress.page "
                "THEN excluded.page ELSE backfill_progress.page END, done=excluded.done, "
                "updated_at=excluded.updated_at",
                (source, day.isoformat(), page, int(done), datetime.now(UTC).isoformat(timespec="seconds")),
            )
        log.info("event=backfill_page source=%s day=%s page=%d done=%s", source, day, page, done)
