"""Rebuild articles from the WARC files, asking no site again (``kliping reextract``).

When the extractor improves, every article response kept by the
:class:`ingest.warc.WarcRecorder` is extracted anew and upserted: an article
whose text comes out the same is ``unchanged``, a better one is ``updated`` (its
previous version kept), one the archive lost is ``new``. The URLs are those the
crawler tried as articles (the archive's ``pages`` table), each from its latest
response; continuation pages of multi-page articles come from the WARC files
too. Two passes: one to map URLs to record offsets (URLs only in memory), one
to read and extract each chosen record.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from index.archive import Archive
from ingest.crawl import assemble_article
from ingest.urls import canonicalize
from ingest.warc import WarcResponse, iter_responses, read_at
from kliping.config import Config, Source
from kliping.errors import KlipingError, NotAnArticle, archive_failed

__all__ = ["ReextractSummary", "reextract"]

log = logging.getLogger(__name__)


@dataclass
class ReextractSummary:
    records: int = 0
    articles: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    not_article: int = 0
    failed: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Where:
    file: Path
    offset: int
    fetched_at: str


class _WarcPages:
    """URL -> where its latest response is, by requested and by final URL."""

    def __init__(self, directory: Path) -> None:
        self.latest: dict[str, _Where] = {}
        self.records = 0
        for response in iter_responses(directory):
            self.records += 1
            where = _Where(response.file, response.offset, response.fetched_at.isoformat())
            for url in {canonicalize(response.requested_url), canonicalize(response.url)}:
                known = self.latest.get(url)
                if known is None or known.fetched_at <= where.fetched_at:
                    self.latest[url] = where

    def get(self, url: str) -> WarcResponse:
        where = self.latest.get(canonicalize(url))
        response = read_at(where.file, where.offset) if where else None
        if response is None:
            raise KlipingError(f"{url} is not in the WARC files (it was never fetched whole)")
        return response


def reextract(config: Config, archive: Archive, warc_dir: Path, *, only: set[str] | None = None,
              progress: Callable[[int], None] | None = None) -> ReextractSummary:
    """Extract every archived article response again and upsert it; see the module docstring."""
    pages = _WarcPages(warc_dir)
    summary = ReextractSummary(records=pages.records)
    configured = {s.name: s for s in config.sources}
    targets = [(url, name) for url, name in _targets(archive, pages, config.sources).items()
               if only is None or name in only]
    summary.articles = len(targets)
    for url, name in targets:
        source = configured.get(name) or Source(name=name or "unknown")
        _one(archive, pages, source, url, summary)
        if progress:
            progress(1)
    return summary


def _targets(archive: Archive, pages: _WarcPages, sources: list[Source]) -> dict[str, str]:
    """URL -> source name: the URLs the crawler tried, and (for an archive that lost them) the
    WARC URLs matching a source's ``article_url_pattern``."""
    known = {canonicalize(url): name for url, name in archive.page_sources().items()}
    targets = {url: name for url, name in known.items() if url in pages.latest}
    patterned = [(s.compiled_pattern, s.name) for s in sources if s.compiled_pattern is not None]
    for url in pages.latest:
        if url not in known:
            name = next((name for pattern, name in patterned if pattern.search(url)), None)
            if name is not None:
                targets[url] = name
    return targets


def _one(archive: Archive, pages: _WarcPages, source: Source, url: str, summary: ReextractSummary) -> None:
    try:
        article = assemble_article(source, pages.get(url), pages.get)
        outcome = archive.upsert(article)
    except NotAnArticle as exc:
        summary.not_article += 1
        log.info("event=reextract url=%s outcome=not_article reason=%r", url, str(exc))
        return
    except KlipingError as exc:
        if archive_failed(exc):
            raise
        summary.failed += 1
        summary.errors.append({"url": url, "reason": str(exc)})
        log.warning("event=reextract url=%s outcome=failed reason=%r", url, str(exc))
        return
    setattr(summary, outcome, getattr(summary, outcome) + 1)
    if outcome != "unchanged":
        archive.record_page(url, source.name, "stored", article_id=article.id)
    log.info("event=reextract url=%s outcome=%s", url, outcome)
