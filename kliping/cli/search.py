"""``kliping search``: find articles in the archive."""

from __future__ import annotations

import sys

import click

from index.archive import Archive
from index.store import SearchIndex
from kliping.cli import EXIT_NOT_FOUND, end_quickly, pass_app
from kliping.cli.options import json_option, source_option
from kliping.errors import NOTHING_ARCHIVED, IndexMissing, NothingArchived
from search.engine import SearchRequest
from search.expand import Applied
from search.limits import MAX_LIMIT, MAX_PAGE
from search.render import to_csv, to_json, to_text


@click.command("search")
@click.argument("query", required=False, default="")
@click.option("--from", "date_from", metavar="DATE", help="From this date (WIB): 2021, 2021-12 or 2021-12-31.")
@click.option("--to", "date_to", metavar="DATE", help="Up to and including this date (WIB).")
@source_option
@click.option("--author", metavar="NAME", help="Only articles by this author.")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest"]), default="relevance",
              show_default=True)
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), default=10, show_default=True)
@click.option("--page", type=click.IntRange(1, MAX_PAGE), default=1, show_default=True)
@click.option("--facets", is_flag=True, help="Also count the hits by source and by month.")
@click.option("--like", metavar="ID", help="Articles like the one with this id (instead of a query).")
@click.option("--no-alias", "no_alias", is_flag=True,
              help="Search names as typed: do not expand Jokowi to Joko Widodo (see search/aliases.txt).")
@click.option("--explain", is_flag=True, help="Also say which name aliases the query was expanded by (on stderr).")
@click.option("--collapse", is_flag=True,
              help="One result per story: the best-ranked copy, with the outlets of the others (also in: ...).")
@json_option
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (for spreadsheets).")
@pass_app
def command(app, query: str, date_from, date_to, sources, author, sort, limit, page, facets, like,  # type: ignore[no-untyped-def]
            no_alias: bool, explain: bool, collapse: bool, as_json: bool, as_csv: bool) -> None:
    """Search the archive. QUERY is a question, a sentence or keywords, typed as they
    come, or Whoosh syntax with Indonesian additions.

    Words match every form of their root (sanksi matches sanksi-sanksi); an
    article need not hold every word: the best come first (with one or two
    words, those holding both). Question words (apa, siapakah...) and a final
    ? never decide a match. "quoted phrases" match exactly; "biden putin"~5
    finds the words within five of each other; AND/DAN, OR/ATAU, NOT/BUKAN
    make every part required; fields judul:/title:, penulis:/author:,
    sumber:/source:; korup* wildcards. A name finds its other names
    (Jokowi finds Joko Widodo, KPK finds Komisi Pemberantasan Korupsi);
    --no-alias turns that off and --explain shows it.

    Exits 3 when nothing matched, nothing is on the page asked for, or nothing
    is archived yet; 4 when the archive holds articles but has no index
    (run kliping reindex).

    \b
    Examples:
      kliping search "sanksi Rusia" --from 2021-12 --to 2021-12
      kliping search "Apa penyebab kebakaran hutan di Riau?"
      kliping search 'judul:banjir DAN sumber:kompas' --sort newest
      kliping search korupsi --facets --json
      kliping search "Cak Imin" --explain
      kliping search karhutla --collapse
    """
    if not query and not like:
        raise click.UsageError('give a QUERY (e.g. kliping search "sanksi Rusia") or --like ID')
    if query and like:
        raise click.UsageError(f"give a QUERY or --like ID, not both: --like finds articles like {like!r} "
                               f"and would ignore {query!r}")
    archive = app.archive(readonly=True)  # (its data_dir from a record of this very file's last validation)
    index = app.index()
    _check_searchable(archive, index)
    engine = app.engine()
    request = SearchRequest(query=query, date_from=date_from, date_to=date_to, sources=list(sources),
                            author=author, sort=sort, limit=limit, page=page, facets=facets, like=like,
                            aliases=not no_alias, collapse=collapse)
    results = engine.search(request)
    if explain:
        click.echo(explanation(results.aliases, enabled=not no_alias), err=True)
    if as_json:
        click.echo(to_json(results))
    elif as_csv:
        click.echo(to_csv(results), nl=False)
    else:
        click.echo(to_text(results, color=sys.stdout.isatty()))
    end_quickly()
    if not results.hits:  # nothing matched, or nothing on this page
        raise SystemExit(EXIT_NOT_FOUND)


def explanation(applied: list[Applied], *, enabled: bool) -> str:
    """What ``--explain`` prints: each name the query was expanded by, and to what."""
    if not enabled:
        return "aliases: off (--no-alias)"
    if not applied:
        return "aliases: none applied"
    lines = [f"aliases: {a.typed!r} -> {a.group}: " + " | ".join(a.names) for a in applied]
    return "\n".join(lines)


def _check_searchable(archive: Archive, index: SearchIndex) -> None:
    """Say what is missing before searching: nothing archived (crawl or import), or the index of an archive
    that holds articles (reindex: "nothing archived" would be untrue there, and crawling would not help)."""
    if archive.is_empty():
        raise NothingArchived(NOTHING_ARCHIVED)
    if not index.exists():
        raise IndexMissing(f"the archive holds {archive.count()} articles but there is no index at {index.path}: "
                           "rebuild it with `kliping reindex`")
