"""robots.txt rules per host, fetched once and cached with an expiry.

Read as Google documents it: a missing robots.txt (4xx) allows everything; a
server error or an unreachable host keeps us off the whole host for a while (the
site may be in trouble, and its rules are unknown), then we ask again. A copy we
had before keeps applying while a refresh fails.

Keeping off a host whose rules are unknown is not robots.txt disallowing it:
the rules carry the error that kept them unknown, and a refused URL is reported
with it (the host is unreachable, robots.txt answered 503...), never as a
disallow.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from kliping.errors import FetchAbandoned, FetchError, HostUnreachable, RobotsDisallowed

__all__ = ["RobotsCache", "RobotsRules", "robots_url"]

log = logging.getLogger(__name__)

#: Google reads at most 500 KiB of a robots.txt.
MAX_ROBOTS_BYTES = 500 * 1024

#: (status, body) of GET /robots.txt; raises FetchError when the host is unreachable.
RobotsLoader = Callable[[str], tuple[int, bytes]]


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def agent_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against ("kliping" of "kliping/0.1 (+url)").

    Matching on the whole string would let a group for, say, "github" apply to us
    because our contact URL contains it.
    """
    return user_agent.split("/", 1)[0].split()[0].lower() if user_agent.strip() else "*"


@dataclass(frozen=True)
class RobotsRules:
    """One host's answer: a parser, or a blanket allow/deny, and when it expires."""

    parser: Protego | None
    allow_all: bool
    expires: float
    reason: str
    #: Why the rules are unknown (robots.txt unreachable or failing); None when robots.txt answered.
    error: FetchError | None = None

    def can_fetch(self, url: str, agent: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return self.parser.can_fetch(url, agent)

    def refusal(self, url: str) -> FetchError:
        """The error for a URL these rules keep us from: a disallow, or why the rules are unknown."""
        if self.error is None:
            return RobotsDisallowed(f"robots.txt disallows {url}", url=url)
        return type(self.error)(str(self.error), url=url)

    def crawl_delay(self, agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent)
        return float(delay) if delay is not None else None


class RobotsCache:
    """Thread-safe per-host cache of :class:`RobotsRules`; one fetch per host at a time.

    ``ttl`` and ``error_ttl`` are ``fetch.robots_ttl`` and ``fetch.robots_error_ttl`` (seconds; declared, with their
    defaults, in :class:`kliping.config.FetchConfig`).
    """

    def __init__(
        self,
        loader: RobotsLoader,
        *,
        ttl: float,
        error_ttl: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._loader = loader
        self.ttl = ttl
        self.error_ttl = min(error_ttl, ttl)
        self._clock = clock
        self._lock = threading.Lock()
        self._host_locks: dict[str, threading.Lock] = {}
        self._rules: dict[str, RobotsRules] = {}

    def rules(self, url: str) -> RobotsRules:
        """The current rules for ``url``'s host, fetching robots.txt if none or expired."""
        key = robots_url(url)
        with self._lock:
            host_lock = self._host_locks.setdefault(key, threading.Lock())
        with host_lock:
            cached = self._rules.get(key)
            if cached is not None and cached.expires > self._clock():
                return cached
            fresh = self._load(key, cached)
            self._rules[key] = fresh
            return fresh

    def _load(self, key: str, stale: RobotsRules | None) -> RobotsRules:
        now = self._clock()
        try:
            status, body = self._loader(key)
        except FetchAbandoned:  # stopping taught us nothing of the host: remember nothing
            raise
        except HostUnreachable as exc:
            return self._on_error(key, stale, now, exc)
        except FetchError as exc:
            return self._on_error(key, stale, now, _unknown(key, f"could not be read ({exc})"))
        if 200 <= status < 300:
            text = body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
            return RobotsRules(Protego.parse(text), True, now + self.ttl, f"{key} ({status})")
        if 400 <= status < 500 and status != 429:
            log.info("no robots.txt at %s (%d): all allowed", key, status)
            return RobotsRules(None, True, now + self.ttl, f"{key} missing ({status})")
        return self._on_error(key, stale, now, _unknown(key, f"answered HTTP {status}"))

    def _on_error(self, key: str, stale: RobotsRules | None, now: float, error: FetchError) -> RobotsRules:
        if stale is not None and stale.parser is not None:
            log.warning("robots.txt not refreshed (%s); keeping the copy we had", error)
            return RobotsRules(stale.parser, stale.allow_all, now + self.error_ttl, stale.reason)
        log.warning("robots.txt not read (%s); keeping off the host for %.0fs", error, self.error_ttl)
        return RobotsRules(None, False, now + self.error_ttl, str(error), error)


def _unknown(key: str, what: str) -> FetchError:
    """The error of a host whose robots.txt did not answer usably: what happened, and what it means."""
    return FetchError(f"robots.txt {key} {what}: the host's rules are unknown, so none of it is fetched for now",
                      url=key)
