"""The merged text field, with a fast indexing path.

:class:`MergedText` is a ``TEXT`` field holding exact words and marked roots
(see :mod:`index.analysis.views`). Searching and highlighting use its
analyzer as usual; ``index()``, which the writer calls per document, builds
the postings from :func:`index.analysis.views.index_positions` directly
instead of a token-object pipeline: the same terms, a fraction of the time.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from typing import Any, NamedTuple

from whoosh.fields import TEXT

from index.analysis import merged_analyzer
from index.analysis.views import index_positions

Posting = tuple[bytes, int, float, bytes]

#: Positions left between a headline and its body, so no phrase spans the two.
HEADLINE_GAP = 100


class Headlined(NamedTuple):
    """A body indexed with its headline in front: one field answers free words
    for both (half the posting lists a query walks), the headline's words weighing
    ``weight`` times, the first ``lead_words`` words of the text ``lead_weight`` times."""

    headline: str
    text: str
    weight: float
    lead_words: int = 0
    lead_weight: float = 1.0


class MergedText(TEXT):
    """Exact words (with positions, for phrases) and marked roots, in one field."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(analyzer=merged_analyzer(), phrase=True, **kwargs)

    def index(self, value: Any, **kwargs: Any) -> Iterator[Posting]:
        """Postings of a text, or of a ``Headlined(headline, text, weight)``."""
        if isinstance(value, Headlined):
            return self._headlined(value)
        if not isinstance(value, str):
            return super().index(value, **kwargs)
        return self._postings(index_positions(value))

    def _postings(self, positions: dict[str, list[int]]) -> Iterator[Posting]:
        fmt = self.format
        boost = fmt.field_boost
        for term, poslist in positions.items():
            yield term.encode("utf-8"), len(poslist), len(poslist) * boost, fmt.encode(poslist)

    def _headlined(self, value: Headlined) -> Iterator[Posting]:
        """The headline's words first, each counting ``weight`` times, then the text after a gap,
        its lead's words counting ``lead_weight`` times (the field's length stays the word count)."""
        head = index_positions(value.headline)
        offset = 1 + max((p for where in head.values() for p in where), default=-1) + HEADLINE_GAP
        body = index_positions(value.text)
        fmt = self.format
        boost = fmt.field_boost
        for term in head.keys() | body.keys():
            first = head.get(term, [])
            rest = [p + offset for p in body.get(term, [])]
            where = body.get(term)
            lead = bisect_left(where, value.lead_words) if where and where[0] < value.lead_words else 0
            weight = (len(first) * value.weight + len(rest) + lead * (value.lead_weight - 1)) * boost
            yield term.encode("utf-8"), len(first) + len(rest), weight, fmt.encode(first + rest)
