"""``kliping import``: bring an existing archive in from JSON Lines."""

from __future__ import annotations

import errno
import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path

import click

from index.follow import Follower
from index.store import IMPORT_BATCH
from kliping.article import Article
from kliping.cli import EXIT_FAILED, pass_app
from kliping.cli.options import progress_bar
from kliping.errors import ArchiveError, IncompleteArticle, IndexDrift


def _open(path: Path):  # type: ignore[no-untyped-def]
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return path.open(encoding="utf-8", errors="replace")


#: Records per transaction, or seconds, whichever comes first. Each commit writes every page of the story
#: sample index the batch touched, and a page touched twice in one batch is written once: at 2,000 a
#: 100,000-record import stores in 0.78 of the time 200 took. A crawl waiting to write waits this long at most.
COMMIT_RECORDS, COMMIT_SECONDS = 2000, 5.0


class _EndedEarly(Exception):
    """The file could not be read past some line: not gzip, truncated or corrupt."""


def _numbered(lines, path: Path) -> Iterator[tuple[int, str]]:  # type: ignore[no-untyped-def]
    """The file's lines with their numbers; a gzip that will not decompress becomes one clear error."""
    number = 0
    try:
        for number, line in enumerate(lines, start=1):  # noqa: B007 (number is read after the loop)
            yield number, line
    except (OSError, EOFError, zlib.error) as exc:  # BadGzipFile is an OSError
        if number == 0 and isinstance(exc, gzip.BadGzipFile) and "Not a gzipped file" in str(exc):
            raise click.BadParameter(f"{path} is not a gzip file ({exc}); give JSON Lines, or gzip them first",
                                     param_hint="FILE") from None
        if isinstance(exc, OSError) and not isinstance(exc, gzip.BadGzipFile):
            raise
        reason = "it ends early: truncated?" if isinstance(exc, EOFError) else f"it is damaged: {exc}"
        raise _EndedEarly(f"{path} cannot be read after line {number} ({reason}); "
                          f"lines 1-{number} were imported, the rest was not") from exc


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", metavar="NAME", help="Source name for records that carry none.")
@pass_app
def command(app, file: Path, source: str | None) -> None:  # type: ignore[no-untyped-def]
    """Add article records from FILE (JSON Lines, optionally .gz) to the archive and index.

    Each line is one object with the keys of `kliping extract --json` (url,
    title, body, published, author, source, ...). A bad line is reported
    with its number and skipped; the rest is imported. Exits 1 if any line
    was skipped, or if the file could not be read to its end. A full disk
    stops the import at once.

    \b
    Example:
      kliping import old-archive.jsonl.gz --source tempo
    """
    archive = app.archive()
    counts = {"new": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    stored = {"new": 0, "updated": 0, "unchanged": 0}  # returned by upsert, not committed yet

    def committed() -> None:
        for outcome, n in stored.items():
            counts[outcome] += n
            stored[outcome] = 0
        follower.poke()

    ended_early: str | None = None
    stop: tuple[int, BaseException] | None = None  # raised once what was stored before it is committed
    # Whole batches are indexed while the rest is stored (index.follow); the last one after.
    follower = Follower(app.index(), archive, batch=IMPORT_BATCH)
    try:
        # Records share transactions (a commit per article cost more than the article); every one upsert
        # returned for is committed when the block ends, however it ends.
        with (_open(file) as lines, progress_bar(None, "importing") as bar, follower,
              archive.batch(size=COMMIT_RECORDS, seconds=COMMIT_SECONDS, on_commit=committed)):
            for number, line in _numbered(lines, file):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    if not isinstance(record, dict):
                        raise ValueError("not a JSON object")
                    article = Article.from_dict(record)
                    article.source = article.source or source
                    stored[archive.upsert(article)] += 1
                except (ValueError, IncompleteArticle) as exc:
                    counts["skipped"] += 1
                    click.echo(f"{file}:{number}: skipped: {exc}", err=True)
                except OSError as exc:
                    if exc.errno == errno.ENOSPC:
                        stop = (number, exc)
                        break
                    raise
                except ArchiveError as exc:  # the archive itself failed (disk full, locked): stop here
                    stop = (number, exc)
                    break
                bar.update(1)
    except _EndedEarly as exc:
        ended_early = str(exc)
    except ArchiveError as exc:  # the last batch's commit failed: what it held is not archived
        raise ArchiveError(f"{file}: {exc}; import stopped {_so_far(counts)}") from exc
    if stop is not None:
        at, failure = stop
        if isinstance(failure, ArchiveError):
            raise ArchiveError(f"{file}:{at}: {failure}; import stopped {_so_far(counts)}") from failure
        raise _disk_full(file, at, counts) from failure
    imported = (f"imported {file}: new {counts['new']}, updated {counts['updated']}, "
                f"unchanged {counts['unchanged']}, skipped {counts['skipped']}")
    try:
        indexed = follower.indexed + app.index().catch_up(archive, batch=IMPORT_BATCH)
    except IndexDrift:  # archived all the same; the error says how to rebuild the index
        click.echo(f"{imported}; not indexed")
        raise
    click.echo(f"{imported}; indexed {indexed}")
    if ended_early:
        click.echo(f"Error: {ended_early}", err=True)
    if counts["skipped"] or ended_early:
        raise SystemExit(EXIT_FAILED)


def _so_far(counts: dict[str, int]) -> str:
    done = counts["new"] + counts["updated"]
    return (f"after {done} new or updated records (archived; the next import, crawl or reindex indexes them)"
            if done else "before any record was archived")


def _disk_full(file: Path, number: int, counts: dict[str, int]) -> ArchiveError:
    return ArchiveError(f"{file}:{number}: no space left on device; import stopped {_so_far(counts)}; "
                        "free some space and run the import again (records already archived are kept)")
