"""The search engine over an OpenSearch index: ``search(SearchRequest) -> SearchResults``, as
:class:`search.engine.Engine` answers, so the CLI and the API need not know which backend they search.

Filters (dates in WIB, sources, author) go in the ``bool`` filter, facets are aggregations, snippets are
cut from the archive's copy of each body as the embedded engine cuts them; more-like-this is the cluster's
``more_like_this`` over the roots (its terms boosted by their tf-idf: the roots field scores frequency
alone), did-you-mean its term suggester over the exact words.
"""

from __future__ import annotations

import logging
from typing import Any

from index.archive import Archive
from index.opensearch.client import answering
from index.opensearch.document import GAP, author_words
from index.opensearch.store import OpenSearchIndex
from index.schema import build_schema
from kliping.errors import QueryError
from search.aliases import AliasTable, shipped
from search.engine import FEW_HITS, Hit, SearchRequest, SearchResults, _date_bounds, _validate
from search.expand import Applied, expand_aliases
from search.opensearch.translate import MATCH_ALL, highlight_terms, needed_stats, translate
from search.query import parse_query
from search.ranking import DEFAULT as DEFAULT_RANKING
from search.ranking import Ranking
from search.snippets import Snippet

log = logging.getLogger(__name__)

SOURCE_FIELDS = ["id", "url", "title", "source", "published_text", "author"]
#: At most this many sources and months in the facets.
FACET_BUCKETS = 10_000


class OpenSearchEngine:
    """Searches the alias of an :class:`OpenSearchIndex`, with snippets cut from the archive."""

    def __init__(self, index: OpenSearchIndex, archive: Archive, *, ranking: Ranking = DEFAULT_RANKING,
                 aliases: AliasTable | None = None) -> None:
        self.index = index
        self.archive = archive
        self.ranking = ranking
        self.aliases = aliases if aliases is not None else shipped()
        self.schema = build_schema()  # the query parser's field list, shared with the embedded engine

    def close(self) -> None:
        self.index.client.close()

    def search(self, request: SearchRequest) -> SearchResults:
        _validate(request)
        if request.collapse:
            raise QueryError("collapse (one result per story) is not available on the OpenSearch backend yet; "
                             "search without it, or through a config with index.backend: whoosh")
        applied: list[Applied] = []
        if request.like:
            query, terms = self._like(request.like), frozenset[str]()
            browsing = False
        else:
            parsed = parse_query(request.query, self.schema, relax=not request.strict)
            if request.aliases:  # the same expansion as the embedded engine's, translated below
                parsed, applied = expand_aliases(parsed, request.query, self.aliases, self.schema)
            stats = needed_stats(parsed, self.ranking)
            if request.sort == "relevance" and stats.wanted:
                with answering(self.index.config):  # the whole index's statistics, as Whoosh scores with
                    stats.read(self.index.client.search(index=self.index.alias, body=stats.request()))
            query, terms = translate(parsed, self.ranking, stats), highlight_terms(parsed)
            browsing = query == MATCH_ALL
        body: dict[str, Any] = {
            "query": {"bool": {"must": [query], "filter": self._filters(request)}},
            "from": (request.page - 1) * request.limit, "size": request.limit,
            "track_total_hits": True, "_source": SOURCE_FIELDS,
        }
        if request.sort != "relevance" or browsing:
            order = "asc" if request.sort == "oldest" else "desc"
            body["sort"] = [{"published": {"order": order, "missing": "_last"}}, {"id": "asc"}]
        else:
            body["sort"] = [{"_score": "desc"}, {"seq": "asc"}, {"id": "asc"}]  # ties: the embedded index's order
        if request.facets:
            body["aggs"] = {
                "source": {"terms": {"field": "source", "size": FACET_BUCKETS}},
                "month": {"terms": {"field": "month", "size": FACET_BUCKETS, "order": {"_key": "asc"}}},
            }
        with answering(self.index.config):  # the scores' statistics came with `stats`: no per-shard ones are read
            found = self.index.client.search(index=self.index.alias, body=body)
        total = int(found["hits"]["total"]["value"])
        stored = [(hit["_source"], 0.0 if browsing else float(hit.get("_score") or 0.0))
                  for hit in found["hits"]["hits"]]
        hits = self._make_hits(stored, terms if request.snippets else None)
        facets = _facets(found["aggregations"]) if request.facets else None
        suggestion = None
        if total < FEW_HITS and not request.like:
            suggestion = self._did_you_mean(request.query)
        return SearchResults(total=total, hits=hits, page=request.page, size=request.limit,
                             facets=facets, suggestion=suggestion, aliases=applied)

    def _filters(self, request: SearchRequest) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        start, end = _date_bounds(request)
        if start is not None or end is not None:
            bounds = {}
            if start is not None:
                bounds["gte"] = start.isoformat(timespec="seconds")
            if end is not None:
                bounds["lte"] = end.isoformat(timespec="seconds")
            out.append({"range": {"published": bounds}})
        if request.sources:
            out.append({"terms": {"source": list(request.sources)}})
        if request.ids is not None:  # a watch checks only what a crawl added
            out.append({"terms": {"id": list(request.ids)}})
        if request.author:
            words = author_words(request.author).split()
            out.append({"bool": {"must": [{"term": {"author_words": w}} for w in words]}} if words
                       else {"match_none": {}})
        return out

    def _like(self, article_id: str) -> dict[str, Any]:
        if self.archive.get(article_id) is None:
            raise QueryError(f"no article with id {article_id!r}; take an id from search results")
        with answering(self.index.config):
            hit = self.index.client.search(index=self.index.alias, body={
                "size": 1, "_source": False, "query": {"term": {"id": article_id}}})
        found = hit["hits"]["hits"]
        if not found:
            raise QueryError(f"no article with id {article_id!r}; take an id from search results")
        like = {"_index": found[0]["_index"], "_id": found[0]["_id"]}
        return {"bool": {"must": [{"more_like_this": {
            "fields": ["roots"], "like": [like], "min_term_freq": 1, "min_doc_freq": 2, "max_query_terms": 15,
            "include": False, "boost_terms": 1.0}}], "must_not": [{"term": {"id": article_id}}]}}

    def _did_you_mean(self, text: str) -> str | None:
        """A respelling of the query's unknown words from the index's own words, as the embedded engine offers."""
        from index.analysis.tokenizer import scan

        tokens = [t for t in scan(text) if not t.protected and not text[t.start:t.end].isupper()]
        if not tokens:
            return None
        suggest = {f"w{i}": {"text": t.text, "term": {"field": "words", "suggest_mode": "missing",
                                                       "prefix_length": 1, "max_edits": 2, "size": 3}}
                   for i, t in enumerate(tokens)}
        try:
            with answering(self.index.config):
                found = self.index.client.search(index=self.index.alias, body={"size": 0, "suggest": suggest})
        except Exception:  # suggestions are a nicety; never fail a search for one
            log.debug("did-you-mean failed", exc_info=True)
            return None
        pieces: list[str] = []
        at = 0
        for i, token in enumerate(tokens):
            options = [o["text"] for entry in found.get("suggest", {}).get(f"w{i}", []) for o in entry["options"]
                       if o["text"] != GAP]
            if options:
                pieces += [text[at:token.start], options[0]]
                at = token.end
        return "".join(pieces) + text[at:] if pieces else None

    def _make_hits(self, stored: list[tuple[dict[str, Any], float]], terms: frozenset[str] | None) -> list[Hit]:
        bodies = self.archive.bodies([fields["id"] for fields, _ in stored]) if terms is not None else {}
        seen: dict[tuple[str | None, str], bool] = {}
        return [Hit(id=fields["id"], url=fields["url"], title=fields.get("title", ""),
                    source=fields.get("source", ""), published=fields.get("published_text"),
                    author=fields.get("author") or None, score=score,
                    snippet=Snippet.highlight(bodies.get(fields["id"], ""), terms, seen) if terms is not None
                    else Snippet())
                for fields, score in stored]


def _facets(aggs: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Hits per source (most first) and per month (in calendar order), as the embedded engine gives them."""
    sources = [(b["key"], int(b["doc_count"])) for b in aggs["source"]["buckets"] if b["key"]]
    months = [(b["key"], int(b["doc_count"])) for b in aggs["month"]["buckets"] if b["key"]]
    return {"source": dict(sorted(sources, key=lambda kv: (-kv[1], kv[0]))), "month": dict(sorted(months))}
