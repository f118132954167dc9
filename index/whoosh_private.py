"""Every private part of Whoosh kliping relies on, in one place, for the Whoosh versions it was tested on.

kliping's fast paths read what Whoosh keeps to itself: posting blocks without their
per-posting matcher calls, column bytes in one read, a commit's table of contents
without opening its segments, segment files without their copy into memory, a new
segment's postings written without a length lookup and type checks per posting. None
of it is Whoosh's public API, so any Whoosh release may change it. This module is
the only place in kliping that touches it (``tests/test_whoosh_private.py`` fails
on any other use), and it refuses to import on an untested Whoosh version; to
accept a new one, run that test and the parity tests against Whoosh's own searcher
(``tests/test_search_vector.py``, ``tests/test_docarrays.py``, ``tests/test_search_reopen.py``),
then add it to :data:`TESTED_VERSIONS` and to the pin in ``pyproject.toml``.

What is used, by whom:

Posting blocks (``whoosh.codec.whoosh3.W3LeafMatcher``), for :mod:`search.postings` and :mod:`search.phrase`:
    ``SegmentReader._terms`` (its ``matcher()`` gives the raw posting list), and on the matcher
    ``_atend``, ``_lastblock``, ``_goto``, ``_nextoffset``, ``_maxid``, ``_ids`` (as ``_read_ids`` sets it, from
    ``_read_data``'s ``_data`` and ``_byteids``),
    ``_read_weights``/``_weights``, ``_read_values``/``_values``.
Positions (``whoosh.formats.Positions``), for :mod:`search.phrase`:
    a posting's value is a 4-byte count, then the position deltas pickled (protocol 2),
    sometimes without pickle's final ``.``.
Query expansion, for :mod:`search.query` and :mod:`search.vector`:
    ``MultiTerm._btexts`` / ``TermRange._btexts`` (the words a wildcard, fuzzy term or range stands for).
BM25F, for :mod:`search.vector`:
    ``BM25F._field_B`` (per-field ``B``, as ``BM25F(body_B=...)`` sets it).
Per-document columns (``whoosh.codec.whoosh3``, ``whoosh.columns``), for :mod:`search.docarrays`:
    ``SegmentReader._perdoc``, ``W3PerDocReader`` and its ``_cached_reader``, ``whoosh3._lenfield``,
    ``whoosh3.LENGTHS_COLUMN``; ``NumericColumn.Reader``'s ``_typecode``, ``_count``, ``_default``,
    ``_dbfile``, ``_basepos``; ``VarBytesColumn.Reader``'s ``_lengths``, ``_offsets``, ``_dbfile``, ``_basepos``,
    and (subclassed, its ``_read_offsets_and_lengths`` replaced so the offsets are not summed in Python)
    ``_length``, ``_doccount``, with the layout ``VarBytesColumn.Writer.finish`` writes.
Files (``whoosh.filedb``), for :mod:`index.mapped`:
    ``BufferFile`` (subclassed without its constructor), ``StructFile._name``, ``structfile._SIZEMAP``,
    ``FileStorage._fpath``; and a behaviour: a storage whose ``supports_mmap`` is false makes the
    compound-file reader cut sub-files with the segment file's ``subset()``.
Commits (``whoosh.index.TOC``, undocumented), for :mod:`search.reopen`:
    ``TOC.read`` and the TOC's ``generation``, ``schema`` and ``segments``.
Segment writing (``whoosh.codec.whoosh3``), for :mod:`index.store` (:class:`FastCodec`, here):
    ``W3Codec`` (subclassed) and its ``_blocklimit``, ``_compression``, ``_inlinelimit``; ``W3Segment``;
    ``W3PostingsWriter`` (subclassed) and its ``_ids``, ``_weights``, ``_values``, ``_maxweight``,
    ``_minlength``, ``_maxlength``, ``_write_block``; ``W3FieldWriter`` (subclassed) and its ``_postwriter``;
    ``W3PerDocReader`` and its length columns, read as for :mod:`search.docarrays`.

(``search/engine.py`` still calls ``_btexts`` itself, for highlighting: it is to use
:func:`expanded_words` once the change in flight there lands; the fence test names it.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pickle import loads
from typing import Any, NamedTuple

import whoosh
from whoosh import columns
from whoosh.codec import whoosh3
from whoosh.codec.base import OutOfOrderError, Segment
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import _SIZEMAP, BufferFile, StructFile
from whoosh.index import TOC, FileIndex
from whoosh.query import Query
from whoosh.reading import IndexReader, SegmentReader
from whoosh.scoring import WeightingModel
from whoosh.util.numeric import byte_to_length

__all__ = [
    "INTERNAL_NAMES", "PRIVATE_NAMES", "TESTED_VERSIONS", "Block", "BufferFile", "Commit", "FastCodec",
    "FastFieldWriter", "FastPostingsWriter", "NumericColumnLayout", "UntestedWhoosh", "VarBytesColumnLayout", "blocks",
    "check_version", "decode_positions", "expanded_words", "field_b", "file_name", "init_without_copy",
    "latest_commit", "length_column", "numeric_column", "reads_blocks", "storage_path", "struct_size", "term_matcher",
    "varbytes_column", "whoosh3_perdoc",
]

#: Whoosh versions (``whoosh.__version__``) the privates below were tested on; keep in step with pyproject.toml.
TESTED_VERSIONS: frozenset[tuple[int, int, int]] = frozenset({(2, 7, 5)})

#: Whoosh's underscore names used here: outside this module, no attribute of these names is read,
#: and none is imported from Whoosh (``tests/test_whoosh_private.py``).
PRIVATE_NAMES: frozenset[str] = frozenset({
    "_terms", "_atend", "_lastblock", "_goto", "_nextoffset", "_maxid", "_ids", "_data", "_read_data", "_byteids",
    "_read_weights", "_weights", "_read_values", "_values",
    "_btexts", "_field_B",
    "_perdoc", "_cached_reader", "_lenfield", "_typecode", "_count", "_default", "_dbfile", "_basepos",
    "_lengths", "_offsets", "_length", "_doccount",
    "_name", "_fpath", "_SIZEMAP",
    "_blocklimit", "_compression", "_inlinelimit", "_maxweight", "_minlength", "_maxlength", "_write_block",
    "_postwriter",
})

#: Whoosh internals without an underscore, used here only: not imported from Whoosh, nor read off a
#: Whoosh module, anywhere else.
INTERNAL_NAMES: frozenset[str] = frozenset({
    "TOC", "BufferFile", "whoosh3", "W3PerDocReader", "LENGTHS_COLUMN", "Reader",
    "W3Codec", "W3Segment", "W3PostingsWriter", "W3FieldWriter",
})


class UntestedWhoosh(ImportError):
    """The installed Whoosh is not one whose privates kliping was tested against."""


def check_version(version: Sequence[int] | None = None) -> None:
    """Refuse a Whoosh other than :data:`TESTED_VERSIONS`: its privates may have moved without a sound."""
    found = tuple(whoosh.__version__ if version is None else version)[:3]
    if found not in TESTED_VERSIONS:
        tested = ", ".join(".".join(map(str, v)) for v in sorted(TESTED_VERSIONS))
        raise UntestedWhoosh(
            f"kliping reads Whoosh internals and was tested on whoosh-reloaded {tested}, but Whoosh "
            f"{'.'.join(map(str, found))} is installed: install a tested version (pip install "
            f"'whoosh-reloaded=={tested.split(', ')[-1]}'), or run tests/test_whoosh_private.py and the parity "
            f"tests on this one and add it to TESTED_VERSIONS in {__name__} and to pyproject.toml's pin"
        )


check_version()


# -- posting blocks ------------------------------------------------------------------------


def term_matcher(segment: SegmentReader, fieldname: str, btext: bytes) -> Any:
    """One term's postings in a segment as stored: deleted documents included, no scorer, no wrapping
    (``SegmentReader.postings()`` would filter deletions one posting at a time)."""
    fmt = segment.schema[fieldname].format
    return segment._terms.matcher(fieldname, btext, fmt, scorer=None)


#: What :func:`blocks` and :class:`Block` use of a matcher.
_BLOCK_ATTRIBUTES = ("_atend", "_lastblock", "_goto", "_nextoffset", "_maxid", "_ids", "_data", "_read_data",
                     "_byteids", "_read_weights", "_read_values")


def reads_blocks(matcher: Any) -> bool:
    """Whether :func:`blocks` can walk ``matcher``: a posting list in blocks (Whoosh 3's), not one of the
    short lists Whoosh keeps inline in the term's info (those are read with the matcher's own calls)."""
    return all(hasattr(matcher, name) for name in _BLOCK_ATTRIBUTES)


class Block:
    """The posting block a :func:`blocks` walk stands on: its last document number from the block's header,
    its documents, weights and values decoded only when asked (a skipped block's data is never read)."""

    __slots__ = ("matcher",)

    def __init__(self, matcher: Any) -> None:
        self.matcher = matcher

    @property
    def max_id(self) -> int:
        return self.matcher._maxid

    def ids(self) -> Sequence[int]:
        matcher = self.matcher
        if matcher._ids is None:  # what ``_read_ids`` gives, its deltas summed in C, not by a Python generator
            if matcher._data is None:
                matcher._read_data()
            deltas = matcher._data[0]
            matcher._ids = deltas if matcher._byteids else tuple(accumulate(deltas))
        return matcher._ids

    def weights(self) -> Sequence[float]:
        self.matcher._read_weights()
        return self.matcher._weights

    def values(self) -> Sequence[bytes]:
        self.matcher._read_values()
        return self.matcher._values


def blocks(matcher: Any) -> Iterator[Block]:
    """Each block of a fresh matcher (one :func:`reads_blocks` accepts) in turn; the same :class:`Block`
    is yielded each time, valid until the walk moves on."""
    block = Block(matcher)
    while not matcher._atend:
        yield block
        if matcher._lastblock:
            return
        matcher._goto(matcher._nextoffset)


#: ``whoosh.formats.Positions``: ``pack_uint(len(deltas))`` precedes the pickled deltas.
_COUNT_BYTES = 4


def decode_positions(value: bytes) -> Iterator[int]:
    """A posting's positions from its ``Positions`` value, as ``Positions.decode_positions`` gives them,
    summed in C instead of its Python loop."""
    if not value.endswith(b"."):  # (Whoosh may store the pickle without its final STOP)
        value += b"."
    return accumulate(loads(value[_COUNT_BYTES:]))


# -- queries and scoring -------------------------------------------------------------------


def expanded_words(q: Query, reader: IndexReader) -> Iterator[bytes | str]:
    """The indexed words a wildcard, prefix, fuzzy term, regex or range stands for, lazily, as Whoosh
    expands it (``expanded_terms()`` pairs each with the field name and exists only on some of them)."""
    return q._btexts(reader)


def field_b(weighting: WeightingModel) -> dict[str, float]:
    """BM25F's per-field ``B`` (``BM25F(body_B=0.5)``); empty for a weighting without them."""
    return getattr(weighting, "_field_B", {})


# -- per-document columns ------------------------------------------------------------------


def whoosh3_perdoc(segment: SegmentReader) -> Any | None:
    """The segment's per-document reader if it is Whoosh 3's (whose columns :func:`length_column` reads),
    else None."""
    perdoc = getattr(segment, "_perdoc", None)
    return perdoc if type(perdoc) is whoosh3.W3PerDocReader else None


def length_column(perdoc: Any, fieldname: str) -> Any | None:
    """The column of a field's length bytes, the reader ``doc_field_length`` uses and caches; None when no
    document has a length in it."""
    return perdoc._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)


@dataclass(frozen=True)
class NumericColumnLayout:
    """A ``NumericColumn``: ``count`` values packed big-endian as struct ``typecode`` from the column's
    start; documents after the last one written hold ``default`` (no trailing defaults are written)."""

    typecode: str
    count: int
    default: Any
    reader: Any

    def read(self, length: int) -> bytes:
        """``length`` bytes from the column's start."""
        return self.reader._dbfile.get(self.reader._basepos, length)


def numeric_column(reader: Any) -> NumericColumnLayout | None:
    """How a column reader's values are stored, if it is exactly a ``NumericColumn``'s; else None."""
    if type(reader) is not columns.NumericColumn.Reader:
        return None
    return NumericColumnLayout(reader._typecode, reader._count, reader._default, reader)


@dataclass(frozen=True)
class VarBytesColumnLayout:
    """A ``VarBytesColumn``: document *i*'s value is ``lengths[i]`` bytes at ``offsets[i]`` from the
    column's start. ``offsets`` is None when the segment did not store them: each is then the sum of the
    lengths before it."""

    lengths: Sequence[int]
    offsets: Sequence[int] | None
    reader: Any

    def read(self, length: int) -> bytes:
        """``length`` bytes from the column's start."""
        return self.reader._dbfile.get(self.reader._basepos, length)


class _VarBytesLayout(columns.VarBytesColumn):
    """A ``VarBytesColumn`` opened for its layout alone. Whoosh's reader derives every document's offset in a
    Python loop when the segment did not store them (segments under 32,768 documents, which is all of them at
    100,000 documents): 10-15 ms of every facet count. This reader leaves them to the caller's NumPy."""

    class Reader(columns.VarBytesColumn.Reader):
        def _read_offsets_and_lengths(self) -> None:
            # the layout VarBytesColumn.Writer.finish writes: [data][offsets?][lengths] + typecode byte(s)
            dbfile, doccount = self._dbfile, self._doccount
            lastbyte = self._basepos + self._length - 1
            lens_code = chr(dbfile.get_byte(lastbyte))
            self._offsets = None
            if lens_code == "X":  # offsets stored too: [lengths code][offsets code]"X"
                lens_code, offsets_code = chr(dbfile.get_byte(lastbyte - 2)), chr(dbfile.get_byte(lastbyte - 1))
                lastbyte = (lastbyte - 2) - doccount * _SIZEMAP[offsets_code]
                self._offsets = dbfile.get_array(lastbyte, offsets_code, doccount)
            self._lengths = dbfile.get_array(lastbyte - _SIZEMAP[lens_code] * doccount, lens_code, doccount)


def varbytes_column(segment: SegmentReader, fieldname: str) -> VarBytesColumnLayout | None:
    """How a segment stores a field's column, if the schema gives it a plain ``VarBytesColumn`` and the
    segment has one; else None."""
    if type(segment.schema[fieldname].column_type) is not columns.VarBytesColumn:
        return None
    reader = segment.column_reader(fieldname, column=_VarBytesLayout(), translate=False)
    if type(reader) is not _VarBytesLayout.Reader:
        return None
    return VarBytesColumnLayout(reader._lengths, reader._offsets, reader)


# -- files ---------------------------------------------------------------------------------


def init_without_copy(file: BufferFile, fileobj: Any, name: str | None) -> None:
    """Set up a ``BufferFile`` subclass reading through ``fileobj`` without ``BufferFile.__init__``, which
    copies the bytes into a ``BytesIO``: the subclass must override what uses that copy (``get``,
    ``get_array``, ``subset``)."""
    StructFile.__init__(file, fileobj, name=name)


def file_name(file: StructFile) -> str | None:
    """The name a Whoosh file was opened with (what its sub-files are named after)."""
    return file._name


def struct_size(typecode: str) -> int:
    """Bytes per item of an array typecode, as Whoosh's files size their arrays."""
    return _SIZEMAP[typecode]


def storage_path(storage: FileStorage, name: str) -> str:
    """The absolute path of a file in a file storage."""
    return storage._fpath(name)


# -- commits -------------------------------------------------------------------------------


class Commit(NamedTuple):
    """An index's commit, from its table of contents: the generation, schema and segments (with deletions)."""

    generation: int
    schema: Schema
    segments: list[Segment]


def latest_commit(ix: FileIndex) -> Commit:
    """The latest commit's table of contents, read without opening its segments (``ix.reader()`` would)."""
    toc = TOC.read(ix.storage, ix.indexname)
    return Commit(toc.generation, toc.schema, toc.segments)


# -- writing -------------------------------------------------------------------------------
#
# When a writer commits, Whoosh walks every posting of the new segment in order
# (``FieldWriter.add_postings``) and, for each one, looks up the document's field length
# through the length column just written (a file read, an unpack and a decode per posting)
# and checks its arguments' types. Postings are what indexing produces most of (about 180
# per article), so that walk is a large part of ``kliping import``. :class:`FastCodec` makes
# the same calls into Whoosh's own postings writer with each field's lengths read once, in
# bulk, and without the type checks; every byte written is as before
# (``tests/test_index_writing.py`` compares whole segments with Whoosh's own).

Posting = tuple[str, bytes, int, float, bytes | None]

#: A length byte as ``W3PerDocReader.doc_field_length`` returns it: 0 is None (no length).
_LENGTHS: list[int | None] = [None] + [byte_to_length(b) for b in range(1, 256)]


class FastCodec(whoosh3.W3Codec):
    """Whoosh 3's codec, with :class:`FastFieldWriter` for new segments' postings.

    Segments keep naming Whoosh's plain ``W3Codec``, so an index is read (and pickled in its table of
    contents) exactly as one Whoosh wrote."""

    def field_writer(self, storage: Any, segment: Any) -> whoosh3.W3FieldWriter:
        return FastFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> whoosh3.W3PostingsWriter:
        return FastPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                  compression=self._compression, inlinelimit=self._inlinelimit)

    def new_segment(self, storage: Any, indexname: str) -> whoosh3.W3Segment:
        # the segment (pickled into the index's table of contents) names the plain codec
        return whoosh3.W3Segment(whoosh3.W3Codec(self._blocklimit, self._compression, self._inlinelimit), indexname)


class FastPostingsWriter(whoosh3.W3PostingsWriter):
    """``W3PostingsWriter.add_posting`` without its four ``isinstance`` assertions per posting."""

    # the block statistics (set by W3PostingsWriter._new_block, read by its _write_block)
    _maxweight: float
    _minlength: int | None
    _maxlength: int

    def add_posting(self, id_: int, weight: float, vbytes: bytes, length: int | None = None) -> None:
        if len(self._ids) >= self._blocklimit:
            self._write_block()
        self._ids.append(id_)
        self._weights.append(weight)
        if weight > self._maxweight:
            self._maxweight = weight
        if vbytes:
            self._values.append(vbytes)
        if length:
            if self._minlength is None or length < self._minlength:
                self._minlength = length
            if length > self._maxlength:
                self._maxlength = length


class FastFieldWriter(whoosh3.W3FieldWriter):
    """``add_postings`` as ``whoosh.codec.base.FieldWriter`` does it, field lengths read once per field."""

    def add_postings(self, schema: Any, lengths: Any, items: Iterable[Posting]) -> None:
        if type(lengths) is not whoosh3.W3PerDocReader:  # (a merge of several: Whoosh's own way)
            super().add_postings(schema, lengths, items)
            return
        table: dict[str, list[int | None]] = {}
        lastfn: str | None = None
        lasttext: bytes | None = None
        field_lengths: list[int | None] = []
        add = None
        for fieldname, btext, docnum, weight, value in items:
            if fieldname != lastfn:
                if lastfn is not None and fieldname < lastfn:
                    raise OutOfOrderError(f"Field {lastfn!r} .. {fieldname!r}")
                if lasttext is not None:
                    self.finish_term()
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                lastfn, lasttext = fieldname, None
                field_lengths = table.get(fieldname) or table.setdefault(fieldname, _field_lengths(lengths, fieldname))
            if docnum == -1:  # (Whoosh's marker for spelling words, which it skips too)
                continue
            if btext != lasttext:
                if lasttext is not None:
                    if btext < lasttext:
                        raise OutOfOrderError(f"Term {fieldname}:{lasttext!r} .. {fieldname}:{btext!r}")
                    self.finish_term()
                self.start_term(btext)
                lasttext = btext
                add = self._postwriter.add_posting
            add(docnum, weight, b"" if value is None else value, field_lengths[docnum])  # type: ignore[misc]
        if lasttext is not None:
            self.finish_term()
        if lastfn is not None:
            self.finish_field()


def _field_lengths(lengths: Any, fieldname: str) -> list[int | None]:
    """Every document's length in ``fieldname`` as ``lengths.doc_field_length(docnum, fieldname)`` returns it,
    from one read of its length column."""
    count = lengths.doc_count_all()
    column = length_column(lengths, fieldname)
    if column is None:
        return [0] * count  # doc_field_length's default
    layout = numeric_column(column)
    if layout is None:  # (not stored as Whoosh 3 stores lengths: ask for each)
        return [lengths.doc_field_length(docnum, fieldname) for docnum in range(count)]
    stored = min(layout.count, count)
    data = layout.read(stored) if stored else b""
    return [_LENGTHS[b] for b in data] + [None] * (count - stored)
