"""Polite HTTP fetching: robots.txt, per-host rate limit, retries, bounded bodies.

Every request kliping makes to a news site goes through :class:`Fetcher.get`::

    robots.txt allows it?  --no-->  RobotsDisallowed (never requested)
                           --unknown-->  why: HostUnreachable, robots.txt answered 5xx...
    wait for the host's rate-limit slot
    GET (User-Agent, conditional validators)  --429/5xx/timeout/reset-->  backoff, retry
    3xx  -->  next hop, each hop checked again (bounded; a loop is an error)
    no connection (name does not resolve, refused, connect timeout)  -->  HostUnreachable, after the retries
    4xx  -->  HTTPStatusError at once
    body read while streaming, stopped at max_bytes (after decompression) or the deadline

Redirects are followed here rather than by httpx so that every hop is checked
against its own host's robots.txt and rate limit.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Self
from urllib.parse import urljoin, urlsplit

import httpx

from ingest.body import ACCEPT_ENCODING, read_bounded
from ingest.ratelimit import HostRateLimiter
from ingest.retry import RetryPolicy, is_retryable_status, parse_retry_after
from ingest.robots import RobotsCache, agent_token
from ingest.validators import MemoryValidatorStore, ValidatorStore
from kliping.config import FetchConfig
from kliping.errors import FetchAbandoned, FetchError, HostUnreachable, HTTPStatusError, TooLarge

__all__ = ["Fetcher", "MemoryValidatorStore", "Response", "ValidatorStore"]

log = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass
class Response:
    url: str  # final URL after redirects
    requested_url: str
    status: int
    headers: dict[str, str]  # lower-cased names; repeated headers joined by ", "
    content: bytes
    fetched_at: datetime  # UTC, tz-aware
    not_modified: bool = False
    elapsed: float = 0.0  # seconds of the final exchange (not rate-limit or backoff waits)
    redirects: list[str] = field(default_factory=list)  # the hops before ``url``


@dataclass
class _Exchange:
    """One HTTP round trip as the retry loop sees it."""

    status: int
    headers: dict[str, str]
    content: bytes
    fetched_at: datetime
    elapsed: float


class Fetcher:
    """Thread-safe polite HTTP client; use as a context manager to close its connections.

    ``settings`` is the ``fetch:`` section of config.yaml (:class:`kliping.config.FetchConfig`, where every
    setting and its default is declared); without it, the defaults.
    """

    def __init__(
        self,
        settings: FetchConfig | None = None,
        *,
        validators: ValidatorStore | None = None,
        transport: httpx.BaseTransport | None = None,
        on_response: Callable[[Response], None] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.settings = settings = settings if settings is not None else FetchConfig()
        #: Set it to cut every wait short (rate limit, backoff): a shutting-down daemon
        #: must not sit out a Retry-After of a minute before it can stop.
        self.stop = stop or threading.Event()
        self.validators = validators if validators is not None else MemoryValidatorStore()
        self.on_response = on_response
        self.policy = RetryPolicy(settings.retries, settings.backoff, settings.max_backoff)
        self.limiter = HostRateLimiter(settings.min_interval, sleep=self._pause)
        self.robots = RobotsCache(
            self._load_robots,
            ttl=settings.robots_ttl,
            error_ttl=settings.robots_error_ttl,
        )
        self._agent = agent_token(settings.user_agent)
        self._client = httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=False,
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        )

    def _pause(self, seconds: float) -> None:
        """Wait, unless ``stop`` is set (then give up the fetch at once)."""
        if self.stop.wait(seconds):
            raise FetchAbandoned("fetch abandoned: kliping is shutting down")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets us fetch ``url``; also applies the host's crawl-delay."""
        return self.refusal(url) is None

    def refusal(self, url: str) -> FetchError | None:
        """Why ``url`` may not be fetched (robots.txt disallows it, or its host's rules are unknown), or None.

        Also applies the host's crawl-delay.
        """
        if not self.settings.respect_robots:
            return None
        rules = self.robots.rules(url)
        delay = rules.crawl_delay(self._agent)
        if delay:
            self.limiter.set_interval(_host(url), delay)
        return None if rules.can_fetch(url, self._agent) else rules.refusal(url)

    def get(self, url: str, *, conditional: bool = False) -> Response:
        """GET ``url`` politely; raises a :class:`FetchError` subclass on failure.

        With ``conditional=True`` the stored ETag/Last-Modified are sent and a
        304 comes back as ``Response(not_modified=True, content=b"")``.
        """
        _check_scheme(url)
        headers = self._conditional_headers(url) if conditional else {}
        hops = [url]
        for _ in range(self.settings.max_redirects + 1):
            current = hops[-1]
            refusal = self.refusal(current)
            if refusal is not None:
                raise refusal
            result = self._with_retries(current, headers)
            if isinstance(result, _Exchange):
                return self._finish(url, hops, result, conditional)
            if result in hops:
                chain = " -> ".join([*hops, result])
                raise FetchError(f"redirect loop: {chain}", url=url)
            _check_scheme(result)
            hops.append(result)
        raise FetchError(f"more than {self.settings.max_redirects} redirects from {url}", url=url)

    def _finish(self, url: str, hops: list[str], ex: _Exchange, conditional: bool) -> Response:
        response = Response(
            url=hops[-1],
            requested_url=url,
            status=ex.status,
            headers=ex.headers,
            content=ex.content,
            fetched_at=ex.fetched_at,
            not_modified=ex.status == 304,
            elapsed=ex.elapsed,
            redirects=hops[:-1],
        )
        if conditional and not response.not_modified:
            etag, modified = ex.headers.get("etag"), ex.headers.get("last-modified")
            if etag or modified:
                self.validators.put_validators(url, etag, modified)
        if self.on_response is not None:
            self.on_response(response)
        return response

    def _conditional_headers(self, url: str) -> dict[str, str]:
        etag, modified = self.validators.get_validators(url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        return headers

    def _with_retries(self, url: str, headers: dict[str, str]) -> _Exchange | str:
        """One hop: the exchange, or the redirect target; retries transient failures."""
        host = _host(url)
        for attempt in range(self.policy.attempts):
            self.limiter.wait(host)
            retry_after: float | None = None
            try:
                ex = self._exchange(url, headers)
            except httpx.TransportError as exc:
                if isinstance(exc, httpx.UnsupportedProtocol):
                    raise FetchError(f"cannot fetch {url}: {exc}", url=url) from exc
                error: FetchError = transport_error(url, exc)
            else:
                if ex.status in REDIRECT_STATUSES and ex.headers.get("location"):
                    return urljoin(url, ex.headers["location"].strip())
                if not is_retryable_status(ex.status):
                    _raise_for_status(url, ex)
                    return ex
                retry_after = parse_retry_after(ex.headers.get("retry-after"))
                error = HTTPStatusError(f"HTTP {ex.status}", url=url, status=ex.status)
            if attempt + 1 == self.policy.attempts:
                break
            delay = self.policy.delay(attempt, retry_after)
            if retry_after is not None:
                self.limiter.defer(host, delay)
            log.info("retrying %s in %.2fs after %s (attempt %d)", url, delay, error, attempt + 1)
            self._pause(delay)
        error.args = (f"{error.args[0]} (gave up after {self.policy.attempts} attempts)",)
        raise error

    def _exchange(self, url: str, headers: dict[str, str]) -> _Exchange:
        """Send one GET; read the body only for success statuses, within size and deadline."""
        started = time.monotonic()
        deadline = started + self.settings.deadline
        limit = self.settings.max_bytes
        with self._client.stream("GET", url, headers=headers) as r:
            fetched_at = datetime.now(UTC)
            names = {k.lower(): v for k, v in r.headers.items()}
            content = b""
            if 200 <= r.status_code < 300:
                declared = names.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise TooLarge(f"Content-Length {declared} exceeds {limit} bytes", url=url)
                content = self._read_body(r, names, deadline, url)
        return _Exchange(r.status_code, names, content, fetched_at, time.monotonic() - started)

    def _read_body(self, r: httpx.Response, names: dict[str, str], deadline: float, url: str) -> bytes:
        limit = self.settings.max_bytes
        if r.is_stream_consumed:
            # A transport that hands over a pre-read body (httpx.MockTransport): already decoded.
            chunks: Iterable[bytes] = [r.content]
            encoding = ""
        else:
            chunks, encoding = r.iter_raw(), names.get("content-encoding", "")
        return read_bounded(chunks, encoding=encoding, max_bytes=limit, deadline=deadline, url=url)

    def _load_robots(self, robots: str) -> tuple[int, bytes]:
        """GET a robots.txt (rate-limited, redirects followed, no retries, no robots check)."""
        url = robots
        for _ in range(self.settings.max_redirects + 1):
            self.limiter.wait(_host(url))
            try:
                ex = self._exchange(url, {})
            except httpx.TransportError as exc:
                raise transport_error(url, exc) from exc
            except httpx.HTTPError as exc:
                raise FetchError(f"{type(exc).__name__}: {exc}", url=url) from exc
            location = ex.headers.get("location")
            if ex.status not in REDIRECT_STATUSES or not location:
                return ex.status, ex.content
            url = urljoin(url, location.strip())
        return 599, b""


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()


def transport_error(url: str, exc: httpx.TransportError) -> FetchError:
    """What a failed exchange means: no connection to the host at all (said so, naming it and why), or an
    exchange cut short."""
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return HostUnreachable(f"the host {_host(url)} is unreachable: {_connect_failure(exc)}", url=url)
    kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "connection failed"
    return FetchError(f"{kind}: {type(exc).__name__}: {exc}", url=url)


def _connect_failure(exc: httpx.TransportError) -> str:
    """Why no connection was made, from the socket error under httpx's (DNS, refused...)."""
    if isinstance(exc, httpx.ConnectTimeout):
        return "no connection within the timeout"
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, OSError):
        cause = cause.__cause__ or cause.__context__
    if isinstance(cause, socket.gaierror):
        return f"its name does not resolve ({cause.strerror})"
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    return str(cause or exc) or type(exc).__name__


def _check_scheme(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise FetchError(f"not an http(s) URL: {url!r}", url=url)


def _raise_for_status(url: str, ex: _Exchange) -> None:
    if ex.status >= 400 or (300 <= ex.status < 400 and ex.status != 304):
        raise HTTPStatusError(f"HTTP {ex.status}", url=url, status=ex.status)
