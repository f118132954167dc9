"""Posting lists as arrays, decoded once and kept in a bounded cache.

Whoosh walks postings one document at a time through Python matcher objects
(``skip_to``, ``id``, ``is_active`` ...): on a 100,000-article index a
two-word query spends most of its time there. Here a term's postings in a
segment are decoded block by block into two NumPy arrays (document numbers
and weights), so set operations and scoring run vectorized. A segment's
postings never change once written, so decoded lists are cached by segment
id; its deletions do (a later commit deletes old copies of updated articles
under the same id), so they are not in the cache: they are applied later,
from the reader's live-document mask.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

import numpy as np
from whoosh.reading import SegmentReader

from index.whoosh_private import blocks, reads_blocks, term_matcher

#: Postings (document number + weight, 8 bytes each) the cache may hold: 64 MB.
CACHE_POSTINGS = 8_000_000

Postings = tuple[np.ndarray, np.ndarray]  # (int32 local document numbers, float32 weights)

_EMPTY: Postings = (np.empty(0, np.int32), np.empty(0, np.float32))


def decode(segment: SegmentReader, fieldname: str, btext: bytes) -> Postings:
    """Every posting of one term in one segment, deleted documents included."""
    if (fieldname, btext) not in segment:
        return _EMPTY
    matcher = term_matcher(segment, fieldname, btext)
    if not reads_blocks(matcher):
        return _decode_generic(matcher)
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for block in blocks(matcher):
        # a whole block at a time: Whoosh's block data, without its per-posting matcher calls
        ids.append(np.asarray(block.ids(), dtype=np.int32))
        weights.append(np.asarray(block.weights(), dtype=np.float32))
    if not ids:
        return _EMPTY
    return np.concatenate(ids), np.concatenate(weights)


def _decode_generic(matcher) -> Postings:  # type: ignore[no-untyped-def]
    """Any matcher (short lists are stored inline in the term info), one posting at a time."""
    ids: list[int] = []
    weights: list[float] = []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32)


class PostingCache:
    """A least-recently-used cache of arrays read from segments, bounded by elements held.

    Posting lists are kept under ``("postings", segment id, field, term)``; other
    per-segment results (a phrase's matching documents) under keys of their own.
    """

    def __init__(self, capacity: int = CACHE_POSTINGS) -> None:
        self.capacity = capacity
        self._size = 0
        self._items: OrderedDict[tuple[Hashable, ...], tuple[np.ndarray, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, segment: SegmentReader, fieldname: str, btext: bytes) -> Postings:
        """One term's postings in one segment."""
        key = ("postings", segment.segment().segment_id(), fieldname, btext)
        return self.load(key, lambda: decode(segment, fieldname, btext))  # type: ignore[return-value]

    def load(self, key: tuple[Hashable, ...], loader: Callable[[], tuple[np.ndarray, ...]]) -> tuple[np.ndarray, ...]:
        """The arrays cached under ``key``, or ``loader()``'s, kept when they fit."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return found
            self.misses += 1
        arrays = loader()
        size = max(1, len(arrays[0]))
        if size > self.capacity:
            return arrays
        with self._lock:
            if key not in self._items:
                self._items[key] = arrays
                self._size += size
                while self._size > self.capacity:
                    _, old = self._items.popitem(last=False)
                    self._size -= max(1, len(old[0]))
        return arrays

    def __len__(self) -> int:
        return self._size

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._size = 0
