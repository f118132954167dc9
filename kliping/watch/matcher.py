"""Which of the articles a crawl added match each watch: the search engine, restricted to them.

Ordering is what keeps this exact: a watch only looks at archive changes up to the
index's watermark (the index holds them, so the engine can find them), checks
that every one of them really is in the searcher it queries, and advances its
own watermark in the same transaction that records the matches and their outbox
rows. A crash before that commit repeats the check; after it, nothing is lost.
"""

from __future__ import annotations

import logging
from itertools import islice
from typing import Any

from index.archive import Archive
from index.store import SearchIndex
from index.watches import Match, Watch, WatchStore
from kliping.article import Article
from kliping.errors import KlipingError
from kliping.watch.keys import story_key
from search.engine import Engine, SearchRequest
from search.limits import MAX_LIMIT

__all__ = ["WatchMatcher"]

log = logging.getLogger(__name__)

#: Archive changes checked in one search (and one transaction); at most the engine's page size.
BATCH = min(500, MAX_LIMIT)


class WatchMatcher:
    """Checks every watch against the archive changes its watermark has not seen."""

    def __init__(self, store: WatchStore, archive: Archive, index: SearchIndex, *, batch: int = BATCH) -> None:
        self.store = store
        self.archive = archive
        self.index = index
        self.engine: Any
        if isinstance(index, SearchIndex):
            # refresh_every=0: the searcher is reopened as soon as a catch-up committed, never a second stale
            self.engine = Engine(index, archive, refresh_every=0.0)
        else:  # index.backend: opensearch (its catch-up refreshes before it moves the watermark)
            from search.opensearch.engine import OpenSearchEngine

            self.engine = OpenSearchEngine(index, archive)
        self.batch = batch
        self._failing: dict[str, str] = {}  # watch -> the reason its last check failed

    def close(self) -> None:
        self.engine.close()

    def check(self) -> int:
        """Check every watch; returns how many new matches were recorded.

        The changes are read once, in batches from the lowest watermark, and each batch is checked for
        presence in the index once; then each watch runs its query over the part it has not seen. A failing
        watch is logged and keeps its watermark (it is checked again next time); the others go on."""
        ready = self.index.watermark()
        watches = [w for w in self.store.all() if w.watermark < ready]
        if not watches:
            return 0
        marks = {w.name: w.watermark for w in watches}
        failed: set[str] = set()
        fresh, mark = 0, min(marks.values())
        while mark < ready and len(failed) < len(watches):
            rows = [(seq, a) for seq, a in islice(self.archive.changed_since(mark, batch=self.batch), self.batch)
                    if seq <= ready]
            if not rows:
                break
            ids = [article.id for _, article in rows]
            present = self.engine.search(SearchRequest("*", ids=ids, limit=len(ids), snippets=False)).total
            if present < len(ids):  # the index lags its own watermark (being rebuilt?): never skip past it
                log.warning("event=watch_check_deferred reason='%d of %d new articles not searchable yet'",
                            len(ids) - present, len(ids))
                break
            upto = rows[-1][0]
            for watch in watches:
                if watch.name in failed or marks[watch.name] >= upto:
                    continue
                try:
                    fresh += self._check_rows(watch, [(q, a) for q, a in rows if q > marks[watch.name]], upto)
                except KlipingError as exc:
                    # said once at warning level per reason, not on every pass while it lasts
                    level = logging.DEBUG if self._failing.get(watch.name) == str(exc) else logging.WARNING
                    log.log(level, "event=watch_check_failed watch=%s reason=%r (checked again next time)",
                            watch.name, str(exc))
                    self._failing[watch.name] = str(exc)
                    failed.add(watch.name)
                    continue
                self._failing.pop(watch.name, None)
                marks[watch.name] = upto
            mark = upto
        return fresh

    def _check_rows(self, watch: Watch, rows: list[tuple[int, Article]], upto: int) -> int:
        """Run ``watch`` over ``rows`` (changes it has not seen) and record the result up to ``upto``."""
        matches: list[Match] = []
        if rows:
            by_id = {article.id: (seq, article) for seq, article in rows}
            hits = self.engine.search(SearchRequest(watch.query, sources=list(watch.sources), ids=list(by_id),
                                                    strict=True, limit=len(by_id), snippets=False))
            stories = self.archive.story_ids([hit.id for hit in hits.hits])
            matches = [Match(story_key(by_id[hit.id][1], stories.get(hit.id)), hit.id, by_id[hit.id][0])
                       for hit in hits.hits]
        added = self.store.record_check(watch, upto, matches)
        if added:
            log.info("event=watch_matched watch=%s new_matches=%d checked_up_to=%d", watch.name, added, upto)
        return added
