"""``kliping export``: every article a query matches, to CSV, JSON Lines or Parquet, with no cap."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from kliping.cli import pass_app
from kliping.cli.options import progress_bar, source_option
from kliping.cli.search import _check_searchable
from search.export import ExportRequest, open_export, stream
from search.exportfmt import FORMATS, encoder_for


@click.command("export")
@click.argument("query", required=False, default="")
@click.option("--from", "date_from", metavar="DATE", help="From this date (WIB): 2021, 2021-12 or 2021-12-31.")
@click.option("--to", "date_to", metavar="DATE", help="Up to and including this date (WIB).")
@source_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True,
              help="csv (with a header), jsonl (one JSON object a line) or parquet (needs pyarrow).")
@click.option("--body", is_flag=True, help="Include each article's full text.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write here (created whole or not at all) instead of standard output.")
@pass_app
def command(app, query: str, date_from, date_to, sources, fmt: str, body: bool,  # type: ignore[no-untyped-def]
            output: Path | None) -> None:
    """Export every article QUERY matches: no page size, no cap.

    QUERY is what `kliping search` takes; `*` or none exports everything the
    filters let through. Columns: id, url, title, source, published (WIB),
    author, section, warc_record_id and warc_digest (the WARC record of the
    article's latest fetch, for citing; empty for imported articles), and
    body with --body. Rows come oldest first, undated last. Memory stays
    bounded: rows are read and written 1,000 at a time. A progress bar goes
    to stderr.

    \b
    Examples:
      kliping export "kebakaran hutan" --from 2019-09 --to 2019-10 -o karhutla.csv
      kliping export '*' --source kompas.com --format jsonl --body > kompas.jsonl
      kliping export banjir --format parquet -o banjir.parquet
    """
    if fmt == "parquet" and output is None and sys.stdout.isatty():
        raise click.UsageError("parquet is binary: give -o FILE, or redirect standard output to a file")
    if output is not None and not output.parent.is_dir():
        raise click.UsageError(f"cannot write {output}: there is no folder {output.parent}; create it, or give "
                               "-o a path in an existing folder")
    archive = app.archive(readonly=True)
    _check_searchable(archive, app.index())
    request = ExportRequest(query=query, date_from=date_from, date_to=date_to, sources=list(sources), body=body)
    encoder = encoder_for(fmt, request.columns)  # a missing pyarrow is said before the query runs
    with open_export(app.engine(), request) as export, progress_bar(export.total, "export") as bar:
        chunks = stream(export, encoder, on_rows=bar.update)
        if output is None:
            for chunk in chunks:
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
        else:
            _write_whole(output, chunks)
    click.echo(f"exported {export.total - export.missing} articles"
               + (f" to {output}" if output else ""), err=True)


def _write_whole(path: Path, chunks) -> None:  # type: ignore[no-untyped-def]
    """Write to a temporary file beside ``path`` and rename it: a failed export leaves no half file."""
    partial = path.with_name(path.name + ".part")
    try:
        with open(partial, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
        os.replace(partial, path)
    except PermissionError as exc:
        raise click.ClickException(f"cannot write {path} ({exc.strerror}); choose another -o path") from None
    finally:
        partial.unlink(missing_ok=True)
