"""Fast date-range filters.

Plain Whoosh turns a date range into a numeric range query and walks its
terms on every search (hundreds of milliseconds on a large index). Here the
``published`` column is read once per index reader into one sorted array, and
a range becomes two binary searches and a slice: a set of document numbers
Whoosh accepts as a filter. The arrays are rebuilt only when the index changes.
"""

from __future__ import annotations

import bisect
import threading
import weakref
from datetime import datetime

from whoosh.reading import IndexReader
from whoosh.util.times import datetime_to_long

from index.schema import NO_DATE


class DateColumn:
    """The ``published`` values of one reader, sorted, with their document numbers."""

    def __init__(self, reader: IndexReader, field: str = "published") -> None:
        column = reader.column_reader(field, translate=False)
        pairs = sorted((value, docnum) for docnum, value in enumerate(column) if value != NO_DATE)
        self.keys = [value for value, _ in pairs]
        self.docs = [docnum for _, docnum in pairs]

    def between(self, start: datetime | None, end: datetime | None) -> set[int]:
        return set(self.ordered(start, end))

    def ordered(self, start: datetime | None, end: datetime | None) -> list[int]:
        """Document numbers published in the range, oldest first."""
        lo = bisect.bisect_left(self.keys, datetime_to_long(start)) if start else 0
        hi = bisect.bisect_right(self.keys, datetime_to_long(end)) if end else len(self.keys)
        return self.docs[lo:hi]


class DateFilterCache:
    """One :class:`DateColumn` per live reader; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._columns: weakref.WeakKeyDictionary[IndexReader, DateColumn] = weakref.WeakKeyDictionary()

    def column(self, reader: IndexReader) -> DateColumn:
        with self._lock:
            column = self._columns.get(reader)
            if column is None:
                column = DateColumn(reader)
                self._columns[reader] = column
        return column

    def between(self, reader: IndexReader, start: datetime | None, end: datetime | None) -> set[int]:
        return self.column(reader).between(start, end)
