"""``kliping extract``: the article a page gives, for checking a site by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click


@click.command("extract")
@click.argument("path_or_url")
@click.option("--url", "page_url", help="The URL the page was fetched from (for a saved file).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object (the archive's keys).")
@click.option("--source", help="Source name to record in the article.")
def command(path_or_url: str, page_url: str | None, as_json: bool, source: str | None) -> None:
    """Extract the article from a saved page or a URL.

    \b
    Examples:
      kliping extract ../shared/pages/kompas/anpandu-singlepage1.html
      kliping extract saved.html --url https://example.id/read/1 --json
      kliping extract https://nasional.kompas.com/read/2025/05/28/13300711/x --json
    """
    from ingest.extract import extract_article

    content, headers, fetched_url = _load(path_or_url)
    article = extract_article(
        content,
        page_url or fetched_url,
        headers=headers,
        fetched_at=datetime.now(UTC).astimezone() if fetched_url else None,
        source=source,
    )
    if as_json:
        click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(article.title)
    for label, value in (
        ("URL", article.url),
        ("Published", article.published),
        ("Author", article.author),
        ("Section", article.section),
    ):
        click.echo(f"{label}: {value or '-'}")
    click.echo("")
    click.echo(article.body)


def _load(path_or_url: str) -> tuple[bytes, dict[str, str] | None, str | None]:
    if path_or_url.startswith(("http://", "https://")):
        return _fetch(path_or_url)
    path = Path(path_or_url)
    if not path.is_file():
        raise click.BadParameter(f"no such file: {path_or_url} (give a saved HTML file or an http(s) URL)")
    return path.read_bytes(), None, None


def _fetch(url: str) -> tuple[bytes, dict[str, str], str]:
    """The page as the crawler would get it: robots.txt, size and time limits, decompression."""
    from ingest.fetch import Fetcher, FetchSettings

    with Fetcher(FetchSettings(retries=1)) as fetcher:
        response = fetcher.get(url)
    return response.content, response.headers, response.url
