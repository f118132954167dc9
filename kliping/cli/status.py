"""``kliping status``: what the archive and index hold, per source."""

from __future__ import annotations

import json

import click

from kliping.app import archive_path, open_archive, open_index
from kliping.cli import pass_app
from kliping.cli.options import json_option


def collect_status(config) -> dict:  # type: ignore[no-untyped-def]
    """Counts and last runs per source, as one plain dict (the API uses it too)."""
    index = open_index(config)
    if not archive_path(config).exists():
        counts, runs, total = {}, {}, 0
    else:
        archive = open_archive(config, readonly=True)
        counts, runs, total = archive.counts_by_source(), archive.last_runs(), archive.count()
    indexed = _indexed_by_source(index)
    names = [s.name for s in config.sources] + sorted(set(counts) - {s.name for s in config.sources})
    sources = []
    for name in names:
        run = runs.get(name)
        sources.append({
            "name": name,
            "configured": any(s.name == name for s in config.sources),
            "archived": counts.get(name, 0),
            "indexed": indexed.get(name, 0),
            "last_run": _run(run),
        })
    return {
        "data_dir": str(config.data_dir),
        "archive": {"articles": total},
        "index": {"documents": index.doc_count(), "watermark": index.watermark()},
        "sources": sources,
    }


def _run(run: dict | None) -> dict | None:  # type: ignore[type-arg]
    if not run:
        return None
    keys = ("started_at", "finished_at", "found", "new", "updated", "unchanged", "failed")
    out = {key: run[key] for key in keys}
    out["last_error"] = run["errors"][-1]["reason"] if run["errors"] else None
    return out


def _indexed_by_source(index) -> dict[str, int]:  # type: ignore[no-untyped-def]
    if not index.exists():
        return {}
    from whoosh import sorting
    from whoosh.query import Every

    with index.open().searcher() as searcher:
        results = searcher.search(Every(), limit=1, groupedby=sorting.FieldFacet("source", maptype=sorting.Count))
        return {str(k): int(v) for k, v in results.groups("source").items()}


@click.command("status")
@json_option
@pass_app
def command(app, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    """Show what the archive and the index hold, and each source's last crawl.

    \b
    Example:
      kliping status --json
    """
    status = collect_status(app.config)
    if as_json:
        click.echo(json.dumps(status, ensure_ascii=False, indent=2))
        return
    click.echo(f"data: {status['data_dir']}")
    click.echo(f"archive: {status['archive']['articles']} articles; index: {status['index']['documents']} documents")
    for s in status["sources"]:
        run = s["last_run"]
        last = f"last run {run['finished_at']} (new {run['new']}, failed {run['failed']})" if run else "never crawled"
        click.echo(f"  {s['name']:<16} archived {s['archived']:>7}  indexed {s['indexed']:>7}  {last}")
        if run and run["last_error"]:
            click.echo(f"  {'':<16} last error: {run['last_error']}")
