"""The Whoosh index, kept in step with the archive.

The index holds a watermark: the archive ``seq`` of the last change it has
indexed. :meth:`SearchIndex.catch_up` indexes every change after it, so a crash
between archive and index loses nothing (the next catch-up repairs it), and
:meth:`SearchIndex.rebuild` makes a fresh index from the whole archive beside
the old one and swaps it in, so searches never see a half-built index.

Beside the watermark the index records which archive it was built from (the
archive's random id, and its article count at the last catch-up), so a drift
between the two is found, not searched around (:meth:`SearchIndex.drift`): an
index that lost documents (a partial restore) is caught up again from zero, which
is safe since documents replace by id; an index holding what the archive does not
(another archive, or an older copy of this one) is refused until ``kliping reindex``.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.util.times import datetime_to_long
from whoosh.writing import IndexWriter

from index.archive import Archive
from index.dates import to_wib_naive
from index.fields import Headlined
from index.mapped import MappedStorage
from index.orphans import die_with_parent_on_fork
from index.schema import LEAD_BOOST, LEAD_WORDS, NO_DATE, TITLE_BOOST, build_schema
from index.whoosh_private import FastCodec
from kliping.article import Article
from kliping.errors import IndexBusy, IndexDrift, IndexOutdated

log = logging.getLogger(__name__)

WATERMARK_FILE = "kliping-watermark"
#: The archive the index was built from: {"archive_id": ..., "articles": ..., "seq": ...} at the last catch-up.
ARCHIVE_FILE = "kliping-archive"
#: Bumped whenever the schema or the analysis changes what is indexed; an index
#: of another format is refused with the fix (``kliping reindex``), never misread.
FORMAT_FILE = "kliping-format"
FORMAT = 5
#: Articles one catch-up commit indexes: the daemon's commits stay short (the write lock is held meanwhile).
BATCH = 2000
#: What ``kliping import`` passes instead: each commit writes a segment, and Whoosh's cost per segment
#: (merging, and every search reading one more term dictionary) is paid far less often.
IMPORT_BATCH = 10_000
#: From this many documents on, a rebuild or a catch-up batch uses Whoosh's multiprocess writer.
MULTIPROCESS_FROM = 5000
#: The multiprocess writer's options: one process per core of the 2 kliping is sized for, their
#: segments kept as they are (merging them would write everything once more).
MULTIPROCESS = {"procs": 2, "multisegment": True}

Progress = Callable[[int], None]


def article_fields(article: Article) -> dict[str, Any]:
    """One article as a Whoosh document."""
    published = to_wib_naive(article.published)
    return {
        "id": article.id,
        "url": article.url,
        "source": article.source or "",
        "section": (article.section or "").lower(),
        "title": article.title,
        "body": Headlined(article.title, article.body, TITLE_BOOST, LEAD_WORDS, LEAD_BOOST),
        "author": article.author or "",
        "published": datetime_to_long(published) if published else NO_DATE,
        "published_text": article.published,
        "month": published.strftime("%Y-%m") if published else "",
    }


@dataclass(frozen=True)
class Drift:
    """How the index and its archive disagree; ``repairable`` when a catch-up from zero mends it."""

    reason: str
    repairable: bool


class SearchIndex:
    """A Whoosh index directory with its archive watermark."""

    def __init__(self, path: str | Path, *, lock_timeout: float = 60.0) -> None:
        self.path = Path(path)
        self.lock_timeout = lock_timeout

    def exists(self) -> bool:
        return whoosh_index.exists_in(str(self.path))

    def open(self) -> whoosh_index.Index:
        if not self.exists():
            self.path.mkdir(parents=True, exist_ok=True)
            ix = MappedStorage(str(self.path)).create_index(build_schema())
            _write_format(self.path)
            (self.path / ARCHIVE_FILE).unlink(missing_ok=True)
            if self.watermark():  # left by a lost index (a partial restore): the new one has indexed nothing
                log.warning("event=index_recreated stale_watermark=%d (catching up from the start)", self.watermark())
                self._set_watermark(0)
            return ix
        found = _read_format(self.path)
        if found != FORMAT:
            raise IndexOutdated(
                f"the index at {self.path} was built by another kliping version (format {found or 'unknown'}, "
                f"this one reads {FORMAT}); rebuild it from the archive with `kliping reindex`"
            )
        # segments read in place from a map, not copied into this process (see index.mapped)
        return MappedStorage(str(self.path)).open_index()

    def doc_count(self) -> int:
        return self.open().doc_count() if self.exists() else 0

    # -- watermark ---------------------------------------------------------

    def watermark(self) -> int:
        try:
            return int((self.path / WATERMARK_FILE).read_text().strip() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def _set_watermark(self, seq: int, path: Path | None = None, archive: Archive | None = None) -> None:
        if archive is not None:  # first, so the watermark (which readers watch) never names an unrecorded archive
            record = {"archive_id": archive.identity(), "articles": archive.count(), "seq": seq}
            _write_atomic((path or self.path) / ARCHIVE_FILE, json.dumps(record))
        _write_atomic((path or self.path) / WATERMARK_FILE, str(seq))

    def built_from(self) -> dict[str, Any]:
        """The archive record of the last catch-up or rebuild; empty for an index older than the record."""
        try:
            record = json.loads((self.path / ARCHIVE_FILE).read_text())
        except (FileNotFoundError, ValueError):
            return {}
        return record if isinstance(record, dict) else {}

    def drift(self, archive: Archive) -> Drift | None:
        """How the index disagrees with ``archive``, or None when it holds exactly what the watermark says.

        Read in an order that stays true while another process catches up: the watermark first, the
        documents next, the archive last (its counts only grow, the rows at or before a seq only shrink).
        """
        mark, record = self.watermark(), self.built_from()
        if not self.exists():
            if mark:
                return Drift(f"the index is missing but its watermark says it holds the archive up to change "
                             f"{mark}", repairable=True)
            return None
        documents = self.doc_count()
        ident, top, articles = archive.identity(), archive.max_seq(), archive.count()
        wrong = None
        if record.get("archive_id") and ident and record["archive_id"] != ident:
            wrong = f"the index was built from another archive (id {record['archive_id']}, this one is {ident})"
        elif mark > top:
            wrong = (f"the index's watermark (change {mark}) is ahead of the archive (last change {top}): "
                     "the archive is older than the index, e.g. a restored copy")
        elif int(record.get("articles") or 0) > articles:
            wrong = (f"the archive has {articles} articles, fewer than the {record['articles']} it had when the "
                     "index last caught up: it was replaced by an older copy")
        elif documents > articles:
            wrong = f"the index holds {documents} documents, more than the archive's {articles} articles"
        if wrong:
            return Drift(wrong, repairable=documents == 0)
        expected = archive.count_up_to(mark)
        if documents < expected:
            return Drift(f"the index holds {documents} documents but the archive has {expected} articles it should "
                         f"have indexed (up to change {mark}): documents were lost", repairable=True)
        return None

    # -- writing -----------------------------------------------------------

    def writer(self, ix: whoosh_index.Index | None = None, **kwargs: Any) -> IndexWriter:
        """A writer, waiting up to ``lock_timeout`` for another process to finish."""
        ix = ix or self.open()
        kwargs.setdefault("codec", FastCodec())  # the same files, written faster (see FastCodec)
        deadline = time.monotonic() + self.lock_timeout
        while True:
            try:
                return ix.writer(**kwargs)
            except LockError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(
                        f"the index at {self.path} stayed locked for {self.lock_timeout:.0f}s "
                        "(another kliping process is writing); try again when it is done"
                    ) from None
                time.sleep(0.2)

    def catch_up(self, archive: Archive, *, progress: Progress | None = None, batch: int = BATCH,
                 whole_batches: bool = False) -> int:
        """Index every archive change after the watermark, ``batch`` articles a commit; returns how many.
        ``whole_batches``: stop when fewer than ``batch`` changes are left (an import still storing them,
        :mod:`index.follow`, leaves the rest to its last catch-up rather than commit a small segment).

        The watermark and the batch are read under the index's write lock, so when
        two processes catch up at once (the daemon, an import) the later one reads
        the articles as they are then: an older copy never lands over a newer one.
        (A batch may still be indexed twice, harmlessly: an article already in the
        index replaces its copy there; only the others are added as new.)
        """
        drift = self.drift(archive)
        if drift and not drift.repairable:
            raise IndexDrift(f"the index at {self.path} does not match the archive at {archive.location}: "
                             f"{drift.reason}. Rebuild it from the archive with `kliping reindex`")
        if drift:
            log.warning("event=index_drift reason=%r (indexing the whole archive again)", drift.reason)
            self._set_watermark(0)
        done = 0
        while next(iter(archive.changed_since(self.watermark())), None) is not None:
            pending = archive.max_seq() - self.watermark()  # at least as many changes as there are
            if whole_batches and pending < batch:
                break
            options: dict[str, Any] = {}
            if min(pending, batch) >= MULTIPROCESS_FROM:
                options = {"limitmb": 256, **MULTIPROCESS}
                die_with_parent_on_fork()  # a killed import leaves no writer process behind
            writer = self.writer(**options)
            try:
                rows = list(islice(archive.changed_since(self.watermark()), batch))
                if not rows:  # another process indexed it while this one waited for the lock
                    writer.cancel()
                    continue
                # an article edited while the batch was read (in pages) comes twice: its newest copy counts
                articles = list({article.id: article for _, article in rows}.values())
                indexed = _indexed_ids(writer, [article.id for article in articles])
                for article in articles:
                    if article.id in indexed:  # replaced: never listed twice
                        writer.update_document(**article_fields(article))
                    else:  # (update_document's delete looks the id up in every segment first)
                        writer.add_document(**article_fields(article))
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            self._set_watermark(max(rows[-1][0], self.watermark()), archive=archive)
            done += len(rows)
            if progress:
                progress(len(rows))
        return done

    def rebuild(self, archive: Archive, *, progress: Progress | None = None) -> int:
        """Build a fresh index from the whole archive and swap it in."""
        fresh = self.path.with_name(self.path.name + ".rebuild")
        shutil.rmtree(fresh, ignore_errors=True)
        fresh.mkdir(parents=True)
        ix = MappedStorage(str(fresh)).create_index(build_schema())
        _write_format(fresh)
        total = archive.count()
        options: dict[str, Any] = {"limitmb": 256, "codec": FastCodec()}
        if total >= MULTIPROCESS_FROM:
            options.update(MULTIPROCESS)
            die_with_parent_on_fork()  # a killed rebuild leaves no writer process behind
        writer = ix.writer(**options)
        top = archive.max_seq()
        count = 0
        try:
            for seq, article in archive.changed_since(0):
                if seq > top:  # changed while rebuilding: the next catch-up (from ``top``) takes it
                    break
                writer.add_document(**article_fields(article))
                count += 1
                if progress and count % 500 == 0:
                    progress(500)
            writer.commit()
        except BaseException:
            writer.cancel()
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        if progress:
            progress(count % 500)
        self._set_watermark(top, fresh, archive)
        self._swap(fresh)
        return count

    def _swap(self, fresh: Path) -> None:
        old = self.path.with_name(self.path.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.path.exists():
            self.path.rename(old)
        fresh.rename(self.path)
        shutil.rmtree(old, ignore_errors=True)


def _write_atomic(target: Path, text: str) -> None:
    tmp = target.with_suffix(".tmp")
    tmp.write_text(text)
    tmp.replace(target)


def _indexed_ids(writer: IndexWriter, ids: list[str]) -> set[str]:
    """Which of ``ids`` are in the index the writer started from (a deleted copy counts: updating is never wrong)."""
    searcher = writer.searcher()  # the writer's own, kept open until it commits
    segments = [segment for segment, _ in searcher.reader().leaf_readers() if segment.doc_count_all()]
    if not segments:
        return set()
    id_field = searcher.schema["id"]
    return {found for found in ids if any(("id", id_field.to_bytes(found)) in segment for segment in segments)}


def _read_format(path: Path) -> int | None:
    try:
        return int((path / FORMAT_FILE).read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def _write_format(path: Path) -> None:
    (path / FORMAT_FILE).write_text(f"{FORMAT}\n")
