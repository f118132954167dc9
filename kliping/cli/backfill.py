"""``kliping backfill``: fetch a source's past articles from its dated index pages."""

from __future__ import annotations

import json
import signal
from collections.abc import Callable
from datetime import datetime
from types import FrameType

import click

from ingest.backfill import DEFAULT_MAX_PAGES, Backfill, BackfillSummary
from ingest.crawl import SourceCrawler
from kliping.cli import EXIT_FAILED, pass_app
from kliping.cli.options import json_option

DAY = click.DateTime(formats=["%Y-%m-%d"])


@click.command("backfill")
@click.option("--source", "source_name", required=True, metavar="NAME", help="The source to backfill.")
@click.option("--from", "start", required=True, type=DAY, help="First day, YYYY-MM-DD.")
@click.option("--to", "end", required=True, type=DAY, help="Last day, YYYY-MM-DD (inclusive).")
@click.option("--max-pages", default=DEFAULT_MAX_PAGES, show_default=True, help="Most index pages read per day.")
@click.option("--redo", is_flag=True, help="Walk days already marked done again (e.g. after fixing the template).")
@json_option
@pass_app
def command(app, source_name: str, start: datetime, end: datetime, max_pages: int,  # type: ignore[no-untyped-def]
            redo: bool, as_json: bool) -> None:
    """Walk the source's index_url_template day by day and store every article listed.

    Resumable: progress is kept per day and page in the archive, so after an
    interruption the same command goes on where it stopped (finished days are
    skipped; --redo walks them again). A day whose first index page is
    missing (404) is not done: it fails, naming the URL, so a wrong template
    shows. Ctrl-C stops after the article in hand. Exits 1 if anything failed.

    \b
    Example (with index_url_template: 'https://site/indeks/{date:%Y-%m-%d}?page={page}'):
      kliping backfill --source kompas --from 2024-01-01 --to 2024-01-31
    """
    config = app.config
    source = config.source(source_name)
    if end < start:
        raise click.BadParameter("--to is before --from", param_hint="--to")
    archive = app.archive()
    with app.fetching(archive) as fetcher:
        crawler = SourceCrawler(fetcher, archive, None)
        restore = _stop_on_signals(crawler)
        total = (end - start).days + 1
        from tqdm import tqdm

        try:
            with tqdm(total=total, desc=f"backfill {source.name}", unit="day", leave=False) as bar:
                summary = Backfill(crawler, archive, max_pages=max_pages, redo=redo).run(
                    source, start.date(), end.date(), on_day=lambda _: bar.update(1))
        finally:
            restore()  # Ctrl-C during the indexing below interrupts it as usual
    indexed = app.index().catch_up(archive)
    _report(summary, indexed, as_json, interrupted=crawler.stop.is_set())
    if summary.crawl.failed:
        raise SystemExit(EXIT_FAILED)


def _stop_on_signals(crawler: SourceCrawler) -> Callable[[], None]:
    """SIGINT/SIGTERM end the backfill after the page in hand; returns what puts the old handlers back."""
    def stop(signum: int, frame: FrameType | None) -> None:
        crawler.stop.set()

    before = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}

    def restore() -> None:
        for sig, handler in before.items():
            signal.signal(sig, handler)

    return restore


def _report(summary: BackfillSummary, indexed: int, as_json: bool, *, interrupted: bool) -> None:
    if as_json:
        click.echo(json.dumps({**summary.to_dict(), "indexed": indexed, "interrupted": interrupted},
                              ensure_ascii=False, indent=2))
        return
    c = summary.crawl
    click.echo(f"{summary.source}: {summary.days} days ({summary.days_already_done} already done, "
               f"{summary.days_failed} failed), "
               f"{summary.index_pages} index pages, {c.found} links: new {c.new}, already known {c.known}, "
               f"skipped (robots.txt) {c.skipped_robots}, failed {c.failed}; {indexed} indexed")
    for error in c.errors:
        click.echo(f"  failed {error['url']}: {error['reason']}")
    if interrupted:
        click.echo("interrupted: run the same command again to go on where it stopped")
