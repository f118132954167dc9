"""Per-document arrays of one index reader: what vectorized search reads.

Which documents are live, each document's field lengths (for BM25F), its
publish time and its source and month (for sorting and facets). Whoosh looks
these up document by document through columns; here each is read once per
reader into a NumPy array indexed by document number. A reader's documents
never change, so the arrays serve as long as the reader does; each
segment's part is kept by segment id, so when a commit adds a segment only
that segment is read (a daemon commits every few minutes).

Which documents are live is the exception: a commit that updates articles in
place deletes their old copies inside older segments, which keep their ids.
So the live mask is never kept by segment id: it is read from each reader's
own segments, which :mod:`search.reopen` opens with the commit's deletions.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
from whoosh.reading import IndexReader, SegmentReader
from whoosh.util.numeric import byte_to_length

from index.whoosh_private import length_column, numeric_column, varbytes_column, whoosh3_perdoc

#: Per-segment arrays kept (a few per segment; segments are few: Whoosh merges them).
SEGMENT_ENTRIES = 512
_segment_lock = threading.Lock()
_segment_arrays: OrderedDict[tuple[str, str], Any] = OrderedDict()


def per_segment(segment: SegmentReader, name: str, build: Callable[[SegmentReader], Any]) -> Any:
    """``build(segment)``, kept under the segment's id and ``name``: only for what a segment's files hold,
    which never changes (its deletions do, commit by commit, under the same id)."""
    key = (segment.segment().segment_id(), name)
    with _segment_lock:
        found = _segment_arrays.get(key)
        if found is not None:
            _segment_arrays.move_to_end(key)
            return found
    found = build(segment)
    with _segment_lock:
        _segment_arrays[key] = found
        while len(_segment_arrays) > SEGMENT_ENTRIES:
            _segment_arrays.popitem(last=False)
    return found


def _lengths(fieldname: str) -> Callable[[SegmentReader], np.ndarray]:
    def build(segment: SegmentReader) -> np.ndarray:
        bulk = _bulk_lengths(segment, fieldname)
        if bulk is not None:
            return bulk
        # 1 where Whoosh's BM25F would default, as it does
        return np.fromiter((segment.doc_field_length(d, fieldname, 1) for d in range(segment.doc_count_all())),
                           dtype=np.float64, count=segment.doc_count_all())

    return build


#: A length byte as the length Whoosh decodes it; byte 0 is no length (Whoosh returns None: NaN here, as
#: ``np.fromiter`` made of it).
_BYTE_LENGTHS = np.array([np.nan] + [byte_to_length(b) for b in range(1, 256)], dtype=np.float64)

#: ``struct`` typecodes (standard sizes, big-endian: Whoosh packs columns with "!") as NumPy types.
_NUMERIC = {"B": ">u1", "b": ">i1", "H": ">u2", "h": ">i2", "I": ">u4", "i": ">i4", "Q": ">u8", "q": ">i8",
            "f": ">f4", "d": ">f8"}


def _numeric(reader: Any, doccount: int) -> np.ndarray | None:
    """A whole numeric column in one read of its bytes (None if it is not one Whoosh stores that way)."""
    column = numeric_column(reader)
    if column is None or column.typecode not in _NUMERIC:
        return None
    dtype = np.dtype(_NUMERIC[column.typecode])
    stored = min(column.count, doccount)
    values = np.frombuffer(column.read(stored * dtype.itemsize), dtype=dtype)
    if stored == doccount:
        return values
    # documents after the last one written hold the default (Whoosh writes no trailing defaults)
    return np.concatenate([values, np.full(doccount - stored, column.default, dtype=dtype)])


def _bulk_lengths(segment: SegmentReader, fieldname: str) -> np.ndarray | None:
    """Every document's length in ``fieldname`` from one read of its length column, as ``doc_field_length``
    gives them (``segment.doc_field_length(d, fieldname, 1)``); None where this reader is not Whoosh 3's."""
    perdoc = whoosh3_perdoc(segment)
    if perdoc is None:
        return None
    reader = length_column(perdoc, fieldname)
    if reader is None:  # no column: Whoosh's default, which BM25F passes as 1
        return np.ones(segment.doc_count_all(), dtype=np.float64)
    codes = _numeric(reader, segment.doc_count_all())
    return None if codes is None else _BYTE_LENGTHS[codes.astype(np.intp)]


def _published(segment: SegmentReader) -> np.ndarray:
    column = segment.column_reader("published", translate=False)
    bulk = _numeric(column, segment.doc_count_all())
    if bulk is not None:
        return bulk.astype(np.int64)
    return np.fromiter(column, dtype=np.int64, count=segment.doc_count_all())


def _labels(fieldname: str) -> Callable[[SegmentReader], tuple[np.ndarray, list[str]]]:
    def build(segment: SegmentReader) -> tuple[np.ndarray, list[str]]:
        bulk = _bulk_labels(segment, fieldname)
        if bulk is not None:
            return bulk
        names: dict[str, int] = {}
        column = segment.column_reader(fieldname)
        codes = np.empty(segment.doc_count_all(), dtype=np.int32)
        for docnum in range(segment.doc_count_all()):
            value = column[docnum]
            label = value.decode("utf-8") if isinstance(value, bytes) else str(value or "")
            codes[docnum] = names.setdefault(label, len(names))
        return codes, list(names)

    return build


def _bulk_labels(segment: SegmentReader, fieldname: str) -> tuple[np.ndarray, list[str]] | None:
    """A variable-bytes column as codes and labels, as the loop above makes them (codes in order of first
    appearance), from one read of its bytes; None if it is not such a column."""
    doccount = segment.doc_count_all()
    column = varbytes_column(segment, fieldname)
    if column is None or len(column.lengths) != doccount:
        return None
    if not doccount:
        return np.empty(0, np.int32), []
    lengths = np.asarray(column.lengths, dtype=np.int64)
    if column.offsets is not None:
        offsets = np.asarray(column.offsets, dtype=np.int64)
    else:  # each value starts where the ones before it end
        offsets = np.zeros(doccount, dtype=np.int64)
        np.cumsum(lengths[:-1], out=offsets[1:])
    total = int((offsets + lengths).max())
    width = int(lengths.max())
    if width == 0 or width > 256 or total > 1 << 30:  # (not a label column: let the loop read it)
        return (np.zeros(doccount, np.int32), [""]) if width == 0 else None
    data = np.frombuffer(column.read(total) + b"\0" * width, dtype=np.uint8)
    # each value as a fixed-width, zero-padded row of bytes (labels hold no NUL), then one row per label
    where = offsets[:, None] + np.arange(width)[None, :]
    rows = np.where(np.arange(width)[None, :] < lengths[:, None], data[where], 0).astype(np.uint8)
    values = np.ascontiguousarray(rows).view(f"S{width}").ravel()
    unique, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")  # label codes in order of first appearance
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    return rank[inverse.ravel()], [unique[i].decode("utf-8") for i in order]


class DocArrays:
    """Arrays over the global document numbers of one (possibly multi-segment) reader."""

    def __init__(self, reader: IndexReader) -> None:
        # (an index with no segment yet has one empty reader, with no segment behind it)
        self.leaves = [(segment, offset) for segment, offset in reader.leaf_readers() if segment.segment()]
        self.doc_count = reader.doc_count_all()
        self._lock = threading.Lock()
        self._lengths: dict[str, np.ndarray] = {}
        self._labels: dict[str, tuple[np.ndarray, list[str]]] = {}
        self._published: np.ndarray | None = None
        self.live = self._live()

    def _live(self) -> np.ndarray:
        live = np.ones(self.doc_count, dtype=bool)
        for segment, offset in self.leaves:
            if segment.has_deletions():
                live[np.fromiter(segment.deleted_docs_set, dtype=np.int64) + offset] = False
        return live

    def lengths(self, fieldname: str) -> np.ndarray:
        """Every document's length in ``fieldname``, exactly as Whoosh's BM25F reads it."""
        with self._lock:
            found = self._lengths.get(fieldname)
            if found is None:
                parts = [per_segment(seg, f"lengths:{fieldname}", _lengths(fieldname)) for seg, _ in self.leaves]
                found = np.concatenate(parts) if parts else np.empty(0, np.float64)
                self._lengths[fieldname] = found
            return found

    def published(self) -> np.ndarray:
        """Each document's publish time as the index stores it (``NO_DATE`` when unknown)."""
        with self._lock:
            if self._published is None:
                parts = [per_segment(segment, "published", _published) for segment, _ in self.leaves]
                self._published = np.concatenate(parts) if parts else np.empty(0, np.int64)
            return self._published

    def labels(self, fieldname: str) -> tuple[np.ndarray, list[str]]:
        """A sortable column as codes per document plus the label of each code (``""`` = none)."""
        with self._lock:
            found = self._labels.get(fieldname)
            if found is None:
                names: dict[str, int] = {"": 0}
                parts = []
                for segment, _ in self.leaves:
                    codes, labels = per_segment(segment, f"labels:{fieldname}", _labels(fieldname))
                    to_global = np.array([names.setdefault(label, len(names)) for label in labels], dtype=np.int32)
                    parts.append(to_global[codes] if len(codes) else codes)
                found = (np.concatenate(parts) if parts else np.empty(0, np.int32), list(names))
                self._labels[fieldname] = found
            return found
