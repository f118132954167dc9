"""The application object, and the pipeline's parts built from the config, in one place.

One :class:`Kliping` per process (the click group makes it, and so does the
API's factory) owns the loaded config and opens and closes the archive, the
index, the search engine and the fetcher with its WARC recorder, so paths and
settings mean the same thing in every command, the daemon and the API, as
Scrapy's ``Crawler`` or Datasette's ``Datasette`` do for theirs. The
``open_*``/``make_*`` functions below are its building blocks, for code that
holds a config but no application (tests, benchmarks).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.archive import Archive
from index.store import SearchIndex

# The fetcher (httpx and its imports) loads only for the commands that fetch (crawl, daemon, backfill,
# extract) and for reextract, which replays saved pages through the crawler's code: search, status,
# import and reindex never load it (tests/test_true_words.py checks).
if TYPE_CHECKING:
    from ingest.fetch import Fetcher, Response
    from kliping.config import Config  # (pydantic: `kliping search` may not need it, see kliping.configcache)
    from search.engine import Engine

ARCHIVE_FILE = "archive.sqlite3"
INDEX_DIR = "index"
WARC_DIR = "warc"


def archive_path(config: Config) -> Path:
    return config.data_dir / ARCHIVE_FILE


def open_archive(config: Config, *, readonly: bool = False) -> Archive:
    """The archive config.yaml names: ``archive.url``'s PostgreSQL database, or data_dir's SQLite file."""
    if config.archive.url:
        return Archive(config.archive.url, readonly=readonly)
    return archive_in(config.data_dir, readonly=readonly)


def archive_exists(config: Config) -> bool:
    """Whether there may be an archive to read (a PostgreSQL one always may: opening it tells)."""
    return bool(config.archive.url) or archive_path(config).exists()


def open_index(config: Config) -> SearchIndex:
    """The index the config names: Whoosh in data_dir, or the OpenSearch alias (``index.backend``)."""
    if config.index.backend == "opensearch":
        from index.opensearch.store import OpenSearchIndex

        return OpenSearchIndex(config.index)  # type: ignore[return-value]  # the same interface, duck-typed
    return index_in(config.data_dir)


def archive_in(data_dir: Path, *, readonly: bool = False) -> Archive:
    return Archive(data_dir / ARCHIVE_FILE, readonly=readonly)


def index_in(data_dir: Path) -> SearchIndex:
    return SearchIndex(data_dir / INDEX_DIR)


def make_fetcher(config: Config, archive: Archive | None = None, *,
                 on_response: Callable[[Response], None] | None = None) -> Fetcher:
    """A fetcher whose conditional-GET validators live in the archive."""
    from ingest.fetch import Fetcher

    return Fetcher(config.fetch, validators=archive, on_response=on_response)


def warc_dir(config: Config) -> Path:
    return config.data_dir / WARC_DIR


def make_warc_recorder(config: Config, archive: Archive | None = None):  # type: ignore[no-untyped-def]
    """The fetcher hook that keeps article responses in WARC files, or None if ``daemon.warc`` is off; with an
    ``archive``, each record's place and digest is noted there too (``kliping export`` cites it)."""
    if not config.daemon.warc:
        return None
    from ingest.warc import WarcRecorder, WrittenRecord

    def note(record: WrittenRecord) -> None:
        assert archive is not None
        archive.record_warc(record.urls, record.file, record.offset, record.record_id, record.payload_digest,
                            record.fetched_at)

    return WarcRecorder(warc_dir(config), max_bytes=config.daemon.warc_max_bytes,
                        on_record=note if archive is not None else None)


class Kliping:
    """The application: one config, and the archive, index, engine and fetcher built from it, opened on first
    use and closed by :meth:`close` (or the ``with`` block).

    ``config_path`` is read on first use, so commands that need no config
    (``extract``, ``stem``) work anywhere; or pass a loaded ``config``.
    """

    def __init__(self, config_path: str | Path | None = None, *, config: Config | None = None) -> None:
        if config_path is None and config is None:
            raise TypeError("Kliping needs a config_path or a config")
        self.config_path = str(config_path) if config_path is not None else None
        self._config = config
        self._archives: dict[bool, Archive] = {}
        self._index: SearchIndex | None = None
        self._engine: Engine | None = None
        self._opening = threading.RLock()  # the API's threads ask for the same parts at once

    def __enter__(self) -> Kliping:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def config(self) -> Config:
        """The config, loaded and validated on first use (a :class:`~kliping.errors.ConfigError` names the fix)."""
        if self._config is None:
            from kliping.config import load_config
            from kliping.configcache import file_digest, remember

            assert self.config_path is not None
            digest = file_digest(self.config_path)
            self._config = load_config(self.config_path)
            remember(self.config_path, digest, self._config.data_dir, self._config.archive.url,
                     self._config.search.aliases)
        return self._config

    @property
    def data_dir(self) -> Path:
        """``config.data_dir``, without loading pydantic when this very file validated before (see
        :mod:`kliping.configcache`); otherwise the config is loaded and validated in full."""
        if self._config is None and self.config_path is not None:
            from kliping.configcache import known_data_dir

            found = known_data_dir(self.config_path)
            if found is not None:
                return found
        return self.config.data_dir

    @property
    def archive_url(self) -> str | None:
        """``archive.url`` (a PostgreSQL archive), or None for the SQLite file in data_dir; like
        :attr:`data_dir`, without loading pydantic when this very file validated before."""
        if self._config is None and self.config_path is not None:
            from kliping.configcache import known_archive_url

            found = known_archive_url(self.config_path)
            if found is not None:
                return found[0]
        return self.config.archive.url

    @property
    def aliases_path(self) -> Path | None:
        """``search.aliases`` (the user's own alias file), or None; like :attr:`data_dir`, without loading
        pydantic when this very file validated before."""
        if self._config is None and self.config_path is not None:
            from kliping.configcache import known_aliases

            found = known_aliases(self.config_path)
            if found is not None:
                return Path(found[0]) if found[0] is not None else None
        return self.config.search.aliases

    def archive_exists(self) -> bool:
        return self.archive_url is not None or (self.data_dir / ARCHIVE_FILE).exists()

    def archive(self, *, readonly: bool = False) -> Archive:
        """The archive (one per mode), opened on first use: PostgreSQL's when ``archive.url`` is set."""
        with self._opening:
            if readonly not in self._archives:
                url = self.archive_url
                self._archives[readonly] = (Archive(url, readonly=readonly) if url
                                            else archive_in(self.data_dir, readonly=readonly))
            return self._archives[readonly]

    def index(self) -> SearchIndex:
        with self._opening:
            if self._index is None:
                self._index = open_index(self.config) if self._opensearch() else index_in(self.data_dir)
            return self._index

    def _opensearch(self) -> bool:
        """Whether the index is on OpenSearch; a cached data_dir (kliping.configcache) means Whoosh's default
        was checked already only when the config file holds no ``index:`` key, so look at the file."""
        if self._config is not None:
            return self._config.index.backend == "opensearch"
        assert self.config_path is not None
        try:
            text = Path(self.config_path).read_text(encoding="utf-8")
        except OSError:
            return False
        return "opensearch" in text and self.config.index.backend == "opensearch"

    def engine(self) -> Engine:
        """The search engine over the index and the read-only archive: one per application, as both the
        CLI and the API search through it."""
        with self._opening:
            if self._engine is None:
                index = self.index()
                if self._opensearch():
                    from search.opensearch.engine import OpenSearchEngine

                    engine: Any = OpenSearchEngine(index, self.archive(readonly=True))  # type: ignore[arg-type]
                else:
                    from search.aliases import aliases_for
                    from search.engine import Engine

                    engine = Engine(index, self.archive(readonly=True), aliases=aliases_for(self.aliases_path))
                self._engine = engine
            assert self._engine is not None
            return self._engine

    def status(self) -> dict[str, Any]:
        """What ``kliping status`` prints and ``/sources`` serves (see :mod:`kliping.status`)."""
        from kliping.status import collect_status

        return collect_status(self.config)

    @contextmanager
    def fetching(self, archive: Archive | None = None) -> Iterator[Fetcher]:
        """A fetcher (its conditional-GET validators in ``archive``) that keeps article responses in WARC
        files when ``daemon.warc`` is on; both are closed when the block ends, however it ends."""
        recorder = make_warc_recorder(self.config, archive)
        try:
            with make_fetcher(self.config, archive, on_response=recorder) as fetcher:
                yield fetcher
        finally:
            if recorder is not None:
                recorder.close()

    def close(self) -> None:
        """Close what was opened; the application may open it again afterwards."""
        with self._opening:
            if self._engine is not None:
                self._engine.close()
                self._engine = None
            for archive in self._archives.values():
                archive.close()
            self._archives.clear()
            self._index = None
