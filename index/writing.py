"""Whoosh's segment writing with its per-posting overhead trimmed; the files it writes are the same.

When a writer commits, Whoosh walks every posting of the new segment in order
(``FieldWriter.add_postings``) and, for each one, looks up the document's
field length through the length column just written (a file read, an unpack
and a decode per posting) and checks its arguments' types. Postings are
what indexing produces most of (about 180 per article), so that walk is a
large part of ``kliping import``. :class:`FastCodec` makes the same calls
into Whoosh's own postings writer with each field's lengths read once, in
bulk, and without the type checks; every byte written is as before
(``tests/test_index_writing.py`` compares whole segments).

Segments keep naming Whoosh's plain ``W3Codec``, so an index is read (and
pickled in its table of contents) exactly as one Whoosh wrote.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from whoosh.codec import whoosh3
from whoosh.codec.base import OutOfOrderError
from whoosh.util.numeric import byte_to_length

Posting = tuple[str, bytes, int, float, bytes | None]

#: A length byte as ``W3PerDocReader.doc_field_length`` returns it: 0 is None (no length).
_LENGTHS: list[int | None] = [None] + [byte_to_length(b) for b in range(1, 256)]


class FastCodec(whoosh3.W3Codec):
    """Whoosh 3's codec, with :class:`FastFieldWriter` for new segments' postings."""

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


def _field_lengths(lengths: whoosh3.W3PerDocReader, fieldname: str) -> list[int | None]:
    """Every document's length in ``fieldname`` as ``lengths.doc_field_length(docnum, fieldname)`` returns it."""
    count = lengths.doc_count_all()
    reader = lengths._cached_reader(whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
    if reader is None:
        return [0] * count  # doc_field_length's default
    stored = min(reader._count, count)
    data = reader._dbfile.get(reader._basepos, stored) if stored else b""
    return [_LENGTHS[b] for b in data] + [None] * (count - stored)
