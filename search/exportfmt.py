"""Export rows as bytes, a batch at a time: CSV, JSON Lines or Parquet.

Each :class:`Encoder` turns a batch of rows into the bytes that follow the
ones already written, so a file or an HTTP response grows as rows come and
nothing holds more than a batch. Parquet is written by pyarrow's
``ParquetWriter``, one row group per batch, into a buffer drained after each
(pyarrow is an optional extra: ``pip install 'kliping[export]'``).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from kliping.errors import ConfigError

FORMATS = ("csv", "jsonl", "parquet")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson",
               "parquet": "application/vnd.apache.parquet"}


class Encoder:
    """Base: ``begin()``, then ``encode(batch)`` per batch, then ``end()``; each returns the bytes to write."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        self.columns = columns

    def begin(self) -> bytes:
        return b""

    def encode(self, rows: list[dict[str, Any]]) -> bytes:
        raise NotImplementedError

    def end(self) -> bytes:
        return b""


class CsvEncoder(Encoder):
    """RFC 4180 CSV with a header row, UTF-8 (an empty cell for a missing value)."""

    def begin(self) -> bytes:
        return self._lines([dict(zip(self.columns, self.columns, strict=True))])

    def encode(self, rows: list[dict[str, Any]]) -> bytes:
        return self._lines(rows)

    def _lines(self, rows: list[dict[str, Any]]) -> bytes:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=self.columns, extrasaction="ignore", lineterminator="\r\n")
        writer.writerows(rows)
        return out.getvalue().encode("utf-8")


class JsonlEncoder(Encoder):
    """One JSON object per line, keys in column order, null for a missing value."""

    def encode(self, rows: list[dict[str, Any]]) -> bytes:
        return "".join(json.dumps({c: row.get(c) for c in self.columns}, ensure_ascii=False) + "\n"
                       for row in rows).encode("utf-8")


class _Drain(io.RawIOBase):
    """A write-only file that keeps what was written until :meth:`take` hands it over."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._chunks.append(chunk)
        self._position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._position

    def take(self) -> bytes:
        out, self._chunks = b"".join(self._chunks), []
        return out


class ParquetEncoder(Encoder):
    """Parquet, every column a nullable UTF-8 string, one row group per batch (zstd-compressed)."""

    def __init__(self, columns: tuple[str, ...]) -> None:
        super().__init__(columns)
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise ConfigError("--format parquet needs pyarrow: pip install 'kliping[export]' "
                              "(or pyarrow), or export csv or jsonl") from None
        self._pa = pa
        self._schema = pa.schema([(c, pa.string()) for c in columns])
        self._sink = _Drain()
        self._writer = pq.ParquetWriter(self._sink, self._schema, compression="zstd")

    def encode(self, rows: list[dict[str, Any]]) -> bytes:
        if rows:
            table = self._pa.Table.from_pydict({c: [row.get(c) for row in rows] for c in self.columns},
                                               schema=self._schema)
            self._writer.write_table(table)
        return self._sink.take()

    def end(self) -> bytes:
        self._writer.close()
        return self._sink.take()


def encoder_for(name: str, columns: tuple[str, ...]) -> Encoder:
    """The encoder of a format named as ``--format`` takes it."""
    if name == "csv":
        return CsvEncoder(columns)
    if name == "jsonl":
        return JsonlEncoder(columns)
    if name == "parquet":
        return ParquetEncoder(columns)
    raise ConfigError(f"unknown export format {name!r}; use one of {', '.join(FORMATS)}")
