"""One search implementation behind both faces (``kliping search`` and the API).

A :class:`SearchRequest` goes in, :class:`SearchResults` come out; rendering is
the surfaces' business.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import numpy as np
from whoosh import query as wq
from whoosh.index import FileIndex
from whoosh.util.times import datetime_to_long

from index.archive import Archive
from index.dates import parse_bound
from index.schema import NO_DATE
from index.store import SearchIndex
from index.whoosh_private import expanded_words
from kliping.errors import QueryError
from search.aliases import AliasTable, shipped
from search.collapse import StoryInfo, collapse
from search.cost import QueryBudget, expands
from search.docarrays import DocArrays
from search.expand import Applied, expand_aliases
from search.limits import MAX_LIMIT, MAX_PAGE
from search.postings import PostingCache
from search.query import check_expansion, did_you_mean, parse_query
from search.ranking import DEFAULT as DEFAULT_RANKING
from search.ranking import Ranking
from search.reopen import open_searcher
from search.snippets import Snippet
from search.vector import Evaluator, compile_query, top

log = logging.getLogger(__name__)

Sort = Literal["relevance", "newest", "oldest"]
FEW_HITS = 3


@dataclass
class SearchRequest:
    query: str
    date_from: str | None = None
    date_to: str | None = None
    sources: list[str] = field(default_factory=list)
    author: str | None = None
    sort: Sort = "relevance"
    limit: int = 10
    page: int = 1
    facets: bool = False
    like: str | None = None
    #: Cut highlighted snippets from the archive (an export or a benchmark of ids may skip them).
    snippets: bool = True
    #: Seconds the query may run before it stops with QueryTooCostly (None: search.cost's default).
    time_budget: float | None = None
    #: Only these article ids (None: all): a watch checks just the articles a crawl added.
    ids: list[str] | None = None
    #: Every free word required, not ranked by how many match: a watch alerts only on all of its words.
    strict: bool = False
    #: Expand names by the alias groups (``Jokowi`` also finds "Joko Widodo"): ``--no-alias`` turns it off.
    aliases: bool = True
    #: One hit per story (syndication cluster): the best-ranked copy, with the others' outlets.
    collapse: bool = False


@dataclass
class Hit:
    id: str
    url: str
    title: str
    source: str
    published: str | None
    author: str | None
    score: float
    snippet: Snippet
    story: StoryInfo | None = None  # with collapse: the story this hit stands for

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id, "url": self.url, "title": self.title, "source": self.source,
            "published": self.published, "author": self.author, "score": round(self.score, 4),
            "snippet": self.snippet.html(),
        }
        if self.story is not None:
            data["story"] = self.story.to_dict()
        return data


@dataclass
class SearchResults:
    total: int
    hits: list[Hit]
    page: int = 1
    size: int = 10
    facets: dict[str, dict[str, int]] | None = None
    suggestion: str | None = None
    #: The alias groups the query was expanded by (what ``--explain`` shows).
    aliases: list[Applied] = field(default_factory=list)
    collapsed: bool = False  # one hit per story
    stories: int | None = None  # with collapse: stories among all matches, when all were looked at

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"total": self.total, "page": self.page, "size": self.size,
                                "hits": [hit.to_dict() for hit in self.hits]}
        if self.collapsed:
            data["collapsed"] = True
            data["stories"] = self.stories
        if self.facets is not None:
            data["facets"] = self.facets
        if self.suggestion:
            data["did_you_mean"] = self.suggestion
        if self.aliases:
            data["aliases"] = [applied.to_dict() for applied in self.aliases]
        return data


T = TypeVar("T")


@dataclass
class Matched:
    """What a request matched, for :meth:`Engine.over_matches`: live document numbers (sorted) with their
    scores, and ``allowed``, the filters alone over every document (None: no filter)."""

    searcher: Any
    arrays: DocArrays
    parsed: wq.Query
    aliases: list[Applied]
    ids: np.ndarray
    scores: np.ndarray
    allowed: np.ndarray | None


class _Lane:
    """One searcher and what belongs to its reader; the queries of one lane run one at a time.

    A Whoosh searcher reads its segments through shared file positions, so it
    serves one query at a time; the lock is held for the whole query.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.searcher: Any = None
        self.ix: FileIndex | None = None  # the index directory the searcher reads
        self.generation = -1  # the commit it reads
        self.opened_directory: int | None = None
        self.checked = 0.0
        self.arrays: DocArrays | None = None  # for the current searcher's reader

    def close(self) -> None:
        with self.lock:
            if self.searcher is not None:
                self.searcher.close()
                self.searcher = None
                self.arrays = None


class Engine:
    """Searches a Whoosh index, with snippets cut from the archive.

    One engine serves many searches: it keeps a searcher open and refreshes
    it (at most every ``refresh_every`` seconds) when the index has changed,
    so a long-running API sees new articles without a restart. Queries are
    evaluated on arrays (:mod:`search.vector`) with Whoosh's scoring: one
    pass gives the page, the exact total and the facets.

    Queries with wildcards or fuzzy terms run in a lane of their own (their
    own searcher and lock): one of them may run for seconds, and plain
    queries must not queue behind it. Both lanes share the caches of posting
    lists and per-document arrays, and the index files are memory-mapped, so
    the second searcher costs little memory.
    """

    def __init__(self, index: SearchIndex, archive: Archive, *, refresh_every: float = 1.0,
                 ranking: Ranking = DEFAULT_RANKING, aliases: AliasTable | None = None) -> None:
        self.index = index
        self.aliases = aliases if aliases is not None else shipped()
        self.archive = archive
        self.ranking = ranking
        self.refresh_every = refresh_every
        self._plain = _Lane()
        self._expanding = _Lane()
        self._postings = PostingCache()

    def searcher(self):  # type: ignore[no-untyped-def]
        """The plain lane's current searcher (to read the schema, say); not for use beside running searches."""
        with self._plain.lock:
            return self._current(self._plain)

    def _current(self, lane: _Lane):  # type: ignore[no-untyped-def]
        """The lane's searcher, reopened when the index has moved on (see :mod:`search.reopen`); under its lock."""
        if lane.searcher is not None and time.monotonic() - lane.checked >= self.refresh_every:
            lane.checked = time.monotonic()
            if self._directory() != lane.opened_directory:  # `kliping reindex` swapped in a new index
                lane.searcher.close()
                lane.searcher = None
            elif lane.ix is not None and lane.ix.latest_generation() != lane.generation:
                # a new commit: its new segments, and those it added deletions to, opened afresh
                lane.searcher, lane.generation = open_searcher(lane.ix, lane.searcher)
                lane.arrays = None
        if lane.searcher is None:
            if not self.index.exists():
                raise QueryError("the index is empty; run `kliping crawl` or `kliping import` first")
            lane.opened_directory = self._directory()
            lane.ix = self.index.open()
            lane.searcher, lane.generation = open_searcher(lane.ix)
            lane.arrays = None
            lane.checked = time.monotonic()
        return lane.searcher

    def _directory(self) -> int | None:
        """The index directory's identity: a rebuild swaps in a new directory (its generations start over)."""
        try:
            return os.stat(self.index.path).st_ino
        except OSError:
            return None

    def close(self) -> None:
        self._plain.close()
        self._expanding.close()

    def search(self, request: SearchRequest) -> SearchResults:
        return self._in_lane(request, lambda searcher, arrays: self._search(searcher, arrays, request))

    def over_matches(self, request: SearchRequest, work: Callable[[Matched], T]) -> T:
        """``work`` over every live document the request matches, its filters applied, under the lane's
        lock (the searcher and its arrays serve one query at a time): counting all matches
        (:mod:`search.trend`) instead of ranking a page."""
        return self._in_lane(request, lambda searcher, arrays: work(self._matches(searcher, arrays, request)))

    def _in_lane(self, request: SearchRequest, run: Callable[[Any, DocArrays], T]) -> T:
        """``run(searcher, arrays)`` in the request's lane, under its lock (a query that expands wildcards
        or fuzzy terms has a lane of its own)."""
        _validate(request)
        lane = self._expanding if not request.like and expands(request.query) else self._plain
        with lane.lock:
            searcher = self._current(lane)
            if lane.arrays is None:
                lane.arrays = DocArrays(searcher.reader())
            return run(searcher, lane.arrays)

    def _matches(self, searcher, arrays: DocArrays, request: SearchRequest) -> Matched:  # type: ignore[no-untyped-def]
        """The request's query parsed (its aliases expanded) and evaluated, its filters applied."""
        budget = QueryBudget(request.time_budget) if request.time_budget is not None else QueryBudget()
        applied: list[Applied] = []
        if request.like:
            parsed = self._like_query(searcher, request.like)
        else:
            parsed = parse_query(request.query, searcher.schema, relax=not request.strict)
            if request.aliases:
                parsed, applied = expand_aliases(parsed, request.query, self.aliases, searcher.schema)
            check_expansion(parsed, searcher.reader(), query_text=request.query, budget=budget)
        evaluator = Evaluator(searcher, arrays, self._postings, self.ranking, budget)
        ids, scores = evaluator.matches(compile_query(parsed, searcher.reader()))
        allowed = self._filter(searcher, request, arrays, evaluator)
        if allowed is not None:
            keep = allowed[ids]
            ids, scores = ids[keep], scores[keep]
        return Matched(searcher, arrays, parsed, applied, ids, scores, allowed)

    def _search(self, searcher, arrays: DocArrays,  # type: ignore[no-untyped-def]
                request: SearchRequest) -> SearchResults:
        matched = self._matches(searcher, arrays, request)
        parsed, applied, ids, scores = matched.parsed, matched.aliases, matched.ids, matched.scores
        wanted = request.page * request.limit
        browsing = isinstance(parsed, wq.Every)  # ``*``: every score is the same, so newest first
        if request.sort == "relevance" and not browsing:
            best = top(ids, scores, wanted, descending=True)
            keys = scores
        else:
            keys = arrays.published()[ids]
            if request.sort == "oldest":  # undated articles last either way (NO_DATE is the smallest key)
                keys = np.where(keys == NO_DATE, np.iinfo(np.int64).max, keys)
            best = top(ids, keys, wanted, descending=request.sort != "oldest")
        page = best[(request.page - 1) * request.limit:]
        collapsed = None
        if request.collapse:
            def ranked(k: int) -> np.ndarray:  # the same order as ``best``, deeper
                return top(ids, keys, k, descending=request.sort != "oldest")

            collapsed = collapse(len(ids), ranked, lambda p: searcher.stored_fields(int(ids[p]))["id"],
                                 self.archive.story_ids, page=request.page, limit=request.limit)
            page = np.asarray(collapsed.positions, dtype=np.int64)
        stored = [(searcher.stored_fields(int(ids[i])), 0.0 if browsing else float(scores[i])) for i in page]
        terms = _highlight_terms(parsed, searcher.reader()) if request.snippets else None
        hits = self._make_hits(stored, terms)
        if collapsed is not None:
            self._tell_stories(hits, collapsed.stories)
        facets = _array_facets(arrays, ids) if request.facets else None
        suggestion = None
        if len(ids) < FEW_HITS and not request.like:
            suggestion = did_you_mean(searcher, request.query)
        return SearchResults(total=len(ids), hits=hits, page=request.page, size=request.limit,
                             facets=facets, suggestion=suggestion, aliases=applied, collapsed=request.collapse,
                             stories=collapsed.story_count if collapsed is not None else None)

    def _tell_stories(self, hits: list[Hit], story_ids: list[str]) -> None:
        """Each collapsed hit's story: how many other copies, and their outlets (its own left out)."""
        stories = self.archive.stories(story_ids)
        for hit, story_id in zip(hits, story_ids, strict=True):
            story = stories.get(story_id)
            others = [m for m in story.members if m.article_id != hit.id] if story else []
            outlets = [s for s in dict.fromkeys(m.source or "" for m in others) if s and s != hit.source]
            hit.story = StoryInfo(story_id, len(others), outlets)

    def _filter(self, searcher, request: SearchRequest, arrays: DocArrays,  # type: ignore[no-untyped-def]
                evaluator: Evaluator) -> np.ndarray | None:
        """The filters as one boolean array over document numbers, or None for no filter."""
        start, end = _date_bounds(request)
        others = _field_filter(request, searcher.schema)
        if start is None and end is None and others is None:
            return None
        allowed = np.ones(arrays.doc_count, dtype=bool)
        if start is not None or end is not None:
            published = arrays.published()
            allowed &= published != NO_DATE
            if start is not None:
                allowed &= published >= datetime_to_long(start)
            if end is not None:
                allowed &= published <= datetime_to_long(end)
        if others is not None:
            matching = np.zeros(arrays.doc_count, dtype=bool)
            matching[evaluator.matches(compile_query(others, searcher.reader()))[0]] = True
            allowed &= matching
        return allowed

    def _make_hits(self, stored: list[tuple[dict[str, Any], float]],
                   terms: frozenset[str] | None) -> list[Hit]:
        """Hits from stored fields; with ``terms`` None, no snippets (no archive read)."""
        bodies = self.archive.bodies([fields["id"] for fields, _ in stored]) if terms is not None else {}
        seen: dict[tuple[str | None, str], bool] = {}  # one verdict per surface form, for all snippets
        hits = []
        for fields, score in stored:
            hits.append(Hit(
                id=fields["id"], url=fields["url"], title=fields.get("title", ""),
                source=fields.get("source", ""), published=fields.get("published_text"),
                author=fields.get("author") or None, score=float(score or 0.0),
                snippet=Snippet.highlight(bodies.get(fields["id"], ""), terms, seen) if terms is not None
                else Snippet(),
            ))
        return hits

    def _like_query(self, searcher, article_id: str) -> wq.Query:  # type: ignore[no-untyped-def]
        article = self.archive.get(article_id)
        docnum = searcher.document_number(id=article_id)
        if article is None or docnum is None:
            raise QueryError(f"no article with id {article_id!r}; take an id from search results")
        terms = searcher.key_terms_from_text("body", f"{article.title} {article.body}", numterms=15)
        words = [wq.Term("body", word, boost=weight) for word, weight in terms]
        return wq.AndNot(wq.Or(words), wq.Term("id", article_id))


def _validate(request: SearchRequest) -> None:
    if not 1 <= request.limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}, not {request.limit}")
    if not 1 <= request.page <= MAX_PAGE:
        raise QueryError(f"page must be between 1 and {MAX_PAGE}, not {request.page}")
    if request.sort not in ("relevance", "newest", "oldest"):
        raise QueryError(f"sort must be relevance, newest or oldest, not {request.sort!r}")


def _highlight_terms(parsed: wq.Query, reader) -> frozenset[str]:  # type: ignore[no-untyped-def]
    """The query's words and roots, wildcards and fuzzy terms expanded, that snippets mark."""
    terms: set[str] = set()
    for leaf in parsed.leaves():
        if getattr(leaf, "fieldname", None) not in ("title", "body"):
            continue
        if isinstance(leaf, wq.Prefix | wq.Wildcard | wq.FuzzyTerm):
            terms.update(b.decode("utf-8") if isinstance(b, bytes) else str(b)
                         for b in expanded_words(leaf, reader))
        else:
            terms.update(str(text) for _, text in leaf.iter_all_terms())
    return frozenset(terms)


def _date_bounds(request: SearchRequest) -> tuple[Any, Any]:
    try:
        start = parse_bound(request.date_from, end=False) if request.date_from else None
        end = parse_bound(request.date_to, end=True) if request.date_to else None
    except ValueError as exc:
        raise QueryError(f"bad date filter: {exc}") from None
    if start and end and start > end:
        raise QueryError(f"the date range is empty: from {request.date_from} is after to {request.date_to}")
    return start, end


def _field_filter(request: SearchRequest, schema) -> wq.Query | None:  # type: ignore[no-untyped-def]
    parts: list[wq.Query] = []
    if request.sources:
        parts.append(wq.Or([wq.Term("source", s) for s in request.sources]))
    if request.ids is not None:
        parts.append(wq.Or([wq.Term("id", i) for i in request.ids]) if request.ids else wq.NullQuery)
    if request.author:  # the name's words as the author field indexes them ("Ma'ruf" -> "maruf")
        words = list(schema["author"].process_text(request.author, mode="query"))
        parts.append(wq.And([wq.Term("author", w) for w in words]) if words else wq.NullQuery)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _array_facets(arrays: DocArrays, ids: np.ndarray) -> dict[str, dict[str, int]]:
    """Hits per source (most first) and per month (in calendar order)."""
    out: dict[str, dict[str, int]] = {}
    for name in ("source", "month"):
        codes, labels = arrays.labels(name)
        counts = np.bincount(codes[ids], minlength=len(labels))
        groups = [(labels[code], int(n)) for code, n in enumerate(counts) if n and labels[code]]
        out[name] = dict(sorted(groups, key=lambda kv: (-kv[1], kv[0])) if name == "source" else sorted(groups))
    return out
