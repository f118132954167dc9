"""A searcher for an index's latest commit, keeping the open segments that commit left as they were.

Whoosh's ``Searcher.refresh()`` does this wrongly: it keeps the open reader of
every segment whose *id* is in the new commit (``Segment`` objects compare by id
alone). But a commit that updates documents in place (a re-import, an edit
re-check, ``kliping reextract``) deletes their old copies inside older
segments, which keep their ids: a segment's deletions are part of each
commit's table of contents, not of the segment's files. A kept reader still
has the deletions of the commit it was opened at, so every updated article
was found twice, old and new. (Whoosh-Reloaded's refresh also adds back the
segments a commit merged away.) Here a segment's reader is kept only when the
new commit has that segment with the very same deletions; any other segment
is opened afresh, and the readers no longer needed are closed.

Opening a segment copies its term and posting files into memory, so opening
only what changed keeps the first search after a commit fast on a large
index; what is slow to read again (posting lists, per-document arrays) is
cached by segment id in :mod:`search.postings` and :mod:`search.docarrays`,
valid across commits because a segment's postings and stored values never
change, only its deletions.
"""

from __future__ import annotations

import time

from whoosh import scoring
from whoosh.codec.base import Segment
from whoosh.index import FileIndex
from whoosh.reading import EmptyReader, IndexReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

from index.whoosh_private import Commit, latest_commit

#: Tries at reading a commit whose files a concurrent commit (a merge) removes meanwhile, as Whoosh tries.
TRIES = 10


def open_searcher(ix: FileIndex, previous: Searcher | None = None) -> tuple[Searcher, int]:
    """A BM25F searcher of ``ix``'s latest commit, and that commit's generation.

    ``previous`` (a searcher this function returned, of the same index directory)
    hands over its readers of unchanged segments; it must not be used, nor closed,
    afterwards: its other readers are closed here. The searcher has no reference to
    the index, so Whoosh's ``refresh()`` (see above) fails on it instead of misleading;
    and the generation is returned because a kept reader's ``generation()`` is that
    of the commit it was opened at.
    """
    kept = _segment_readers(previous.reader()) if previous is not None else {}
    for attempt in range(TRIES):
        try:
            commit = latest_commit(ix)
            reader = _reader(ix, commit, kept)
            break
        except OSError:  # a segment file removed between reading the commit and opening it
            if attempt == TRIES - 1:
                raise
            time.sleep(0.05)
    for old in kept.values():  # not reused by the new reader (pruned from ``kept`` by _reader)
        old.close()
    return Searcher(reader, weighting=scoring.BM25F()), commit.generation


def _segment_readers(reader: IndexReader) -> dict[str, SegmentReader]:
    return {leaf.segment().segment_id(): leaf for leaf, _ in list(reader.leaf_readers())
            if leaf.segment() is not None}


def _reader(ix: FileIndex, commit: Commit, kept: dict[str, SegmentReader]) -> IndexReader:
    """The commit's reader; the readers it takes from ``kept`` are removed from it."""
    if not commit.segments:
        return EmptyReader(commit.schema)
    readers: list[SegmentReader] = []
    opened: list[SegmentReader] = []
    reused: list[str] = []
    try:
        for segment in commit.segments:
            old = kept.get(segment.segment_id())
            if old is not None and same_deletions(old.segment(), segment):
                readers.append(old)
                reused.append(segment.segment_id())
            else:
                fresh = SegmentReader(ix.storage, commit.schema, segment, generation=commit.generation)
                opened.append(fresh)
                readers.append(fresh)
    except BaseException:
        for fresh in opened:
            fresh.close()
        raise
    for segment_id in reused:
        del kept[segment_id]
    return readers[0] if len(readers) == 1 else MultiReader(readers, generation=commit.generation)


def same_deletions(old: Segment, new: Segment) -> bool:
    """Whether two states of one segment (the same id) have the same documents deleted."""
    return old.deleted_count() == new.deleted_count() and set(old.deleted_docs()) == set(new.deleted_docs())
