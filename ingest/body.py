"""Read a response body with a hard size limit and a wall-clock deadline.

We decompress ourselves (from ``iter_raw``) rather than through httpx's
decoders because those inflate each network chunk in one go: a 64 KiB chunk
of a gzip bomb becomes ~64 MiB before any limit can look at it. Here zlib is
asked for at most the bytes we still accept, so memory stays bounded by
``max_bytes`` whatever the compression ratio.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterable

from kliping.errors import FetchError, TooLarge

__all__ = ["ACCEPT_ENCODING", "DeadlineExceeded", "decompress_bounded", "read_bounded"]

#: The encodings :func:`read_bounded` can undo; sent as Accept-Encoding.
ACCEPT_ENCODING = "gzip, deflate"


class DeadlineExceeded(FetchError):
    """The whole request took longer than its wall-clock budget (e.g. a trickling server)."""


class _Inflater:
    """Incremental zlib decoder that never produces more than it is asked for."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        wbits = zlib.MAX_WBITS | 16 if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self._obj = zlib.decompressobj(wbits)
        self._first = True

    def feed(self, data: bytes, limit: int) -> bytes:
        """Inflate ``data``; returns at most ``limit`` bytes (more pending means too large)."""
        try:
            return self._obj.decompress(data, limit)
        except zlib.error:
            if self.encoding == "deflate" and self._first:
                # Some servers send raw deflate without the zlib header.
                self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                self._first = False
                return self._obj.decompress(data, limit)
            raise
        finally:
            self._first = False

    @property
    def pending(self) -> bool:
        return bool(self._obj.unconsumed_tail)


def _decode(chunks: Iterable[bytes], encoding: str, max_bytes: int, url: str) -> Iterable[bytes]:
    if encoding in ("", "identity"):
        yield from chunks
        return
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"unsupported Content-Encoding {encoding!r}", url=url)
    inflater = _Inflater(encoding)
    for chunk in chunks:
        try:
            out = inflater.feed(chunk, max_bytes + 1)
        except zlib.error as exc:
            raise FetchError(f"corrupt {encoding} body: {exc}", url=url) from exc
        yield out
        if inflater.pending:
            # Output was capped: the decoded body is already over the limit.
            raise TooLarge(f"decompressed body exceeds {max_bytes} bytes", url=url)


def read_bounded(
    chunks: Iterable[bytes], *, encoding: str, max_bytes: int, deadline: float, url: str
) -> bytes:
    """Join raw body ``chunks``, decoded per ``encoding``, raising past ``max_bytes`` or ``deadline``.

    ``deadline`` is a ``time.monotonic()`` value; it catches servers that send a
    byte now and then forever, which a per-read timeout never notices.
    """
    parts: list[bytes] = []
    size = 0
    for part in _decode(chunks, encoding.strip().lower(), max_bytes, url):
        size += len(part)
        if size > max_bytes:
            raise TooLarge(f"body exceeds {max_bytes} bytes", url=url)
        parts.append(part)
        if time.monotonic() > deadline:
            raise DeadlineExceeded("request exceeded its total time budget", url=url)
    return b"".join(parts)


def decompress_bounded(data: bytes, *, max_bytes: int, url: str) -> bytes:
    """Gunzip a whole payload (e.g. ``sitemap.xml.gz``) without inflating past ``max_bytes``."""
    return read_bounded([data], encoding="gzip", max_bytes=max_bytes, deadline=float("inf"), url=url)
