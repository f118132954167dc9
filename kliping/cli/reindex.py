"""``kliping reindex``: rebuild the search index from the archive."""

from __future__ import annotations

import click

from kliping.cli import pass_app
from kliping.cli.options import progress_bar


@click.command("reindex")
@click.option("--catch-up", is_flag=True, help="Only index what changed since the index's watermark.")
@click.option("--backend", type=click.Choice(["whoosh", "opensearch"]), default=None,
              help="Fill this backend instead of config.yaml's index.backend (opensearch: index.hosts).")
@click.option("--stories", is_flag=True,
              help="First cluster every article into stories again, oldest first (as kliping stories rebuild).")
@pass_app
def command(app, catch_up: bool, backend: str | None, stories: bool) -> None:  # type: ignore[no-untyped-def]
    """Rebuild the index from the archive (the archive is the truth).

    The new index is built beside the old one and swapped in, so searches
    keep working meanwhile. Use it after an analyzer change, or to repair.
    On OpenSearch (index.backend: opensearch) a new physical index is filled
    with bulk requests and the alias moved to it in one step.

    \b
    Examples:
      kliping reindex
      kliping reindex --catch-up
      kliping reindex --backend opensearch
      kliping reindex --stories
    """
    if stories:  # syndication clusters live in the archive; collapse reads them there, so the order is free
        writable = app.archive()
        with progress_bar(writable.count(), "clustering stories") as bar:
            done = writable.rebuild_stories(progress=bar.update)
        click.echo(f"clustered {done['articles']} articles into {done['stories']} stories")
    archive = app.archive(readonly=True)  # reads only; a missing archive is an error, not a new one
    if backend is not None and backend != app.config.index.backend:
        from kliping.app import open_index

        config = app.config.model_copy(update={"index": app.config.index.model_copy(update={"backend": backend})})
        index = open_index(config)
    else:
        index = app.index()
    with progress_bar(archive.count(), "indexing") as bar:
        count = index.catch_up(archive, progress=bar.update) if catch_up else index.rebuild(
            archive, progress=bar.update)
    click.echo(f"indexed {count} articles into {index.path}")
