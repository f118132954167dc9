"""``/export``: every article a query matches, streamed as CSV, JSON Lines or Parquet (no page size, no cap).

The same stream as ``kliping export`` (:mod:`search.export`). The query is
evaluated before the answer starts, so a bad query still gets the API's JSON
error; then rows go out a batch at a time while the client reads (Starlette
runs the generator in its thread pool), and the export's searcher is closed
when the stream ends or the client goes away.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from kliping.errors import ConfigError
from search.api.errors import ApiError
from search.export import Export, ExportRequest, open_export, stream
from search.exportfmt import MEDIA_TYPES, Encoder, encoder_for


def add_export_route(router: APIRouter, live) -> None:  # type: ignore[no-untyped-def]
    """Add ``/export`` to ``router`` (which carries the rate limit and the token)."""

    @router.get("/export", summary="Export every matching article", response_class=StreamingResponse,
                responses={200: {"content": {t: {} for t in MEDIA_TYPES.values()},
                                 "description": "The rows, streamed"}})
    def export(
        q: Annotated[str, Query(description="Query as /search takes it; `*` or empty: every article")] = "",
        date_from: Annotated[str | None, Query(alias="from", description="From this date (WIB)")] = None,
        date_to: Annotated[str | None, Query(alias="to", description="Up to and including this date")] = None,
        source: Annotated[list[str], Query(description="Only these sources (repeat)")] = [],  # noqa: B006
        format: Literal["csv", "jsonl", "parquet"] = "csv",
        body: Annotated[bool, Query(description="Include the full text")] = False,
    ) -> StreamingResponse:
        """Columns: id, url, title, source, published (WIB), author, section, warc_record_id, warc_digest
        (and body). Oldest first, undated last. The total is in the `X-Total-Count` header."""
        request = ExportRequest(query=q, date_from=date_from, date_to=date_to, sources=list(source), body=body)
        try:
            encoder = encoder_for(format, request.columns)
        except ConfigError as exc:
            raise ApiError(400, "bad_parameter", str(exc)) from None
        running = open_export(live.engine(), request)
        headers = {"X-Total-Count": str(running.total),
                   "Content-Disposition": f'attachment; filename="kliping-export.{format}"'}
        return StreamingResponse(_closing(running, encoder), media_type=MEDIA_TYPES[format], headers=headers)


def _closing(running: Export, encoder: Encoder) -> Iterator[bytes]:
    with running:
        yield from stream(running, encoder)
