"""Per-document arrays read in bulk from columns equal what Whoosh reads document by document."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from corpus import corpus_records

from index.archive import Archive
from index.store import SearchIndex
from kliping.article import Article
from search import docarrays


@pytest.fixture(scope="module")
def segments(tmp_path_factory: pytest.TempPathFactory) -> list:  # type: ignore[type-arg]
    root: Path = tmp_path_factory.mktemp("docarrays")
    archive = Archive(root / "archive.sqlite3")
    index = SearchIndex(root / "index")
    records = list(corpus_records(300, every=11))
    for n, record in enumerate(records):
        if n % 5 == 0:  # undated, sourceless and authored ones mixed in: columns with defaults and gaps
            record = dict(record, published=None, source=None, author="Ma'ruf Amin")
        archive.upsert(Article.from_dict(record))
        if n in (120, 240):
            index.catch_up(archive)
    index.catch_up(archive)
    reader = index.open().reader()
    found = [segment for segment, _ in reader.leaf_readers()]
    assert len(found) > 1
    return found


def test_lengths_are_doc_field_length(segments: list) -> None:  # type: ignore[type-arg]
    for segment in segments:
        for fieldname in ("body", "title", "author", "source"):
            bulk = docarrays._bulk_lengths(segment, fieldname)
            assert bulk is not None  # (the bulk read, not the loop it falls back to)
            count = segment.doc_count_all()
            one_by_one = np.fromiter((segment.doc_field_length(d, fieldname, 1) for d in range(count)),
                                     dtype=np.float64, count=count)
            assert bulk.dtype == np.float64
            assert np.array_equal(bulk, one_by_one, equal_nan=True), fieldname


def test_publish_times_are_the_column(segments: list) -> None:  # type: ignore[type-arg]
    for segment in segments:
        column = segment.column_reader("published", translate=False)
        expected = np.fromiter(column, dtype=np.int64, count=segment.doc_count_all())
        assert docarrays._numeric(column, segment.doc_count_all()) is not None
        got = docarrays._published(segment)
        assert got.dtype == np.int64 and np.array_equal(got, expected)
        assert (got == 0).any()  # the undated ones


def test_labels_are_the_column_in_order_of_first_appearance(segments: list) -> None:  # type: ignore[type-arg]
    for segment in segments:
        for fieldname in ("source", "month"):
            column = segment.column_reader(fieldname)
            bulk = docarrays._bulk_labels(segment, fieldname)
            assert bulk is not None
            codes, labels = bulk
            values = [v.decode("utf-8") if isinstance(v, bytes) else str(v or "") for v in column]
            assert [labels[c] for c in codes] == values
            assert labels == list(dict.fromkeys(values))
            assert codes.dtype == np.int32


@pytest.mark.parametrize("stored_offsets", [False, True])
def test_labels_read_alike_whether_or_not_the_segment_stored_offsets(stored_offsets: bool) -> None:
    """Whoosh stores a column's offsets only from 32,768 documents a segment; below that they are summed from
    the lengths (by NumPy here, not by Whoosh's loop). Both layouts give the labels Whoosh reads."""
    from whoosh import columns, fields
    from whoosh.filedb.filestore import RamStorage

    from index.whoosh_private import varbytes_column

    column = columns.VarBytesColumn(write_offsets_cutoff=1 if stored_offsets else 2**15)
    ix = RamStorage().create_index(fields.Schema(source=fields.ID(sortable=column)))
    labels = ["kompas", "", "detik", "tempo", "kompas", "", "antaranews", "detik"] * 7
    with ix.writer() as writer:
        for label in labels:
            writer.add_document(**({"source": label} if label else {}))
    with ix.reader() as reader:
        segment = reader.leaf_readers()[0][0] if hasattr(reader, "leaf_readers") else reader
        layout = varbytes_column(segment, "source")
        assert layout is not None and (layout.offsets is not None) == stored_offsets
        codes, found = docarrays._bulk_labels(segment, "source")
        assert [found[c] for c in codes] == labels
