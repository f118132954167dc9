"""A real local web site for tests: routes, fault modes, and a log of every request.

Tests of fetching, crawling, the daemon and the API run against it instead of
mocks, on 127.0.0.1 with an ephemeral port, so nothing leaves the machine::

    from httpserver import LocalSite

    with LocalSite() as site:
        site.add("/robots.txt", b"User-agent: *\\nDisallow: /private/\\n", content_type="text/plain")
        site.add("/a", b"<html>...</html>", etag='"v1"')
        site.add_flaky("/b", failures=2, body=b"ok")      # 500, 500, then 200
        site.add_retry_after("/c", "1", body=b"ok")       # 429 Retry-After: 1, then 200
        fetch(site.url("/a"))
        assert not site.was_requested("/private/x")
        assert site.count("/b") == 3

Fault modes: ``add_hang`` (no answer until released), ``add_flaky`` (N errors
then success), ``add_retry_after`` (429), ``add_reset`` (connection reset
mid-body), ``add_redirect`` / ``add_redirect_loop``, ``add_gzip_bomb``,
``add_trickle`` (a byte now and then, forever). ``add(..., etag=, last_modified=)``
answers 304 to matching conditional requests. Routes can be added or replaced
while the server runs (e.g. a new article appearing between two crawl cycles);
``add_handler`` takes any function of the request handler for the rest.

The ``local_site`` pytest fixture yields a started site; import it in
``tests/conftest.py`` (``from httpserver import local_site  # noqa: F401``).
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import mimetypes
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Self

import pytest

__all__ = ["LocalSite", "RecordedRequest", "local_site"]

log = logging.getLogger(__name__)

Handler = Callable[["_RequestHandler"], None]


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str  # with the query string, as sent
    headers: dict[str, str]  # lower-cased names
    at: float  # time.monotonic() when received


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        site = self.server.site
        site._record(self)
        site._route(self.path)(self)

    def do_HEAD(self) -> None:  # noqa: N802
        self.do_GET()

    def respond(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        """Send a complete response with a correct Content-Length."""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle(self) -> None:
        # Fault modes close sockets under the handler's feet; that is the point, not an error.
        try:
            super().handle()
        except (OSError, ValueError):
            self.close_connection = True

    def finish(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            super().finish()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log.debug("local site: " + format, *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: LocalSite


class LocalSite:
    """A threaded HTTP server on 127.0.0.1 whose routes a test sets up."""

    def __init__(self) -> None:
        self._routes: dict[str, Handler] = {}
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> Self:
        self._server = _Server(("127.0.0.1", 0), _RequestHandler)
        self._server.site = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="local-site", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()  # wake hanging and trickling handlers
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the site first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def host(self) -> str:
        """``127.0.0.1:PORT``, the host part of every URL of this site."""
        return self.base_url.removeprefix("http://")

    def url(self, path: str) -> str:
        return self.base_url + path

    # -- the request log -------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def count(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    def was_requested(self, path: str) -> bool:
        return self.count(path) > 0

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def _record(self, h: _RequestHandler) -> None:
        headers = {k.lower(): v for k, v in h.headers.items()}
        with self._lock:
            self._requests.append(RecordedRequest(h.command, h.path, headers, time.monotonic()))

    def _route(self, path: str) -> Handler:
        with self._lock:
            route = self._routes.get(path) or self._routes.get(path.split("?", 1)[0])
        return route or (lambda h: h.respond(404, b"not found", {"Content-Type": "text/plain"}))

    # -- routes ----------------------------------------------------------------
    def add_handler(self, path: str, handler: Handler) -> None:
        """Serve ``path`` with ``handler(request_handler)``; it may call ``.respond(...)``."""
        with self._lock:
            self._routes[path] = handler

    def remove(self, path: str) -> None:
        with self._lock:
            self._routes.pop(path, None)

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        content_type: str = "text/html; charset=utf-8",
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        """Static content; with ``etag``/``last_modified`` a matching conditional GET gets 304."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        sent = {"Content-Type": content_type, **(headers or {})}
        if etag:
            sent["ETag"] = etag
        if last_modified:
            sent["Last-Modified"] = last_modified

        def serve(h: _RequestHandler) -> None:
            if _not_modified(h, etag, last_modified):
                h.respond(304, b"", {k: v for k, v in sent.items() if k in ("ETag", "Last-Modified")})
            else:
                h.respond(status, data, sent)

        self.add_handler(path, serve)

    def add_file(self, path: str, file: str | Path, *, content_type: str | None = None) -> None:
        """Serve a file's bytes (read now), typed by its extension unless told."""
        file = Path(file)
        guessed = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        self.add(path, file.read_bytes(), content_type=content_type or guessed)

    def add_redirect(self, path: str, to: str, *, status: int = 302) -> None:
        self.add_handler(path, lambda h: h.respond(status, b"", {"Location": to}))

    def add_redirect_loop(self, a: str, b: str) -> None:
        """``a`` redirects to ``b`` and ``b`` back to ``a``."""
        self.add_redirect(a, b)
        self.add_redirect(b, a)

    def add_flaky(
        self,
        path: str,
        failures: int,
        *,
        status: int = 500,
        body: bytes = b"ok",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer ``status`` to the first ``failures`` requests, then 200 with ``body``."""
        self._add_counted(path, failures, lambda h: h.respond(status, b"error", headers), body)

    def add_retry_after(self, path: str, retry_after: str, *, times: int = 1, body: bytes = b"ok") -> None:
        """429 with ``Retry-After: retry_after`` for the first ``times`` requests, then 200."""
        too_many = {"Retry-After": retry_after}
        self._add_counted(path, times, lambda h: h.respond(429, b"slow down", too_many), body)

    def _add_counted(self, path: str, failures: int, fail: Handler, body: bytes) -> None:
        seen = [0]
        lock = threading.Lock()

        def serve(h: _RequestHandler) -> None:
            with lock:
                seen[0] += 1
                failing = seen[0] <= failures
            if failing:
                fail(h)
            else:
                h.respond(200, body, {"Content-Type": "text/html; charset=utf-8"})

        self.add_handler(path, serve)

    def add_hang(self, path: str, seconds: float = 30.0) -> None:
        """Accept the request and say nothing for ``seconds`` (or until the site stops)."""

        def serve(h: _RequestHandler) -> None:
            self._released.wait(seconds)
            h.close_connection = True

        self.add_handler(path, serve)

    def add_trickle(self, path: str, *, interval: float = 0.05, total: int = 1_000_000) -> None:
        """Promise ``total`` bytes and send one every ``interval`` seconds: never times out a read."""

        def serve(h: _RequestHandler) -> None:
            h.send_response(200)
            h.send_header("Content-Length", str(total))
            h.end_headers()
            for _ in range(total):
                if self._released.wait(interval):
                    break
                h.wfile.write(b".")
                h.wfile.flush()
            h.close_connection = True

        self.add_handler(path, serve)

    def add_reset(self, path: str, body: bytes, *, cut_at: int | None = None) -> None:
        """Promise ``body`` but send only ``cut_at`` bytes of it, then reset the connection (RST)."""
        cut = len(body) // 2 if cut_at is None else cut_at

        def serve(h: _RequestHandler) -> None:
            h.send_response(200)
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body[:cut])
            h.wfile.flush()
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            h.connection.close()
            h.close_connection = True

        self.add_handler(path, serve)

    def add_gzip_bomb(self, path: str, size: int = 50_000_000, *, content_type: str = "text/html") -> None:
        """A small gzip body (Content-Encoding: gzip) that inflates to ``size`` zero bytes."""
        bomb = _gzip_zeros(size)
        self.add(path, bomb, content_type=content_type, headers={"Content-Encoding": "gzip"})


_BOMBS: dict[int, bytes] = {}


def _gzip_zeros(size: int) -> bytes:
    if size not in _BOMBS:
        _BOMBS[size] = gzip.compress(b"\0" * size, compresslevel=9)
    return _BOMBS[size]


def _not_modified(h: _RequestHandler, etag: str | None, last_modified: str | None) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since when both are sent."""
    inm = h.headers.get("If-None-Match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return etag is not None and ("*" in tags or etag.removeprefix("W/") in tags)
    ims = h.headers.get("If-Modified-Since")
    if ims and last_modified:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


@pytest.fixture
def local_site() -> Iterator[LocalSite]:
    """A started :class:`LocalSite`, stopped after the test."""
    with LocalSite() as site:
        yield site
