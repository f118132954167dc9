"""Building the pipeline's parts from the config, in one place.

Every command and the daemon get their archive, index and fetcher here, so
paths and settings mean the same thing everywhere.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from index.archive import Archive
from index.store import SearchIndex

# The fetcher (httpx and its imports) loads only for the commands that fetch (crawl, daemon, backfill,
# extract) and for reextract, which replays saved pages through the crawler's code: search, status,
# import and reindex never load it (tests/test_true_words.py checks).
if TYPE_CHECKING:
    from ingest.fetch import Fetcher, FetchSettings, Response
    from kliping.config import Config  # (pydantic: `kliping search` may not need it, see kliping.configcache)

ARCHIVE_FILE = "archive.sqlite3"
INDEX_DIR = "index"
WARC_DIR = "warc"


def archive_path(config: Config) -> Path:
    return config.data_dir / ARCHIVE_FILE


def open_archive(config: Config, *, readonly: bool = False) -> Archive:
    return archive_in(config.data_dir, readonly=readonly)


def open_index(config: Config) -> SearchIndex:
    return index_in(config.data_dir)


def archive_in(data_dir: Path, *, readonly: bool = False) -> Archive:
    return Archive(data_dir / ARCHIVE_FILE, readonly=readonly)


def index_in(data_dir: Path) -> SearchIndex:
    return SearchIndex(data_dir / INDEX_DIR)


def fetch_settings(config: Config) -> FetchSettings:
    from ingest.fetch import FetchSettings

    fetch = config.fetch
    return FetchSettings(
        user_agent=fetch.user_agent,
        timeout=fetch.timeout,
        max_bytes=fetch.max_bytes,
        min_interval=fetch.min_interval,
        retries=fetch.retries,
        respect_robots=fetch.respect_robots,
    )


def make_fetcher(config: Config, archive: Archive | None = None, *,
                 on_response: Callable[[Response], None] | None = None) -> Fetcher:
    """A fetcher whose conditional-GET validators live in the archive."""
    from ingest.fetch import Fetcher

    return Fetcher(fetch_settings(config), validators=archive, on_response=on_response)


def warc_dir(config: Config) -> Path:
    return config.data_dir / WARC_DIR


def make_warc_recorder(config: Config):  # type: ignore[no-untyped-def]
    """The fetcher hook that keeps article responses in WARC files, or None if ``daemon.warc`` is off."""
    if not config.daemon.warc:
        return None
    from ingest.warc import WarcRecorder

    return WarcRecorder(warc_dir(config), max_bytes=config.daemon.warc_max_bytes)
