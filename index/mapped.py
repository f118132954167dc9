"""Whoosh segment files read in place from a memory map, never copied whole.

Whoosh keeps each segment in one compound file and, when it may use ``mmap``,
opens every sub-file (terms, postings, columns) as a ``BufferFile`` whose
constructor wraps the mapped bytes in a ``BytesIO``: that copies them. Opening
a searcher so reads the whole index into the process's own memory (at 20,000
articles, 146 MB and a third of a second of copying for every ``kliping
search``), growing with the archive. :class:`MappedStorage` opens the same
files through one shared read-only map per segment, whose pages the kernel
brings in when a term or posting block is read and may drop again; the file
format and every read are unchanged.

The hook is Whoosh's own: a storage that says it has no ``mmap`` makes the
compound reader cut sub-files with the segment file's ``subset()``, which here
returns a view on the map.
"""

from __future__ import annotations

import mmap
from array import array
from sys import byteorder
from typing import Any

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile

from index.whoosh_private import BufferFile, file_name, init_without_copy, storage_path, struct_size

_SEGMENT_SUFFIX = ".seg"
#: Bytes :meth:`_View.peek` returns at most: a block header's pickle is about 30 (the unpickler asks for 128 KB).
_PEEK = 256


class _View:
    """A read-only file over ``length`` bytes of a map from ``start``: what ``StructFile`` reads through."""

    __slots__ = ("_map", "_start", "_end", "_pos")

    def __init__(self, source: mmap.mmap, start: int, length: int) -> None:
        self._map: mmap.mmap | None = source
        self._start = start
        self._end = start + length
        self._pos = start

    def read(self, size: int | None = -1) -> bytes:
        pos = self._pos
        end = self._end if size is None or size < 0 else min(self._end, pos + size)
        self._pos = max(pos, end)
        return self._map[pos:end]  # type: ignore[index]

    def peek(self, size: int = 0) -> bytes:
        """Bytes ahead, without moving. Pickle's C unpickler, given ``peek``, reads a pickle from what one
        peek returns and then skips what it used, instead of calling ``read`` for every opcode (a posting
        block's header is a pickle, read at every block). A short peek is allowed, as ``BufferedReader``'s:
        the unpickler asks again when a pickle runs past it."""
        pos = self._pos
        return self._map[pos:min(self._end, pos + _PEEK)]  # type: ignore[index]

    def readline(self, size: int | None = -1) -> bytes:
        pos = self._pos
        limit = self._end if size is None or size < 0 else min(self._end, pos + size)
        newline = self._map.find(b"\n", pos, limit)  # type: ignore[union-attr]
        return self.read((limit if newline < 0 else newline + 1) - pos)

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (self._start, self._pos, self._end)[whence]
        self._pos = max(self._start, base + offset)
        return self._pos - self._start

    def tell(self) -> int:
        return self._pos - self._start

    def __iter__(self):  # type: ignore[no-untyped-def]
        while line := self.readline():
            yield line

    def close(self) -> None:
        self._map = None


class MappedFile(BufferFile):
    """A sub-file of a mapped segment: ``BufferFile``'s reads, without its copy into a ``BytesIO``."""

    def __init__(self, source: mmap.mmap, start: int, length: int, name: str | None = None) -> None:
        init_without_copy(self, _View(source, start, length), name)  # (BufferFile.__init__ is the copy)
        self._source: mmap.mmap | None = source
        self._start = start
        self._length = length

    def get(self, position: int, length: int) -> bytes:
        start = self._start + position
        return self._source[start:min(start + length, self._start + self._length)]  # type: ignore[index]

    def get_array(self, position: int, typecode: str, length: int) -> array:
        found = array(typecode)
        found.frombytes(self.get(position, length * struct_size(typecode)))
        if byteorder == "little":  # stored big-endian, as BufferFile reads them
            found.byteswap()
        return found

    def subset(self, position: int, length: int, name: str | None = None) -> MappedFile:
        return MappedFile(self._source, self._start + position, length, name=name or file_name(self))  # type: ignore[arg-type]

    def close(self) -> None:
        super().close()
        self._source = None


class _SegmentFile(StructFile):
    """A compound segment file opened normally, whose sub-files are views on one map of it."""

    def __init__(self, fileobj: Any, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(fileobj, name=name, **kwargs)
        self._map: mmap.mmap | None = None

    def subset(self, offset: int, length: int, name: str | None = None) -> MappedFile:
        if self._map is None:
            self._map = mmap.mmap(self.file.fileno(), 0, access=mmap.ACCESS_READ)
        return MappedFile(self._map, offset, length, name=name or file_name(self))

    def close(self) -> None:
        super().close()
        self._map = None  # unmapped when the last sub-file lets go of it


class MappedStorage(FileStorage):
    """A Whoosh ``FileStorage`` whose segments are read through :class:`MappedFile` views."""

    #: Tells the compound-file reader to cut sub-files with ``subset()`` (see the module's doc).
    supports_mmap = False

    def __init__(self, path: str, *, readonly: bool = False) -> None:
        super().__init__(path, supports_mmap=False, readonly=readonly)

    def open_file(self, name: str, **kwargs: Any) -> StructFile:
        if not name.endswith(_SEGMENT_SUFFIX):
            return super().open_file(name, **kwargs)
        return _SegmentFile(open(storage_path(self, name), "rb"), name=name, **kwargs)  # noqa: SIM115 (closed with it)
