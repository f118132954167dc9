"""``kliping crawl``: one ingest cycle over the configured sources."""

from __future__ import annotations

import json
import time

import click

from ingest.crawl import SourceCrawler, SourceSummary
from kliping.cli import EXIT_FAILED, pass_app
from kliping.cli.options import json_option, source_option


@click.command("crawl")
@source_option
@click.option("--refetch", is_flag=True, help="Fetch already stored articles again to catch edits.")
@json_option
@pass_app
def command(app, sources: tuple[str, ...], refetch: bool, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    """Discover, fetch, extract, archive and index new articles once.

    Prints a summary per source. Exits 1 when any page or source failed
    (the rest was still stored). Pages robots.txt disallows are skipped and
    counted, never requested; they are no failure.

    \b
    Examples:
      kliping crawl
      kliping crawl --source antaranews --json
    """
    config = app.config
    chosen = [config.source(name) for name in sources] if sources else list(config.sources)
    if not chosen:
        raise click.UsageError("config.yaml lists no sources; add one under `sources:`")
    archive = app.archive()
    summaries: list[SourceSummary] = []
    started = time.monotonic()
    with app.fetching(archive) as fetcher:
        crawler = SourceCrawler(fetcher, archive, app.index())
        for source in chosen:
            summary = crawler.run(source, refetch=refetch)
            summaries.append(summary)
            if not as_json:
                _print_summary(summary)
    elapsed = time.monotonic() - started
    stored = sum(s.new + s.updated for s in summaries)
    if as_json:
        click.echo(json.dumps({"sources": [s.to_dict() for s in summaries], "seconds": round(elapsed, 3),
                               "pages_per_second": round(stored / elapsed, 3) if elapsed else None},
                              ensure_ascii=False, indent=2))
    else:
        rate = stored / elapsed if elapsed else 0.0
        click.echo(f"done in {elapsed:.1f}s: {stored} articles stored and indexed ({rate:.2f} pages/s)")
    if any(s.failed for s in summaries):
        raise SystemExit(EXIT_FAILED)


def _print_summary(s: SourceSummary) -> None:
    click.echo(
        f"{s.source}: found {s.found}, new {s.new}, updated {s.updated}, unchanged {s.unchanged}, "
        f"already known {s.known}, skipped (robots.txt) {s.skipped_robots}, failed {s.failed}"
    )
    for error in s.errors:
        click.echo(f"  failed {error['url']}: {error['reason']}")
