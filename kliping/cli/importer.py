"""``kliping import``: bring an existing archive in from JSON Lines."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import click

from ingest.article import Article
from kliping.app import open_archive, open_index
from kliping.cli import EXIT_FAILED, pass_app
from kliping.cli.options import progress_bar
from kliping.errors import ArchiveError, IndexDrift


def _open(path: Path):  # type: ignore[no-untyped-def]
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return path.open(encoding="utf-8", errors="replace")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", metavar="NAME", help="Source name for records that carry none.")
@pass_app
def command(app, file: Path, source: str | None) -> None:  # type: ignore[no-untyped-def]
    """Add article records from FILE (JSON Lines, optionally .gz) to the archive and index.

    Each line is one object with the keys of `kliping extract --json` (url,
    title, body, published, author, source, ...). A bad line is reported
    with its number and skipped; the rest is imported. Exits 1 if any line
    was skipped.

    \b
    Example:
      kliping import old-archive.jsonl.gz --source tempo
    """
    archive = open_archive(app.config)
    counts = {"new": 0, "updated": 0, "unchanged": 0, "skipped": 0}
    with _open(file) as lines, progress_bar(None, "importing") as bar:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise ValueError("not a JSON object")
                article = Article.from_dict(record)
                article.source = article.source or source
                counts[archive.upsert(article)] += 1
            except (ValueError, ArchiveError) as exc:
                counts["skipped"] += 1
                click.echo(f"{file}:{number}: skipped: {exc}", err=True)
            bar.update(1)
    imported = (f"imported {file}: new {counts['new']}, updated {counts['updated']}, "
                f"unchanged {counts['unchanged']}, skipped {counts['skipped']}")
    try:
        indexed = open_index(app.config).catch_up(archive)
    except IndexDrift:  # archived all the same; the error says how to rebuild the index
        click.echo(f"{imported}; not indexed")
        raise
    click.echo(f"{imported}; indexed {indexed}")
    if counts["skipped"]:
        raise SystemExit(EXIT_FAILED)
