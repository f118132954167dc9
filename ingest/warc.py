"""The raw archive: every fetched article response, as it came, in WARC files.

:class:`WarcRecorder` is the fetcher's ``on_response`` hook. It writes one
gzipped WARC ``response`` record per HTML response (status line, headers,
body) to ``data_dir/warc/kliping-<time>-<pid>-<n>.warc.gz`` and starts a new
file once the current one passes ``max_bytes``. Each record is its own gzip
member and is flushed at once, so a killed daemon leaves at most one torn
record at the end of its last file; readers skip it, and a restarted daemon
never appends to an old file.

Two liberties, both recorded in the WARC headers: the body is stored as the
fetcher decoded it (gzip/deflate undone while its size was bounded), the original
``Content-Encoding`` kept as ``X-Archive-Orig-Content-Encoding``; and the URL
kliping asked for is kept as ``WARC-Kliping-Requested-URI`` beside the final
``WARC-Target-URI`` after redirects. Feeds, sitemaps and 304s are not kept:
they are lists of links, not articles.

:func:`iter_responses` reads them back for ``kliping reextract``.
"""

from __future__ import annotations

import io
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from ingest.fetch import Response

__all__ = ["WarcRecorder", "WarcResponse", "WrittenRecord", "iter_responses", "warc_files"]

log = logging.getLogger(__name__)

KEPT_TYPES = ("text/html", "application/xhtml+xml", "")
REQUESTED = "WARC-Kliping-Requested-URI"
#: Headers that describe the bytes on the wire, not the decoded body we keep.
WIRE_HEADERS = ("content-encoding", "content-length", "transfer-encoding")


@dataclass
class WarcResponse:
    """One response read back from a WARC file."""

    url: str
    requested_url: str
    status: int
    headers: dict[str, str]
    content: bytes
    fetched_at: datetime
    file: Path
    offset: int


@dataclass(frozen=True)
class WrittenRecord:
    """Where a response was written, and the digests that cite it (handed to ``on_record``)."""

    urls: list[str]  # the URL asked for and the final one (once if the same)
    file: str  # name under the WARC directory
    offset: int
    record_id: str
    payload_digest: str
    fetched_at: str


def should_keep(response: Response) -> bool:
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return not response.not_modified and 200 <= response.status < 300 and kind in KEPT_TYPES


class WarcRecorder:
    """Thread-safe, size-rotated WARC writer; call it with each :class:`Response`.

    ``max_bytes`` is ``daemon.warc_max_bytes`` (declared, with its default, in :class:`kliping.config.DaemonConfig`).
    """

    def __init__(self, directory: Path, *, max_bytes: int,
                 on_record: Callable[[WrittenRecord], None] | None = None) -> None:
        self.directory = Path(directory)
        self.max_bytes = max_bytes
        self.on_record = on_record  # e.g. the archive's record_warc, so an export can cite the record
        self._lock = threading.Lock()
        self._file: io.BufferedWriter | None = None
        self._writer: WARCWriter | None = None
        self._serial = 0
        self.path: Path | None = None

    def __call__(self, response: Response) -> None:
        if should_keep(response):
            self.write(response)

    def write(self, response: Response) -> None:
        with self._lock:
            writer = self._current()
            assert self._file is not None and self.path is not None
            offset, name = self._file.tell(), self.path.name
            try:
                record = _record(writer, response)
                writer.write_record(record)
                self._file.flush()
            except BaseException:
                # a half-written record (disk full...) would make readers stop there: start a new file
                self._close()
                raise
            if self._file.tell() >= self.max_bytes:
                self._close()
        if self.on_record is not None:
            self._report(response, record, name, offset)

    def _report(self, response: Response, record, name: str, offset: int) -> None:  # type: ignore[no-untyped-def]
        """Tell ``on_record`` where the record lies; its failure is logged, never the fetch's."""
        headers = record.rec_headers
        written = WrittenRecord(
            urls=list(dict.fromkeys([response.requested_url, response.url])), file=name, offset=offset,
            record_id=headers.get_header("WARC-Record-ID") or "",
            payload_digest=headers.get_header("WARC-Payload-Digest") or "",
            fetched_at=headers.get_header("WARC-Date") or "")
        try:
            assert self.on_record is not None
            self.on_record(written)
        except Exception as exc:  # the record is safe in the file; only the citation lookup misses it
            log.warning("event=warc_record_not_noted url=%s reason=%r", response.url, str(exc))

    def close(self) -> None:
        with self._lock:
            self._close()

    def _current(self) -> WARCWriter:
        if self._writer is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._serial += 1
            stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
            self.path = self.directory / f"kliping-{stamp}-{os.getpid()}-{self._serial:05d}.warc.gz"
            self._file = open(self.path, "xb")  # noqa: SIM115 (closed on rotation or close())
            self._writer = WARCWriter(self._file, gzip=True)
            log.info("event=warc_open file=%s", self.path)
        return self._writer

    def _close(self) -> None:
        if self._file is not None:
            self._file.close()
            log.info("event=warc_close file=%s", self.path)
        self._file = self._writer = None


def _record(writer: WARCWriter, response: Response):  # type: ignore[no-untyped-def]
    headers = []
    for name, value in response.headers.items():
        if name in WIRE_HEADERS:
            if name == "content-encoding":
                headers.append(("X-Archive-Orig-Content-Encoding", value))
            continue
        headers.append((name, value))
    headers.append(("Content-Length", str(len(response.content))))
    try:
        reason = HTTPStatus(response.status).phrase
    except ValueError:
        reason = "Unknown"
    http_headers = StatusAndHeaders(f"{response.status} {reason}", headers, protocol="HTTP/1.1")
    warc_headers = {
        "WARC-Date": response.fetched_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        REQUESTED: response.requested_url,
    }
    return writer.create_warc_record(response.url, "response", payload=io.BytesIO(response.content),
                                     warc_headers_dict=warc_headers, http_headers=http_headers)


def warc_files(directory: Path) -> list[Path]:
    """The WARC files in ``directory``, oldest first (their names start with a UTC time)."""
    return sorted(Path(directory).glob("*.warc.gz")) + sorted(Path(directory).glob("*.warc"))


def iter_responses(directory: Path) -> Iterator[WarcResponse]:
    """Every response record in every WARC file; a torn record ends its file with a warning."""
    for path in warc_files(directory):
        yield from _read_file(path)


def read_at(path: Path, offset: int) -> WarcResponse | None:
    """The response record at ``offset`` of ``path`` (as :func:`iter_responses` reported it)."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        for response in _records(ArchiveIterator(fh), path):
            return response
    return None


def _read_file(path: Path) -> Iterator[WarcResponse]:
    with open(path, "rb") as fh:
        try:
            yield from _records(ArchiveIterator(fh), path)
        except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
            log.warning("event=warc_torn file=%s reason=%r (the rest of this file is skipped)", path, str(exc))


def _records(records: ArchiveIterator, path: Path) -> Iterator[WarcResponse]:
    for record in records:
        if record.rec_type != "response" or record.http_headers is None:
            continue
        content = record.content_stream().read()
        offset = records.get_record_offset()  # from the file's start, also after a seek
        headers = {k.lower(): v for k, v in record.http_headers.headers}
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) != len(content):
            log.warning("event=warc_torn file=%s offset=%d reason='body cut short' (skipped)", path, offset)
            continue
        url = record.rec_headers.get_header("WARC-Target-URI")
        requested = record.rec_headers.get_header(REQUESTED) or url
        date = record.rec_headers.get_header("WARC-Date") or ""
        fetched = datetime.fromisoformat(date.replace("Z", "+00:00")) if date else datetime.now(UTC)
        status = int(record.http_headers.get_statuscode() or 0)
        yield WarcResponse(url, requested, status, headers, content, fetched, path, offset)
