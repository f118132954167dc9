"""Quoted phrases, matched by set arithmetic on positions.

Whoosh answers a phrase with span objects built and compared document by
document; on a name with thousands of matches that was most of a query's
time. Here the words' posting lists are intersected as usual, and at each
candidate the positions are checked with set operations (C speed): the
positions where the phrase has reached word *k* are those of word *k* that
follow, within the slop, a position where it had reached word *k - 1*.

Two forms of the one test: :func:`phrase_docs` runs it on arrays for a whole
segment's candidates at once (the path :mod:`search.vector` takes), and
:class:`FastPhrase`'s matcher runs it document by document, for a phrase
inside a query part left to Whoosh's matchers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np
from whoosh import matching
from whoosh import query as wq
from whoosh.matching.wrappers import WrappingMatcher
from whoosh.reading import SegmentReader

from index.whoosh_private import blocks, decode_positions, reads_blocks, term_matcher


class FastPhrase(wq.Phrase):
    """``wq.Phrase`` with the matcher below; parsing, terms and highlighting are Whoosh's."""

    def matcher(self, searcher, context=None):  # type: ignore[no-untyped-def]
        fieldname = self.fieldname
        field = searcher.schema[fieldname] if fieldname in searcher.schema else None  # noqa: SIM401 (a Schema has no .get)
        if field is None or not field.format or not field.format.supports("positions") or len(self.words) < 2:
            return super().matcher(searcher, context)
        reader = searcher.reader()
        subs = []
        for word in self.words:
            term = field.to_bytes(word)
            if (fieldname, term) not in reader:
                return matching.NullMatcher()
            subs.append(wq.Term(fieldname, term).matcher(searcher, context))
        both = subs[0]
        for sub in subs[1:]:
            both = matching.IntersectionMatcher(both, sub)
        return AdjacentMatcher(both, subs, self.slop, boost=self.boost)


class AdjacentMatcher(WrappingMatcher):
    """Keeps the intersection's documents where the words stand in order within ``slop``."""

    def __init__(self, child, words, slop: int, boost: float = 1.0) -> None:  # type: ignore[no-untyped-def]
        super().__init__(child, boost=boost)
        self._words = words
        self._steps = range(1, max(1, slop) + 1)
        self._find_next()

    def copy(self):  # type: ignore[no-untyped-def]
        raise NotImplementedError("AdjacentMatcher is not copied (its words are shared with the child)")

    def replace(self, minquality=0):  # type: ignore[no-untyped-def]
        return self if self.is_active() else matching.NullMatcher()

    def supports_block_quality(self) -> bool:
        return False

    def _in_order(self) -> bool:
        reached = _positions(self._words[0])
        for word in self._words[1:]:
            positions = _positions(word)
            reached = {p for p in positions if any(p - d in reached for d in self._steps)}
            if not reached:
                return False
        return True

    def _find_next(self) -> None:
        child = self.child
        while child.is_active() and not self._in_order():
            child.next()

    def next(self) -> None:
        self.child.next()
        self._find_next()

    def skip_to(self, id: int) -> None:  # noqa: A002 (Whoosh's name)
        self.child.skip_to(id)
        self._find_next()

    def all_ids(self) -> Iterator[int]:
        while self.is_active():
            yield self.id()
            self.next()

    def score(self) -> float:
        return self.child.score() * self.boost


def _positions(matcher) -> set[int]:  # type: ignore[no-untyped-def]
    """The current posting's positions (Whoosh's Positions format, decoded in C)."""
    return set(decode_positions(matcher.value()))


# -- the same check on arrays, for search.vector ------------------------------------------


def phrase_docs(segment: SegmentReader, fieldname: str, words: Sequence[bytes], slop: int,
                candidates: np.ndarray) -> np.ndarray:
    """The ``candidates`` (sorted local document numbers holding every word) where the words
    stand in order, each within ``max(1, slop)`` positions after the one before it.

    Positions are read only for the candidates, from the blocks that hold them, and
    compared all at once: each position is a key ``document << 32 | position``, and a
    word's position continues the phrase when the nearest earlier key of the phrase so
    far lies within the allowed steps (the same test as :class:`AdjacentMatcher`).
    """
    if not len(candidates) or len(words) < 2:
        return candidates
    steps = max(1, slop)
    reached = positions_at(segment, fieldname, words[0], candidates)
    for word in words[1:]:
        keys = positions_at(segment, fieldname, word, candidates)
        before = np.searchsorted(reached, keys, side="left") - 1
        gap = keys - reached[np.maximum(before, 0)] if len(reached) else keys
        reached = keys[(before >= 0) & (gap >= 1) & (gap <= steps)]
        if not len(reached):
            break
    # keys are sorted, so each document's first key is where the document number changes (np.unique
    # would also do, but in NumPy 2 it imports numpy.ma on first use: tens of ms of a search process)
    docs = reached >> 32
    first = np.ones(len(docs), dtype=bool)
    first[1:] = docs[1:] != docs[:-1]
    return docs[first].astype(candidates.dtype)


def positions_at(segment: SegmentReader, fieldname: str, btext: bytes, candidates: np.ndarray) -> np.ndarray:
    """Sorted keys ``document << 32 | position`` of one word in the candidate documents."""
    matcher = term_matcher(segment, fieldname, btext)
    wanted = set(candidates.tolist())
    keys: list[int] = []
    if not reads_blocks(matcher):
        for docnum in candidates.tolist():  # short lists, kept inline: Whoosh's own calls
            if not matcher.is_active():
                break
            matcher.skip_to(docnum)
            if matcher.is_active() and matcher.id() == docnum:
                keys.extend(_keys(docnum, matcher.value()))
        return np.asarray(keys, dtype=np.int64)
    remaining = candidates
    for block in blocks(matcher):
        if not len(remaining):
            break
        if remaining[0] <= block.max_id:  # this block holds a candidate: read it
            for docnum, value in zip(block.ids(), block.values(), strict=True):
                if docnum in wanted:
                    keys.extend(_keys(docnum, value))
            remaining = remaining[np.searchsorted(remaining, block.max_id, side="right"):]
    return np.asarray(keys, dtype=np.int64)


def _keys(docnum: int, value: bytes) -> Iterator[int]:
    base = docnum << 32
    return (base + p for p in decode_positions(value))
