"""``kliping reindex``: rebuild the search index from the archive."""

from __future__ import annotations

import click

from kliping.cli import pass_app
from kliping.cli.options import progress_bar


@click.command("reindex")
@click.option("--catch-up", is_flag=True, help="Only index what changed since the index's watermark.")
@pass_app
def command(app, catch_up: bool) -> None:  # type: ignore[no-untyped-def]
    """Rebuild the Whoosh index from the archive (the archive is the truth).

    The new index is built beside the old one and swapped in, so searches
    keep working meanwhile. Use it after an analyzer change, or to repair.

    \b
    Examples:
      kliping reindex
      kliping reindex --catch-up
    """
    archive = app.archive(readonly=True)  # reads only; a missing archive is an error, not a new one
    index = app.index()
    with progress_bar(archive.count(), "indexing") as bar:
        count = index.catch_up(archive, progress=bar.update) if catch_up else index.rebuild(
            archive, progress=bar.update)
    click.echo(f"indexed {count} articles into {index.path}")
