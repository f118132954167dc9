"""The endpoints: thin adapters from HTTP parameters to the one search engine.

``/search`` runs the engine in a small thread pool with a deadline, so one
expensive query cannot hold the server: the engine stops a query at its time
budget (a share of the deadline, so no work outlives the answer), past the
deadline the client gets 503 ``timeout``, and queries with wildcards or fuzzy
terms run in a worker process of their own (:mod:`search.api.expensive`),
``EXPENSIVE_AT_ONCE`` at a time: one more gets 429 ``busy`` at once while
plain queries go on.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse, Response

from search.api.errors import ApiError
from search.api.expensive import ExpensiveWorker
from search.api.exporting import add_export_route
from search.api.live import LiveIndex
from search.api.models import (
    ArticleResponse,
    ErrorBody,
    HealthResponse,
    SearchResponse,
    SourcesResponse,
    TrendResponse,
)
from search.api.watches import watch_router
from search.cost import expands
from search.engine import SearchRequest
from search.limits import API_MAX_SIZE, API_MAX_WINDOW
from search.trend import story_keys_for, trend

#: Queries with wildcards or fuzzy terms running at once.
EXPENSIVE_AT_ONCE = 1
#: The share of the deadline a query's own time budget gets.
BUDGET_SHARE = 0.8

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in [
        (400, "Malformed query or parameter"), (401, "Missing or wrong bearer token"),
        (429, "Rate limit exceeded, or another wildcard query runs (see Retry-After)"),
        (503, "Timed out, or nothing indexed yet"),
    ]
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody, "description": "No such article"}}


@dataclass
class Services:
    """What the endpoints share: the live index, the search pool and its deadline."""

    live: LiveIndex
    pool: ThreadPoolExecutor
    timeout: float
    worker: ExpensiveWorker
    expensive: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(EXPENSIVE_AT_ONCE))


def data_router(services: Services, dependencies: list[Any]) -> APIRouter:
    """``/search``, ``/trend``, ``/articles/{id}`` and ``/sources``: behind the rate limit and the token."""
    router = APIRouter(dependencies=dependencies, responses=_ERRORS)

    @router.get("/search", response_model=SearchResponse, summary="Search the archive")
    async def search(
        q: Annotated[str, Query(description="Query in Whoosh syntax: words, \"phrases\", AND/DAN, "
                                            "OR/ATAU, NOT/BUKAN, judul:, penulis:, sumber:, korup*")],
        date_from: Annotated[str | None, Query(alias="from", description="From this date (WIB): 2019, "
                                                                        "2019-09 or 2019-09-30")] = None,
        date_to: Annotated[str | None, Query(alias="to", description="Up to and including this date")] = None,
        source: Annotated[list[str], Query(description="Only these sources (repeat)")] = [],  # noqa: B006
        author: Annotated[str | None, Query(description="Only articles by this author")] = None,
        sort: Literal["relevance", "newest", "oldest"] = "relevance",
        page: Annotated[int, Query(ge=1, le=API_MAX_WINDOW)] = 1,
        size: Annotated[int, Query(ge=1, le=API_MAX_SIZE, description=f"Hits per page, at most {API_MAX_SIZE}")] = 10,
        facets: Annotated[bool, Query(description="Also count hits by source and month")] = False,
        alias: Annotated[bool, Query(description="Expand names by their aliases (Jokowi also finds Joko "
                                                 "Widodo); `aliases` in the answer says which applied")] = True,
        collapse: Annotated[bool, Query(description="One hit per story (copies republished by other "
                                                    "outlets): the best-ranked copy, with `story.also_in`")] = False,
    ) -> JSONResponse:
        """The same JSON as `kliping search --json`. Snippets are HTML with matches in `<mark>`."""
        if page * size > API_MAX_WINDOW:
            raise ApiError(400, "bad_parameter", f"page * size may be at most {API_MAX_WINDOW} "
                           f"(page {page} of size {size} asked); narrow the query or the dates instead")
        request = SearchRequest(query=q, date_from=date_from, date_to=date_to, sources=list(source),
                                author=author, sort=sort, limit=size, page=page, facets=facets,
                                time_budget=services.timeout * BUDGET_SHARE, aliases=alias, collapse=collapse)
        if not expands(q):
            return JSONResponse(await _bounded(services, lambda: services.live.engine().search(request).to_dict()))
        services.live.engine()  # 503 unavailable before anything is indexed, as for plain queries
        if not services.expensive.acquire(blocking=False):
            raise ApiError(429, "busy", "another query with wildcards or fuzzy terms is running; retry in a "
                           "moment, or search without them", headers={"Retry-After": "2"})
        try:
            future = services.worker.submit(request)  # in its own process: see search/api/expensive.py
        except BaseException:
            services.expensive.release()
            raise
        # held until the work ends, not until the client stops waiting
        future.add_done_callback(lambda _: services.expensive.release())
        try:
            return JSONResponse(await _bounded(services, asyncio.wrap_future(future)))
        except Exception as exc:
            if services.worker.broken(exc):
                raise ApiError(503, "unavailable", "the search worker for wildcard and fuzzy queries stopped; "
                               "a new one starts with the next query", headers={"Retry-After": "5"}) from None
            raise

    @router.get("/trend", response_model=TrendResponse, summary="Articles per day, week or month")
    async def trend_(
        q: Annotated[str, Query(description="Query, as for /search (`*` counts everything)")],
        by: Literal["day", "week", "month"] = "week",
        date_from: Annotated[str | None, Query(alias="from", description="From this date (WIB)")] = None,
        date_to: Annotated[str | None, Query(alias="to", description="Up to and including this date")] = None,
        source: Annotated[list[str], Query(description="Only these sources (repeat)")] = [],  # noqa: B006
        collapse: Annotated[bool, Query(description="Count copies of one story once")] = False,
        alias: Annotated[bool, Query(description="Expand names by their aliases")] = True,
    ) -> JSONResponse:
        """The same JSON as `kliping trend --json`: matches per bucket in WIB (or a source's own zone), with
        everything archived in the bucket (`total`) and the share. Weeks start on Monday."""
        request = SearchRequest(query=q, date_from=date_from, date_to=date_to, sources=list(source),
                                aliases=alias, snippets=False, time_budget=services.timeout * BUDGET_SHARE)
        zones = {s.name: s.zone for s in services.live.config.sources}

        def count() -> dict[str, Any]:
            keys = story_keys_for(services.live.archive()) if collapse else None
            return trend(services.live.engine(), request, by=by, zones=zones, story_keys=keys).to_dict()

        return JSONResponse(await _bounded(services, count))

    @router.get("/articles/{article_id}", response_model=ArticleResponse, responses=_NOT_FOUND,
                summary="One stored article")
    def article(article_id: Annotated[str, Path(description="An id from search results")]) -> JSONResponse:
        """The full article record as archived: title, text, dates, bylines."""
        found = services.live.archive().get(article_id)
        if found is None:
            raise ApiError(404, "not_found", f"no article with id {article_id!r}; take an id from /search")
        return JSONResponse(found.to_dict())

    @router.get("/sources", response_model=SourcesResponse, summary="Sources, counts and last crawls")
    def sources() -> JSONResponse:
        """Every configured source (and any other found in the archive) with counts and its last crawl."""
        return JSONResponse({"sources": services.live.sources()})

    router.include_router(watch_router(services.live))  # /watches/{name}.atom (search/api/watches.py)
    add_export_route(router, services.live)
    return router


def health_router(services: Services) -> APIRouter:
    """``/health``: open to all, never rate limited, cheap enough for a probe every second."""
    router = APIRouter()

    @router.get("/health", response_model=HealthResponse, summary="Liveness and counts")
    def health() -> JSONResponse:
        """200 while the server runs; counts of archived articles and indexed documents."""
        return JSONResponse(services.live.health())

    @router.head("/health", include_in_schema=False)
    def health_head() -> Response:
        """For probes that ask with HEAD (load balancers, uptime checks): the status of GET, no body."""
        services.live.health()  # raises what GET would answer (503 when the archive is unreadable)
        return Response(status_code=200, media_type="application/json")

    return router


async def _bounded(services: Services, work: Any) -> Any:
    """Run ``work`` in the search pool (or await its future); 503 ``timeout`` when it misses the deadline."""
    future = work if isinstance(work, asyncio.Future) else asyncio.get_running_loop().run_in_executor(
        services.pool, work)
    try:
        return await asyncio.wait_for(future, services.timeout)
    except TimeoutError:
        raise ApiError(
            503, "timeout",
            f"the search took longer than {services.timeout:g} s and was abandoned; "
            "narrow it (fewer wildcards, a date range, a source) and try again",
            headers={"Retry-After": "5"},
        ) from None
