"""``kliping trend``: how many articles matched a query, per day, week or month (WIB)."""

from __future__ import annotations

import click

from kliping.cli import EXIT_NOT_FOUND, pass_app
from kliping.cli.options import json_option, source_option
from kliping.cli.search import _check_searchable
from search.engine import SearchRequest
from search.trend import PERIODS, story_keys_for, trend


@click.command("trend")
@click.argument("query")
@click.option("--by", type=click.Choice(PERIODS), default="week", show_default=True,
              help="Count per day, per week (Monday to Sunday, ISO) or per month.")
@source_option
@click.option("--from", "date_from", metavar="DATE", help="From this date (WIB): 2019, 2019-09 or 2019-09-02.")
@click.option("--to", "date_to", metavar="DATE", help="Up to and including this date (WIB).")
@click.option("--collapse", is_flag=True, help="Count copies of one story (syndication) once.")
@click.option("--no-alias", "no_alias", is_flag=True, help="Count names as typed, without their aliases.")
@json_option
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (for spreadsheets).")
@pass_app
def command(app, query: str, by: str, sources, date_from, date_to, collapse: bool,  # type: ignore[no-untyped-def]
            no_alias: bool, as_json: bool, as_csv: bool) -> None:
    """Count the articles matching QUERY per day, week or month: raw, and as a
    share of everything archived in that period (within --source).

    Days are newsroom days in WIB (an article at 01:00 WIB on 3 September is
    a 3 September article), or the source's own zone when config.yaml gives it
    (`zone: WITA` or `WIT`). QUERY is read as `kliping search` reads it, name
    aliases included; `*` counts everything.

    Exits 3 when nothing matched.

    \b
    Examples:
      kliping trend karhutla --by week
      kliping trend "Joko Widodo" --by day --from 2019-09 --to 2019-09 --source kompas.com
      kliping trend "kabut asap" --by month --csv > asap.csv
    """
    archive = app.archive(readonly=True)
    index = app.index()
    _check_searchable(archive, index)
    request = SearchRequest(query=query, date_from=date_from, date_to=date_to, sources=list(sources),
                            aliases=not no_alias, snippets=False)
    zones = {source.name: source.zone for source in app.config.sources}
    result = trend(app.engine(), request, by=by, zones=zones,  # type: ignore[arg-type]
                   story_keys=story_keys_for(archive) if collapse else None)
    if as_json:
        click.echo(result.to_json())
    elif as_csv:
        click.echo(result.to_csv(), nl=False)
    else:
        click.echo(result.to_text())
    if not result.matched:
        raise SystemExit(EXIT_NOT_FOUND)
