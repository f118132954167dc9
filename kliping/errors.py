"""One exception tree for the whole of kliping.

Every error a user can cause or meet derives from :class:`KlipingError`, so a
surface (the CLI, the API) turns them into messages in one place::

    KlipingError
    ├── ConfigError          config.yaml is missing, unreadable or invalid
    ├── FetchError           a URL could not be fetched (carries .url)
    │   ├── RobotsDisallowed robots.txt forbids the URL
    │   ├── HostUnreachable  the host's name does not resolve, or it refuses or never takes the connection
    │   ├── HTTPStatusError  the server answered with an error status
    │   ├── TooLarge         the response was bigger than the size limit
    │   ├── DeadlineExceeded the whole request outlasted its wall-clock deadline (in ingest.body)
    │   ├── DiscoveryError   a feed, sitemap or start page is not what it claims to be (in ingest.discover)
    │   └── FetchAbandoned   given up because kliping is stopping: nothing learnt about the URL
    ├── ExtractError         a page could not be turned into an article (carries .url)
    │   └── NotAnArticle     the page is a section/tag/video/error page, not an article
    ├── ArchiveError         the SQLite archive could not be read or written
    │   ├── NothingArchived  there is no archive, or nothing in it, yet
    │   └── IncompleteArticle an article without url, title or body, refused: the page's fault, not the archive's
    ├── IndexBusy            the Whoosh index stayed locked past the timeout
    ├── IndexOutdated        the index was built by another kliping version: reindex
    │   ├── IndexDrift       the index holds what its archive does not (another or older archive): reindex
    │   └── IndexMissing     the archive holds articles but there is no index: reindex
    ├── AlreadyRunning       another daemon holds the data_dir's lock (carries .pid)
    ├── QueryError           a search query or filter is malformed (carries .query)
    │   └── QueryTooCostly   the query ran out of its time or expansion budget
    ├── WatchError           a saved search cannot be made as asked (bad or taken name, bad URL)
    │   └── NoSuchWatch      no watch has that name
    └── DeliveryFailed       an alert (webhook, e-mail) did not reach its receiver; retried with back-off
"""

from __future__ import annotations


class KlipingError(Exception):
    """Base of every error kliping raises on purpose."""

    #: A short, stable code for machine-readable error output (CLI --json, API).
    code = "error"


class ConfigError(KlipingError):
    code = "config"


class FetchError(KlipingError):
    code = "fetch"

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class RobotsDisallowed(FetchError):
    code = "robots"


class HostUnreachable(FetchError):
    """The host could not be reached at all (its name does not resolve, the connection is refused or
    never made): said as such, never as a robots.txt refusal, which would send the user looking for
    rules that were never read."""

    code = "unreachable"


class HTTPStatusError(FetchError):
    code = "http_status"

    def __init__(self, message: str, *, url: str | None = None, status: int = 0) -> None:
        super().__init__(message, url=url)
        self.status = status


class TooLarge(FetchError):
    code = "too_large"


class FetchAbandoned(FetchError):
    """The fetch was given up because kliping is stopping: nothing was learnt about the page."""

    code = "abandoned"


class ExtractError(KlipingError):
    code = "extract"

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class NotAnArticle(ExtractError):
    code = "not_an_article"


class ArchiveError(KlipingError):
    code = "archive"


class NothingArchived(ArchiveError):
    """Nothing to read: no archive or index yet, or both empty. Not a failure: the user has to crawl first."""

    code = "empty"


#: What :class:`NothingArchived` says, everywhere.
NOTHING_ARCHIVED = "nothing archived yet: run kliping crawl or kliping import"


class IncompleteArticle(ArchiveError):
    """The archive refused an article without url, title or body: that page's fault, not the archive's."""

    code = "incomplete"


class IndexBusy(KlipingError):
    code = "index_busy"


class IndexOutdated(KlipingError):
    code = "index_outdated"


class IndexDrift(IndexOutdated):
    """The index was built from another archive, or a newer copy of this one: only a rebuild repairs it."""

    code = "index_drift"


class IndexMissing(IndexOutdated):
    """The archive holds articles but there is no index (deleted, or lost in a restore): only a rebuild repairs it."""

    code = "index_missing"


class AlreadyRunning(KlipingError):
    code = "already_running"

    def __init__(self, message: str, *, pid: int | None = None) -> None:
        super().__init__(message)
        self.pid = pid


class QueryError(KlipingError):
    code = "query"

    def __init__(self, message: str, *, query: str | None = None) -> None:
        super().__init__(message)
        self.query = query


class QueryTooCostly(QueryError):
    code = "query_cost"


def archive_failed(exc: BaseException) -> bool:
    """Whether ``exc`` is the archive itself failing (disk, lock, corruption): the end of a run,
    unlike a page's article that the archive refused (:class:`IncompleteArticle`)."""
    return isinstance(exc, ArchiveError) and not isinstance(exc, IncompleteArticle)


class WatchError(KlipingError):
    """A saved search (``kliping watch``) that cannot be made as asked: a bad name, a taken name, a bad URL."""

    code = "watch"


class NoSuchWatch(WatchError):
    code = "no_such_watch"


class DeliveryFailed(KlipingError):
    """An alert (webhook POST or e-mail) did not reach its receiver; the outbox retries it with back-off."""

    code = "delivery"
