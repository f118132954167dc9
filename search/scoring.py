"""BM25F with field lengths read from a per-segment list.

Whoosh's BM25F looks each matched document's field length up in a column,
through several Python calls, once per term per document: a tenth to a fifth
of a query's time. The lengths of a segment never change, so they are read
once per segment reader into a list and indexed directly. Scores are exactly
Whoosh's.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from whoosh import scoring
from whoosh.reading import IndexReader

_lock = threading.Lock()
_lengths: weakref.WeakKeyDictionary[IndexReader, dict[str, list[int]]] = weakref.WeakKeyDictionary()


def field_lengths(reader: IndexReader, fieldname: str) -> list[int]:
    """Every document's length in ``fieldname`` (1 where Whoosh would default), cached per reader."""
    with _lock:
        per_field = _lengths.setdefault(reader, {})
        lengths = per_field.get(fieldname)
        if lengths is None:
            lengths = [reader.doc_field_length(d, fieldname, 1) for d in range(reader.doc_count_all())]
            per_field[fieldname] = lengths
        return lengths


class CachedLengthBM25F(scoring.BM25F):
    """Whoosh's BM25F, its per-document length lookups served from :func:`field_lengths`."""

    def scorer(self, searcher: Any, fieldname: str, text: Any, qf: int = 1) -> Any:
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        reader = searcher.reader()
        if hasattr(scorer, "dfl") and reader.is_atomic():  # docnums are this segment's own
            scorer.dfl = field_lengths(reader, fieldname).__getitem__
        return scorer
