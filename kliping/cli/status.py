"""``kliping status``: what the archive and index hold, per source."""

from __future__ import annotations

import json

import click

from kliping.cli import pass_app
from kliping.cli.options import json_option


@click.command("status")
@json_option
@pass_app
def command(app, as_json: bool) -> None:  # type: ignore[no-untyped-def]
    """Show what the archive and the index hold, and each source's last crawl.

    \b
    Example:
      kliping status --json
    """
    status = app.status()
    if as_json:
        click.echo(json.dumps(status, ensure_ascii=False, indent=2))
        return
    click.echo(f"data: {status['data_dir']}")
    daemon = status["daemon"]
    click.echo(f"daemon: {'running, pid ' + str(daemon['pid']) if daemon['running'] else 'not running'}")
    click.echo(f"archive: {status['archive']['articles']} articles; index: {status['index']['documents']} documents")
    click.echo(f"archive at: {status['archive']['location']}")
    click.echo(f"index: {_in_step(status['index'])}")
    for s in status["sources"]:
        _print_source(s)


def _in_step(index: dict) -> str:
    if index["drift"]:
        return f"drifted from the archive: {index['drift']}. Fix: `kliping reindex`"
    if index["changes_to_index"]:
        return (f"{index['changes_to_index']} archived articles not indexed yet (the next crawl or import "
                "indexes them, or `kliping reindex --catch-up`)")
    return "in step with the archive"


def _print_source(s: dict) -> None:
    run = s["last_run"]
    last = f"last run {run['finished_at']} (new {run['new']}, failed {run['failed']})" if run else "never crawled"
    click.echo(f"  {s['name']:<16} archived {s['archived']:>7} (today {s['today']})  indexed {s['indexed']:>7}  {last}")
    pad = " " * 18
    if s["next_run"]:
        click.echo(f"{pad}next run: {s['next_run']}")
    if s.get("crawled_by"):  # a PostgreSQL archive shared by several daemons
        click.echo(f"{pad}crawled by daemon {s['crawled_by']}")
    if s["backoff"]["active"]:
        click.echo(f"{pad}backed off until {s['backoff']['until']} "
                   f"after {s['backoff']['failures_in_a_row']} failed runs in a row")
    if s["last_error"]:
        click.echo(f"{pad}last error: {s['last_error']}")
    _print_health(s["health"], pad)


def _print_health(health: dict, pad: str) -> None:
    """One line for a healthy source; one per alarm, saying what moved and against what normal."""
    if health["status"] != "alarm":
        click.echo(f"{pad}health: {health['status']}")
        return
    for alarm in health["alarms"]:
        value, mean = alarm["value"], alarm["mean"]
        if alarm["measure"] in ("volume", "median_length"):
            said = f"{value:g} against a mean of {mean:g} (σ {alarm['sd']:g})"
        else:
            said = f"{value:.0%} against a mean of {mean:.0%} (σ {alarm['sd']:.0%})"
        where = {"day": f"on {alarm['period']}", "today": "today so far", "recent": "in the latest pages"}
        click.echo(f"{pad}HEALTH ALARM: {alarm['measure']} {alarm['direction']} {where[alarm['scope']]}: {said}")
