"""The OpenSearch index, kept in step with the archive by the same rules as :class:`index.store.SearchIndex`.

- **A watermark in the cluster.** The physical index's mapping ``_meta`` holds the archive ``seq`` it has
  indexed (and the archive's id and count), written only after the batch is refreshed: a crash between the
  two indexes the batch again, harmlessly, since a document's ``_id`` is the article's id and its external
  version the archive ``seq``, so a copy never lands twice nor an older copy over a newer one.
- **A rebuild behind an alias.** ``kliping reindex`` fills a new physical index (``<alias>-<time>``, no
  replicas and no refresh while filling, then the configured ones) and moves the alias in one atomic
  request: searches read the old index until the new one is whole.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from opensearchpy import OpenSearch
from opensearchpy.helpers import streaming_bulk

from index.archive import Archive
from index.opensearch.client import answering, connect
from index.opensearch.document import FORMAT, document, index_body
from index.store import BATCH, Drift, SearchIndex
from kliping.article import Article
from kliping.config import IndexConfig
from kliping.errors import IndexDrift, IndexOutdated

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
#: Documents one bulk request carries.
CHUNK = 500


class OpenSearchIndex:
    """The alias ``config.index`` on a cluster, with its archive watermark (the interface of SearchIndex)."""

    def __init__(self, config: IndexConfig, client: OpenSearch | None = None) -> None:
        self.config = config
        self.alias = config.index
        self.client = client or connect(config)
        #: What messages name as the index's place (the Whoosh index's is its folder).
        self.path = Path(f"{config.hosts[0].rstrip('/')}/{self.alias}")

    # -- reading ---------------------------------------------------------------

    def exists(self) -> bool:
        with answering(self.config):
            return bool(self.client.indices.exists_alias(name=self.alias))

    def physical(self) -> str | None:
        """The physical index behind the alias, or None."""
        with answering(self.config):
            if not self.client.indices.exists_alias(name=self.alias):
                return None
            return next(iter(self.client.indices.get_alias(name=self.alias)))

    def doc_count(self) -> int:
        if not self.exists():
            return 0
        with answering(self.config):
            return int(self.client.count(index=self.alias)["count"])

    def counts_by_source(self) -> tuple[int, dict[str, int]]:
        """Indexed documents, in all and per source (for ``kliping status``)."""
        if not self.exists():
            return 0, {}
        with answering(self.config):
            found = self.client.search(index=self.alias, body={
                "size": 0, "track_total_hits": True, "aggs": {"source": {"terms": {"field": "source", "size": 10000}}}})
        counts = {b["key"]: int(b["doc_count"]) for b in found["aggregations"]["source"]["buckets"]}
        return int(found["hits"]["total"]["value"]), counts

    def built_from(self) -> dict[str, Any]:
        """The ``_meta`` record of the last catch-up or rebuild: archive_id, articles, seq, format."""
        name = self.physical()
        if name is None:
            return {}
        with answering(self.config):
            mapping = self.client.indices.get_mapping(index=name)
        meta = mapping[name]["mappings"].get("_meta") or {}
        return dict(meta.get("kliping") or {})

    def watermark(self) -> int:
        return int(self.built_from().get("seq") or 0)

    def marker(self) -> tuple[int, int]:
        """What changes on every commit: (watermark, documents); the API's health recounts on a change."""
        return self.watermark(), self.doc_count()

    def drift(self, archive: Archive) -> Drift | None:
        """The Whoosh index's rules (:meth:`SearchIndex.drift`), read through this index's watermark and counts."""
        return SearchIndex.drift(self, archive)  # type: ignore[arg-type]

    # -- writing ---------------------------------------------------------------

    def _create(self, name: str, *, replicas: int, meta: dict[str, Any]) -> None:
        body = index_body(shards=self.config.shards, replicas=replicas, meta={"kliping": meta})
        with answering(self.config):
            self.client.indices.create(index=name, body=body)

    def _ensure(self) -> None:
        """An empty index behind the alias when there is none (the first crawl or import)."""
        if self.exists():
            found = self.built_from().get("format")
            if found != FORMAT:
                raise IndexOutdated(f"the OpenSearch index {self.alias} was built by another kliping version "
                                    f"(format {found or 'unknown'}, this one writes {FORMAT}); "
                                    "rebuild it with `kliping reindex`")
            return
        with answering(self.config):
            if self.client.indices.exists(index=self.alias):
                raise IndexOutdated(f"{self.alias} on the cluster is an index, not an alias; delete it or set "
                                    "index.index to another name, then run `kliping reindex`")
        name = _physical_name(self.alias)
        self._create(name, replicas=self.config.replicas, meta={"format": FORMAT, "seq": 0})
        with answering(self.config):
            self.client.indices.put_alias(index=name, name=self.alias, body={"is_write_index": True})
        log.info("event=opensearch_index_created index=%s alias=%s", name, self.alias)

    def _set_meta(self, index: str, seq: int, archive: Archive) -> None:
        record = {"format": FORMAT, "archive_id": archive.identity(), "articles": archive.count(), "seq": seq}
        with answering(self.config):
            self.client.indices.put_mapping(index=index, body={"_meta": {"kliping": record}})

    def _bulk(self, index: str, rows: Iterable[tuple[int, Article]], progress: Progress | None) -> int:
        """Index ``(seq, article)`` rows; a row older than the copy already there is skipped by its version."""
        def actions() -> Iterator[dict[str, Any]]:
            for seq, article in rows:
                yield {"_index": index, "_id": article.id, "_version": seq, "_version_type": "external_gte",
                       "_source": document(article, seq)}

        done = 0
        with answering(self.config):
            for ok, item in streaming_bulk(self.client, actions(), chunk_size=CHUNK, raise_on_error=False,
                                           max_retries=3, initial_backoff=1):
                result = item.get("index", {})
                if not ok and result.get("status") != 409:  # 409: a newer copy is already there, as meant
                    raise IndexOutdated(f"the cluster refused article {result.get('_id')}: {result.get('error')}")
                done += 1
                if progress and done % CHUNK == 0:
                    progress(CHUNK)
        if progress and done % CHUNK:
            progress(done % CHUNK)
        return done

    def catch_up(self, archive: Archive, *, progress: Progress | None = None, batch: int = BATCH,
                 whole_batches: bool = False) -> int:
        """Index every archive change after the watermark, ``batch`` articles at a time; returns how many.
        ``whole_batches``: stop when fewer than ``batch`` changes are left (see :meth:`SearchIndex.catch_up`)."""
        self._ensure()
        drift = self.drift(archive)
        if drift and not drift.repairable:
            raise IndexDrift(f"the OpenSearch index {self.alias} does not match the archive at {archive.path}: "
                             f"{drift.reason}. Rebuild it from the archive with `kliping reindex`")
        name = self.physical()
        assert name is not None
        if drift:
            log.warning("event=index_drift reason=%r (indexing the whole archive again)", drift.reason)
            self._set_meta(name, 0, archive)
        done = 0
        while True:
            mark = self.watermark()
            if whole_batches and archive.max_seq() - mark < batch:
                return done
            rows = list(islice(archive.changed_since(mark), batch))
            if not rows:
                return done
            self._bulk(self.alias, rows, None)
            with answering(self.config):
                self.client.indices.refresh(index=self.alias)
            self._set_meta(name, max(rows[-1][0], mark), archive)  # only once the batch is searchable
            done += len(rows)
            if progress:
                progress(len(rows))

    def rebuild(self, archive: Archive, *, progress: Progress | None = None) -> int:
        """Fill a new physical index from the whole archive, then point the alias at it in one request."""
        old = self.physical()
        with answering(self.config):
            if old is None and self.client.indices.exists(index=self.alias):
                raise IndexOutdated(f"{self.alias} on the cluster is an index, not an alias; delete it or set "
                                    "index.index to another name")
        name = _physical_name(self.alias)
        top = archive.max_seq()
        self._create(name, replicas=0, meta={"format": FORMAT, "seq": 0})
        try:
            with answering(self.config):
                self.client.indices.put_settings(index=name, body={"index": {"refresh_interval": "-1"}})
            rows = ((seq, article) for seq, article in archive.changed_since(0) if seq <= top)
            count = self._bulk(name, rows, progress)
            with answering(self.config):
                self.client.indices.put_settings(index=name, body={"index": {
                    "refresh_interval": "1s", "number_of_replicas": self.config.replicas}})
                self.client.indices.refresh(index=name)
                self.client.cluster.health(index=name, params={"wait_for_status": "yellow", "timeout": "60s"},
                                          request_timeout=70)
            self._set_meta(name, top, archive)
            actions: list[dict[str, Any]] = [{"add": {"index": name, "alias": self.alias, "is_write_index": True}}]
            if old:
                actions.insert(0, {"remove": {"index": old, "alias": self.alias}})
            with answering(self.config):
                self.client.indices.update_aliases(body={"actions": actions})
        except BaseException:
            with answering(self.config):
                self.client.indices.delete(index=name, ignore_unavailable=True)
            raise
        if old:
            with answering(self.config):
                self.client.indices.delete(index=old, ignore_unavailable=True)
        log.info("event=opensearch_rebuilt index=%s alias=%s documents=%d", name, self.alias, count)
        return count

    def delete(self) -> None:
        """Remove the alias and every physical index behind it (tests, and a user starting over)."""
        name = self.physical()
        if name:
            with answering(self.config):
                self.client.indices.delete(index=name, ignore_unavailable=True)


def _physical_name(alias: str) -> str:
    return f"{alias}-{time.strftime('%Y%m%d%H%M%S', time.gmtime())}-{time.monotonic_ns() % 1_000_000:06d}"
