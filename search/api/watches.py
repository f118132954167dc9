"""``/watches/{name}.atom``: a saved search's matches as an Atom feed, behind the token like the data.

The feed is read from the watch ledger in the archive (``index/watches.py``),
which the daemon fills; the API only reads it, so it loads no search of its own.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from index.watches import WatchStore
from kliping.errors import NoSuchWatch
from kliping.watch.feed import ATOM_TYPE, atom_feed
from search.api.errors import ApiError
from search.api.live import LiveIndex
from search.api.models import ErrorBody

__all__ = ["FEED_ENTRIES", "watch_router"]

#: Newest matches a feed carries.
FEED_ENTRIES = 50


def watch_router(live: LiveIndex) -> APIRouter:
    router = APIRouter()

    @router.get("/watches/{name}.atom", summary="A watch's matches as Atom", response_class=Response,
                responses={200: {"content": {"application/atom+xml": {"schema": {"type": "string"}}},
                                 "description": "Atom 1.0 feed"},
                           404: {"model": ErrorBody, "description": "No such watch"}})
    def watch_feed(request: Request,
                   name: Annotated[str, Path(description="A watch made with kliping watch add")]) -> Response:
        """The newest matches of a saved search (`kliping watch add`), newest first, one entry per article."""
        store = WatchStore(live.archive())
        try:
            watch = store.get(name)
        except NoSuchWatch:
            raise ApiError(404, "not_found", f"no watch named {name!r}; list them with kliping watch list") from None
        body = atom_feed(watch, store.recent_matches(name, limit=FEED_ENTRIES), self_url=str(request.url))
        return Response(body, media_type=ATOM_TYPE)

    return router
