"""``kliping reextract``: rebuild articles from the WARC files, without fetching anything."""

from __future__ import annotations

import json

import click

from ingest.reextract import reextract
from kliping.app import warc_dir
from kliping.cli import EXIT_FAILED, pass_app
from kliping.cli.options import json_option, progress_bar, source_option


@click.command("reextract")
@source_option
@json_option
@pass_app
def command(app, sources: tuple[str, ...], as_json: bool) -> None:  # type: ignore[no-untyped-def]
    """Extract every kept article response again and update the archive and index.

    Run it after the extractor improves. Reads data_dir/warc only: no site is
    asked again. Articles that come out the same are left alone; changed ones
    are updated with their previous version kept. Exits 1 if any failed.

    \b
    Examples:
      kliping reextract
      kliping reextract --source tempo --json
    """
    config = app.config
    only = {config.source(name).name for name in sources} if sources else None
    archive = app.archive()
    index = app.index()
    with progress_bar(None, "re-extracting") as bar:
        summary = reextract(config, archive, warc_dir(config), only=only, progress=bar.update)
    indexed = index.catch_up(archive)
    if as_json:
        click.echo(json.dumps({**summary.to_dict(), "indexed": indexed}, ensure_ascii=False, indent=2))
    else:
        click.echo(f"{summary.records} WARC records, {summary.articles} articles: new {summary.new}, "
                   f"updated {summary.updated}, unchanged {summary.unchanged}, not articles {summary.not_article}, "
                   f"failed {summary.failed}; {indexed} index updates")
        for error in summary.errors:
            click.echo(f"  failed {error['url']}: {error['reason']}")
    if summary.failed:
        raise SystemExit(EXIT_FAILED)
