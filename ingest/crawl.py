"""One ingest cycle for one source: discover, fetch, extract, archive, index.

A page that fails never stops the cycle and a source that fails never stops
the others: every failure becomes a reason in the :class:`SourceSummary`. A
page robots.txt disallows is no failure: it is skipped, counted apart, and asked
about again (after everything else) on later runs, in case the rules change.
URLs already handled are remembered in the archive and skipped, so a second
crawl adds nothing (``refetch=True`` fetches stored articles again to catch
edits; a :class:`Recheck` does so only for recent articles not looked at lately,
which is what the daemon uses).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Protocol

from index.archive import Archive
from index.store import SearchIndex
from ingest.discover import DiscoveredURL, discover_feed, discover_sitemap, discover_start_page
from ingest.extract import MAX_CONTINUATIONS, extract_page, merge_pages
from ingest.fetch import Fetcher
from ingest.urls import canonicalize
from kliping.article import Article
from kliping.config import Source
from kliping.errors import (
    ExtractError,
    FetchAbandoned,
    FetchError,
    KlipingError,
    NotAnArticle,
    RobotsDisallowed,
    archive_failed,
)

log = logging.getLogger(__name__)

#: A failed URL is tried again on later runs until it has failed this often.
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Recheck:
    """Fetch again articles first seen within ``within`` seconds, at most once per ``every`` seconds."""

    within: float
    every: float

    def bounds(self, now: datetime) -> tuple[str, str]:
        """(first_seen_after, last_attempt_before) as the archive's ISO strings."""
        after = now - timedelta(seconds=self.within)
        before = now - timedelta(seconds=self.every)
        return after.isoformat(timespec="seconds"), before.isoformat(timespec="seconds")


@dataclass
class SourceSummary:
    """What one cycle did for one source."""

    source: str
    found: int = 0
    known: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped_robots: int = 0  # pages robots.txt disallows: never requested, and not a failure
    errors: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def fail(self, url: str, reason: str) -> None:
        self.failed += 1
        self.errors.append({"url": url, "reason": reason})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class SourceCrawler:
    """Runs cycles for sources, sharing one fetcher, archive and index."""

    def __init__(self, fetcher: Fetcher, archive: Archive, index: SearchIndex | None = None, *,
                 on_page: Callable[[str, str], None] | None = None) -> None:
        self.fetcher = fetcher
        self.archive = archive
        self.index = index
        self.stop = fetcher.stop  # one event: a stop ends the cycle and cuts the fetcher's waits short
        self.on_page = on_page

    def run(self, source: Source, *, refetch: bool = False, recheck: Recheck | None = None) -> SourceSummary:
        started = datetime.now(UTC)
        summary = SourceSummary(source.name)
        try:
            urls = self.discover(source, summary)
            summary.found = len(urls)
            for url in self.to_fetch(source, urls, summary, refetch, recheck):
                if self.stop.is_set():
                    log.info("source=%s stop requested; ending the cycle early", source.name)
                    break
                self.process(source, url, summary)
        except KlipingError as exc:  # the archive itself failing ends this source, not the others
            summary.fail(source.name, f"source failed: {exc}")
        summary.seconds = round((datetime.now(UTC) - started).total_seconds(), 3)
        self._finish(source, started, summary)
        return summary

    def _finish(self, source: Source, started: datetime, summary: SourceSummary) -> None:
        try:
            self.archive.record_run(source.name, started.isoformat(timespec="seconds"), summary.to_dict())
            if self.index is not None:
                self.index.catch_up(self.archive)
        except KlipingError as exc:
            summary.fail(source.name, f"could not record or index the run: {exc}")

    # -- discovery ---------------------------------------------------------

    def discover(self, source: Source, summary: SourceSummary) -> list[str]:
        """Every article URL the source's feeds, sitemaps and start pages list, canonical, deduplicated."""
        pattern = source.compiled_pattern
        found: list[DiscoveredURL] = []
        steps: list[tuple[str, Callable[[], list[DiscoveredURL]]]] = []
        for url in source.feeds:
            steps.append((url, partial(discover_feed, self.fetcher, url)))
        for url in source.sitemaps:
            steps.append((url, partial(discover_sitemap, self.fetcher, url)))
        for url in source.start_urls:
            steps.append((url, partial(discover_start_page, self.fetcher, url, pattern)))
        for where, step in steps:
            try:
                found.extend(step())
            except KlipingError as exc:
                summary.fail(where, f"discovery failed: {exc}")
        urls: dict[str, None] = {}
        for item in found:
            url = canonicalize(item.url)
            if pattern is None or pattern.search(url):
                urls.setdefault(url, None)
        return list(urls)

    def to_fetch(self, source: Source, urls: list[str], summary: SourceSummary, refetch: bool,
                  recheck: Recheck | None = None) -> list[str]:
        """New and retryable URLs first, then stored ones due for an edit check, then those robots.txt
        disallowed last time (its rules may have changed); capped at max_articles."""
        todo, again, disallowed = [], [], []
        bounds = recheck.bounds(datetime.now(UTC)) if recheck else None
        for url in urls:
            state = self.archive.page_state(url)
            if state is None or (state["status"] == "failed" and state["attempts"] < MAX_ATTEMPTS) or (
                refetch and state["status"] == "stored"
            ):
                todo.append(url)
            elif state["status"] == "disallowed":
                disallowed.append(url)
            elif bounds and self.archive.recheck_due(url, first_seen_after=bounds[0], last_attempt_before=bounds[1]):
                again.append(url)
            else:
                summary.known += 1
        todo += again + disallowed
        if len(todo) > source.max_articles:
            log.info("source=%s %d URLs to fetch; taking the first %d (max_articles)", source.name, len(todo),
                     source.max_articles)
            todo = todo[: source.max_articles]
        return todo

    # -- one page ----------------------------------------------------------

    def process(self, source: Source, url: str, summary: SourceSummary) -> Article | None:
        """Fetch, extract and store one article URL; a failure is recorded, never raised."""
        try:
            article = self.fetch_article(source, url)
            outcome = self.archive.upsert(article)
        except FetchAbandoned:  # stopping: the page is left as it was, for the next run
            return None
        except RobotsDisallowed as exc:
            self.archive.record_page(url, source.name, "disallowed", reason=str(exc))
            summary.skipped_robots += 1
            self._report(url, "skipped_robots")
            return None
        except NotAnArticle as exc:
            self.archive.record_page(url, source.name, "not_article", reason=str(exc))
            summary.fail(url, f"not an article: {exc}")
            self._report(url, "not_article")
            return None
        except KlipingError as exc:
            if archive_failed(exc):  # the archive itself failing ends the source
                raise
            self.archive.record_page(url, source.name, "failed", reason=str(exc))
            summary.fail(url, str(exc))
            self._report(url, "failed")
            return None
        setattr(summary, outcome, getattr(summary, outcome) + 1)
        self.archive.record_page(url, source.name, "stored", article_id=article.id)
        self._report(url, outcome)
        return article

    def fetch_article(self, source: Source, url: str) -> Article:
        return assemble_article(source, self.fetcher.get(url), self.fetcher.get)

    def _report(self, url: str, outcome: str) -> None:
        log.info("page url=%s outcome=%s", url, outcome)
        if self.on_page:
            self.on_page(url, outcome)


class PageLike(Protocol):
    """What assembling an article needs of a response: a fetched one or one read back from a WARC file."""

    url: str
    content: bytes
    headers: dict[str, str]
    fetched_at: datetime


def assemble_article(source: Source, response: PageLike, get_page: Callable[[str], PageLike]) -> Article:
    """The article on ``response``, its continuation pages (got with ``get_page``) merged in.

    A continuation page that cannot be fetched or read is left out (and logged):
    the pages that were read still make the article, and an edit check fetches
    it again later.
    """
    kwargs: dict[str, Any] = {"fetched_at": response.fetched_at, "source": source.name, "profile": source.extract}
    first = extract_page(response.content, response.url, headers=response.headers, **kwargs)
    if not first.continuations:
        return first.article
    pages = [first.article]
    for page_url in first.continuations[:MAX_CONTINUATIONS]:
        try:
            page = get_page(page_url)
            pages.append(extract_page(page.content, page.url, headers=page.headers, continuation=True,
                                      **kwargs).article)
        except FetchAbandoned:
            raise
        except (FetchError, ExtractError) as exc:
            log.warning("continuation page left out url=%s reason=%r", page_url, str(exc))
    return merge_pages(pages)
