"""``kliping migrate-archive``: copy the SQLite archive into PostgreSQL, and check the counts."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kliping.cli import EXIT_FAILED, pass_app
from kliping.cli.options import progress_bar


@click.command("migrate-archive")
@click.option("--to", "url", required=True, metavar="URL",
              help="The PostgreSQL database: postgresql://USER@HOST:PORT/DATABASE (password: PGPASSWORD).")
@click.option("--from", "path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The SQLite archive to copy (default: data_dir/archive.sqlite3).")
@click.option("--json", "as_json", is_flag=True, help="Print the per-table counts as JSON.")
@pass_app
def command(app, url: str, path: Path | None, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    """Copy the SQLite archive into a PostgreSQL database, then count every table on both sides.

    The database's schema is created or migrated first. Rows already there
    are kept (run it again after an interruption, or to bring over what the
    SQLite archive gained since); article ids, versions and change numbers
    are kept, so the Whoosh index needs no rebuild. Exits 1 if any table's
    counts differ. Afterwards set `archive: {url: ...}` in config.yaml.

    \b
    Examples:
      kliping migrate-archive --to postgresql://kliping@db.example:5432/kliping
      PGPASSWORD=... kliping migrate-archive --to postgresql://kliping@db/kliping --json
    """
    from index.pgconn import is_postgres_url, redacted
    from index.pgcopy import copy_archive, total_rows
    from kliping.app import archive_path

    if not is_postgres_url(url):
        raise click.BadParameter(f"{url!r} is not a PostgreSQL URL; write postgresql://USER@HOST:PORT/DATABASE",
                                 param_hint="--to")
    source = path if path is not None else archive_path(app.config)
    with progress_bar(total_rows(source), "copying rows") as bar:
        report = copy_archive(source, url, progress=bar.update)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(f"copied {source} into {redacted(url)}")
        click.echo(f"{'table':<20} {'sqlite':>10} {'postgres':>10} {'added now':>10}")
        for table in report.tables:
            mark = "" if table.ok else "  <- differs"
            click.echo(f"{table.table:<20} {table.sqlite:>10} {table.postgres:>10} {table.copied:>10}{mark}")
        if report.ok:
            click.echo("every table's counts agree; now set in config.yaml:\n"
                       f"archive:\n  url: {redacted(url)}")
    if not report.ok:
        click.echo("Error: some tables' counts differ (written to since? run it again to copy the rest)", err=True)
        raise SystemExit(EXIT_FAILED)
