"""Who may call the API and how often: the bearer token and the per-client rate limit.

Both run as FastAPI dependencies on every data endpoint (not on ``/health``),
rate limit first, so a client cannot guess tokens faster than it may search.
"""

from __future__ import annotations

import hmac
import ipaddress
import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from search.api.errors import ApiError

TOKEN_ENV = "KLIPING_API_TOKEN"
#: Clients remembered at most; the idlest are forgotten first (a full bucket is no loss).
MAX_CLIENTS = 10_000


def resolve_token(configured: str | None) -> str | None:
    """``KLIPING_API_TOKEN`` wins over ``api.token``; empty means no token."""
    return os.environ.get(TOKEN_ENV) or configured or None


class BearerAuth:
    """Checks ``Authorization: Bearer <token>`` in constant time."""

    def __init__(self, token: str | None) -> None:
        self._token = token.encode() if token else None

    @property
    def enabled(self) -> bool:
        return self._token is not None

    async def __call__(self, request: Request) -> None:
        if self._token is None:
            return
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), self._token):
            raise ApiError(
                401, "unauthorized",
                "this API needs a bearer token; send the header 'Authorization: Bearer <token>'",
                headers={"WWW-Authenticate": "Bearer"},
            )


def client_address(request: Request) -> str:
    """The client's IP address, as the rate limit counts it: anything else a trusted proxy passed on
    in X-Forwarded-For (a name, garbage) shares one bucket, so it cannot buy a fresh one per value."""
    host = request.client.host if request.client else ""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return "not-an-address"


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """A token bucket per client IP: ``per_minute`` requests, refilled continuously.

    A client may burst up to ``per_minute`` requests, then gets 429 with a
    Retry-After saying when the next one is allowed.
    """

    def __init__(self, per_minute: int, *, clock: Callable[[], float] | None = None) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._clock = clock or time.monotonic
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """Spend one token; returns 0 when allowed, else seconds until the next token."""
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(client)
            if bucket is None:
                if len(self._buckets) >= MAX_CLIENTS:
                    self._forget_idlest()
                bucket = self._buckets[client] = _Bucket(self.capacity, now)
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate

    def _forget_idlest(self) -> None:
        for key, _ in sorted(self._buckets.items(), key=lambda kv: kv[1].updated)[: MAX_CLIENTS // 10]:
            del self._buckets[key]

    async def __call__(self, request: Request) -> None:
        client = client_address(request)
        wait = self.take(client)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise ApiError(
                429, "rate_limited",
                f"too many requests from {client}: the limit is {self.capacity:.0f} per minute; "
                f"retry in {seconds} s",
                headers={"Retry-After": str(seconds)},
            )
