"""Every article a query matches, streamed: no page size, no cap, memory bounded by the batch.

``kliping export`` and the API's ``/export`` both go through :func:`open_export`.
The query is evaluated once, on a searcher of its own (a snapshot: a crawl
committing meanwhile neither shifts nor repeats rows), to an array of document
numbers in publication order (oldest first, undated last): 8 bytes per match.
Rows are then read in batches: stored ids from the index, the columns from the
archive in one query per batch, the WARC citation in another, so memory holds
one batch of articles whatever the count.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from whoosh import query as wq

from index.dates import WIB, parse_published
from index.schema import NO_DATE
from search.cost import QueryBudget
from search.docarrays import DocArrays
from search.engine import Engine, SearchRequest
from search.query import check_expansion, parse_query
from search.reopen import open_searcher
from search.vector import Evaluator, compile_query

log = logging.getLogger(__name__)

#: Articles read from the index and the archive at a time.
BATCH = 1000
#: Seconds the query itself may take to evaluate (the rows stream afterwards, unbounded).
QUERY_SECONDS = 120.0

#: The columns, in order; ``body`` only when asked for.
COLUMNS = ("id", "url", "title", "source", "published", "author", "section", "warc_record_id", "warc_digest")
BODY = "body"


@dataclass
class ExportRequest:
    """What to export: ``query`` of ``*`` or empty means every article (narrowed by the filters)."""

    query: str = ""
    date_from: str | None = None
    date_to: str | None = None
    sources: list[str] = field(default_factory=list)
    body: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        return (*COLUMNS, BODY) if self.body else COLUMNS


class Export:
    """The matches of one request, ready to stream; close it (or use ``with``) to release its searcher."""

    def __init__(self, engine: Engine, request: ExportRequest, searcher: Any, docnums: np.ndarray) -> None:
        self.engine = engine
        self.request = request
        self._searcher = searcher
        self.docnums = docnums
        self.missing = 0  # indexed but not in the archive (an index that drifted; `kliping reindex` repairs)

    @property
    def total(self) -> int:
        return len(self.docnums)

    def __enter__(self) -> Export:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    def batches(self, size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
        """Rows as plain dicts of strings (or None), ``size`` at a time, in publication order."""
        archive = self.engine.archive
        for start in range(0, self.total, size):
            ids = [self._searcher.stored_fields(int(n))["id"] for n in self.docnums[start:start + size]]
            rows, warcs = archive.export_rows(ids), archive.warc_records_for(ids)
            out = []
            for article_id in ids:
                row = rows.get(article_id)
                if row is None:
                    self.missing += 1
                    continue
                out.append(_row(row, warcs.get(article_id), body=self.request.body))
            yield out
        if self.missing:
            log.warning("event=export_missing count=%d detail='indexed but not archived: run kliping reindex'",
                        self.missing)


def open_export(engine: Engine, request: ExportRequest) -> Export:
    """Evaluate the request's query and filters; a bad query raises :class:`~kliping.errors.QueryError` here,
    before anything is written."""
    query = request.query.strip() or "*"
    search = SearchRequest(query=query, date_from=request.date_from, date_to=request.date_to,
                           sources=list(request.sources), snippets=False)
    ix = engine.index.open()
    searcher, _ = open_searcher(ix)
    try:
        docnums = _matching(engine, searcher, search)
    except BaseException:
        searcher.close()
        raise
    return Export(engine, request, searcher, docnums)


def _matching(engine: Engine, searcher: Any, request: SearchRequest) -> np.ndarray:
    """Every matching document number, oldest publication first, undated ones last."""
    budget = QueryBudget(QUERY_SECONDS)
    arrays = DocArrays(searcher.reader())
    parsed = parse_query(request.query, searcher.schema)
    if not isinstance(parsed, wq.Every):
        check_expansion(parsed, searcher.reader(), query_text=request.query, budget=budget)
    evaluator = Evaluator(searcher, arrays, engine._postings, engine.ranking, budget)
    ids, _ = evaluator.matches(compile_query(parsed, searcher.reader()))
    allowed = engine._filter(searcher, request, arrays, evaluator)
    if allowed is not None:
        ids = ids[allowed[ids]]
    keys = arrays.published()[ids]
    keys = np.where(keys == NO_DATE, np.iinfo(np.int64).max, keys)
    return np.asarray(ids[np.lexsort((ids, keys))], dtype=np.int64)


def _row(row: Any, warc: dict[str, Any] | None, *, body: bool) -> dict[str, Any]:
    authors = json.loads(row["authors"] or "[]")
    out = {
        "id": row["id"], "url": row["url"], "title": row["title"], "source": row["source"],
        "published": wib(row["published"]), "author": ", ".join(authors) or None, "section": row["section"],
        "warc_record_id": warc["record_id"] if warc else None,
        "warc_digest": warc["payload_digest"] if warc else None,
    }
    if body:
        out[BODY] = row["body"]
    return out


def wib(published: str | None) -> str | None:
    """The publish time in WIB (``+07:00``); a date without a time stays a date."""
    if not published:
        return None
    if len(published.strip()) == 10:
        return published.strip()
    moment = parse_published(published)
    return moment.astimezone(WIB).isoformat() if moment else published


def stream(export: Export, encoder: Any, *, on_rows: Any = None) -> Iterator[bytes]:
    """The export's bytes in ``encoder``'s format, a batch at a time; ``on_rows(n)`` after each batch."""
    yield encoder.begin()
    for rows in export.batches():
        yield encoder.encode(rows)
        if on_rows is not None:
            on_rows(len(rows))
    yield encoder.end()
