"""``kliping extract``: the article a page gives, for checking a site by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kliping.errors import NotAnArticle, TooLarge

if TYPE_CHECKING:
    from kliping.config import FetchConfig


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

    settings = _fetch_settings()
    content, headers, fetched_url = _load(path_or_url, settings)
    _check_html(content, headers, page_url or fetched_url or path_or_url)
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


def _fetch_settings() -> FetchConfig:
    """The crawler's settings (``fetch.max_bytes`` above all) when a config file is there; the defaults if not,
    so ``extract`` works anywhere."""
    from kliping.app import Kliping
    from kliping.config import FetchConfig

    app = click.get_current_context().find_object(Kliping)
    if app is None or app.config_path is None or not Path(app.config_path).is_file():
        return FetchConfig(retries=1)
    return app.config.fetch.model_copy(update={"retries": 1, "min_interval": 0.0})


def _load(path_or_url: str, settings: FetchConfig) -> tuple[bytes, dict[str, str] | None, str | None]:
    if path_or_url.startswith(("http://", "https://")):
        return _fetch(path_or_url, settings)
    path = Path(path_or_url)
    if not path.is_file():
        raise click.BadParameter(f"no such file: {path_or_url} (give a saved HTML file or an http(s) URL)")
    return _read_bounded(path, settings.max_bytes), None, None


def _read_bounded(path: Path, limit: int) -> bytes:
    """The file, if it is within the limit a fetched page is held to (checked on what is read, not only the size
    the file system tells: a pipe or a growing file has none)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        content = handle.read(limit + 1) if size <= limit else b""
    if size > limit or len(content) > limit:
        raise TooLarge(f"{path} is {max(size, len(content)):,} bytes, more than fetch.max_bytes ({limit:,}), "
                       "the limit a fetched page is held to: is it a saved page? (raise fetch.max_bytes in "
                       "config.yaml to read it)")
    return content


def _fetch(url: str, settings: FetchConfig) -> tuple[bytes, dict[str, str], str]:
    """The page as the crawler would get it: robots.txt, size and time limits, decompression."""
    from ingest.fetch import Fetcher

    with Fetcher(settings) as fetcher:
        response = fetcher.get(url)
    return response.content, response.headers, response.url


#: What a file starts with, for the kinds people save by mistake.
_MAGIC = [
    (b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"), (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"), (b"II*\x00", "image/tiff"), (b"MM\x00*", "image/tiff"),
    (b"BM", "image/bmp"), (b"\x00\x00\x01\x00", "image/x-icon"),
]
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _content_type(content: bytes, headers: dict[str, str] | None) -> str | None:
    """The declared type for a fetched page; for a file, the type its first bytes show (None: may be HTML)."""
    for key, value in (headers or {}).items():
        if key.lower() == "content-type" and value.strip():
            return value.split(";")[0].strip().lower()
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    if content[4:12] in (b"ftypavif", b"ftypheic", b"ftypmif1"):
        return "image/avif" if content[8:12] == b"avif" else "image/heic"
    return None


def _check_html(content: bytes, headers: dict[str, str] | None, where: str) -> None:
    kind = _content_type(content, headers)
    looks_like_markup = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")  # a mislabelled page
    if kind and kind not in _HTML_TYPES and not looks_like_markup:
        raise NotAnArticle(f"not HTML (content type {kind}): {where} holds no web page to extract an article from",
                           url=where)
